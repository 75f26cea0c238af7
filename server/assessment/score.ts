// Scores and ranks of an assessment (考核), pure: no database.
// A unit's score is the weighted mean of its item scores, each 100·rate (higher is better) or
// 100·(1 − rate) (lower is better). An item whose rate is null (denominator 0) says nothing about
// the unit, so it is left out and the other weights renormalised; a unit with no item left has a
// null score and ranks last. Ranks: score descending, equal scores share a rank (1, 2, 2, 4).
import type { Rate, Rates } from '../analytics/indicators.ts'
import type { ExtraIndicator } from './extraRates.ts'

export type Indicator = keyof Rates | ExtraIndicator
/** A unit's rates: the analytics ones, and those of extra indicators (extraRates.ts) when a rule names them. */
export type UnitRates = Rates & Partial<Record<ExtraIndicator, Rate>>
export interface RuleItem { indicator: Indicator; weight: number; better: 'higher' | 'lower' }
export interface ItemScore extends RuleItem, Rate { score: number | null }
export interface UnitScore {
  rank: number
  key: string
  name: string | null
  /** the admin code the unit lies in (for jurisdiction filtering): the unit itself, or a department's area */
  area: string | null
  score: number | null
  items: ItemScore[]
}
export interface UnitInput { key: string; name: string | null; area: string | null; rates: UnitRates | null }

/** Scores are kept to two decimals: what a score sheet shows is what is ranked (no 87.4999999 vs 87.5). */
export const round2 = (x: number) => Math.round(x * 100) / 100

function itemScore(item: RuleItem, r: Rate): number | null {
  if (r.rate === null) return null
  return 100 * (item.better === 'higher' ? r.rate : 1 - r.rate)
}

export function scoreUnit(items: RuleItem[], rates: UnitRates | null): { score: number | null; items: ItemScore[] } {
  const none: Rate = { numerator: 0, denominator: 0, rate: null }
  const scored = items.map((item) => {
    const r = rates?.[item.indicator] ?? none
    const s = itemScore(item, r)
    return { ...item, numerator: r.numerator, denominator: r.denominator, rate: r.rate, score: s === null ? null : round2(s), raw: s }
  })
  let weights = 0
  let sum = 0
  for (const s of scored) {
    if (s.raw === null) continue
    weights += s.weight
    sum += s.weight * s.raw
  }
  return { score: weights === 0 ? null : round2(sum / weights), items: scored.map(({ raw: _raw, ...rest }) => rest) }
}

/** Every unit scored and ranked; order: rank, then key. */
export function rankUnits(items: RuleItem[], units: UnitInput[]): UnitScore[] {
  const scored = units.map((u) => ({ key: u.key, name: u.name, area: u.area, ...scoreUnit(items, u.rates) }))
  scored.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const ranked: UnitScore[] = []
  scored.forEach((u, i) => {
    const prev = ranked[i - 1]
    const rank = prev !== undefined && prev.score === u.score ? prev.rank : i + 1
    ranked.push({ rank, ...u })
  })
  return ranked
}
