// Indicators (指标) per domain.md for the events created in [from, to) inside the caller's
// jurisdiction: counts, the eight rates with numerator and denominator, counts by big class,
// channel, demand type and status, the top small classes, optional rows per unit, and the same
// totals and rates for the window a year earlier (同比) and the window just before (环比).
//
// Definitions (all "as of `to`", so a past window's numbers do not drift as events move on):
// - due (应结案): the handling deadline passed before `to`, or the event was closed before `to`.
//   Counting closed-early events as due keeps closed ⊆ due, so 结案率 and 按期结案率 never pass 1.
// - closed (结案): closed_at < to. On time: closed with no deadline, or closed_at ≤ handle_due_at.
// - overdue (超期): deadline < to and still open at `to` or closed after the deadline; over due.
// - rework / extension / return: events with at least one rework / approve_extension (an
//   approved extension, not a request) / return action before `to`, over events dispatched
//   before `to` (only dispatched events can be sent back, extended or reworked).
// - 满意率: satisfied + basically_satisfied over closed events with a satisfaction given.
// - 主动发现率: channel inspector_app over all events.
// - handling mode (办理方式): escalated (提级: escalated before `to`), transferred (转办: dispatched
//   before `to`, not escalated) and direct (直接办理: neither, e.g. answered by the centre).
// A window that is exactly one calendar period (a Shanghai day, ISO week, month or year) with no
// filter but the place is read from the roll-ups the triggers of migration 0021 keep (the same
// numbers, a test recounts them); any other window from the event rows. Comparing a whole period, 环比 is the period
// before and 同比 the same period a year earlier; any other window compares with the window of
// the same length just before and the same window a year earlier.
import type { Knex } from 'knex'
import { z } from 'zod'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { analyticsQuery, badParam, areaPattern, type AnalyticsFilter } from './filters.ts'
import { periodSpanning, previousPeriod, yearEarlierPeriod, type Period } from './calendarPeriods.ts'

export const UNITS = ['district', 'street', 'community', 'department'] as const
export type Unit = typeof UNITS[number]
export const TOP_SMALL_CLASSES = 10
export const UNASSIGNED = 'unassigned'

export const indicatorQuery = analyticsQuery.extend({
  period: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?|-W\d{2})?$/, 'must be a day (2026-11-30), ISO week (2026-W48), month (2026-11) or year (2026)')
    .optional().describe('a whole calendar period in Shanghai time instead of from/to; the current period runs until now'),
  unit: z.enum(UNITS, { message: `must be one of ${UNITS.join(', ')}` }).optional()
    .describe('one row per district, street or community (of the event) or per assignee department, ranked by total'),
}).strict()
export type IndicatorQuery = z.output<typeof indicatorQuery>

type Grouping = 'bigClass' | 'smallClass' | 'channel' | 'demandType' | 'status' | Unit
const COUNTS = ['total', 'due', 'closed', 'on_time', 'overdue', 'dispatched', 'rework', 'extension', 'returned',
  'evaluated', 'satisfied', 'inspector', 'escalated', 'transferred', 'direct'] as const
type Counts = Record<typeof COUNTS[number], number>
interface CountRow extends Omit<Counts, 'direct'> { grp: string | null }

export interface Rate { numerator: number; denominator: number; rate: number | null }
export const RATES = {
  closeRate: ['closed', 'due'], onTimeCloseRate: ['on_time', 'due'], reworkRate: ['rework', 'dispatched'],
  extensionRate: ['extension', 'dispatched'], returnRate: ['returned', 'dispatched'], overdueRate: ['overdue', 'due'],
  satisfactionRate: ['satisfied', 'evaluated'], selfDiscoveryRate: ['inspector', 'total'],
} as const satisfies Record<string, readonly [keyof Counts, keyof Counts]>
export type Rates = Record<keyof typeof RATES, Rate>

export interface Summary { from: string; to: string; counts: Counts; rates: Rates }
export interface Keyed { key: string; name: string | null; total: number }
export interface UnitRow { rank: number; key: string; name: string | null; counts: Counts; rates: Rates }
export interface IndicatorsOut extends Summary {
  period?: IndicatorOptions['period']
  byClass: Keyed[]; byChannel: Keyed[]; byDemandType: Keyed[]; byStatus: Keyed[]; topSmallClasses: Keyed[]
  unit?: Unit; units?: UnitRow[]
  yoy: Summary; mom: Summary
}

const zero = (): Counts => Object.fromEntries(COUNTS.map((c) => [c, 0])) as Counts

