// The complementary error function to near machine precision, for normal p-values: JavaScript has
// none, and the usual 7-digit approximations (Abramowitz-Stegun 7.1.26) would make tail p-values
// and FDR ranks disagree with the reference tools in the far tail.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI)

/** erfc(x) = 1 − erf(x), relative error ~1e-15 for x < 2 and in the tail (continued fraction). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) return 1 - erfSeries(x)
  if (x > 27) return 0 // below the smallest double
  return tailFraction(x)
}

/** erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): every term positive, no cancellation. */
function erfSeries(x: number): number {
  const x2 = x * x
  let term = x, sum = x
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1)
    sum += term
    if (term < sum * 1e-17) break
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum
}

/** erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), modified Lentz. */
function tailFraction(x: number): number {
  const tiny = 1e-300
  let f = x, c = x, d = 0
  for (let k = 1; k < 5000; k++) {
    const a = k / 2
    d = x + a * d
    d = d === 0 ? tiny : 1 / d
    c = x + a / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f)
}
