// The filters every analytics path shares (heatmap, hot spots, …): time range, class, channel,
// demand type, status, area and H3 resolution. Parsing is in two steps: zod checks the shape
// of each parameter (400 naming it), then resolveAnalytics() checks what needs the database or
// the caller (the class exists; the area lies inside the jurisdiction, else 403 naming `area`).
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { instantSchema } from '../http/dates.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { channels, demandTypes } from '../events/intake.ts'
import { statuses } from '../events/workflow.ts'

export const MIN_RESOLUTION = 5
export const MAX_RESOLUTION = 11
export const DEFAULT_RESOLUTION = 9
export const DEFAULT_DAYS = 30
/** Longest accepted range: ten calendar years. */
export const MAX_YEARS = 10

const commaList = <T extends string>(values: readonly [T, ...T[]], what: string) => z.string().max(500)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(values, { message: `each ${what} must be one of ${values.join(', ')}` })).min(1).max(values.length))

// A bare date is the start of that day in China (Asia/Shanghai, UTC+8 without daylight saving).
const instant = instantSchema()

/** Query parameters (strings) of every analytics path; extend it for path-specific ones. */
export const analyticsQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  class: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2-digit big class or 4-digit small class code').optional(),
  channel: commaList(channels, 'channel').optional(),
  demandType: commaList(demandTypes, 'demandType').optional(),
  status: commaList(statuses as unknown as [string, ...string[]], 'status').optional(),
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional(),
  resolution: z.string().regex(/^[0-9]{1,2}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(MIN_RESOLUTION, `must be ${MIN_RESOLUTION}-${MAX_RESOLUTION}`).max(MAX_RESOLUTION, `must be ${MIN_RESOLUTION}-${MAX_RESOLUTION}`))
    .default(DEFAULT_RESOLUTION),
}).strict()
export type AnalyticsQuery = z.output<typeof analyticsQuery>

/** Events created in [from, to) matching every given criterion; `area` is a 12-digit admin code. */
export interface AnalyticsFilter { from: Date; to: Date; classCode?: string; channels?: string[]; demandTypes?: string[]; statuses?: string[]; area?: string }

export const badParam = (field: string, message: string, status = 400) =>
  new AppError(status, status === 403 ? 'forbidden' : 'validation_failed', `invalid query: ${field}: ${message}`,
    { errors: [{ field, message }] })

/** Shape-checks raw query parameters (a repeated parameter is refused rather than one chosen). */
export function parseAnalyticsQuery<S extends z.ZodType<AnalyticsQuery>>(raw: Record<string, unknown>, schema?: S): z.output<S> {
  for (const [k, v] of Object.entries(raw)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
  return validate(schema ?? analyticsQuery, raw, 'query') as z.output<S>
}

const SHANGHAI = 8 * 3_600_000

/**
 * The same Shanghai wall-clock time `years` calendar years later; 29 February becomes 28 February
 * (as yearBack in indicators.ts does backwards). Shifting the UTC year instead is off by a day
 * whenever the UTC date differs from the Shanghai one: 2016-03-01 00:00 Shanghai is 29 February in
 * UTC, and ten UTC years later lands on 2 March 00:00 Shanghai.
 */
export function yearsLater(d: Date, years: number): Date {
  const w = new Date(d.getTime() + SHANGHAI)
  const y = w.getUTCFullYear() + years
  const m = w.getUTCMonth()
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999
  const at = (year: number, month: number, day: number) => new Date(0).setUTCFullYear(year, month, day)
  const day = Math.min(w.getUTCDate(), new Date(at(y, m + 1, 0)).getUTCDate())
  const timeOfDay = w.getTime() - at(w.getUTCFullYear(), m, w.getUTCDate())
  return new Date(at(y, m, day) + timeOfDay - SHANGHAI)
}

/** The filter of a parsed query: default range, range checks, class existence and area scope. */
export async function resolveFilter(knex: Knex, scope: Jurisdiction, q: AnalyticsQuery, now = new Date()): Promise<AnalyticsFilter> {
  const to = q.to ?? now
  const from = q.from ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000)
  if (from >= to) throw badParam(q.to ? 'to' : 'from', 'must be later than from')
  if (to > yearsLater(from, MAX_YEARS)) throw badParam('to', `the range must not exceed ${MAX_YEARS} years`)
  if (q.class !== undefined) {
    const found = await knex('event_class').where({ code: q.class }).first('code')
    if (!found) throw badParam('class', `unknown event class ${q.class}`)
  }
  if (q.area !== undefined) await checkArea(knex, scope, q.area)
  return { from, to, classCode: q.class, channels: q.channel, demandTypes: q.demandType, statuses: q.status, area: q.area }
}

/** An area must be a known admin division inside the caller's jurisdiction: else 403 naming `area`. */
export async function checkArea(knex: Knex, scope: Jurisdiction, area: string): Promise<void> {
  if (!scope.covers(area)) throw badParam('area', `${area} is outside your jurisdiction`, 403)
  const found = await knex('admin_division').where({ code: area }).first('code')
  if (!found) throw badParam('area', `no admin division ${area}`)
}

/**
 * The `area` LIKE pattern a query binds: the requested area's prefix; without one, a
 * jurisdiction of a single area stands in for it (the same rows: the query also applies the
 * jurisdiction) because a single bound LIKE 'prefix%' lets the planner range-scan the
 * (community_code, created_at) index, which `LIKE ANY(patterns)` does not (a community's year:
 * ~10× faster).
 */
export function areaPattern(scope: Jurisdiction, area: string | undefined): string | null {
  if (area !== undefined) return `${adminPrefix(area)}%`
  return scope.patterns.length === 1 ? scope.patterns[0]! : null
}