export function ratesOf(c: Counts): Rates {
  const out = {} as Rates
  for (const [name, [num, den]] of Object.entries(RATES) as [keyof Rates, readonly [keyof Counts, keyof Counts]][]) {
    out[name] = { numerator: c[num], denominator: c[den], rate: c[den] === 0 ? null : c[num] / c[den] }
  }
  return out
}

/** Where a window's counts come from: the roll-ups when it is one whole period without filters, else the rows. */
export type Source = 'auto' | 'rows'

async function countRows(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, by: Grouping | null, source: Source = 'auto'): Promise<CountRow[]> {
  const period = source === 'auto' ? periodSpanning(f.from, f.to) : null
  const params = {
    from: f.from, to: f.to, by, patterns: scope.patterns,
    area: areaPattern(scope, f.area),
    // a 2-digit big class stands for its small classes; codes are at most 4 digits
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }
  // a whole period with no filter but the place: the roll-ups (migration 0021); anything else the events
  const unfiltered = f.classCode === undefined && f.channels === undefined && f.demandTypes === undefined && f.statuses === undefined
  if (period === null || !unfiltered) return (await knex.raw(sqlFile('analytics/indicators'), params) as { rows: CountRow[] }).rows
  const { rows } = await knex.raw(sqlFile('analytics/indicators_rollup'), {
    ...params, kind: KIND_CODE[period.kind], start: periodStartDay(period), dim: ROLLUP_DIM[by ?? 'community'],
  }) as { rows: CountRow[] }
  return rows
}

/** The roll-up breakdown a grouping reads; areas group the 'all' rows by their community. */
const ROLLUP_DIM: Record<Grouping, string> = {
  bigClass: 'class', smallClass: 'class', channel: 'channel', demandType: 'demand_type', status: 'status', department: 'department',
  district: 'all', street: 'all', community: 'all',
}

const KIND_CODE = { daily: 'd', weekly: 'w', monthly: 'm', annual: 'y' } as const
/** The first day of a period as yyyy-mm-dd (its `from` is that day's Shanghai midnight). */
const periodStartDay = (p: Period) => new Date(p.from.getTime() + SHANGHAI).toISOString().slice(0, 10)

const countsOf = (r: CountRow): Counts => ({ ...Object.fromEntries(COUNTS.filter((c) => c !== 'direct').map((c) => [c, r[c as keyof CountRow]])),
  direct: r.total - r.escalated - r.transferred } as Counts)

async function summary(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, source: Source): Promise<Summary> {
  const [row] = await countRows(knex, scope, f, null, source)
  const counts = row === undefined ? zero() : countsOf(row)
  return { from: f.from.toISOString(), to: f.to.toISOString(), counts, rates: ratesOf(counts) }
}

const SHANGHAI = 8 * 3_600_000

/**
 * The same Shanghai wall-clock time one calendar year earlier; 29 February becomes 28 February.
 * (Shifting the UTC year instead would move 2024-03-01 00:00 Shanghai, which is 29 February in
 * UTC, to 1 March 16:00 UTC of 2023, i.e. 2 March in Shanghai.)
 */
export function yearBack(d: Date): Date {
  const w = new Date(d.getTime() + SHANGHAI)
  const y = w.getUTCFullYear() - 1
  const m = w.getUTCMonth()
  const day = Math.min(w.getUTCDate(), new Date(Date.UTC(y, m + 1, 0)).getUTCDate())
  const timeOfDay = w.getTime() - Date.UTC(w.getUTCFullYear(), m, w.getUTCDate())
  return new Date(Date.UTC(y, m, day) + timeOfDay - SHANGHAI)
}

const windowOf = (f: AnalyticsFilter, p: Period): AnalyticsFilter => ({ ...f, from: p.from, to: p.to })

/**
 * 同比 and 环比 of a window. A whole calendar period compares with the period before and the same
 * period a year earlier (29 February and ISO week 53 have none: then the same dates a year
 * back); any other window with the window of the same length just before and the same Shanghai
 * wall-clock window a year earlier.
 */
export function comparisonWindows(f: AnalyticsFilter): { yoy: AnalyticsFilter; mom: AnalyticsFilter } {
  const period = periodSpanning(f.from, f.to)
  const yoy = { ...f, from: yearBack(f.from), to: yearBack(f.to) }
  if (period !== null) {
    const earlier = yearEarlierPeriod(period)
    return { yoy: earlier === null ? yoy : windowOf(f, earlier), mom: windowOf(f, previousPeriod(period)) }
  }
  const length = f.to.getTime() - f.from.getTime()
  return { yoy, mom: { ...f, from: new Date(f.from.getTime() - length), to: f.from } }
}

