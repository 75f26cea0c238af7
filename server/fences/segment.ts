// The hysteresis walk of one segment between two fixes against one fence, exactly (no sampling).
//
// Let P(s) = A + s·(B − A), s ∈ [0, 1], and d(s) the signed distance from P(s) to the fence
// boundary (> 0 inside). The points with |d| ≤ h are the segment's intersection with the union
// of the capsules of radius h around the edges; each capsule is convex, so each edge gives one
// s-interval, found in closed form (two discs and a strip). What the union leaves uncovered are
// the stretches farther than h from the boundary: each lies wholly inside or wholly outside, so
// one point-in-polygon test per stretch tells which. Walking the stretches in order, the state
// flips at the start of each stretch on the other side (the flip point); the alert's place is
// the last point before it where the segment meets the boundary (d = 0), or s = 0 when the
// segment never meets it before the flip (the crossing happened in an earlier segment whose
// band was wider, or the state came from elsewhere).
import type { PreparedFence } from './geometry.ts'
import { pointInside } from './geometry.ts'

export interface Flip { enter: boolean; /** last boundary crossing */ sCross: number; /** first point beyond the band */ sFlip: number }

/** One per FenceIndex: scratch buffers reused by every segment, so a walk allocates nothing but flips. */
export class SegmentWalker {
  readonly flips: Flip[] = []
  private lo = new Float64Array(64)
  private hi = new Float64Array(64)
  private cand = new Int32Array(64)
  private nCand = 0
  private ax = 0; private ay = 0; private vx = 0; private vy = 0

  /** Walks A→B with band h from state `inside`; fills `flips` (in order) and returns the final state. */
  walk(f: PreparedFence, ax: number, ay: number, bx: number, by: number, h: number, inside: boolean): boolean {
    this.flips.length = 0
    this.ax = ax; this.ay = ay; this.vx = bx - ax; this.vy = by - ay
    const x0 = Math.min(ax, bx) - h, y0 = Math.min(ay, by) - h, x1 = Math.max(ax, bx) + h, y1 = Math.max(ay, by) + h
    if (x1 < f.minX || x0 > f.maxX || y1 < f.minY || y0 > f.maxY) {
      // every point of the segment is farther than h outside
      if (inside) this.flips.push({ enter: false, sCross: 0, sFlip: 0 })
      return false
    }
    this.candidates(f, x0, y0, x1, y1)
    const n = this.intervals(f, h)
    let cur = inside, reach = 0, from = 0
    const lo = this.lo, hi = this.hi
    // the uncovered stretches, in order: (reach, lo[i]) before each covered interval, then (reach, 1]
    for (let i = 0; i <= n; i++) {
      const start = i < n ? lo[i]! : 1
      if (start > reach) {
        const mid = (reach + start) / 2
        const side = pointInside(f, ax + mid * this.vx, ay + mid * this.vy)
        if (side !== cur) {
          this.flips.push({ enter: side, sCross: this.lastHit(f, from, reach), sFlip: reach })
          cur = side
          from = reach
        }
      }
      if (i < n && hi[i]! > reach) reach = hi[i]!
    }
    return cur
  }

  /** Edges whose box comes within the band of the segment's box (the only ones it can come within h of). */
  private candidates(f: PreparedFence, x0: number, y0: number, x1: number, y1: number): void {
    this.nCand = 0
    if (f.index) {
      for (const i of f.index.search(x0, y0, x1, y1)) this.addCandidate(i)
      return
    }
    const b = f.boxes
    for (let i = 0, k = 0; i < f.count; i++, k += 4) {
      if (b[k]! <= x1 && b[k + 2]! >= x0 && b[k + 1]! <= y1 && b[k + 3]! >= y0) this.addCandidate(i)
    }
  }

  private addCandidate(i: number): void {
    if (this.nCand === this.cand.length) {
      const c = new Int32Array(this.cand.length * 2); c.set(this.cand); this.cand = c
      const l = new Float64Array(c.length); l.set(this.lo); this.lo = l
      const u = new Float64Array(c.length); u.set(this.hi); this.hi = u
    }
    this.cand[this.nCand++] = i
  }

  /** The s-intervals within h of each candidate edge, clipped to [0, 1] and sorted by start. */
  private intervals(f: PreparedFence, h: number): number {
    const e = f.edges, lo = this.lo, hi = this.hi
    let n = 0
    for (let c = 0; c < this.nCand; c++) {
      const k = 4 * this.cand[c]!
      if (!capsule(this.ax, this.ay, this.vx, this.vy, e[k]!, e[k + 1]!, e[k + 2]!, e[k + 3]!, h)) continue
      const a = Math.max(0, capLo), b = Math.min(1, capHi)
      if (a > b) continue
      // insertion sort: a handful of intervals per segment
      let j = n++
      while (j > 0 && lo[j - 1]! > a) { lo[j] = lo[j - 1]!; hi[j] = hi[j - 1]!; j-- }
      lo[j] = a; hi[j] = b
    }
    return n
  }

