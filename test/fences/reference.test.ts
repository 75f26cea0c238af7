// The engine's enter/exit sequence against the brute-force reference (reference.ts) on thousands
// of seeded random tracks: random walks with jumps and random accuracies, fed in random batches,
// across random fences (rectangles, stars, one of 48-63 edges, a U, a circle, a holed polygon, a
// multipolygon).
import { expect } from 'chai'
import { FenceIndex, type DeviceRef, type FenceAlertOut, type FenceDef, type FenceState, type Fix } from '../../server/fences/engine.ts'
import { refFence, refTrack, type RefEvent } from './reference.ts'
import { circle, fence, fix, rect, toXY, uShape, type XY } from './shapes.ts'
import { mulberry32 } from './random.ts'

const TRACKS = 2000
const FIXES = 20
const DEVICE: DeviceRef = { deviceId: 1, memberId: null, community: '990102001001' }

function star(rnd: () => number, cx: number, cy: number, rMin: number, rMax: number, n: number): XY[] {
  const angles = Array.from({ length: n }, () => rnd() * 2 * Math.PI).sort((a, b) => a - b)
  return angles.map((a) => {
    const r = rMin + rnd() * (rMax - rMin)
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as XY
  })
}

function rotated(pts: XY[], cx: number, cy: number, angle: number): XY[] {
  const c = Math.cos(angle), s = Math.sin(angle)
  return pts.map(([x, y]) => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c] as XY)
}

function randomFences(rnd: () => number): FenceDef[] {
  const at = () => [(rnd() - 0.5) * 1200, (rnd() - 0.5) * 1200] as const
  const fences: FenceDef[] = []
  let id = 1
  for (let k = 0; k < 3; k++) {
    const [cx, cy] = at()
    // the last one has enough edges for the engine's per-fence edge index
    const n = k < 2 ? 5 + Math.floor(rnd() * 12) : 48 + Math.floor(rnd() * 16)
    fences.push(fence(id++, [[star(rnd, cx, cy, 40 + rnd() * 60, 150 + rnd() * 150, n)]]))
  }
  {
    const [cx, cy] = at(), w = 100 + rnd() * 300, h = 60 + rnd() * 200
    fences.push(fence(id++, [[rotated(rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), cx, cy, rnd() * Math.PI)]]))
  }
  {
    const [cx, cy] = at()
    fences.push(fence(id++, [[rotated(uShape(cx - 150, cy - 120, 300, 240, 60 + rnd() * 40, 40 + rnd() * 60), cx, cy, rnd() * Math.PI)]]))
  }
  {
    const [cx, cy] = at()
    fences.push(fence(id++, [[circle(cx, cy, 50 + rnd() * 150, 32)]]))
  }
  {
    const [cx, cy] = at()
    fences.push(fence(id++, [[rect(cx - 200, cy - 200, cx + 200, cy + 200), star(rnd, cx, cy, 40, 150, 9)]]))
  }
  {
    const [cx, cy] = at()
    fences.push(fence(id, [[star(rnd, cx - 150, cy, 30, 110, 7)], [rect(cx + 60, cy - 60, cx + 220, cy + 60)]]))
  }
  return fences
}

function randomTrack(rnd: () => number, fences: FenceDef[], t0: number): Fix[] {
  // start somewhere about a random fence's box
  const f = fences[Math.floor(rnd() * fences.length)]!
  const corners = f.geom.coordinates.flat(2).map((p) => toXY(p[0]!, p[1]!))
  const xs = corners.map((p) => p[0]), ys = corners.map((p) => p[1])
  const x0 = Math.min(...xs) - 100, y0 = Math.min(...ys) - 100
  let x = x0 + rnd() * (Math.max(...xs) + 100 - x0), y = y0 + rnd() * (Math.max(...ys) + 100 - y0)
  let heading = rnd() * 2 * Math.PI, t = t0
  const track: Fix[] = []
  for (let i = 0; i < FIXES; i++) {
    const accuracy = rnd() < 0.1 ? null : rnd() < 0.05 ? 50 + rnd() * 30 : 1 + rnd() * 30
    track.push(fix(t, x, y, accuracy))
    heading += (rnd() - 0.5) * 2
    const step = rnd() < 0.9 ? 2 + rnd() * 60 : 100 + rnd() * 250
    x += step * Math.cos(heading); y += step * Math.sin(heading)
    t += 5_000 + Math.floor(rnd() * 40_000)
  }
  return track
}

/** The engine over a track, fed in random batches with the states carried between them. */
function engineTrack(index: FenceIndex, rnd: () => number, track: Fix[]): FenceAlertOut[] {
  const states = new Map<number, FenceState>()
  const alerts: FenceAlertOut[] = []
  let prev: Fix | null = null
  for (let i = 0; i < track.length;) {
    const n = 1 + Math.floor(rnd() * 4)
    const batch = track.slice(i, i + n)
    const out = index.evaluate(DEVICE, prev, batch, states)
    alerts.push(...out.alerts)
    for (const s of out.states) states.set(s.fenceId, s)
    prev = batch[batch.length - 1]!
    i += n
  }
  return alerts
}

function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const [ax, ay] = toXY(a.lon, a.lat), [bx, by] = toXY(b.lon, b.lat)
  return Math.hypot(ax - bx, ay - by)
}

function sameEvents(ours: FenceAlertOut[], ref: RefEvent[]): string | null {
  if (ours.length !== ref.length) return `${ours.length} events, reference ${ref.length}`
  for (let k = 0; k < ref.length; k++) {
    const a = ours[k]!, r = ref[k]!
    if (a.kind !== r.kind) return `#${k}: ${a.kind}, reference ${r.kind}`
    if (Math.abs(a.at - r.t) > 1000) return `#${k} ${r.kind}: time off by ${Math.abs(a.at - r.t)} ms`
    if (metres(a, r) > 1) return `#${k} ${r.kind}: place off by ${metres(a, r).toFixed(2)} m`
  }
  return null
}

describe('fences/engine: identical to a brute-force reference on random tracks', function () {
  this.timeout(60_000)

  it(`${TRACKS} seeded random walks × 8 random fences: the same enter/exit, ±1 s, ±1 m`, () => {
    const rnd = mulberry32(20261203)
    let events = 0, flipsInOneSegment = 0
    const failures: string[] = []
    const seeds = [1, 2, 3, 4]
    for (const seed of seeds) {
      const frnd = mulberry32(seed * 7919)
      const fences = randomFences(frnd)
      const index = new FenceIndex(fences, () => true)
      const refs = fences.map(refFence)
      for (let k = 0; k < TRACKS / seeds.length; k++) {
        const track = randomTrack(rnd, fences, Date.UTC(2026, 11, 1) + k * 3_600_000)
        const ours = engineTrack(index, rnd, track)
        for (const rf of refs) {
          const ref = refTrack(rf, track)
          const mine = ours.filter((a) => a.fenceId === rf.id)
          events += ref.length
          flipsInOneSegment += mine.filter((a, i) => i && a.detail.to === mine[i - 1]!.detail.to).length
          const diff = sameEvents(mine, ref)
          if (diff) failures.push(`seed ${seed} track ${k} fence ${rf.id}: ${diff}`)
        }
      }
    }
    expect(failures.slice(0, 10), `${failures.length} differing tracks`).to.deep.equal([])
    // the tracks must exercise what they claim to
    expect(events).to.be.above(3000)
    expect(flipsInOneSegment).to.be.above(120)
  })
})
