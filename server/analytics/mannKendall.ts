// The Mann-Kendall trend test, as Emerging Hot Spot Analysis applies it to each location's series
// of Gi* z-scores (and R's Kendall::MannKendall / pymannkendall's original_test compute it):
//   S = Σ_{i<j} sign(x_j − x_i)
//   Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18   (t_g: size of each group of tied values)
//   z = (S − 1)/√Var if S > 0, (S + 1)/√Var if S < 0, 0 if S = 0   (continuity correction)
//   p = 2·(1 − Φ(|z|)), two-sided
// Ties are exact equality: a tolerance would make tie groups depend on the order of comparison.
// O(n²) pairs: series here are at most 100 steps. Pure.
import { twoSidedP } from './gistar.ts'

export interface MannKendall {
  n: number
  /** the Mann-Kendall score S */
  s: number
  /** Var(S) with the tie correction */
  varS: number
  /** z with the continuity correction; 0 when S = 0 or Var(S) = 0 */
  z: number
  /** two-sided normal p-value; 1 when z = 0 */
  p: number
  /** Kendall's tau-a, S / (n(n−1)/2); 0 for n < 2 */
  tau: number
}

export function mannKendall(x: ArrayLike<number>): MannKendall {
  const n = x.length
  let s = 0
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]!
    for (let j = i + 1; j < n; j++) s += Math.sign(x[j]! - xi)
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm(x)) / 18
  let z = 0
  if (varS > 0) z = s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0
  return { n, s, varS, z, p: z === 0 ? 1 : twoSidedP(z), tau: n < 2 ? 0 : s / ((n * (n - 1)) / 2) }
}

/** Σ t(t−1)(2t+5) over the groups of equal values. */
function tieTerm(x: ArrayLike<number>): number {
  const sorted = Array.from(x).sort((a, b) => a - b)
  let sum = 0
  for (let i = 0; i < sorted.length;) {
    let j = i + 1
    while (j < sorted.length && sorted[j] === sorted[i]) j++
    const t = j - i
    sum += t * (t - 1) * (2 * t + 5)
    i = j
  }
  return sum
}
