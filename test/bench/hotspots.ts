// Gi* hot spots (pure, no database needed):
// 1. scaling: neighbours (H3 disks, k = 1) + Gi* over n and 2n study cells; target: 2n takes
//    ≤ 2.3× the time of n (linear: a sparse neighbour list, never a dense matrix);
// 2. the analytic z-scores and p-values against 999 conditional permutations (esda's default)
//    on the same cells and neighbour list; target ≥ 50× faster.
// Skewed counts with clusters and many zeros, like events. Interleaved rounds, medians.
import { gridDisk, latLngToCell } from 'h3-js'
import { giStar } from '../../server/analytics/gistar.ts'
import { h3DiskNeighbours } from '../../server/analytics/neighbours.ts'
import type { BenchResult } from './harness.ts'
import { median } from './support.ts'

const ORIGIN = latLngToCell(36.45, 116.0, 9)
/** disk radii giving ~50,000 and ~100,000 cells (3r(r + 1) + 1) */
const R_N = 129, R_2N = 183
/** ~10,000 cells for the permutation comparison */
const R_PERM = 57
const ROUNDS = 5

export async function benchHotspots(results: BenchResult[]): Promise<void> {
  scaling(results)
  permutations(results)
}

function counts(n: number, seed: number): number[] {
  let s = seed
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  return Array.from({ length: n }, (_, i) => (rand() < 0.6 ? 0 : Math.floor(-Math.log(1 - rand()) * 3)) + (i % 211 < 5 ? 15 : 0))
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6

function scaling(results: BenchResult[]): void {
  const sets = [R_N, R_2N].map((r) => {
    const cells = gridDisk(ORIGIN, r)
    return { cells, x: counts(cells.length, r) }
  })
  const total: number[][] = [[], []], stat: number[][] = [[], []]
  for (let round = 0; round <= ROUNDS; round++) {
    sets.forEach(({ cells, x }, i) => {
      const t0 = process.hrtime.bigint()
      const nb = h3DiskNeighbours(cells, 1)
      const t1 = process.hrtime.bigint()
      giStar(x, nb)
      // round 0 warms the JIT up and is not kept
      if (round) { total[i]!.push(ms(t0)); stat[i]!.push(ms(t1)) }
    })
  }
  const [a, b] = total.map(median) as [number, number]
  const [sa, sb] = stat.map(median) as [number, number]
  const [n, n2] = sets.map((s) => s.cells.length)
  results.push({
    name: 'Gi* hot spots at 2n cells', baseline: `n = ${n!.toLocaleString('en')} cells`, subject: `2n = ${n2!.toLocaleString('en')} cells`,
    metric: 'p50', baselineValue: a, subjectValue: b, ratio: a / b, target: '2n ≤ 2.3× the time of n', met: b <= 2.3 * a,
    note: `ms, H3 disk neighbours (k = 1) + Gi* (z, p, BH, bins): ${(b / a).toFixed(2)}× the time; the statistic alone ${sa.toFixed(1)} → ${sb.toFixed(1)} ms (${(sb / sa).toFixed(2)}×)`,
  })
}

function permutations(results: BenchResult[]): void {
  const cells = gridDisk(ORIGIN, R_PERM)
  const x = counts(cells.length, 7)
  const nb = h3DiskNeighbours(cells, 1)
  const analytic: number[] = [], permuted: number[] = []
  giStar(x, nb) // warm-up
  for (let round = 0; round < 3; round++) {
    let t0 = process.hrtime.bigint()
    // the analytic pass is well under a millisecond: time 20 of them
    for (let r = 0; r < 20; r++) giStar(x, nb)
    analytic.push(ms(t0) / 20)
    t0 = process.hrtime.bigint()
    giStar(x, nb, { permutations: 999, seed: round + 1 })
    permuted.push(ms(t0))
  }
  const b = median(permuted), s = median(analytic)
  results.push({
    name: 'Gi* analytic vs 999 permutations', baseline: '999 conditional permutations', subject: 'analytic z, normal p, BH',
    metric: 'p50', baselineValue: b, subjectValue: s, ratio: b / s, target: '≥ 50× faster', met: b / s >= 50,
    note: `ms, ${cells.length.toLocaleString('en')} cells, k = 1, neighbour list built once for both`,
  })
}
