// GET /api/v1/analytics/forecast: daily event counts of an area (district, street or community)
// and a class or class group for the coming days, with 80 % and 95 % intervals, from the model of
// ets.ts fitted to the area's history; optionally its rolling-origin backtest (MASE against the
// seasonal naive forecast and plain exponential smoothing). An area outside the caller's
// jurisdiction answers 404 as an unknown one does: the answer never tells which areas exist.
import type { Knex } from 'knex'
import { z } from 'zod'
import { notFound } from '../http/errors.ts'
import { parseClientDay } from '../http/dates.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { NATIONAL } from '../events/calendar.ts'
import { badParam } from './filters.ts'
import { backtest, fitEts, forecastEts, type Backtest, type Day, type DayKind, type EtsFit } from './ets.ts'

export const MAX_HORIZON = 365
export const MIN_HISTORY = 28
export const MAX_HISTORY = 1095
export const DEFAULT_HISTORY = 365
/** Days of history echoed in the answer (for the chart); the fit uses all of it. */
export const SHOWN_HISTORY = 56
export const BACKTEST = { count: 8, step: 7, maxHorizon: 28 }
const DAY_MS = 86_400_000

const whole = (field: string, min: number, max: number, dflt: number) => z.string().regex(/^[0-9]{1,6}$/, 'must be a whole number')
  .transform(Number).pipe(z.number().int().min(min, `must be ${min}-${max}`).max(max, `must be ${min}-${max}`)).default(dflt)
  .describe(field)

export const forecastQuery = z.object({
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional()
    .describe('a district, street or community inside the caller\'s jurisdiction (default: the whole jurisdiction); outside it: 404'),
  class: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2-digit big class or 4-digit small class code').optional()
    .describe('a 2-digit big class (the class group: all its small classes) or a 4-digit small class; default all classes'),
  horizon: whole(`days to forecast, 1-${MAX_HORIZON}`, 1, MAX_HORIZON, 14),
  history: whole(`days of history the model is fitted to, ${MIN_HISTORY}-${MAX_HISTORY}`, MIN_HISTORY, MAX_HISTORY, DEFAULT_HISTORY),
  at: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date yyyy-mm-dd').refine((s) => parseClientDay(s, 2000) !== undefined, 'not a calendar date from 2000 on').optional()
    .describe('the first forecast day (Asia/Shanghai); the history ends the day before; default today'),
  backtest: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((s) => s === 'true').default(false)
    .describe(`include the rolling-origin backtest: ${BACKTEST.count} origins ${BACKTEST.step} days apart, each forecasting min(horizon, ${BACKTEST.maxHorizon}) days`),
}).strict()
export type ForecastQuery = z.output<typeof forecastQuery>

export interface DayOut { date: string; kind: DayKind }
export interface ForecastAnswer {
  area: string | null; areaName: string | null; class: string | null; className: string | null
  at: string; horizon: number
  method: { name: string; alpha: number; gamma: number; sigma: number; factors: Record<DayKind, number>; historyDays: number; historyFrom: string }
  history: (DayOut & { count: number })[]
  forecast: (DayOut & { point: number; lo80: number; hi80: number; lo95: number; hi95: number })[]
  backtest?: Backtest & { originDates: string[] }
}

export const METHOD = 'ETS(A,N,A) weekly Holt-Winters on calendar-adjusted counts'

/** yyyy-mm-dd plus n days (calendar arithmetic on the date alone). */
export const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
/** Today's date in Shanghai. */
export const shanghaiToday = (now: Date) => new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
const midnight = (day: string) => new Date(`${day}T00:00:00+08:00`)

/**
 * The city's working calendar, days only (the national rows, the city's own over them): the
 * forecast needs which days are worked, not the work periods or time limits loadCalendar adds.
 */
export async function loadWorkdays(knex: Knex, city: string): Promise<Workdays> {
  const rows = await knex('calendar_day').whereIn('city_code', [city, NATIONAL])
    .select('kind', knex.raw("to_char(day, 'YYYY-MM-DD') AS day")).orderByRaw('city_code = ?', [city]) as { kind: 'holiday' | 'workday'; day: string }[]
  const days = new Map(rows.map((r) => [r.day, r.kind]))
  // as WorkCalendar.isWorkday: an exception of the calendar, else Monday to Friday
  return { isWorkday: (day) => days.has(day) ? days.get(day) === 'workday' : ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) }
}

