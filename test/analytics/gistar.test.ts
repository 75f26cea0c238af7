// Gi* from first principles: hand-computed examples, closed forms, the degenerate cases, the
// Benjamini-Hochberg step-up on a worked example, ArcGIS's FDR bin rule written out literally,
// and conditional permutation p-values against the analytic ones.
import { expect } from 'chai'
import { getPentagons, gridDisk, gridDistance, latLngToCell } from 'h3-js'
import { benjaminiHochberg, binClass, giBins, giStar, permutationP, twoSidedP, type NeighbourList } from '../../server/analytics/gistar.ts'
import { erfc } from '../../server/analytics/normal.ts'
import { diskNeighbours, h3DiskNeighbours, latticeNeighbours } from '../../server/analytics/neighbours.ts'

const ORIGIN = latLngToCell(36.45, 116.0, 9)

/** CSR from plain lists. */
function csr(rows: number[][]): NeighbourList {
  const offsets = new Int32Array(rows.length + 1)
  rows.forEach((r, i) => { offsets[i + 1] = offsets[i]! + r.length })
  return { offsets, indices: Int32Array.from(rows.flat()) }
}

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b), `${a} vs ${b}`).to.be.at.most(tol)

describe('Gi* (first principles)', () => {
  it('a 7-cell disk by hand', () => {
    // Cells: c (centre) and the ring r0..r5 in order (r5 touches r0). k = 1, binary weights with
    // the cell itself: c sees all 7; each ri sees itself, c and its two ring neighbours (W = 4).
    // x = c 8, r0 4, r1 2, r2..r5 0. n = 7, Σx = 14, mean 2, Σx² = 84, S² = 84/7 − 2² = 8, S = 2√2.
    // Gi*_i = (lag_i − mean·W_i) / (S·√((n·W_i − W_i²)/(n − 1)))
    //   ri: denominator 2√2·√((28 − 16)/6) = 2√2·√2 = 4
    //   r0: lag 4+8+2+0 = 14 → (14 − 8)/4 = 1.5      r1: 2+8+4+0 = 14 → 1.5
    //   r2: 0+8+2+0 = 10 → 0.5    r3: 8 → 0    r4: 8 → 0    r5: 0+8+0+4 = 12 → 1
    //   c: lag 14 − 2·7 = 0 over √(49 − 49) = 0: 0/0, reported as z = 0, p = 1 (see gistar.ts)
    // p = erfc(|z|/√2): 1.5 → 0.13361440253771617, 0.5 → 0.6170750774519738, 1 → 0.31731050786291415
    // (Python math.erfc).
    const rows = [[0, 1, 2, 3, 4, 5, 6], [1, 0, 2, 6], [2, 0, 1, 3], [3, 0, 2, 4], [4, 0, 3, 5], [5, 0, 4, 6], [6, 0, 5, 1]]
    const g = giStar([8, 4, 2, 0, 0, 0, 0], csr(rows))
    const z = [0, 1.5, 1.5, 0.5, 0, 0, 1]
    const p = [1, 0.13361440253771617, 0.13361440253771617, 0.6170750774519738, 1, 1, 0.31731050786291415]
    z.forEach((v, i) => close(g.z[i]!, v))
    p.forEach((v, i) => close(g.p[i]!, v))
    expect(g.mean).to.equal(2)
    close(g.s, 2 * Math.SQRT2)
    expect(g.constant).to.equal(false)
    expect([...g.bin]).to.deep.equal([0, 0, 0, 0, 0, 0, 0])
  })

  it('equals PySAL esda\'s own documented example, G_Local(y, w, transform=\'B\', star=True)', () => {
    // esda/getisord.py docstring: six points, libpysal DistanceBand(threshold=15) (d ≤ 15), binary
    // weights with the diagonal set to 1; lg_star.Zs printed to 8 decimals. esda's p_norm is
    // one-sided (norm.sf(|Z|)); ours is two-sided, twice that.
    const pts = [[10, 10], [20, 10], [40, 10], [15, 20], [30, 20], [30, 30]]
    const rows = pts.map((a) => pts.flatMap((b, j) => (Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!) <= 15 ? [j] : [])))
    const g = giStar([2, 3, 3.2, 5, 8, 7], csr(rows))
    const esda = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    esda.forEach((z, i) => close(g.z[i]!, z, 5e-9))
    esda.forEach((z, i) => close(g.p[i]!, erfc(Math.abs(z) / Math.SQRT2), 1e-8)) // = 2·norm.sf(|z|)
  })

  it('the same disk through real H3 neighbours', () => {
    const cells = gridDisk(ORIGIN, 1)
    const nb = h3DiskNeighbours(cells, 1)
    const sizes = cells.map((_, i) => nb.offsets[i + 1]! - nb.offsets[i]!)
    expect(sizes).to.deep.equal([7, 4, 4, 4, 4, 4, 4])
    // every ring cell sees itself, the centre and exactly two other ring cells, symmetrically
    for (let i = 1; i < 7; i++) {
      const row = [...nb.indices.subarray(nb.offsets[i]!, nb.offsets[i + 1]!)]
      expect(row).to.include.members([0, i])
      for (const j of row) expect([...nb.indices.subarray(nb.offsets[j]!, nb.offsets[j + 1]!)]).to.include(i)
    }
  })

  it('one hot cell: z = √((n − W)/W) on every disk holding it, −√(W/(n − W)) inside elsewhere', () => {
    // x = a at one cell, 0 elsewhere: mean a/n, S = a·√(n − 1)/n. A disk containing the cell has
    // lag a: z = a(1 − W/n) / (a√(n−1)/n · √(W(n − W)/(n − 1))) = (n − W)/√(W(n − W)) = √((n − W)/W);
    // one without it: z = −aW/n / (…) = −√(W/(n − W)). Independent of a.
    const cells = gridDisk(ORIGIN, 10) // n = 331
    const n = cells.length
    expect(n).to.equal(331)
    const x = cells.map((c) => (c === ORIGIN ? 17 : 0))
    const nb = h3DiskNeighbours(cells, 1)
    const g = giStar(x, nb)
    const hot = new Set(gridDisk(ORIGIN, 1))
    const far = new Set(gridDisk(ORIGIN, 8)) // interior: full disks of 7
    cells.forEach((c, i) => {
      if (hot.has(c)) {
        close(g.z[i]!, Math.sqrt((n - 7) / 7))
        close(g.p[i]!, 1.0220644786436086e-11, 1e-20) // math.erfc(√(324/7)/√2)
        expect(binClass(g.bin[i]!)).to.equal('hot99')
      } else {
        if (far.has(c)) close(g.z[i]!, -Math.sqrt(7 / (n - 7)))
        expect(g.z[i]).to.be.below(0)
        expect(g.bin[i]).to.equal(0)
      }
    })
  })

  it('a constant field: z = 0, p = 1, not significant (Gi* is 0/0 there)', () => {
    // Every numerator lag − mean·W is exactly 0 and S = 0. esda returns NaN (with a numpy warning);
    // JSON has no NaN, and the permutation test agrees with p = 1 (every permuted sum ties the
    // observed one), so we report z = 0, p = pFdr = pPerm = 1, bin 0, and flag `constant`.
    for (const v of [0, 3]) {
      const cells = gridDisk(ORIGIN, 3)
      const g = giStar(cells.map(() => v), h3DiskNeighbours(cells, 2), { permutations: 99 })
      expect(g.constant).to.equal(true)
      expect([...g.z].every((z) => z === 0)).to.equal(true)
      expect([...g.p, ...g.pFdr, ...g.pPerm!].every((p) => p === 1)).to.equal(true)
      expect([...g.bin].every((b) => b === 0)).to.equal(true)
      expect(g.s).to.equal(0)
    }
  })

  it('tiny inputs: one cell, and empty', () => {
    const one = giStar([5], csr([[0]]))
    expect([...one.z, ...one.p]).to.deep.equal([0, 1])
    const none = giStar([], csr([]))
    expect(none.z.length).to.equal(0)
  })

  it('refuses a neighbour list of the wrong length', () => {
    expect(() => giStar([1, 2], csr([[0]]))).to.throw(/neighbour list/)
  })

  it('normal p-values at the textbook critical values', () => {
    close(twoSidedP(1.6448536269514722), 0.10, 1e-15)
    close(twoSidedP(1.959963984540054), 0.05, 1e-15)
    close(twoSidedP(-2.5758293035489004), 0.01, 1e-15)
    close(twoSidedP(3.2905267314918945), 0.001, 1e-15)
    close(twoSidedP(0), 1, 0)
    // erfc against Python math.erfc (glibc) in the tail
    expect(Math.abs(erfc(5) / 1.5374597944280351e-12 - 1)).to.be.below(1e-14)
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).to.be.below(1e-14)
  })
})