  /** The largest s in [from, to] where the segment meets an edge (from if none: no crossing here). */
  private lastHit(f: PreparedFence, from: number, to: number): number {
    const e = f.edges
    let best = -1
    for (let c = 0; c < this.nCand; c++) {
      const k = 4 * this.cand[c]!
      const s = hitOnEdge(this.ax, this.ay, this.vx, this.vy, e[k]!, e[k + 1]!, e[k + 2]!, e[k + 3]!, to)
      if (s >= from && s <= to && s > best) best = s
    }
    return best < 0 ? from : best
  }
}

// Results of capsule(): module scope, so that the hot loop returns no object.
let capLo = 0, capHi = 0

/** The s-range where P(s) lies within h of edge (x1,y1)-(x2,y2): union of two discs and a strip (one interval, the capsule being convex). */
function capsule(ax: number, ay: number, vx: number, vy: number, x1: number, y1: number, x2: number, y2: number, h: number): boolean {
  let lo = Infinity, hi = -Infinity
  const vv = vx * vx + vy * vy
  for (let end = 0; end < 2; end++) {
    const wx = ax - (end ? x2 : x1), wy = ay - (end ? y2 : y1)
    const b = wx * vx + wy * vy, c = wx * wx + wy * wy - h * h
    if (vv === 0) {
      if (c <= 0) { lo = -Infinity; hi = Infinity }
      continue
    }
    const disc = b * b - vv * c
    if (disc < 0) continue
    const r = Math.sqrt(disc)
    lo = Math.min(lo, (-b - r) / vv); hi = Math.max(hi, (-b + r) / vv)
  }
  const ex = x2 - x1, ey = y2 - y1, len = Math.sqrt(ex * ex + ey * ey)
  if (len > 0) {
    const ux = ex / len, uy = ey / len
    const along = (ax - x1) * ux + (ay - y1) * uy, dAlong = vx * ux + vy * uy
    const perp = (ay - y1) * ux - (ax - x1) * uy, dPerp = vy * ux - vx * uy
    if (linear(along, dAlong, 0, len)) {
      const a = linLo, b = linHi
      if (linear(perp, dPerp, -h, h)) {
        const s0 = Math.max(a, linLo), s1 = Math.min(b, linHi)
        if (s0 <= s1) { lo = Math.min(lo, s0); hi = Math.max(hi, s1) }
      }
    }
  }
  capLo = lo; capHi = hi
  return lo <= hi
}

let linLo = 0, linHi = 0

/** The s-range where lo ≤ p + s·dp ≤ hi. */
function linear(p: number, dp: number, lo: number, hi: number): boolean {
  if (dp === 0) {
    linLo = -Infinity; linHi = Infinity
    return p >= lo && p <= hi
  }
  const a = (lo - p) / dp, b = (hi - p) / dp
  linLo = Math.min(a, b); linHi = Math.max(a, b)
  return true
}

/** Where P(s) meets the edge: the parameter, the largest ≤ max of a collinear overlap, or -1. */
function hitOnEdge(ax: number, ay: number, vx: number, vy: number, x1: number, y1: number, x2: number, y2: number, max: number): number {
  const ex = x2 - x1, ey = y2 - y1
  const wx = x1 - ax, wy = y1 - ay
  const den = vx * ey - vy * ex
  const scale = Math.abs(vx * vx + vy * vy) * Math.abs(ex * ex + ey * ey)
  if (den * den > 1e-18 * scale && den !== 0) {
    const s = (wx * ey - wy * ex) / den, u = (wx * vy - wy * vx) / den
    return u >= 0 && u <= 1 && s >= 0 && s <= 1 ? s : -1
  }
  // parallel: a hit only when collinear, then the overlap of the two parameter ranges
  const vv = vx * vx + vy * vy
  if (vv === 0 || Math.abs(wx * vy - wy * vx) > 1e-9 * Math.sqrt(vv) * (1 + Math.hypot(wx, wy))) return -1
  const s1 = (wx * vx + wy * vy) / vv, s2 = ((x2 - ax) * vx + (y2 - ay) * vy) / vv
  const a = Math.max(0, Math.min(s1, s2)), b = Math.min(max, 1, Math.max(s1, s2))
  return a <= b ? b : -1
}
