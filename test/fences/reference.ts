// A brute-force reference for the fence engine's enter/exit decisions, written independently of
// it and meant to be obviously correct rather than fast:
// * each fence is projected with the formula the engine documents (equirectangular about the
//   centre of its lon/lat bounding box);
// * the signed distance of a point is its distance to the nearest edge of any ring (brute force
//   over all edges), positive when the point lies in a polygon's shell and in none of its holes
//   (winding numbers, ring by ring);
// * each segment is densified in steps of at most 0.5 m; where the samples cannot decide a
//   threshold (0, +h, −h) because the distance, being 1-Lipschitz, could cross it between two
//   samples, the interval is halved again, down to 1 mm;
// * the state machine: outside → enter at the first sample deeper than h, inside → exit at the
//   first sample farther than h outside; the alert is placed at the last boundary crossing
//   (sign change, bisected) before that sample, or at the segment start if there is none.
import type { FenceDef, Fix } from '../../server/fences/engine.ts'

const R = 6_371_008.8
const STEP_M = 0.5
const FINEST_M = 0.001

export interface RefEvent { kind: 'enter' | 'exit'; fenceId: number; t: number; lon: number; lat: number }

interface RefFence {
  id: number; lon0: number; lat0: number; kx: number; ky: number
  /** polygons → rings → [x, y][] (closed) */
  polys: [number, number][][][]
  rings: [number, number][][]
  box: [number, number, number, number]
}

export function refFence(f: FenceDef): RefFence {
  const all = f.geom.coordinates.flat(2)
  const lons = all.map((p) => p[0]!), lats = all.map((p) => p[1]!)
  const lon0 = (Math.min(...lons) + Math.max(...lons)) / 2, lat0 = (Math.min(...lats) + Math.max(...lats)) / 2
  const ky = (Math.PI * R) / 180, kx = ky * Math.cos((lat0 * Math.PI) / 180)
  const polys = f.geom.coordinates.map((poly) => poly.map((ring) => ring.map((p) => [(p[0]! - lon0) * kx, (p[1]! - lat0) * ky] as [number, number])))
  const xs = polys.flat(2).map((p) => p[0]), ys = polys.flat(2).map((p) => p[1])
  return { id: f.id, lon0, lat0, kx, ky, polys, rings: polys.flat(), box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] }
}

function winding(ring: [number, number][], x: number, y: number): number {
  let w = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!, [x2, y2] = ring[i + 1]!
    const side = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
    if (y1 <= y && y2 > y && side > 0) w++
    else if (y1 > y && y2 <= y && side < 0) w--
  }
  return w
}

/** In some polygon's shell and in none of its holes. */
function inside(f: RefFence, x: number, y: number): boolean {
  for (const rings of f.polys) {
    if (winding(rings[0]!, x, y) === 0) continue
    let inHole = false
    for (let k = 1; k < rings.length; k++) if (winding(rings[k]!, x, y) !== 0) inHole = true
    if (!inHole) return true
  }
  return false
}

/** Signed distance in metres, > 0 inside; far from the box (farther than `far`) only an upper bound, which is all the walk needs there. */
export function refDistance(f: RefFence, x: number, y: number, far = Infinity): number {
  const [x0, y0, x1, y1] = f.box
  const boxGap = Math.hypot(Math.max(x0 - x, 0, x - x1), Math.max(y0 - y, 0, y - y1))
  if (boxGap > far) return -boxGap
  let best = Infinity
  for (const ring of f.rings) {
    for (let i = 0; i + 1 < ring.length; i++) best = Math.min(best, segmentDistance2(x, y, ring[i]!, ring[i + 1]!))
  }
  return inside(f, x, y) ? Math.sqrt(best) : -Math.sqrt(best)
}

/** Squared distance from a point to a segment. */
function segmentDistance2(x: number, y: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const ex = bx - ax, ey = by - ay
  const u = Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey || 1)))
  const dx = ax + u * ex - x, dy = ay + u * ey - y
  return dx * dx + dy * dy
}

export const refBand = (accuracy: number | null) => Math.min(100, Math.max(3, 2 * (accuracy ?? 10)))