describe('Benjamini-Hochberg and the ArcGIS bins', () => {
  it('a worked example', () => {
    // p = .01 .04 .03 .005 .2, n = 5. Sorted: .005 (rank 1), .01 (2), .03 (3), .04 (4), .2 (5).
    // n·p/rank: .025 .025 .05 .05 .2; running minimum from the largest rank down: the same.
    // Back in input order: .025 .05 .05 .025 .2
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2])
    ;[0.025, 0.05, 0.05, 0.025, 0.2].forEach((v, i) => close(q[i]!, v, 1e-15))
    // the step-up: p = .021 .019 .02 → sorted .019 (1) .02 (2) .021 (3); n·p/rank = .057 .03 .021;
    // running minimum from rank 3 down: .021 for every rank
    const r = benjaminiHochberg([0.021, 0.019, 0.02])
    ;[0.021, 0.021, 0.021].forEach((v, i) => close(r[i]!, v, 1e-15))
    // ties share one adjusted value; nothing exceeds 1
    const t = benjaminiHochberg([0.5, 0.5, 1, 1])
    expect([...t]).to.deep.equal([1, 1, 1, 1])
  })

  it('bins equal ArcGIS\'s rule written out: per level, the largest k with p(k) ≤ αk/n', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    for (let round = 0; round < 20; round++) {
      const n = 50 + round * 10
      const z = Array.from({ length: n }, () => (rand() - 0.5) * 8)
      const p = z.map(twoSidedP)
      const sorted = [...p].sort((a, b) => a - b)
      const threshold = (alpha: number) => {
        let cut = -1
        sorted.forEach((v, k) => { if (v <= (alpha * (k + 1)) / n) cut = v })
        return cut
      }
      const cuts = [0.1, 0.05, 0.01].map(threshold)
      const expected = z.map((zi, i) => {
        const level = cuts.filter((c) => p[i]! <= c).length
        return level ? Math.sign(zi) * level : 0
      })
      expect([...giBins(z, benjaminiHochberg(p))]).to.deep.equal(expected)
    }
  })

  it('class names', () => {
    expect([-3, -2, -1, 0, 1, 2, 3].map(binClass)).to.deep.equal(['cold99', 'cold95', 'cold90', 'none', 'hot90', 'hot95', 'hot99'])
  })
})

