// The fence engine on hand-drawn cases: shapes, bands, flips within a segment, schedules, dwell,
// absence and replays. Expected places and times are worked out by hand from the drawings.
import { expect } from 'chai'
import { FenceIndex, bandOf, type DeviceRef, type FenceAlertOut, type FenceDef, type FenceState, type Fix } from '../../server/fences/engine.ts'
import { circle, fence, fix, metresTo, rect, uShape, type XY } from './shapes.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 11, 1, 1, 0) // Tuesday 09:00 China time
const DEVICE: DeviceRef = { deviceId: 1, memberId: 7, community: '990102001001' }
const always = () => true

/** Runs batches in turn, carrying the states like the database would; returns every alert. */
function run(index: FenceIndex, batches: Fix[][], states = new Map<number, FenceState>(), device = DEVICE): FenceAlertOut[] {
  const alerts: FenceAlertOut[] = []
  let prev: Fix | null = null
  for (const b of batches) {
    const out = index.evaluate(device, prev, b, states)
    alerts.push(...out.alerts)
    for (const s of out.states) states.set(s.fenceId, s)
    prev = b[b.length - 1] ?? prev
  }
  return alerts
}

const kinds = (alerts: FenceAlertOut[]) => alerts.map((a) => a.kind)

function expectAt(a: FenceAlertOut | undefined, kind: string, t: number, place: XY): void {
  expect(a, `${kind} alert`).to.not.equal(undefined)
  expect(a!.kind).to.equal(kind)
  expect(Math.abs(a!.at - t), `${kind} time`).to.be.below(1000)
  expect(metresTo(a!.lon, a!.lat, place), `${kind} place`).to.be.below(0.5)
}

describe('fences/engine: bands', () => {
  it('is max(3 m, 2 × accuracy), 10 m when unknown, capped at 100 m', () => {
    expect(bandOf(0.5)).to.equal(3)
    expect(bandOf(5)).to.equal(10)
    expect(bandOf(null)).to.equal(20)
    expect(bandOf(Number.NaN)).to.equal(20)
    expect(bandOf(80)).to.equal(100)
  })
})

