// Assessment rules (考核规则): the request schemas and the versioned store. A rule is a chain of
// immutable versions; a change is a new version effective from a day, and the version that applies
// to a period is the one in force on its first day, so past periods keep the version they had.
import type { Knex } from 'knex'
import { z } from 'zod'
import { daySchema } from '../http/dates.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { RATES, UNITS, type Unit } from '../analytics/indicators.ts'
import { PERIOD_KINDS, type PeriodKind } from '../analytics/calendarPeriods.ts'
import { midnight } from '../analytics/periods.ts'
import type { RuleItem } from './score.ts'
import { EXTRA_INDICATORS } from './extraRates.ts'

/** The analytics rates and the extra indicators (handlingQuality: the mean quality-of-handling score, server/quality/). */
export const INDICATORS = [...Object.keys(RATES), ...EXTRA_INDICATORS] as unknown as [keyof typeof RATES | (typeof EXTRA_INDICATORS)[number], ...(keyof typeof RATES | (typeof EXTRA_INDICATORS)[number])[]]
/** The day a first version applies from when none is given: the first day parsePeriod knows. */
export const SINCE_EVER = '1970-01-01'
export const MAX_ITEMS = 16

// Text a person types: no control characters (a hostile name would otherwise reach logs and sheets).
const control = (s: string) => [...s].some((c) => { const n = c.codePointAt(0)!; return (n < 32 && c !== '\n' && c !== '\t' && c !== '\r') || n === 127 })
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
  .refine((s) => !control(s), 'must not contain control characters')
export const ruleCode = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
export const day = daySchema('must be a calendar day yyyy-mm-dd, 1970 or later', 1970)

const item = z.object({
  indicator: z.enum(INDICATORS, { message: `must be one of ${INDICATORS.join(', ')}` }),
  weight: z.number({ message: 'must be a number' }).positive('must be greater than 0').max(1000, 'must be at most 1000'),
  better: z.enum(['higher', 'lower'], { message: 'must be higher or lower' }),
}).strict()
const items = z.array(item, { message: 'must be an array of {indicator, weight, better}' })
  .min(1, 'must hold at least one item').max(MAX_ITEMS, `at most ${MAX_ITEMS} items`)
  .refine((a) => new Set(a.map((i) => i.indicator)).size === a.length, 'each indicator at most once')
const periods = z.array(z.enum(PERIOD_KINDS, { message: `must be one of ${PERIOD_KINDS.join(', ')}` }))
  .min(1, 'must name at least one period kind').max(PERIOD_KINDS.length)
  .transform((a) => PERIOD_KINDS.filter((k) => a.includes(k)))

export const createRuleSchema = z.object({
  code: ruleCode,
  name: text(100),
  unit: z.enum(UNITS, { message: `must be one of ${UNITS.join(', ')}` }),
  periods: periods.default(['monthly']),
  items,
  effectiveFrom: day.default(SINCE_EVER).describe('the first day the rule applies to (default: every period)'),
  reason: text(500).optional(),
}).strict()

export const changeRuleSchema = z.object({
  name: text(100).optional(),
  items,
  periods: periods.optional(),
  effectiveFrom: day,
  reason: text(500),
}).strict()

export interface RuleVersion {
  code: string; version: number; name: string; unit: Unit; periods: PeriodKind[]; items: RuleItem[]
  effectiveFrom: string; createdBy: number | null; createdAt: string; reason: string | null
}
interface RuleRow {
  code: string; version: number; name: string; unit: Unit; periods: PeriodKind[]; items: RuleItem[]
  effective_from: string; created_by: number | null; created_at: Date; reason: string | null
}

const toRule = (r: RuleRow): RuleVersion => ({
  code: r.code, version: r.version, name: r.name, unit: r.unit, periods: r.periods, items: r.items,
  effectiveFrom: r.effective_from, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), reason: r.reason,
})

