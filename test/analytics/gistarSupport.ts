// The textbook Gi* reference of the tests: a dense n×n binary weights matrix from hexagonal
// distance on H3 local IJ coordinates (not gridDisk), Getis & Ord's ratio form
// G*_i = Σ_j w_ij x_j / Σ_j x_j with E = W_i/n and Var = W_i(n − W_i)/(n²(n − 1))·S²/x̄²
// (esda's G_Local(star=True, transform='B')), Φ by Simpson's rule (not erfc), and BH as
// q_i = min over p_j ≥ p_i of n·p_j/rank_j. Quadratic on purpose: it is only for checking.
import { cellToLocalIj } from 'h3-js'

/** Dense binary weights: hex distance (|di| + |dj| + |di − dj|)/2 between local IJ coordinates ≤ k. */
export function denseWeights(cells: string[], k: number, origin = cells[0]!): Uint8Array[] {
  const ij = cells.map((c) => cellToLocalIj(origin, c))
  return ij.map((a) => Uint8Array.from(ij, (b) => {
    const di = a.i - b.i, dj = a.j - b.j
    return (Math.abs(di) + Math.abs(dj) + Math.abs(di - dj)) / 2 <= k ? 1 : 0
  }))
}

export function reference(x: number[], w: Uint8Array[]): { z: number[]; p: number[]; q: number[] } {
  const n = x.length
  const total = x.reduce((a, b) => a + b, 0)
  const mean = total / n
  const s2 = x.reduce((a, b) => a + b * b, 0) / n - mean * mean
  const z = x.map((_, i) => {
    let lag = 0, W = 0
    for (let j = 0; j < n; j++) { lag += w[i]![j]! * x[j]!; W += w[i]![j]! }
    const g = lag / total
    const e = W / n
    const v = (W * (n - W)) / (n * n * (n - 1)) * (s2 / (mean * mean))
    return (g - e) / Math.sqrt(v)
  })
  const p = z.map((v) => 2 * (1 - normalCdf(Math.abs(v))))
  // rank_j = #{p ≤ p_j} (tied p share the largest rank)
  const sorted = [...p].sort((a, b) => a - b)
  const rank = p.map((pj) => {
    let lo = 0, hi = n
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! <= pj) lo = mid + 1; else hi = mid }
    return lo
  })
  const q = p.map((pi) => {
    let best = 1
    p.forEach((pj, j) => { if (pj >= pi) best = Math.min(best, (n * pj) / rank[j]!) })
    return best
  })
  return { z, p, q }
}

/** Φ by Simpson's rule on the density (independent of erfc), to ~1e-14 for |z| < 8. */
export function normalCdf(z: number): number {
  if (z === 0) return 0.5
  const steps = 4000, h = z / steps
  const f = (t: number) => Math.exp(-t * t / 2)
  let acc = f(0) + f(z)
  for (let i = 1; i < steps; i++) acc += (i % 2 ? 4 : 2) * f(i * h)
  return 0.5 + (acc * h) / 3 / Math.sqrt(2 * Math.PI)
}

