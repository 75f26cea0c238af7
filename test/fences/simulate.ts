// The false-fence-event simulation, shared by the test (falseEvents.test.ts) and the bench
// (test/bench/fences.ts): inspectors walking along a fence boundary with GPS noise, counted
// against testing each position alone as Traccar does (inside(fix) ≠ inside(previous fix) →
// an event), and inspectors really crossing the fence, each of whom must be detected.
//
// Noise: each fix reports an accuracy a drawn from 5-20 m and is displaced by a Gaussian of
// σ = a on each axis (harsher than the usual reading of accuracy as a 68 % radius, ≈ 1.5 σ).
// Walkers move at 1.2 m/s with a fix every 15 s.
import { FenceIndex, type DeviceRef, type FenceAlertOut, type FenceDef, type FenceState, type Fix } from '../../server/fences/engine.ts'
import { pointInside, prepareFence } from '../../server/fences/geometry.ts'
import { gaussian, mulberry32 } from './random.ts'
import { fence, fix, type XY } from './shapes.ts'

const SPEED_MPS = 1.2
const FIX_EVERY_MS = 15_000
const T0 = Date.UTC(2026, 11, 1, 1, 0)
const DEVICE: DeviceRef = { deviceId: 1, memberId: null, community: '990102001001' }

/** A grid-like fence, 600 × 450 m with a notch (so the walk turns concave corners too). */
export const SIM_SHAPE: XY[] = [[0, 0], [600, 0], [600, 450], [380, 450], [380, 300], [220, 300], [220, 450], [0, 450]]

export interface SimOptions { seed?: number; walkers?: number; walkHours?: number; crossers?: number }

export interface SimResult {
  inspectorHours: number
  /** enter/exit events per inspector-hour on the boundary walks */
  oursPerHour: number
  traccarPerHour: number
  crossings: number
  /** real crossings (an entry and an exit each) whose enter and exit both were found */
  oursDetected: number
  traccarDetected: number
  /** all fixes fed to the engine */
  fixes: number
}

export function simulateFalseEvents(opts: SimOptions = {}): SimResult {
  const rnd = mulberry32(opts.seed ?? 20261203)
  const walkers = opts.walkers ?? 40, hours = opts.walkHours ?? 1, crossers = opts.crossers ?? 200
  const f = fence(1, [[SIM_SHAPE]])
  const index = new FenceIndex([f], () => true)
  const inside = insideTest(f)
  let ours = 0, traccar = 0, fixes = 0
  for (let w = 0; w < walkers; w++) {
    const track = noisy(rnd, boundaryWalk(SIM_SHAPE, rnd() * perimeter(SIM_SHAPE), hours * 3_600_000))
    fixes += track.length
    ours += runEngine(index, track).length
    traccar += traccarEvents(inside, track).length
  }
  let oursDetected = 0, traccarDetected = 0
  for (let c = 0; c < crossers; c++) {
    const { path, tIn, tOut } = crossingWalk(rnd)
    const track = noisy(rnd, path)
    fixes += track.length
    if (detected(runEngine(index, track), tIn, tOut)) oursDetected++
    if (detected(traccarEvents(inside, track), tIn, tOut)) traccarDetected++
  }
  const inspectorHours = walkers * hours
  return {
    inspectorHours, oursPerHour: ours / inspectorHours, traccarPerHour: traccar / inspectorHours,
    crossings: crossers, oursDetected, traccarDetected, fixes,
  }
}

type Kind = 'enter' | 'exit'
interface Event { kind: Kind; at: number }

function runEngine(index: FenceIndex, track: Fix[]): Event[] {
  const states = new Map<number, FenceState>()
  const events: FenceAlertOut[] = []
  let prev: Fix | null = null
  for (const f of track) {
    const out = index.evaluate(DEVICE, prev, [f], states)
    events.push(...out.alerts)
    for (const s of out.states) states.set(s.fenceId, s)
    prev = f
  }
  return events.filter((e) => e.kind === 'enter' || e.kind === 'exit').map((e) => ({ kind: e.kind as Kind, at: e.at }))
}