/** The 6-digit city of a signed-in principal (rules and snapshots are per city). */
export function cityOf(p: Principal): string {
  if (!p.cityCode) throw forbidden('your account belongs to no city')
  return p.cityCode.slice(0, 6)
}

const rowsOf = async (knex: Knex, name: string, b: Record<string, unknown>) =>
  ((await knex.raw(sqlFile(`assessment/${name}`), b)) as { rows: RuleRow[] }).rows.map(toRule)

export const latestRules = (knex: Knex, city: string) => rowsOf(knex, 'rules_latest', { city, code: null })
export const ruleVersions = (knex: Knex, city: string, code: string) => rowsOf(knex, 'rule_versions', { city, code })

export async function latestRule(knex: Knex, city: string, code: string): Promise<RuleVersion | undefined> {
  return (await rowsOf(knex, 'rules_latest', { city, code }))[0]
}

/** The version in force on a day (yyyy-mm-dd), if any. */
export async function ruleInForce(knex: Knex, city: string, code: string, on: string): Promise<RuleVersion | undefined> {
  return (await rowsOf(knex, 'rule_in_force', { city, code, day: on }))[0]
}

export const lockRule = (trx: Knex.Transaction, city: string, code: string) => trx.raw(sqlFile('assessment/rule_lock'), { city, code })

const conflict = (field: string, message: string) =>
  new AppError(409, 'conflict', `${field}: ${message}`, { errors: [{ field, message }] })

async function insertVersion(knex: Knex, city: string, v: Omit<RuleVersion, 'createdAt'>): Promise<RuleVersion> {
  try {
    return (await rowsOf(knex, 'rule_insert', { city, code: v.code, version: v.version, name: v.name, unit: v.unit,
      periods: v.periods, items: JSON.stringify(v.items), effectiveFrom: v.effectiveFrom, createdBy: v.createdBy, reason: v.reason }))[0]!
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err
    throw conflict('code', v.version === 1 ? `a rule ${v.code} already exists` : `rule ${v.code} was changed meanwhile; reload and try again`)
  }
}

export async function createRule(knex: Knex, city: string, userId: number | null, b: z.output<typeof createRuleSchema>): Promise<RuleVersion> {
  return insertVersion(knex, city, { code: b.code, version: 1, name: b.name, unit: b.unit, periods: b.periods,
    items: b.items, effectiveFrom: b.effectiveFrom, createdBy: userId, reason: b.reason ?? null })
}

/**
 * A new version of a rule. It may not take effect before the latest version does, nor from a day
 * on or before the start of a period already assessed: that period would then belong to the new
 * version, and a recalculation would rewrite the past.
 */
export async function changeRule(knex: Knex, city: string, code: string, userId: number | null,
  b: z.output<typeof changeRuleSchema>): Promise<RuleVersion> {
  return knex.transaction(async (trx) => {
    await lockRule(trx, city, code)
    const latest = await latestRule(trx, city, code)
    if (!latest) throw notFound(`no assessment rule ${code}`)
    if (b.effectiveFrom < latest.effectiveFrom) {
      throw new AppError(400, 'validation_failed', `invalid request body: effectiveFrom: may not be before ${latest.effectiveFrom} (version ${latest.version})`,
        { errors: [{ field: 'effectiveFrom', message: `may not be before ${latest.effectiveFrom}, when version ${latest.version} takes effect` }] })
    }
    const at = midnight(new Date(`${b.effectiveFrom}T00:00:00Z`))
    const { rows: [assessed] } = await trx.raw(sqlFile('assessment/snapshot_after'), { city, code, at }) as { rows: { found: boolean }[] }
    if (assessed?.found) throw conflict('effectiveFrom', `a period starting on or after ${b.effectiveFrom} is already assessed under an earlier version`)
    return insertVersion(trx, city, { code, version: latest.version + 1, name: b.name ?? latest.name, unit: latest.unit,
      periods: b.periods ?? latest.periods, items: b.items, effectiveFrom: b.effectiveFrom, createdBy: userId, reason: b.reason })
  })
}