export interface Workdays { isWorkday(day: string): boolean }

/** The calendar facts of a day: workday, weekend, holiday or 调休 make-up workday (a weekend day worked). */
export function dayOf(cal: Workdays, date: string): Day {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  const weekend = weekday === 0 || weekday === 6
  const kind: DayKind = cal.isWorkday(date) ? (weekend ? 'makeup' : 'workday') : (weekend ? 'weekend' : 'holiday')
  return { kind, weekday }
}

/** n consecutive dates from `first`. */
export const datesFrom = (first: string, n: number) => Array.from({ length: n }, (_, i) => plusDays(first, i))

/** Rounds the figures of an answer to what a reader needs (counts to 0.01). */
const r2 = (v: number) => Math.round(v * 100) / 100

export async function forecast(knex: Knex, scope: Jurisdiction, city: string, q: ForecastQuery, now = new Date()): Promise<ForecastAnswer> {
  const area = q.area === undefined ? null : await areaIn(knex, scope, q.area)
  const klass = q.class === undefined ? null : await knex('event_class').where({ code: q.class }).first('code', 'name') as { code: string; name: string } | undefined
  if (q.class !== undefined && !klass) throw badParam('class', `unknown event class ${q.class}`)
  const at = q.at ?? shanghaiToday(now)
  const first = plusDays(at, -q.history)
  const { rows } = await knex.raw(sqlFile('analytics/forecast_daily'), {
    lo: midnight(first), hi: midnight(at), patterns: scope.patterns,
    area: area === null ? null : `${adminPrefix(area.code)}%`, klass: q.class === undefined ? null : `${q.class}%`,
  }) as { rows: { day: string; n: number }[] }
  const counts = new Map(rows.map((r) => [r.day, r.n]))
  const cal = await loadWorkdays(knex, city)
  const past = datesFrom(first, q.history)
  const y = past.map((d) => counts.get(d) ?? 0)
  const pastDays = past.map((d) => dayOf(cal, d))
  const future = datesFrom(at, q.horizon)
  const futureDays = future.map((d) => dayOf(cal, d))
  const fit: EtsFit = fitEts(y, pastDays)
  const points = forecastEts(fit, futureDays)
  const out: ForecastAnswer = {
    area: area?.code ?? null, areaName: area?.name ?? null, class: klass?.code ?? null, className: klass?.name ?? null,
    at, horizon: q.horizon,
    method: {
      name: METHOD, alpha: fit.alpha, gamma: fit.gamma, sigma: r2(fit.sigma),
      factors: Object.fromEntries(Object.entries(fit.factors).map(([k, v]) => [k, r2(v)])) as Record<DayKind, number>,
      historyDays: q.history, historyFrom: first,
    },
    history: past.slice(-SHOWN_HISTORY).map((date, i, a) => ({ date, kind: pastDays[past.length - a.length + i]!.kind, count: y[past.length - a.length + i]! })),
    forecast: future.map((date, i) => {
      const p = points[i]!
      return { date, kind: futureDays[i]!.kind, point: r2(p.point), lo80: r2(p.lo80), hi80: r2(p.hi80), lo95: r2(p.lo95), hi95: r2(p.hi95) }
    }),
  }
  if (q.backtest) {
    const b = backtest(y, pastDays, { horizon: Math.min(q.horizon, BACKTEST.maxHorizon), count: BACKTEST.count, step: BACKTEST.step })
    out.backtest = { ...b, originDates: b.origins.map((o) => past[o.origin]!) }
  }
  return out
}

/** A district, street or community inside the jurisdiction; anything else (outside, unknown, a city) is a 404. */
async function areaIn(knex: Knex, scope: Jurisdiction, code: string): Promise<{ code: string; name: string }> {
  const row = scope.covers(code) ? await knex('admin_division').where({ code }).first('code', 'name', 'level') as { code: string; name: string; level: string } | undefined : undefined
  if (!row || row.level === 'city') throw notFound(`no area ${code} in your jurisdiction (a district, street or community)`)
  return { code: row.code, name: row.name }
}
