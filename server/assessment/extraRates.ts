// Indicators an assessment can weigh beyond the analytics rates: their values come from the
// capability that owns them, registered here (server/quality/ registers handlingQuality), so the
// assessment imports none of them. An indicator with no registered source has no rate (its item
// is left out and the other weights renormalised, as for a rate with no denominator).
import type { Knex } from 'knex'
import type { Rate } from '../analytics/indicators.ts'
import type { Unit } from '../analytics/indicators.ts'
import type { Period } from '../analytics/calendarPeriods.ts'

export const EXTRA_INDICATORS = ['handlingQuality'] as const
export type ExtraIndicator = (typeof EXTRA_INDICATORS)[number]

/** The rate of each unit (keyed as indicators() keys units) for the events of the period. */
export type ExtraRateSource = (knex: Knex, city: string, unit: Unit, p: Period) => Promise<Map<string, Rate>>

const sources = new Map<ExtraIndicator, ExtraRateSource>()

export function registerExtraRates(indicator: ExtraIndicator, source: ExtraRateSource): void {
  sources.set(indicator, source)
}

/** The rates of the extra indicators a rule's items name, per unit key. */
export async function extraRates(knex: Knex, city: string, unit: Unit, p: Period, indicators: readonly string[]): Promise<Map<string, Partial<Record<ExtraIndicator, Rate>>>> {
  const out = new Map<string, Partial<Record<ExtraIndicator, Rate>>>()
  for (const ind of EXTRA_INDICATORS) {
    const source = sources.get(ind)
    if (!source || !indicators.includes(ind)) continue
    for (const [key, rate] of await source(knex, city, unit, p)) out.set(key, { ...out.get(key), [ind]: rate })
  }
  return out
}