/** Traccar's way: each position alone, an event whenever inside changes from the previous one. */
export function traccarEvents(inside: (f: Fix) => boolean, track: Fix[]): Event[] {
  const events: Event[] = []
  let was: boolean | null = null
  for (const f of track) {
    const is = inside(f)
    if (was !== null && is !== was) events.push({ kind: is ? 'enter' : 'exit', at: f.t })
    was = is
  }
  return events
}

export function insideTest(f: FenceDef): (fix: Fix) => boolean {
  const p = prepareFence(f.geom)
  return (x) => pointInside(p, (x.lon - p.lon0) * p.kx, (x.lat - p.lat0) * p.ky)
}

/** Found: an enter within 3 minutes of the real entry and an exit within 3 minutes of the real exit. */
function detected(events: Event[], tIn: number, tOut: number): boolean {
  const near = (kind: Kind, t: number) => events.some((e) => e.kind === kind && Math.abs(e.at - t) <= 180_000)
  return near('enter', tIn) && near('exit', tOut)
}

function noisy(rnd: () => number, path: { t: number; p: XY }[]): Fix[] {
  return path.map(({ t, p }) => {
    const a = 5 + rnd() * 15
    return fix(t, p[0] + a * gaussian(rnd), p[1] + a * gaussian(rnd), a)
  })
}

const perimeter = (ring: XY[]) => ring.reduce((s, p, i) => s + dist(p, ring[(i + 1) % ring.length]!), 0)
const dist = (a: XY, b: XY) => Math.hypot(a[0] - b[0], a[1] - b[1])

/** True positions every 15 s walking round the ring from arc length `start` for `ms`. */
function boundaryWalk(ring: XY[], start: number, ms: number): { t: number; p: XY }[] {
  const out: { t: number; p: XY }[] = []
  const total = perimeter(ring)
  for (let t = 0; t <= ms; t += FIX_EVERY_MS) out.push({ t: T0 + t, p: alongRing(ring, (start + (t / 1000) * SPEED_MPS) % total) })
  return out
}

function alongRing(ring: XY[], s: number): XY {
  for (let i = 0; ; i = (i + 1) % ring.length) {
    const a = ring[i]!, b = ring[(i + 1) % ring.length]!, l = dist(a, b)
    if (s <= l) return [a[0] + ((b[0] - a[0]) * s) / l, a[1] + ((b[1] - a[1]) * s) / l]
    s -= l
  }
}

/**
 * A real visit: from 100 m outside a random point of the south or west side straight in to
 * 60-100 m deep, a few minutes inside, and straight back out; with the true entry and exit times.
 */
function crossingWalk(rnd: () => number): { path: { t: number; p: XY }[]; tIn: number; tOut: number } {
  const west = rnd() < 0.5
  const along = 60 + rnd() * (west ? 330 : 480)
  const depth = 60 + rnd() * 40, stay = 2 + Math.floor(rnd() * 8)
  // the walk in metres along the inward normal: -100 → depth, stay, depth → -100
  const legs: number[] = []
  for (let d = -100; d < depth; d += SPEED_MPS * 15) legs.push(d)
  for (let k = 0; k < stay; k++) legs.push(depth)
  for (let d = depth; d > -100; d -= SPEED_MPS * 15) legs.push(d)
  const at = (d: number): XY => (west ? [d, along] : [along, d])
  const path = legs.map((d, k) => ({ t: T0 + k * FIX_EVERY_MS, p: at(d) }))
  const tIn = T0 + (100 / (SPEED_MPS * 15)) * FIX_EVERY_MS
  const outStart = legs.length - Math.ceil((depth + 100) / (SPEED_MPS * 15))
  const tOut = T0 + (outStart + depth / (SPEED_MPS * 15)) * FIX_EVERY_MS
  return { path, tIn, tOut }
}
