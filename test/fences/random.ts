// Seeded randomness for the fence tests and bench: the same tracks on every run.

/** mulberry32, the seeded generator the permutation tests of the hot spots use too. */
export { mulberry32 } from '../../server/analytics/gistar.ts'

/** A standard normal variate (Box-Muller) from a uniform generator. */
export function gaussian(rnd: () => number): number {
  const u = 1 - rnd(), v = rnd()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
