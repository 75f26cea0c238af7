// The spike rule's statistics against independent computations: the Poisson upper tail as a sum
// of the pmf in log space (ln k! as a sum of logs, no gamma function), and the EWMA statistic in
// its closed form (a weighted sum) rather than the recursion.
import { expect } from 'chai'
import { ewma, poissonUpperTail } from '../../server/warnings/stats.ts'

/** P(X ≥ k | λ) = Σ_{j ≥ k} e^{−λ} λ^j / j!, summed from the largest term outward in log space. */
function tailBySum(k: number, lambda: number): number {
  let lnFact = 0
  for (let i = 2; i <= k; i++) lnFact += Math.log(i)
  const terms: number[] = []
  for (let j = k, lf = lnFact; j < k + 2000; j++, lf += Math.log(j)) {
    const t = j * Math.log(lambda) - lambda - lf
    terms.push(t)
    if (j > lambda && t < terms[0]! - 50) break
  }
  const m = Math.max(...terms)
  return Math.exp(m) * terms.reduce((s, t) => s + Math.exp(t - m), 0)
}

describe('warning statistics', () => {
  it('the Poisson upper tail equals the summed pmf to 1e-10 relative, deep into the tail', () => {
    for (const lambda of [0.05, 0.5, 1, 2, 3.7, 8, 15, 40, 120]) {
      for (const k of [1, 2, 3, 5, 8, 12, 20, 35, 60, 150, 300]) {
        const ours = poissonUpperTail(k, lambda)
        const ref = k <= lambda ? 1 - lowerBySum(k - 1, lambda) : tailBySum(k, lambda)
        if (ref > 1e-300) expect(Math.abs(ours - ref) / ref, `k=${k} λ=${lambda}`).to.be.below(k <= lambda ? 1e-9 : 1e-10)
      }
    }
    expect(poissonUpperTail(0, 3)).to.equal(1)
    expect(poissonUpperTail(5, 0)).to.equal(0)
  })

  it('the EWMA statistic equals its closed form and the limit its formula', () => {
    const history = [3, 5, 4, 6, 2, 5, 4, 3]
    const lambda = 0.3, L = 3
    const mean = history.reduce((a, b) => a + b, 0) / history.length
    const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (history.length - 1))
    const xs = [...history, 14]
    const t = xs.length
    // z_t = (1−λ)^t z₀ + λ Σ_{i=1..t} (1−λ)^{t−i} x_i with z₀ = mean
    const closed = (1 - lambda) ** t * mean + lambda * xs.reduce((s, x, i) => s + (1 - lambda) ** (t - 1 - i) * x, 0)
    const e = ewma(history, 14, lambda, L)
    expect(e.z).to.be.closeTo(closed, 1e-12)
    expect(e.ucl).to.be.closeTo(mean + L * sd * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * t))), 1e-12)
    expect(e.signal).to.equal(closed > e.ucl)
    expect(ewma(history, 5, lambda, L).signal).to.equal(false)
  })
})

/** P(X ≤ k) by the summed pmf (for the body of the distribution). */
function lowerBySum(k: number, lambda: number): number {
  let s = 0, lf = 0
  for (let j = 0; j <= k; j++) {
    if (j > 1) lf += Math.log(j)
    s += Math.exp(j * Math.log(lambda) - lambda - lf)
  }
  return s
}
