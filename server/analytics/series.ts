// Event counts per day, ISO week or month (Asia/Shanghai) with year-on-year (同比) and previous-
// period (环比) values, optionally one series per group. One SQL statement counts every period of
// the range and of the year before it (so the comparisons need no second scan); Node only lays
// the dense rows out and divides.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { analyticsQuery, areaPattern, type AnalyticsFilter } from './filters.ts'
import { INTERVALS, type Interval, addDays, civilDay, isoDate, localInstant, midnight, nextStart, periodLabel,
  periodStart, previousStart, yearEarlier } from './periods.ts'

export const GROUPINGS = ['class', 'channel', 'status', 'district', 'street', 'community'] as const
export type Grouping = typeof GROUPINGS[number]
export const MAX_PERIODS = 1000
export const TOP_GROUPS = 20
export const OTHER = 'other'
// 53 weeks and a day: the same ISO week a year earlier can lie 53 weeks back
const LOOK_BACK_DAYS = 372

export const seriesQuery = analyticsQuery.extend({
  interval: z.enum(INTERVALS, { message: 'must be day, week or month' }).default('day')
    .describe('period length: day, ISO week (Monday 00:00 Asia/Shanghai) or calendar month, all in Asia/Shanghai'),
  by: z.enum(GROUPINGS, { message: `must be one of ${GROUPINGS.join(', ')}` }).optional()
    .describe(`one series per group (the ${TOP_GROUPS} largest by total, the rest summed as "${OTHER}")`),
}).strict()
export type SeriesQuery = z.output<typeof seriesQuery>

export interface Change { count: number | null; change: number | null }
export interface PeriodOut { start: string; end: string; label: string; count: number; yoy: Change; prev: Change }
export interface GroupOut { key: string; name: string | null; total: number; periods: PeriodOut[] }
export interface SeriesOut {
  interval: Interval; from: string; to: string; total: number; by?: Grouping
  periods: PeriodOut[]; groups?: GroupOut[]
}

/**
 * The whole periods covering [from, to) (from < to): their first days, and the first day after
 * the last one. More than MAX_PERIODS is a 400 naming from and to.
 */
export function periodsOf(unit: Interval, from: Date, to: Date): { starts: Date[]; first: Date; end: Date } {
  const starts: Date[] = []
  const first = periodStart(unit, civilDay(from))
  const last = periodStart(unit, civilDay(new Date(to.getTime() - 1)))
  for (let s = first; s <= last; s = nextStart(unit, s)) {
    if (starts.length === MAX_PERIODS) {
      const message = `from/to covers more than ${MAX_PERIODS} ${unit} periods: shorten the range or choose a longer interval`
      throw new AppError(400, 'validation_failed', `invalid query: from, to: ${message}`,
        { errors: [{ field: 'from', message }, { field: 'to', message }] })
    }
    starts.push(s)
  }
  return { starts, first, end: nextStart(unit, last) }
}

type Counts = Map<string, number> // first day (yyyy-mm-dd) → events

export async function series(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, unit: Interval, by?: Grouping): Promise<SeriesOut> {
  const { starts, first, end } = periodsOf(unit, f.from, f.to)
  const { all, groups } = await countPeriods(knex, scope, f, unit, by, periodStart(unit, addDays(first, -LOOK_BACK_DAYS)), end)
  const periods = seriesOf(unit, starts, all)
  const out: SeriesOut = {
    interval: unit, from: localInstant(first), to: localInstant(end),
    total: periods.reduce((a, p) => a + p.count, 0), periods,
  }
  if (by !== undefined) {
    out.by = by
    out.groups = await groupSeries(knex, unit, by, starts, groups)
  }
  return out
}

/** Counts per period start, in total and per group, from the one statement of analytics/series.sql. */
async function countPeriods(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, unit: Interval, by: Grouping | undefined,
  lo: Date, hi: Date): Promise<{ all: Counts; groups: Map<string, Counts> }> {
  const { rows } = await knex.raw(sqlFile('analytics/series'), {
    unit, lo: midnight(lo), hi: midnight(hi), by: by ?? null, patterns: scope.patterns,
    area: areaPattern(scope, f.area),
    // a 2-digit big class stands for its small classes; codes are at most 4 digits
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }) as { rows: { start: string; grp: string | null; n: number }[] }
  const all: Counts = new Map()
  const groups = new Map<string, Counts>()
  for (const r of rows) {
    all.set(r.start, (all.get(r.start) ?? 0) + r.n)
    if (by === undefined || r.grp === null || r.n === 0) continue
    const g = groups.get(r.grp) ?? new Map<string, number>()
    g.set(r.start, r.n)
    groups.set(r.grp, g)
  }
  return { all, groups }
}

const ratio = (now: number, before: number | null): Change =>
  ({ count: before, change: before === null || before === 0 ? null : (now - before) / before })

/** One series: each period's count, the same period a year earlier and the period before. */
function seriesOf(unit: Interval, starts: Date[], counts: Counts): PeriodOut[] {
  const at = (d: Date) => counts.get(isoDate(d)) ?? 0
  return starts.map((s) => {
    const count = at(s)
    const earlier = yearEarlier(unit, s)
    return {
      start: localInstant(s), end: localInstant(nextStart(unit, s)), label: periodLabel(unit, s), count,
      yoy: ratio(count, earlier === null ? null : at(earlier)),
      prev: ratio(count, at(previousStart(unit, s))),
    }
  })
}

/** The TOP_GROUPS largest groups by total over the range (ties by key), the rest summed as OTHER. */
async function groupSeries(knex: Knex, unit: Interval, by: Grouping, starts: Date[], groups: Map<string, Counts>): Promise<GroupOut[]> {
  const inRange = new Set(starts.map(isoDate))
  const totals = [...groups].map(([key, c]) => ({ key, c, total: [...c].reduce((a, [d, n]) => a + (inRange.has(d) ? n : 0), 0) }))
  totals.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : 1))
  const top = totals.slice(0, TOP_GROUPS)
  const names = await groupNames(knex, by, top.map((g) => g.key))
  const out = top.map((g) => ({ key: g.key, name: names.get(g.key) ?? null, total: g.total, periods: seriesOf(unit, starts, g.c) }))
  const rest = totals.slice(TOP_GROUPS)
  if (rest.length > 0) {
    const sum: Counts = new Map()
    for (const g of rest) for (const [d, n] of g.c) sum.set(d, (sum.get(d) ?? 0) + n)
    out.push({ key: OTHER, name: '其他', total: rest.reduce((a, g) => a + g.total, 0), periods: seriesOf(unit, starts, sum) })
  }
  return out
}

/** Display names of group keys: class and channel names, admin division names; statuses have none. */
async function groupNames(knex: Knex, by: Grouping, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0 || by === 'status') return new Map()
  const table = by === 'class' ? 'event_class' : by === 'channel' ? 'event_channel' : 'admin_division'
  const rows = await knex(table).whereIn('code', keys).select('code', 'name') as { code: string; name: string }[]
  return new Map(rows.map((r) => [r.code, r.name]))
}