describe('fences/engine: crossings', () => {
  const square = fence(1, [[rect(-100, -100, 100, 100)]])

  it('a segment passing straight through with both ends outside enters and exits', () => {
    const index = new FenceIndex([square], always)
    const alerts = run(index, [[fix(T0, -300, 0)], [fix(T0 + 600_000, 300, 0)]])
    expect(kinds(alerts)).to.deep.equal(['enter', 'exit'])
    expectAt(alerts[0], 'enter', T0 + 200_000, [-100, 0])
    expectAt(alerts[1], 'exit', T0 + 400_000, [100, 0])
    expect(alerts[0]!.detail).to.include({ band: 10 })
    expect(alerts[0]!.detail.depth).to.be.closeTo(100, 0.5)
  })

  it('a ring that does not repeat its first vertex is closed all the same', () => {
    const open = fence(9, [[rect(-100, -100, 100, 100)]])
    open.geom.coordinates[0]![0]!.pop()
    const alerts = run(new FenceIndex([open], always), [[fix(T0, -300, 0)], [fix(T0 + 600_000, 300, 0)]])
    expect(kinds(alerts)).to.deep.equal(['enter', 'exit'])
    expectAt(alerts[0], 'enter', T0 + 200_000, [-100, 0])
  })

  it('a first fix alone enters only deeper than its band', () => {
    const index = new FenceIndex([square], always)
    expect(run(index, [[fix(T0, 95, 0, 5)]])).to.have.length(0) // 5 m deep, band 10
    const alerts = run(index, [[fix(T0, 85, 0, 5)]]) // 15 m deep
    expectAt(alerts[0], 'enter', T0, [85, 0])
  })

  it('a walk inside the band never flips, however it wiggles', () => {
    const index = new FenceIndex([square], always)
    const track = Array.from({ length: 40 }, (_, i) => fix(T0 + i * 15_000, -150 + i * 8, 100 + (i % 2 ? 8 : -8), 5))
    expect(run(index, track.map((f) => [f]))).to.deep.equal([])
  })

  it('a circle: enters where the path crosses the rim, exits on the other side', () => {
    const index = new FenceIndex([fence(2, [[circle(0, 0, 100)]])], always)
    const alerts = run(index, [[fix(T0, 0, -200)], [fix(T0 + 100_000, 0, 0)], [fix(T0 + 300_000, 200, 0)]])
    expect(kinds(alerts)).to.deep.equal(['enter', 'exit'])
    // the 64-gon's rim at 90° is a vertex at r = 100; at 0° likewise
    expectAt(alerts[0], 'enter', T0 + 50_000, [0, -100])
    expectAt(alerts[1], 'exit', T0 + 200_000, [100, 0])
  })

  it('a concave U: a segment across a wide notch exits and re-enters; across a narrow one it does not', () => {
    const wide = fence(3, [[uShape(0, 0, 300, 200, 100, 50)]]) // notch 100 m wide, from y = 50 up
    const index = new FenceIndex([wide], always)
    const states = new Map<number, FenceState>()
    run(index, [[fix(T0, 50, 150)]], states) // deep in the left arm
    const alerts = run(index, [[fix(T0, 50, 150)], [fix(T0 + 200_000, 250, 150)]], states)
    expect(kinds(alerts)).to.deep.equal(['exit', 'enter'])
    expectAt(alerts[0], 'exit', T0 + 50_000, [100, 150])
    expectAt(alerts[1], 'enter', T0 + 150_000, [200, 150])

    const narrow = fence(4, [[uShape(0, 0, 215, 200, 100, 50)]]) // notch 15 m: its middle is 7.5 m out
    const idx2 = new FenceIndex([narrow], always)
    const st2 = new Map<number, FenceState>()
    run(idx2, [[fix(T0, 50, 150)]], st2)
    expect(run(idx2, [[fix(T0, 50, 150)], [fix(T0 + 200_000, 165, 150)]], st2)).to.deep.equal([])
    expect(st2.get(4)!.inside).to.equal(true)
  })

  it('a multipolygon with a hole: the hole is outside; each part is its own area', () => {
    const f = fence(5, [[rect(-200, -200, 200, 200), rect(-100, -100, 100, 100)], [rect(400, -50, 500, 50)]])
    const index = new FenceIndex([f], always)
    const alerts = run(index, [[fix(T0, 0, 0)], [fix(T0 + 300_000, 300, 0)], [fix(T0 + 400_000, 450, 0)]])
    // hole centre (outside) → crosses the ring from x = 100 to 200 → gap → second part
    expect(kinds(alerts)).to.deep.equal(['enter', 'exit', 'enter'])
    expectAt(alerts[0], 'enter', T0 + 100_000, [100, 0])
    expectAt(alerts[1], 'exit', T0 + 200_000, [200, 0])
    expectAt(alerts[2], 'enter', T0 + 300_000 + 66_667, [400, 0])
  })

  it('the crossing is the last boundary meeting before the flip: a fix in the band then a deep one', () => {
    const index = new FenceIndex([square], always)
    const alerts = run(index, [[fix(T0, -120, 0)], [fix(T0 + 20_000, -95, 0)], [fix(T0 + 40_000, -50, 0)]])
    expect(kinds(alerts)).to.deep.equal(['enter'])
    // the first segment crossed x = -100 but stayed in the band (5 m deep): the crossing is there
    // no longer; the flip happens in the second segment, which never meets the boundary → its start
    expectAt(alerts[0], 'enter', T0 + 20_000, [-95, 0])
  })

  it('a replayed batch (fixes at or before lastFixAt) never alerts twice', () => {
    const index = new FenceIndex([square], always)
    const states = new Map<number, FenceState>()
    const batch = [fix(T0, -300, 0), fix(T0 + 600_000, 300, 0)]
    expect(run(index, [batch], states)).to.have.length(2)
    expect(run(index, [batch], states)).to.deep.equal([])
    expect(index.evaluate(DEVICE, batch[0]!, [batch[1]!], states).alerts).to.deep.equal([])
  })

  it('rules off or schedule off: no alert, but the state follows', () => {
    let on = false
    const f = fence(6, [[rect(-100, -100, 100, 100)]], { rules: { exit: false } })
    const index = new FenceIndex([f], () => on)
    const states = new Map<number, FenceState>()
    expect(run(index, [[fix(T0, -300, 0)], [fix(T0 + 60_000, 0, 0)]], states)).to.deep.equal([])
    expect(states.get(6)).to.include({ inside: true })
    on = true
    expect(run(index, [[fix(T0 + 120_000, 0, 0)], [fix(T0 + 180_000, 300, 0)]], states)).to.deep.equal([])
    expect(states.get(6)).to.include({ inside: false })
    expect(kinds(run(index, [[fix(T0 + 240_000, 300, 0)], [fix(T0 + 300_000, 0, 0)]], states))).to.deep.equal(['enter'])
  })
})

