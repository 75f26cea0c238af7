// The 双随机 draw (server/enforcement/draw.ts): reproducible (same seed, same draw), equal to an
// independent implementation (here, and vectors computed once by a Python re-implementation of the
// documented algorithm), and uniform enough (chi-square over many seeds, with a biased sampler
// as the positive control that the statistic does catch bias).
import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { draw, DrawShortage, pick, SeedStream } from '../../server/enforcement/draw.ts'
import { referenceDraw } from './reference.ts'

/** Pearson's chi-square of counts against equal expectations. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0)
  const e = total / counts.length
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0)
}
// upper 0.1% points of chi-square: df 19 → 43.82, df 14 → 36.12, df 9 → 27.88
const CRIT = { 19: 43.82, 14: 36.12, 9: 27.88 }

describe('enforcement: the 双随机 draw', () => {
  it('matches vectors computed by an independent Python implementation of the documented algorithm', () => {
    expect(new SeedStream('0123456789abcdef').next()).to.equal(638467426)
    expect(new SeedStream('0123456789abcdef').uniform(7)).to.equal(2)
    const a = draw({ seed: '0123456789abcdef', candidates: Array.from({ length: 40 }, (_, i) => 101 + i), objectCount: 5,
      officerPool: [7, 3, 9, 12, 15, 21], officersPerObject: 2, conflicts: [{ officerId: 9, objectId: 101 }, { officerId: 3, objectId: 130 }] })
    expect(a).to.deep.equal([
      { objectId: 127, officerIds: [12, 9] }, { objectId: 137, officerIds: [15, 12] }, { objectId: 102, officerIds: [12, 7] },
      { objectId: 123, officerIds: [12, 3] }, { objectId: 129, officerIds: [3, 21] },
    ])
    const b = draw({ seed: 'deadbeefcafebabe00112233', candidates: [5, 1, 9, 33, 2, 8, 77, 41, 60, 12], objectCount: 10, officerPool: [1, 2, 3], officersPerObject: 3, conflicts: [] })
    expect(b.map((d) => d.objectId)).to.deep.equal([12, 8, 77, 60, 5, 33, 9, 1, 2, 41])
    expect(b[3]!.officerIds).to.deep.equal([2, 3, 1])
  })

  it('equals the in-test reference on many random inputs, and is reproducible from its seed', () => {
    for (let i = 0; i < 300; i++) {
      const seed = createHash('md5').update(`case-${i}`).digest('hex')
      const n = 5 + (i % 60)
      const candidates = Array.from({ length: n }, (_, j) => 1000 - j * 7 + (i % 3))
      const pool = Array.from({ length: 4 + (i % 9) }, (_, j) => 50 + j * 3)
      const conflicts: [number, number][] = i % 4 === 0 ? [[pool[0]!, candidates[0]!], [pool[1]!, candidates[1]!]] : []
      const k = 1 + (i % Math.min(n, 12))
      const input = { seed, candidates, objectCount: k, officerPool: pool, officersPerObject: 2, conflicts: conflicts.map(([officerId, objectId]) => ({ officerId, objectId })) }
      const got = draw(input)
      expect(got, `case ${i}`).to.deep.equal(referenceDraw(seed, candidates, k, pool, 2, conflicts))
      expect(draw({ ...input, candidates: [...candidates].reverse() }), 'input order does not matter').to.deep.equal(got)
      expect(got).to.have.length(k)
      expect(new Set(got.map((g) => g.objectId)).size).to.equal(k)
      for (const g of got) {
        expect(new Set(g.officerIds).size).to.equal(2)
        for (const [off, obj] of conflicts) expect(g.objectId === obj && g.officerIds.includes(off)).to.equal(false)
      }
    }
    const one = { candidates: [1, 2, 3, 4, 5, 6, 7, 8], objectCount: 3, officerPool: [1, 2, 3, 4], officersPerObject: 2, conflicts: [] }
    expect(draw({ ...one, seed: 'aaaaaaaaaaaaaaaa' })).to.not.deep.equal(draw({ ...one, seed: 'aaaaaaaaaaaaaaab' }))
  })

  it('draws every object, every first place and every officer pair about equally often (chi-square, p = 0.001)', () => {
    const n = 20
    const inclusion = new Array<number>(n).fill(0)
    const first = new Array<number>(n).fill(0)
    const pairs = new Map<string, number>()
    const candidates = Array.from({ length: n }, (_, i) => i + 1)
    for (let s = 0; s < 20000; s++) {
      const d = draw({ seed: `${s.toString(16).padStart(16, '0')}`, candidates, objectCount: 3, officerPool: [1, 2, 3, 4, 5, 6], officersPerObject: 2, conflicts: [] })
      for (const x of d) inclusion[x.objectId - 1]!++
      first[d[0]!.objectId - 1]!++
      const key = [...d[0]!.officerIds].sort().join('-')
      pairs.set(key, (pairs.get(key) ?? 0) + 1)
    }
    expect(inclusion.reduce((a, b) => a + b)).to.equal(60000)
    expect(chiSquare(inclusion)).to.be.below(CRIT[19])
    expect(chiSquare(first)).to.be.below(CRIT[19])
    expect(pairs.size).to.equal(15)
    expect(chiSquare([...pairs.values()])).to.be.below(CRIT[14])
  })

  it('positive control: the same statistic rejects a sampler with a small bias towards low ids', () => {
    const counts = new Array<number>(10).fill(0)
    for (let s = 0; s < 20000; s++) {
      const stream = new SeedStream(`bias${s}`)
      // biased: one time in ten, the lowest id instead of a fair pick
      const x = stream.uniform(10) === 0 ? 0 : pick(stream, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1)[0]!
      counts[x]!++
    }
    expect(chiSquare(counts)).to.be.above(CRIT[9])
  })

  it('refuses fewer than two officers, and says which object lacks officers after its conflicts', () => {
    expect(() => draw({ seed: 'aaaaaaaaaaaaaaaa', candidates: [1], objectCount: 1, officerPool: [1, 2], officersPerObject: 1, conflicts: [] })).to.throw(RangeError)
    try {
      draw({ seed: 'aaaaaaaaaaaaaaaa', candidates: [1], objectCount: 1, officerPool: [1, 2], officersPerObject: 2, conflicts: [{ officerId: 2, objectId: 1 }] })
      expect.fail('drew with one eligible officer')
    } catch (err) {
      expect(err).to.be.instanceOf(DrawShortage)
      expect((err as DrawShortage).objectId).to.equal(1)
      expect((err as DrawShortage).eligible).to.equal(1)
    }
  })
})
