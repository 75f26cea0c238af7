// Getis-Ord Gi* with binary weights (the cell itself included), as ArcGIS Pro's Hot Spot Analysis
// and PySAL esda's G_Local(star=True, transform='B') compute it: the analytic z-score over all n
// cells, its two-sided normal p-value, Benjamini-Hochberg FDR and ArcGIS's Gi_Bin classes, and an
// optional conditional permutation p-value. Pure: no database, no H3 (neighbours.ts builds the list).
import { erfc } from './normal.ts'

/** Sparse binary weights in CSR form: the neighbours of cell i (itself included) are indices[offsets[i]..offsets[i+1]). */
export interface NeighbourList {
  offsets: Int32Array
  indices: Int32Array
}

export interface GiStarResult {
  /** Gi* z-scores; 0 where the statistic is 0/0 (a constant field, or a neighbourhood covering every cell). */
  z: Float64Array
  /** two-sided normal p-values, 2·(1 − Φ(|z|)) */
  p: Float64Array
  /** Benjamini-Hochberg adjusted p-values over all n cells */
  pFdr: Float64Array
  /** ArcGIS Gi_Bin after FDR: ±3 (99 %), ±2 (95 %), ±1 (90 %), 0 not significant; sign of z */
  bin: Int8Array
  /** conditional permutation p-values (two-sided), only when permutations > 0 */
  pPerm?: Float64Array
  /** every value equal: Gi* is undefined (0/0); z = 0, p = 1 everywhere */
  constant: boolean
  mean: number
  /** population standard deviation (divisor n), as both reference tools use */
  s: number
}

export interface GiStarOptions {
  /** 0 (none), or the number of conditional permutations (esda's default 999) */
  permutations?: number
  /** seed of the permutation RNG: the same seed gives the same p-values */
  seed?: number
  /** 'conditional' (esda's: x_i stays, default) or 'total' (x_i drawn too: the null of the analytic z) */
  permutationMode?: PermutationMode
}

export type PermutationMode = 'conditional' | 'total'

/** Gi* of `x` over the sparse binary neighbourhoods `nb` (which must include each cell itself). */
export function giStar(x: ArrayLike<number>, nb: NeighbourList, opts: GiStarOptions = {}): GiStarResult {
  const n = x.length
  if (nb.offsets.length !== n + 1) throw new Error(`neighbour list has ${nb.offsets.length - 1} cells, values ${n}`)
  const { mean, s, constant } = moments(x)
  const z = new Float64Array(n)
  const p = new Float64Array(n).fill(1)
  if (!constant) {
    for (let i = 0; i < n; i++) {
      const a = nb.offsets[i]!, b = nb.offsets[i + 1]!
      const w = b - a
      let lag = 0
      for (let j = a; j < b; j++) lag += x[nb.indices[j]!]!
      // binary weights: Σw = Σw² = w. The variance term n·w − w² is an exact integer, so a
      // neighbourhood of all n cells gives exactly 0 and the cell keeps z = 0 (0/0)
      const v = n * w - w * w
      if (v <= 0) continue
      z[i] = (lag - mean * w) / (s * Math.sqrt(v / (n - 1)))
      p[i] = twoSidedP(z[i]!)
    }
  }
  const pFdr = benjaminiHochberg(p)
  const bin = giBins(z, pFdr)
  const result: GiStarResult = { z, p, pFdr, bin, constant, mean, s }
  const perms = opts.permutations ?? 0
  if (perms > 0) result.pPerm = constant ? new Float64Array(n).fill(1) : permutationP(x, nb, perms, opts.seed ?? 1, opts.permutationMode)
  return result
}

/** Mean and population standard deviation (two passes: no cancellation), and whether every value is equal. */
export function moments(x: ArrayLike<number>): { mean: number; s: number; constant: boolean } {
  const n = x.length
  let constant = true, sum = 0
  for (let i = 0; i < n; i++) {
    sum += x[i]!
    if (x[i] !== x[0]) constant = false
  }
  const mean = n ? sum / n : 0
  let ss = 0
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2
  return { mean, s: n ? Math.sqrt(ss / n) : 0, constant }
}

