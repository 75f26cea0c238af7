// The pure parts of emerging hot spots: Mann-Kendall against hand-worked values and a brute-force
// count, ArcGIS's categories on constructed Gi_Bin series, the space-time weights and the cube's
// Gi* against the dense textbook reference, and the step boundaries.
import { expect } from 'chai'
import { gridDisk, latLngToCell } from 'h3-js'
import { mannKendall } from '../../server/analytics/mannKendall.ts'
import { categoryCode, categoryLabel, classify, emergingCube, spaceTimeNeighbours, stepBounds, type Category } from '../../server/analytics/emerging.ts'
import { h3DiskNeighbours } from '../../server/analytics/neighbours.ts'
import { mulberry32 } from '../../server/analytics/gistar.ts'
import { denseWeights, normalCdf, reference } from './gistarSupport.ts'

/** Brute force: S from every ordered pair, ties counted by a frequency table, p by Simpson's Φ. */
function bruteMk(x: number[]): { s: number; varS: number; z: number; p: number } {
  let s = 0
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) if (i < j) s += x[j]! > x[i]! ? 1 : x[j]! < x[i]! ? -1 : 0
  const freq = new Map<number, number>()
  for (const v of x) freq.set(v, (freq.get(v) ?? 0) + 1)
  const n = x.length
  let ties = 0
  for (const t of freq.values()) ties += t * (t - 1) * (2 * t + 5)
  const varS = (n * (n - 1) * (2 * n + 5) - ties) / 18
  const z = s === 0 || varS === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS)
  return { s, varS, z, p: 2 * (1 - normalCdf(Math.abs(z))) }
}

describe('Mann-Kendall', () => {
  it('matches hand-worked examples', () => {
    // 1..5: every pair increases, S = 10, Var = 5·4·15/18, z = 9/√(50/3); R Kendall::MannKendall(1:5): sl 0.0275
    const a = mannKendall([1, 2, 3, 4, 5])
    expect(a).to.include({ n: 5, s: 10, tau: 1 })
    expect(a.varS).to.be.closeTo(50 / 3, 1e-12)
    expect(a.z).to.be.closeTo(9 / Math.sqrt(50 / 3), 1e-12)
    expect(a.p).to.be.closeTo(0.0275, 5e-4)
    // ties: [1, 2, 2, 3]: S = 5, Var = (4·3·13 − 2·1·9)/18 = 138/18, z = 4/√(138/18)
    const b = mannKendall([1, 2, 2, 3])
    expect(b.s).to.equal(5)
    expect(b.varS).to.be.closeTo(138 / 18, 1e-12)
    expect(b.z).to.be.closeTo(4 / Math.sqrt(138 / 18), 1e-12)
    // decreasing: [5, 3, 4, 1]: S = −4, Var = 156/18, z = −3/√(156/18)
    const c = mannKendall([5, 3, 4, 1])
    expect(c.s).to.equal(-4)
    expect(c.z).to.be.closeTo(-3 / Math.sqrt(156 / 18), 1e-12)
    expect(c.tau).to.be.closeTo(-4 / 6, 1e-12)
    // a constant series: Var = 0, no trend
    expect(mannKendall([2, 2, 2])).to.include({ s: 0, varS: 0, z: 0, p: 1 })
    expect(mannKendall([7])).to.include({ s: 0, z: 0, p: 1, tau: 0 })
    // z = 1.96 ⇔ p = 0.05: 20 increasing values give S = 190, Var = 20·19·45/18 = 950
    const d = mannKendall(Array.from({ length: 20 }, (_, i) => i))
    expect(d.varS).to.equal(950)
    expect(d.p).to.be.closeTo(2 * (1 - normalCdf(189 / Math.sqrt(950))), 1e-12)
  })

  it('equals a brute-force computation on random series with ties', () => {
    const rand = mulberry32(42)
    for (let r = 0; r < 200; r++) {
      const n = 3 + Math.floor(rand() * 40)
      const x = Array.from({ length: n }, () => Math.floor(rand() * 6) - 2 + (rand() < 0.2 ? 0.5 : 0))
      const got = mannKendall(x), want = bruteMk(x)
      expect(got.s, `${x}`).to.equal(want.s)
      expect(got.varS).to.be.closeTo(want.varS, 1e-9)
      expect(got.z).to.be.closeTo(want.z, 1e-12)
      expect(got.p).to.be.closeTo(want.p, 1e-9)
    }
  })
})

