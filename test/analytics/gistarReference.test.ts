// Gi* against a straightforward reference on random data: a dense n×n weights matrix built from
// hexagonal distance on H3 local IJ coordinates (not gridDisk), Getis & Ord's ratio form
// G*_i = Σ_j w_ij x_j / Σ_j x_j with E = W_i/n and Var = W_i(n − W_i)/(n²(n − 1))·S²/x̄²
// (esda's G_Local(star=True, transform='B')), and BH as q_i = min over p_j ≥ p_i of n·p_j/rank_j.
// Several seeds, irregular study areas (a disk with a fifth of its cells dropped), n up to ~2,000.
import { expect } from 'chai'
import { gridDisk, gridDistance, latLngToCell } from 'h3-js'
import { giStar, twoSidedP } from '../../server/analytics/gistar.ts'
import { denseWeights, normalCdf, reference } from './gistarSupport.ts'
import { h3DiskNeighbours } from '../../server/analytics/neighbours.ts'

const ORIGIN = latLngToCell(36.45, 116.0, 9)

function lcg(seed: number): () => number {
  let s = seed
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
}

/** An irregular study area and skewed counts with a few clusters (many zeros, like events). */
function sample(seed: number, radius: number): { cells: string[]; x: number[] } {
  const rand = lcg(seed)
  const cells = gridDisk(ORIGIN, radius).filter(() => rand() > 0.2)
  const x = cells.map((_, i) => {
    const base = rand() < 0.5 ? 0 : Math.floor(-Math.log(1 - rand()) * 3)
    return base + (i % 53 < 4 ? Math.floor(rand() * 20) : 0)
  })
  return { cells, x }
}

describe('Gi* against a dense textbook reference', () => {
  it('the IJ distance of the reference agrees with H3 grid distance', () => {
    const { cells } = sample(3, 6)
    const w = denseWeights(cells, 2)
    for (let i = 0; i < cells.length; i += 7) {
      for (let j = 0; j < cells.length; j++) expect(w[i]![j]).to.equal(gridDistance(cells[i]!, cells[j]!) <= 2 ? 1 : 0)
    }
  })

  for (const [seed, radius] of [[1, 8], [2, 15], [3, 22], [4, 27]] as const) {
    for (const k of [1, 2, 3]) {
      it(`seed ${seed}, disk radius ${radius}, k = ${k}: z, p and pFdr to 1e-9`, function () {
        if (radius > 22 && k > 1) this.timeout(300_000)
        const { cells, x } = sample(seed, radius)
        const ref = reference(x, denseWeights(cells, k))
        const g = giStar(x, h3DiskNeighbours(cells, k))
        expect(g.constant).to.equal(false)
        let worstZ = 0, worstP = 0, worstQ = 0
        for (let i = 0; i < x.length; i++) {
          worstZ = Math.max(worstZ, Math.abs(g.z[i]! - ref.z[i]!))
          worstP = Math.max(worstP, Math.abs(g.p[i]! - ref.p[i]!))
          worstQ = Math.max(worstQ, Math.abs(g.pFdr[i]! - ref.q[i]!))
        }
        expect(worstZ, 'z').to.be.below(1e-9)
        expect(worstP, 'p').to.be.below(1e-9)
        expect(worstQ, 'pFdr').to.be.below(1e-9)
        if (radius === 27) expect(x.length).to.be.within(1700, 2100)
      })
    }
  }

  it('p-values of the reference Φ agree with erfc to 1e-13', () => {
    for (const z of [0.1, 0.7, 1.3, 2.2, 3.1, 4.5]) expect(Math.abs(2 * (1 - normalCdf(z)) - twoSidedP(z))).to.be.below(1e-13)
  })
})
