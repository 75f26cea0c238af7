// False fence events (issue 10, Speed): inspectors walking along a fence boundary with GPS noise
// of the fixes' accuracy raise enter/exit events; ours must be at most a tenth of testing each
// position alone (Traccar's way), and no real crossing may be missed.
import { expect } from 'chai'
import { simulateFalseEvents, type SimResult } from './simulate.ts'

describe('fences/engine: false events on boundary walks', function () {
  this.timeout(60_000)
  let r: SimResult
  before(() => { r = simulateFalseEvents({ walkers: 40, walkHours: 1, crossers: 200 }) })

  it('Traccar-style flapping is real on these tracks (the measure measures something)', () => {
    expect(r.traccarPerHour).to.be.above(30)
  })

  it('enter/exit per inspector-hour ≤ 1/10 of testing each position alone', () => {
    expect(r.oursPerHour, `ours ${r.oursPerHour}/h, Traccar's ${r.traccarPerHour}/h`).to.be.at.most(r.traccarPerHour / 10)
  })

  it('every real crossing (60-100 m deep) is detected, entry and exit', () => {
    expect(r.oursDetected).to.equal(r.crossings)
    expect(r.traccarDetected).to.equal(r.crossings)
  })
})
