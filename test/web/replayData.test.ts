// The replay player's arithmetic (web-map/src/panels/replay/replayData.ts): a member's place at
// an instant, worked out by hand on a two-piece track, and the SLA clock's phases and time left.
import { expect } from 'chai'
import { clockAt, positionAt, spanText } from '../../web-map/src/panels/replay/replayData.ts'

const T = Date.parse('2026-12-03T02:00:00Z')
const iso = (ms: number) => new Date(T + ms).toISOString()

describe('replay player arithmetic', () => {
  const track = [
    { coordinates: [[116, 36], [116.01, 36], [116.01, 36.02]] as [number, number][], times: [iso(0), iso(10_000), iso(30_000)] },
    { coordinates: [[117, 37], [117.02, 37]] as [number, number][], times: [iso(400_000), iso(420_000)] },
  ]

  it('interpolates inside a piece and is nowhere before, between and after the pieces', () => {
    expect(positionAt(track, T - 1)).to.equal(null)
    expect(positionAt(track, T)).to.deep.equal([116, 36])
    expect(positionAt(track, T + 5_000)![0]).to.be.closeTo(116.005, 1e-12)
    const mid = positionAt(track, T + 20_000)!
    expect(mid[0]).to.be.closeTo(116.01, 1e-12)
    expect(mid[1]).to.be.closeTo(36.01, 1e-12)
    expect(positionAt(track, T + 30_000)).to.deep.equal([116.01, 36.02])
    expect(positionAt(track, T + 200_000)).to.equal(null)
    expect(positionAt(track, T + 410_000)![0]).to.be.closeTo(117.01, 1e-12)
    expect(positionAt(track, T + 420_001)).to.equal(null)
    expect(positionAt([], T)).to.equal(null)
  })

  it('runs the SLA clock from dispatch, to signing then handling, and stops it at closing', () => {
    const c = { startedAt: iso(60_000), signDueAt: iso(3_660_000), signedAt: iso(600_000), handleDueAt: iso(7_260_000), stoppedAt: iso(9_000_000) }
    expect(clockAt(c, T)).to.deep.equal({ phase: 'not_started', deadline: null, leftMs: null })
    expect(clockAt(c, T + 120_000)).to.deep.equal({ phase: 'running', deadline: 'sign', leftMs: 3_540_000 })
    expect(clockAt(c, T + 600_000)).to.deep.equal({ phase: 'running', deadline: 'handle', leftMs: 6_660_000 })
    expect(clockAt(c, T + 8_000_000)).to.deep.equal({ phase: 'running', deadline: 'handle', leftMs: -740_000 })
    // after closing the clock stays where it stopped: overdue by the closing's lateness
    expect(clockAt(c, T + 9_500_000)).to.deep.equal({ phase: 'stopped', deadline: 'handle', leftMs: -1_740_000 })
    expect(clockAt({ ...c, signDueAt: null, signedAt: null, handleDueAt: null }, T + 120_000)).to.deep.equal({ phase: 'running', deadline: null, leftMs: null })
  })

  it('words spans in Chinese, overdue ones as 超时', () => {
    expect(spanText(59_000)).to.equal('0分')
    expect(spanText(125 * 60_000)).to.equal('2小时05分')
    expect(spanText(-35 * 60_000)).to.equal('超时 35分')
    expect(spanText((26 * 60 + 10) * 60_000)).to.equal('1天2小时')
  })
})