/**
 * The window of `period=`: the whole period once it has ended; the current one runs until `now`
 * and compares with the same elapsed part of the period before and of the same period a year
 * earlier. A period that has not begun is a 400 naming `period`.
 */
export function periodWindow(f: Omit<AnalyticsFilter, 'from' | 'to'>, p: Period, now: Date):
  { f: AnalyticsFilter; compare: { yoy: AnalyticsFilter; mom: AnalyticsFilter }; partial: boolean } {
  if (p.from >= now) throw badParam('period', `${p.label} has not begun`)
  const whole = { ...f, from: p.from, to: p.to }
  if (p.to <= now) return { f: whole, compare: comparisonWindows(whole), partial: false }
  const elapsed = now.getTime() - p.from.getTime()
  const before = previousPeriod(p)
  const current = { ...f, from: p.from, to: now }
  return {
    f: current, partial: true,
    compare: {
      mom: { ...f, from: before.from, to: new Date(Math.min(before.from.getTime() + elapsed, before.to.getTime())) },
      yoy: { ...f, from: yearBack(p.from), to: yearBack(now) },
    },
  }
}

export interface IndicatorOptions {
  /** 'rows' reads the events even for a whole period (the recount test and the bench) */
  source?: Source
  /** comparison windows other than comparisonWindows(f) (a current period) */
  compare?: { yoy: AnalyticsFilter; mom: AnalyticsFilter }
  /** the period the window stands for, echoed in the answer */
  period?: { kind: Period['kind']; label: string; partial: boolean }
}

export async function indicators(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, unit?: Unit,
  opts: IndicatorOptions = {}): Promise<IndicatorsOut> {
  const source = opts.source ?? 'auto'
  const w = opts.compare ?? comparisonWindows(f)
  const keyed = async (by: Grouping, table: string | null, limit?: number) => {
    const rows = (await countRows(knex, scope, f, by, source)).slice(0, limit)
    const names = table === null ? new Map<string, string>() : await namesOf(knex, table, rows.map((r) => r.grp!))
    return rows.map((r) => ({ key: r.grp!, name: names.get(r.grp!) ?? null, total: r.total }))
  }
  // independent statements: on a pool they run side by side (the embedded database takes them in turn)
  const [head, byClass, byChannel, byDemandType, byStatus, topSmallClasses, yoy, mom, units] = await Promise.all([
    summary(knex, scope, f, source),
    keyed('bigClass', 'event_class'), keyed('channel', 'event_channel'), keyed('demandType', null), keyed('status', null),
    keyed('smallClass', 'event_class', TOP_SMALL_CLASSES),
    summary(knex, scope, w.yoy, source), summary(knex, scope, w.mom, source),
    unit === undefined ? undefined : unitRows(knex, scope, f, unit, source),
  ])
  const out: IndicatorsOut = {
    ...head, ...(opts.period === undefined ? {} : { period: opts.period }),
    byClass, byChannel, byDemandType, byStatus, topSmallClasses, yoy, mom,
  }
  if (unit !== undefined) {
    out.unit = unit
    out.units = units
  }
  return out
}

/** One row per unit, ranked by total (then key); events with no assignee department form one row. */
async function unitRows(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, unit: Unit, source: Source): Promise<UnitRow[]> {
  const rows = await countRows(knex, scope, f, unit, source)
  const keys = rows.map((r) => r.grp ?? UNASSIGNED)
  const names = unit === 'department' ? await departmentNames(knex, keys.filter((k) => k !== UNASSIGNED))
    : await namesOf(knex, 'admin_division', keys)
  return rows.map((r, i) => {
    const counts = countsOf(r)
    const key = keys[i]!
    return { rank: i + 1, key, name: key === UNASSIGNED ? '未派遣' : names.get(key) ?? null, counts, rates: ratesOf(counts) }
  })
}

async function namesOf(knex: Knex, table: string, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map()
  const rows = await knex(table).whereIn('code', keys).select('code', 'name') as { code: string; name: string }[]
  return new Map(rows.map((r) => [r.code, r.name]))
}

async function departmentNames(knex: Knex, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await knex('department').whereIn('id', ids).select('id', 'name') as { id: string | number; name: string }[]
  return new Map(rows.map((r) => [String(r.id), r.name]))
}