describe('fences/engine: who is watched', () => {
  const mine = fence(1, [[rect(0, 0, 10, 10)]], { memberIds: [7, 8] })
  const area = fence(2, [[rect(0, 0, 10, 10)]], { adminPrefix: '990102001' })
  const other = fence(3, [[rect(0, 0, 10, 10)]], { adminPrefix: '990102002' })
  const index = new FenceIndex([mine, area, other], always)
  it('member fences by member, area fences by the community prefix', () => {
    expect(index.appliesTo(DEVICE).map((f) => f.id)).to.deep.equal([1, 2])
    expect(index.appliesTo({ deviceId: 2, memberId: null, community: '990102002003' }).map((f) => f.id)).to.deep.equal([3])
    expect(index.appliesTo({ deviceId: 3, memberId: 9, community: '990103001001' })).to.deep.equal([])
  })
  it('a device outside the watchers is never evaluated', () => {
    const stranger = { deviceId: 4, memberId: 9, community: '990103001001' }
    expect(index.evaluate(stranger, null, [fix(T0, 5, 5)], new Map()).alerts).to.deep.equal([])
  })
})

describe('fences/engine: dwell and absence', () => {
  const dwellFence = fence(1, [[rect(-100, -100, 100, 100)]], { rules: { enter: false, exit: false, dwellMinutes: 10 } })

  it('dwell: one alert per stay at since + N minutes, again after leaving and coming back', () => {
    const index = new FenceIndex([dwellFence], always)
    const states = new Map<number, FenceState>()
    const inside = (k: number) => [fix(T0 + k * MIN, 0, 0)]
    const alerts = run(index, [inside(0), inside(5), inside(11), inside(30)], states)
    expect(kinds(alerts)).to.deep.equal(['dwell'])
    expect(alerts[0]!.at).to.equal(T0 + 10 * MIN)
    expect(alerts[0]!.detail).to.deep.include({ minutes: 10 })
    const back = run(index, [[fix(T0 + 31 * MIN, 0, 0)], [fix(T0 + 32 * MIN, 300, 0)], [fix(T0 + 33 * MIN, 0, 0)], [fix(T0 + 50 * MIN, 0, 0)]], states)
    expect(kinds(back)).to.deep.equal(['dwell'])
    // re-entered on the segment from x = 300 to 0 at x = 100: two thirds into its minute
    expect(back[0]!.at).to.be.closeTo(T0 + 32 * MIN + 40_000 + 10 * MIN, 1000)
  })

  it('dwell is judged when the stay ends inside a segment, and by tick for a silent device', () => {
    const index = new FenceIndex([dwellFence], always)
    const states = new Map<number, FenceState>()
    run(index, [[fix(T0, 0, 0)]], states)
    // the next fix, 20 minutes later, is outside: the stay lasted ~13 min (exit at x = 100 of 0 → 150)
    const alerts = run(index, [[fix(T0, 0, 0)], [fix(T0 + 20 * MIN, 150, 0)]], states)
    expect(kinds(alerts)).to.deep.equal(['dwell'])
    expect(alerts[0]!.at).to.equal(T0 + 10 * MIN)

    const silent = new Map<number, FenceState>()
    run(index, [[fix(T0, 0, 0)]], silent)
    expect(index.tick(DEVICE, silent, T0 + 9 * MIN).alerts).to.deep.equal([])
    const out = index.tick(DEVICE, silent, T0 + 12 * MIN, { lon: 116, lat: 36.45 })
    expect(kinds(out.alerts)).to.deep.equal(['dwell'])
    expect(out.alerts[0]).to.include({ at: T0 + 10 * MIN, lon: 116, lat: 36.45 })
    expect(out.states[0]).to.include({ dwellAlerted: true })
    for (const s of out.states) silent.set(s.fenceId, s)
    expect(index.tick(DEVICE, silent, T0 + 20 * MIN).alerts).to.deep.equal([])
  })

  it('absence counts only on-duty time: outside all night, alerted N minutes after duty starts', () => {
    // duty 09:00-12:00 China time on weekdays; T0 is Tuesday 09:00
    const f = fence(2, [[rect(-100, -100, 100, 100)]], {
      rules: { enter: false, exit: false, absentMinutes: 30 }, schedule: { days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' },
    })
    const duty = (_: FenceDef, t: number) => {
      const m = ((t + 8 * 3_600_000) % 86_400_000) / MIN
      return m >= 540 && m < 720
    }
    const index = new FenceIndex([f], duty)
    const states = new Map<number, FenceState>()
    const away = (k: number) => [fix(T0 + k * MIN, 500, 0)]
    const alerts = run(index, [away(-600), away(-10), away(20), away(29), away(45), away(60)], states)
    expect(kinds(alerts)).to.deep.equal(['absent'])
    expect(alerts[0]!.at).to.equal(T0 + 30 * MIN)
    expect(states.get(2)).to.include({ absentAlerted: true, since: T0 - 600 * MIN })
    // back inside resets it; the next absence is alerted again
    const again = run(index, [[fix(T0 + 61 * MIN, 0, 0)], [fix(T0 + 62 * MIN, 500, 0)], [fix(T0 + 100 * MIN, 500, 0)]], states)
    expect(kinds(again)).to.deep.equal(['absent'])
    expect(again[0]!.at).to.be.closeTo(T0 + 61.2 * MIN + 30 * MIN, 1000) // left at x = 100 of 0 → 500
  })

  it('absence is not alerted off duty, nor for a stretch of duty shorter than N', () => {
    const f = fence(3, [[rect(-100, -100, 100, 100)]], {
      rules: { enter: false, exit: false, absentMinutes: 30 }, schedule: { days: [2], from: '09:00', to: '09:20' },
    })
    const duty = (_: FenceDef, t: number) => {
      const m = ((t + 8 * 3_600_000) % 86_400_000) / MIN
      return m >= 540 && m < 560
    }
    const index = new FenceIndex([f], duty)
    const alerts = run(index, [[fix(T0 - 120 * MIN, 500, 0)], [fix(T0 + 19 * MIN, 500, 0)], [fix(T0 + 120 * MIN, 500, 0)]])
    expect(alerts).to.deep.equal([])
  })
  it('tick: absence of a device that stopped reporting, placed inside the fence without a last place', () => {
    const f = fence(4, [[rect(-100, -100, 100, 100)]], { rules: { enter: false, exit: false, absentMinutes: 30 } })
    const index = new FenceIndex([f], always)
    const states = new Map<number, FenceState>()
    const first = index.evaluate(DEVICE, null, [fix(T0, 500, 0)], states)
    // a new row: the absence clock needs to know since when
    expect(first.states).to.deep.equal([{ fenceId: 4, inside: false, since: T0, lastFixAt: T0, dwellAlerted: false, absentAlerted: false }])
    for (const s of first.states) states.set(s.fenceId, s)
    expect(index.tick(DEVICE, states, T0 + 29 * MIN).alerts).to.deep.equal([])
    const out = index.tick(DEVICE, states, T0 + 31 * MIN)
    expect(kinds(out.alerts)).to.deep.equal(['absent'])
    expect(out.alerts[0]!.at).to.equal(T0 + 30 * MIN)
    expect(metresTo(out.alerts[0]!.lon, out.alerts[0]!.lat, [0, 0])).to.be.below(1)
  })
})

describe('fences/engine: returned states', () => {
  it('only changed ones: no row for a fence nothing happened to, none for a fix that changed nothing', () => {
    const square = fence(1, [[rect(-100, -100, 100, 100)]])
    const index = new FenceIndex([square], always)
    const states = new Map<number, FenceState>()
    expect(index.evaluate(DEVICE, null, [fix(T0, 500, 0)], states).states).to.deep.equal([])
    const entered = index.evaluate(DEVICE, fix(T0, 500, 0), [fix(T0 + MIN, 0, 0)], states)
    expect(entered.states).to.have.length(1)
    expect(entered.states[0]).to.include({ inside: true, lastFixAt: T0 + MIN })
    expect(entered.states[0]!.since).to.be.closeTo(T0 + 0.8 * MIN, 1000)
    states.set(1, entered.states[0]!)
    expect(index.evaluate(DEVICE, fix(T0 + MIN, 0, 0), [fix(T0 + 2 * MIN, 10, 0)], states).states).to.deep.equal([])
  })
})