/** Samples s ∈ [0, 1] of the segment and their signed distances, dense enough to decide every threshold. */
function samples(f: RefFence, ax: number, ay: number, bx: number, by: number, h: number): { s: number[]; d: number[] } {
  const len = Math.hypot(bx - ax, by - ay)
  const dist = (s: number) => refDistance(f, ax + s * (bx - ax), ay + s * (by - ay), h + 2)
  const out = { s: [0], d: [dist(0)] }
  // a 1-Lipschitz function with values da, db at the ends of an interval of length l stays
  // within [(da + db - l) / 2, (da + db + l) / 2] on it: could it cross th unseen?
  const unseen = (da: number, db: number, l: number, th: number) =>
    (da <= th && db <= th && (da + db + l) / 2 > th) || (da >= th && db >= th && (da + db - l) / 2 < th)
  const undecided = (da: number, db: number, l: number) => unseen(da, db, l, h) || unseen(da, db, l, 0) || unseen(da, db, l, -h)
  const fill = (sa: number, da: number, sb: number, db: number): void => {
    if ((sb - sa) * len > FINEST_M && undecided(da, db, (sb - sa) * len)) {
      const sm = (sa + sb) / 2, dm = dist(sm)
      fill(sa, da, sm, dm)
      out.s.push(sm); out.d.push(dm)
      fill(sm, dm, sb, db)
    }
  }
  // a segment whose box stays farther than h + 2 m from the fence's box is farther than h
  // outside all along: its ends are samples enough
  const [x0, y0, x1, y1] = f.box
  const gap = Math.hypot(Math.max(x0 - Math.max(ax, bx), 0, Math.min(ax, bx) - x1), Math.max(y0 - Math.max(ay, by), 0, Math.min(ay, by) - y1))
  const n = gap > h + 2 ? 1 : Math.max(1, Math.ceil(len / STEP_M))
  for (let i = 1; i <= n; i++) {
    const s = i / n, d = dist(s)
    fill(out.s[out.s.length - 1]!, out.d[out.d.length - 1]!, s, d)
    out.s.push(s); out.d.push(d)
  }
  return out
}

/** Replays a whole track against one fence from outside; returns its enter/exit events. */
export function refTrack(f: RefFence, track: Fix[]): RefEvent[] {
  const events: RefEvent[] = []
  let isIn = false
  const xy = (p: Fix) => [(p.lon - f.lon0) * f.kx, (p.lat - f.lat0) * f.ky] as const
  for (let k = 0; k < track.length; k++) {
    const b = track[k]!, a = k ? track[k - 1]! : b
    const h = k ? Math.max(refBand(a.accuracy), refBand(b.accuracy)) : refBand(b.accuracy)
    const [ax, ay] = xy(a), [bx, by] = xy(b)
    const { s, d } = samples(f, ax, ay, bx, by, h)
    let lastFlip = -1
    for (let i = 0; i < s.length; i++) {
      const flip = isIn ? d[i]! < -h : d[i]! > h
      if (!flip) continue
      // the last sample on the old side of the boundary (or on it) since the last flip, then
      // bisect the crossing after it; none: the segment start
      const stop = Math.max(0, lastFlip)
      const oldSide = (v: number) => (isIn ? v >= 0 : v <= 0)
      let j = i - 1
      while (j >= stop && !oldSide(d[j]!)) j--
      const sc = j >= stop ? bisect(f, ax, ay, bx, by, s[j]!, s[j + 1]!, isIn) : 0
      isIn = !isIn
      lastFlip = i
      events.push({
        kind: isIn ? 'enter' : 'exit', fenceId: f.id, t: a.t + sc * (b.t - a.t),
        lon: a.lon + sc * (b.lon - a.lon), lat: a.lat + sc * (b.lat - a.lat),
      })
    }
  }
  return events
}

/** The boundary crossing between s0 (on the old side or on the boundary) and s1 (on the new side). */
function bisect(f: RefFence, ax: number, ay: number, bx: number, by: number, s0: number, s1: number, wasIn: boolean): number {
  const oldSide = (s: number) => {
    const d = refDistance(f, ax + s * (bx - ax), ay + s * (by - ay))
    return wasIn ? d >= 0 : d <= 0
  }
  for (let k = 0; k < 50; k++) {
    const m = (s0 + s1) / 2
    if (oldSide(m)) s0 = m
    else s1 = m
  }
  return s0
}