describe('emerging hot-spot categories', () => {
  const noTrend = { z: 0, p: 1 }
  const up = { z: 3, p: 0.003 }
  const down = { z: -3, p: 0.003 }
  const cases: [string, number[], { z: number; p: number }, Category][] = [
    ['hot only in the last step', [0, 0, 0, 0, 0, 2], noTrend, 'new_hot'],
    ['hot in the last 3 steps after none', [0, 0, 0, 1, 3, 2], up, 'consecutive_hot'],
    ['a single last hot step after none, 3 steps', [0, 0, 3], noTrend, 'new_hot'],
    ['hot in ≥ 90 % with a significant increasing trend', [1, 1, 2, 2, 2, 3, 3, 3, 3, 3], up, 'intensifying_hot'],
    ['hot in ≥ 90 % with no trend', [3, 3, 3, 3, 0, 3, 3, 3, 3, 3], noTrend, 'persistent_hot'],
    ['hot in ≥ 90 % with a significant decreasing trend', [3, 3, 3, 3, 3, 2, 2, 1, 1, 1], down, 'diminishing_hot'],
    ['hot in ≥ 90 % but not the last step', [3, 3, 3, 3, 3, 3, 3, 3, 3, 0], down, 'historical_hot'],
    ['hot in ≥ 90 % and cold in the last step: the final step decides', [3, 3, 3, 3, 3, 3, 3, 3, 3, -1], down, 'oscillating_cold'],
    ['on and off hot, never cold, hot at the end', [0, 2, 0, 0, 1, 0, 3], noTrend, 'sporadic_hot'],
    ['hot before, a gap, then a run at the end', [1, 0, 0, 2, 2], noTrend, 'sporadic_hot'],
    ['cold before, hot at the end', [-2, 0, 0, 1, 2], up, 'oscillating_hot'],
    ['cold, then hot only in the last step', [-1, 0, 0, 0, 3], noTrend, 'oscillating_hot'],
    ['cold only in the last step', [0, 0, 0, -2], noTrend, 'new_cold'],
    ['cold in the last 2 steps after none', [0, 0, 0, -1, -1], down, 'consecutive_cold'],
    ['cold ≥ 90 %, decreasing z (more intense cold)', [-1, -1, -2, -2, -2, -3, -3, -3, -3, -3], down, 'intensifying_cold'],
    ['cold ≥ 90 %, no trend', Array(10).fill(-3), noTrend, 'persistent_cold'],
    ['cold ≥ 90 %, increasing z (weakening cold)', [-3, -3, -3, -3, -3, -2, -2, -1, -1, -1], up, 'diminishing_cold'],
    ['cold ≥ 90 % but not the last step', [-3, -3, -3, -3, -3, -3, -3, -3, -3, 0], up, 'historical_cold'],
    ['cold ≥ 90 % and hot in the last step: the final step decides', [-3, -3, -3, -3, -3, -3, -3, -3, -3, 1], up, 'oscillating_hot'],
    ['on and off cold', [-1, 0, -1, 0, -1], noTrend, 'sporadic_cold'],
    ['hot before, cold at the end', [2, 0, -1], noTrend, 'oscillating_cold'],
    ['never significant', [0, 0, 0, 0], up, 'none'],
    ['hot before but not at the end, < 90 %', [0, 3, 3, 0], noTrend, 'none'],
    ['a significant trend needs p ≤ 0.05', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], { z: 1.8, p: 0.07 }, 'persistent_hot'],
    ['9 of 10 is 90 %', [0, 3, 3, 3, 3, 3, 3, 3, 3, 3], noTrend, 'persistent_hot'],
    ['8 of 10 is below 90 % (run of 8 after none: consecutive)', [0, 0, 3, 3, 3, 3, 3, 3, 3, 3], noTrend, 'consecutive_hot'],
  ]
  for (const [what, bins, trend, want] of cases) {
    it(`${what} → ${want}`, () => expect(classify(bins, trend)).to.equal(want))
  }

  it('has ArcGIS codes and Chinese labels for all 17 categories', () => {
    const all = new Set(cases.map((c) => c[3]))
    expect(all.size).to.equal(17)
    const codes = [...all].map(categoryCode)
    expect(new Set(codes).size).to.equal(17)
    expect(categoryCode('new_hot')).to.equal(1)
    expect(categoryCode('historical_cold')).to.equal(-8)
    expect(categoryCode('none')).to.equal(0)
    expect(categoryLabel('intensifying_hot')).to.equal('加剧热点')
    expect(categoryLabel('new_cold')).to.equal('新增冷点')
  })
})

