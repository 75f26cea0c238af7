// The statistics of the spike rule: the Poisson upper tail (through the regularized lower incomplete
// gamma function, P(X ≥ k | λ) = P(k, λ)) and an EWMA control chart. No database.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x)
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  const y = x - 1
  let a = c[0]!
  const t = y + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i)
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a)
}

/**
 * The regularized lower incomplete gamma P(a, x): the series where it converges fast (x < a + 1,
 * every term positive, so a tiny tail keeps its relative precision), else 1 − Q from Lentz's
 * continued fraction.
 */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0
  const lnPre = a * Math.log(x) - x - lnGamma(a)
  if (x < a + 1) {
    let term = 1 / a, sum = term
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n)
      sum += term
      if (term < sum * 1e-16) break
    }
    return Math.exp(lnPre + Math.log(sum))
  }
  const tiny = 1e-300
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-16) break
  }
  return 1 - Math.exp(lnPre) * h
}

/** P(X ≥ k) for X ~ Poisson(λ); 1 for k ≤ 0; for λ = 0, 0 for every k ≥ 1. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1
  if (lambda <= 0) return 0
  return Math.min(1, Math.max(0, gammaP(k, lambda)))
}

export interface EwmaResult {
  /** the EWMA statistic after today's count */
  z: number
  /** in-control mean and standard deviation of the history */
  mean: number
  sd: number
  /** upper control limit at step t = history length + 1 (exact, time-varying variance) */
  ucl: number
  /** (z − mean) / sd of z: how many of its own standard deviations z lies above the mean */
  excess: number
  signal: boolean
}

/**
 * EWMA chart: z₀ = mean of the history, zₜ = λxₜ + (1 − λ)zₜ₋₁ over the history (oldest first)
 * and then today's count; UCL = mean + L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^{2t})). σ is the history's
 * sample standard deviation; a constant history uses its Poisson value √mean (at least 1), so a
 * quiet street is not alarmed by a single event.
 */
export function ewma(history: number[], today: number, lambda: number, L: number): EwmaResult {
  const n = history.length
  const mean = n ? history.reduce((a, b) => a + b, 0) / n : 0
  const sample = n > 1 ? Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
  const sd = sample > 0 ? sample : Math.max(Math.sqrt(mean), 1)
  let z = mean
  for (const x of [...history, today]) z = lambda * x + (1 - lambda) * z
  const t = n + 1
  const sdZ = sd * Math.sqrt(lambda / (2 - lambda) * (1 - (1 - lambda) ** (2 * t)))
  const ucl = mean + L * sdZ
  return { z, mean, sd, ucl, excess: (z - mean) / sdZ, signal: z > ucl }
}
