// Scoring and ranking, pure: numbers worked out by hand.
import { expect } from 'chai'
import { rankUnits, scoreUnit, type RuleItem } from '../../server/assessment/score.ts'
import type { Rates } from '../../server/analytics/indicators.ts'

type Pairs = Partial<Record<'due' | 'closed' | 'dispatched' | 'rework', number>>
/** Rates built by hand from a few counts: closeRate closed/due, reworkRate rework/dispatched, the rest with no denominator. */
function counts(c: Pairs): Rates {
  const r = (n: number, d: number) => ({ numerator: n, denominator: d, rate: d === 0 ? null : n / d })
  const none = r(0, 0)
  return { closeRate: r(c.closed ?? 0, c.due ?? 0), onTimeCloseRate: none, reworkRate: r(c.rework ?? 0, c.dispatched ?? 0), extensionRate: none,
    returnRate: none, overdueRate: none, satisfactionRate: none, selfDiscoveryRate: none }
}

describe('assessment scores', () => {
  const items: RuleItem[] = [
    { indicator: 'closeRate', weight: 3, better: 'higher' },
    { indicator: 'reworkRate', weight: 1, better: 'lower' },
  ]

  it('weighs item scores 100·rate and 100·(1 − rate)', () => {
    // close 3/4 → 75, rework 1/5 → 80: (3·75 + 80) / 4 = 76.25
    const s = scoreUnit(items, counts({ due: 4, closed: 3, dispatched: 5, rework: 1 }))
    expect(s.score).to.equal(76.25)
    expect(s.items.map((i) => i.score)).to.deep.equal([75, 80])
  })

  it('leaves out an item with no denominator and renormalises; no item left is a null score', () => {
    // nothing due: only rework counts, 2/8 → 75
    expect(scoreUnit(items, counts({ dispatched: 8, rework: 2 })).score).to.equal(75)
    expect(scoreUnit(items, counts({ dispatched: 0 })).score).to.equal(null)
    expect(scoreUnit(items, null).score).to.equal(null)
  })

  it('rounds to 0.01 and ranks 1, 2, 2, 4 with null scores last, sharing their rank', () => {
    const unit = (key: string, due: number, closed: number) => ({ key, name: key, area: null, rates: counts({ due, closed }) })
    const ranked = rankUnits([{ indicator: 'closeRate', weight: 1, better: 'higher' }], [
      unit('d', 3, 1), unit('a', 1, 1), unit('c', 6, 4), unit('b', 3, 2), unit('e', 0, 0), unit('f', 0, 0),
    ])
    expect(ranked.map((r) => [r.key, r.rank, r.score])).to.deep.equal([
      ['a', 1, 100], ['b', 2, 66.67], ['c', 2, 66.67], ['d', 4, 33.33], ['e', 5, null], ['f', 5, null],
    ])
  })
})