describe('emerging hot-spot cube', () => {
  const centre = latLngToCell(36.45, 116.0, 8)
  const cells = gridDisk(centre, 4).sort()

  it('space-time weights: the disk in the same and the previous timeWindow steps', () => {
    const nb = h3DiskNeighbours(cells, 1)
    const w = denseWeights(cells, 1)
    const n = cells.length, steps = 4
    for (const tw of [0, 1, 2]) {
      const st = spaceTimeNeighbours(nb, steps, tw)
      for (let t = 0; t < steps; t++) {
        for (let i = 0; i < n; i++) {
          const b = t * n + i
          const got = Array.from(st.indices.subarray(st.offsets[b]!, st.offsets[b + 1]!))
          const want: number[] = []
          for (let s = 0; s < steps; s++) for (let j = 0; j < n; j++) if (s <= t && t - s <= tw && w[i]![j]) want.push(s * n + j)
          expect(got).to.deep.equal(want)
        }
      }
    }
  })

  it('Gi* over the cube equals the dense reference; a cell hot only in the last step is new', () => {
    const n = cells.length, steps = 6
    const rand = mulberry32(7)
    const x = Array.from({ length: steps }, () => Float64Array.from({ length: n }, () => Math.floor(rand() * 3)))
    const hot = cells.indexOf(centre)
    const around = new Set(gridDisk(centre, 1).map((c) => cells.indexOf(c)))
    for (const j of around) x[steps - 1]![j] = 40
    const cube = emergingCube(x, h3DiskNeighbours(cells, 1), 1)
    // the dense reference over the flat cube (weights: spatial disk × time window)
    const w = denseWeights(cells, 1)
    const dense = Array.from({ length: n * steps }, (_, b) => Uint8Array.from({ length: n * steps }, (_, c) => {
      const t = Math.floor(b / n), i = b % n, s = Math.floor(c / n), j = c % n
      return s <= t && t - s <= 1 && w[i]![j] ? 1 : 0
    }))
    const flat: number[] = []
    x.forEach((row) => flat.push(...row))
    const ref = reference(flat, dense)
    for (let t = 0; t < steps; t++) for (let i = 0; i < n; i++) expect(cube.locations[i]!.z[t]).to.be.closeTo(ref.z[t * n + i]!, 1e-9)
    const loc = cube.locations[hot]!
    expect(loc.bin.slice(0, -1).every((b) => b <= 0)).to.equal(true)
    expect(loc.bin.at(-1)).to.be.above(0)
    expect(loc.category).to.equal('new_hot')
    expect(loc.trend.s).to.equal(mannKendall(loc.z).s)
  })

  it('finds consecutive and intensifying clusters in a constructed cube', () => {
    const centre8 = latLngToCell(36.45, 116.0, 8)
    const area = gridDisk(centre8, 10).sort()
    const n = area.length, steps = 10
    const rand = mulberry32(3)
    const x = Array.from({ length: steps }, () => Float64Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0)))
    const [a, b] = gridDisk(centre8, 6).filter((c) => !gridDisk(centre8, 5).includes(c)).filter((_, i, all) => i === 0 || i === Math.floor(all.length / 2))
    const put = (c: string, t: number, v: number) => { for (const d of gridDisk(c, 1)) x[t]![area.indexOf(d)] = v }
    for (let t = steps - 3; t < steps; t++) put(a!, t, 30) // hot in the last 3 steps only
    for (let t = 0; t < steps; t++) put(b!, t, 10 + 6 * t) // always hot, more and more
    const cube = emergingCube(x, h3DiskNeighbours(area, 1), 1)
    const at = (c: string) => cube.locations[area.indexOf(c)]!
    expect(at(a!).category, `${at(a!).bin}`).to.equal('consecutive_hot')
    expect(at(b!).category, `${at(b!).bin} ${at(b!).trend.z}`).to.equal('intensifying_hot')
  })

  it('steps end at `to`; months follow the Shanghai calendar', () => {
    const to = new Date('2026-03-31T00:00:00+08:00')
    const weeks = stepBounds(new Date('2026-03-01T00:00:00+08:00'), to, 'week')
    expect(weeks.length).to.equal(5)
    expect(weeks.at(-1)!.toISOString()).to.equal(to.toISOString())
    expect(weeks[0]!.toISOString()).to.equal(new Date('2026-03-03T00:00:00+08:00').toISOString())
    const months = stepBounds(new Date('2025-12-01T00:00:00+08:00'), new Date('2026-04-01T00:00:00+08:00'), 'month')
    expect(months.map((d) => d.toISOString())).to.deep.equal(['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']
      .map((d) => new Date(`${d}T00:00:00+08:00`).toISOString()))
    // Mar 31 back one month: Feb 28 (clamped)
    expect(stepBounds(new Date('2026-02-01T00:00:00+08:00'), to, 'month')[0]!.toISOString()).to.equal(new Date('2026-02-28T00:00:00+08:00').toISOString())
  })
})