describe('Gi* permutation p-values', () => {
  // 1,951 cells; continuous values near normal with a smooth trend, so the normal approximation holds
  const cells = gridDisk(ORIGIN, 25)
  let s = 12345
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const x = cells.map((_, i) => rand() + rand() + rand() + (i % 97) / 50)
  const meanAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let d = 0
    for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!)
    return d / a.length
  }

  it('total randomisation converges to the analytic p (999 permutations, fixed seed)', () => {
    for (const k of [1, 3]) {
      const nb = h3DiskNeighbours(cells, k)
      const g = giStar(x, nb, { permutations: 999, seed: 42, permutationMode: 'total' })
      // Monte Carlo error of a p from 999 draws is ≤ 0.016 (sd); the mean absolute gap is below it
      expect(meanAbs(g.pPerm!, g.p)).to.be.below(0.025)
    }
  })

  it('conditional randomisation (esda) converges to its own normal approximation, and nears the analytic p as k grows', () => {
    // Holding x_i fixed: the lag is x_i + the sum of w − 1 draws without replacement from the
    // other n − 1 values, mean (w − 1)·μ₋ᵢ, variance (w − 1)·σ²₋ᵢ·(n − w)/(n − 2).
    const n = x.length
    let sum = 0, ss = 0
    for (const v of x) { sum += v; ss += v * v }
    const gaps: number[] = []
    for (const k of [1, 2, 3]) {
      const nb = h3DiskNeighbours(cells, k)
      const g = giStar(x, nb, { permutations: 999, seed: 7 })
      const approx = cells.map((_, i) => {
        const a = nb.offsets[i]!, b = nb.offsets[i + 1]!
        let lag = 0
        for (let j = a; j < b; j++) lag += x[nb.indices[j]!]!
        const m = b - a - 1
        const mu = (sum - x[i]!) / (n - 1)
        const variance = ((ss - x[i]! ** 2) / (n - 1) - mu * mu) * m * (n - 1 - m) / (n - 2)
        return twoSidedP((lag - x[i]! - m * mu) / Math.sqrt(variance))
      })
      expect(meanAbs(g.pPerm!, approx)).to.be.below(0.025)
      gaps.push(meanAbs(g.pPerm!, g.p))
    }
    // x_i's fixed share of the sum (1/w) is what separates the two; it shrinks with the disk
    expect(gaps[0]).to.be.above(gaps[1]!)
    expect(gaps[1]).to.be.above(gaps[2]!)
    expect(gaps[2]).to.be.below(0.1)
  })

  it('is reproducible for a seed', () => {
    const nb = h3DiskNeighbours(cells, 1)
    expect([...permutationP(x, nb, 99, 42)]).to.deep.equal([...permutationP(x, nb, 99, 42)])
    expect([...permutationP(x, nb, 99, 43)]).not.to.deep.equal([...permutationP(x, nb, 99, 42)])
  })

  it('the extreme cell gets the smallest pseudo p, 2/(P + 1)', () => {
    const cells = gridDisk(ORIGIN, 6)
    const x = cells.map((c) => (gridDisk(ORIGIN, 1).includes(c) ? 50 : 1))
    const p = permutationP(x, h3DiskNeighbours(cells, 1), 999, 3)
    expect(p[0]).to.equal(2 / 1000)
  })
})