/** 2·(1 − Φ(|z|)) = erfc(|z|/√2), accurate in the far tail too. */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2))
}

/**
 * Benjamini-Hochberg adjusted p-values (R's p.adjust(p, "BH")): q_(i) = min over j ≥ i of
 * n·p_(j)/j, capped at 1. A cell is significant at FDR level α exactly when q ≤ α, which is
 * ArcGIS's FDR rule (the largest rank k with p_(k) ≤ α·k/n; every p ≤ p_(k) passes).
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!)
  const q = new Float64Array(n)
  let running = 1
  for (let r = n - 1; r >= 0; r--) {
    const i = order[r]!
    running = Math.min(running, (n * p[i]!) / (r + 1))
    q[i] = running
  }
  return q
}

/** ArcGIS Gi_Bin from z and the FDR-adjusted p: ±3 at 99 %, ±2 at 95 %, ±1 at 90 % confidence. */
export function giBins(z: ArrayLike<number>, pFdr: ArrayLike<number>): Int8Array {
  const bin = new Int8Array(z.length)
  for (let i = 0; i < z.length; i++) {
    const q = pFdr[i]!
    const level = q <= 0.01 ? 3 : q <= 0.05 ? 2 : q <= 0.1 ? 1 : 0
    bin[i] = z[i]! > 0 ? level : z[i]! < 0 ? -level : 0
  }
  return bin
}

/** Gi_Bin as a word: hot99 … cold90, or 'none'. */
export function binClass(bin: number): string {
  if (bin === 0) return 'none'
  return `${bin > 0 ? 'hot' : 'cold'}${({ 1: 90, 2: 95, 3: 99 } as Record<number, number>)[Math.abs(bin)]}`
}

/**
 * Pseudo p-values by randomisation. Conditional (esda's p_sim, made two-sided): x_i stays, its
 * w − 1 neighbours are drawn without replacement from the other n − 1 values. Total: all w values
 * are drawn from the n, the null under which the analytic z has mean 0 and variance 1; the
 * conditional one differs from the analytic p where x_i itself is extreme (its share of the sum,
 * 1/w, is then fixed). Gi* is increasing in the lag sum for a fixed cell (mean and S do not
 * change under permutation), so sums are compared directly.
 * p = min(1, 2·(min(#≥, P − #≥) + 1)/(P + 1)); esda's folded one-sided p_sim is half of it.
 */
export function permutationP(x: ArrayLike<number>, nb: NeighbourList, permutations: number, seed: number,
  mode: PermutationMode = 'conditional'): Float64Array {
  const n = x.length
  const rand = mulberry32(seed)
  const conditional = mode === 'conditional'
  // a pool of cell indices and where each one sits, so x_i is set aside in O(1)
  const pool = Int32Array.from({ length: n }, (_, i) => i)
  const where = Int32Array.from(pool)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const a = nb.offsets[i]!, b = nb.offsets[i + 1]!
    let lag = 0
    for (let j = a; j < b; j++) lag += x[nb.indices[j]!]!
    const draws = conditional ? b - a - 1 : b - a
    const from = conditional ? n - 1 : n
    // x_i goes to the end, out of reach; a partial Fisher-Yates over the first `from` is a
    // uniform sample from any starting order, so the pool is never reset
    if (conditional) swap(pool, where, where[i]!, n - 1)
    const tol = 1e-10 * (1 + Math.abs(lag))
    let larger = 0
    for (let r = 0; r < permutations; r++) {
      let sum = conditional ? x[i]! : 0
      for (let t = 0; t < draws; t++) {
        swap(pool, where, t, t + Math.floor(rand() * (from - t)))
        sum += x[pool[t]!]!
      }
      if (sum >= lag - tol) larger++
    }
    const folded = Math.min(larger, permutations - larger)
    out[i] = Math.min(1, (2 * (folded + 1)) / (permutations + 1))
  }
  return out
}

function swap(pool: Int32Array, where: Int32Array, a: number, b: number): void {
  const u = pool[a]!, v = pool[b]!
  pool[a] = v
  pool[b] = u
  where[v] = a
  where[u] = b
}

/** A small seeded PRNG (uniform in [0, 1)): permutation p-values are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