describe('H3 disk neighbours', () => {
  const rows = (nb: { offsets: Int32Array; indices: Int32Array }) =>
    Array.from({ length: nb.offsets.length - 1 }, (_, i) => [...nb.indices.subarray(nb.offsets[i]!, nb.offsets[i + 1]!)])

  it('the IJ lattice gives exactly the gridDisk neighbourhoods, on irregular areas, k = 1..5, several resolutions', () => {
    let s = 99
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    for (const res of [5, 7, 9, 11]) {
      const origin = latLngToCell(36.45, 116.0, res)
      const cells = gridDisk(origin, 14).filter(() => rand() > 0.3).sort()
      for (let k = 1; k <= 5; k++) {
        const fast = latticeNeighbours(cells, k)
        expect(fast, `res ${res} k ${k}`).not.to.equal(null)
        expect(rows(fast!)).to.deep.equal(rows(diskNeighbours(cells, k)))
      }
      // and both against gridDistance for k = 2, pair by pair on a sample of rows
      const nb = rows(h3DiskNeighbours(cells, 2))
      for (let i = 0; i < cells.length; i += 11) {
        expect(nb[i]).to.deep.equal(cells.flatMap((c, j) => (gridDistance(cells[i]!, c) <= 2 ? [j] : [])))
      }
    }
  })

  it('around pentagons (the lattice has a seam there) equals gridDisk too', () => {
    // the demo city itself lies in base cell 24, one of the 12 pentagon base cells
    for (const res of [2, 4, 6, 9]) {
      for (const pentagon of getPentagons(res).slice(0, 4)) {
        const cells = gridDisk(pentagon, 6).sort()
        for (const k of [1, 3]) expect(rows(h3DiskNeighbours(cells, k)), `${pentagon} k ${k}`).to.deep.equal(rows(diskNeighbours(cells, k)))
        // a pentagon has 5 neighbours, not 6
        expect(rows(h3DiskNeighbours(cells, 1))[cells.indexOf(pentagon)]).to.have.length(6)
      }
    }
  })

  it('refuses duplicate cells and a bad radius', () => {
    expect(() => h3DiskNeighbours([ORIGIN, ORIGIN], 1)).to.throw(/distinct/) // the lattice declines, gridDisk refuses
    expect(() => diskNeighbours([ORIGIN, ORIGIN], 1)).to.throw(/distinct/)
    expect(() => h3DiskNeighbours([ORIGIN], 6)).to.throw(/radius/)
  })
})
