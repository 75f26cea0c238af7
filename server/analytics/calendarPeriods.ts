// Calendar periods as reports, assessments and `period=` name them: a Shanghai day (2026-11-30),
// ISO week (2026-W48), month (2026-11) or year (2026), each the half-open range [from, to) of
// Shanghai midnights. Built on the civil-day arithmetic of periods.ts.
import { badParam } from './filters.ts'
import { addDays, civilDay, isoWeek, isoWeekMonday, midnight, nextStart, periodLabel, periodStart, yearEarlier, type Interval } from './periods.ts'

export const PERIOD_KINDS = ['daily', 'weekly', 'monthly', 'annual'] as const
export type PeriodKind = typeof PERIOD_KINDS[number]

export interface Period {
  kind: PeriodKind
  /** 2026-11-30, 2026-W48, 2026-11 or 2026 */
  label: string
  /** Shanghai midnight of the first day */
  from: Date
  /** Shanghai midnight after the last day (exclusive) */
  to: Date
}

const INTERVAL: Record<Exclude<PeriodKind, 'annual'>, Interval> = { daily: 'day', weekly: 'week', monthly: 'month' }

const PATTERNS: Record<PeriodKind, { re: RegExp; example: string }> = {
  daily: { re: /^(\d{4})-(\d{2})-(\d{2})$/, example: '2026-11-30' },
  weekly: { re: /^(\d{4})-W(\d{2})$/, example: '2026-W48' },
  monthly: { re: /^(\d{4})-(\d{2})$/, example: '2026-11' },
  annual: { re: /^(\d{4})$/, example: '2026' },
}

/** The first civil day of the period `label` names, or null when it names none. */
function firstDay(kind: PeriodKind, m: RegExpExecArray): Date | null {
  const [y, a, b] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1970 || y > 2999) return null
  if (kind === 'annual') return new Date(Date.UTC(y, 0, 1))
  if (kind === 'monthly') return a >= 1 && a <= 12 ? new Date(Date.UTC(y, a - 1, 1)) : null
  if (kind === 'daily') {
    const d = new Date(Date.UTC(y, a - 1, b))
    return d.getUTCFullYear() === y && d.getUTCMonth() === a - 1 && d.getUTCDate() === b ? d : null
  }
  const monday = isoWeekMonday(y, a)
  const w = isoWeek(monday)
  return a >= 1 && w.year === y && w.week === a ? monday : null
}

function afterDay(kind: PeriodKind, first: Date): Date {
  return kind === 'annual' ? new Date(Date.UTC(first.getUTCFullYear() + 1, 0, 1)) : nextStart(INTERVAL[kind], first)
}

function labelOf(kind: PeriodKind, first: Date): string {
  return kind === 'annual' ? String(first.getUTCFullYear()) : periodLabel(INTERVAL[kind], first)
}

const make = (kind: PeriodKind, first: Date): Period =>
  ({ kind, label: labelOf(kind, first), from: midnight(first), to: midnight(afterDay(kind, first)) })

/** The period a label names; a label of another shape or a day that does not exist is a 400 naming `field`. */
export function parsePeriod(kind: PeriodKind, label: string, field = 'period'): Period {
  const { re, example } = PATTERNS[kind]
  const m = typeof label === 'string' && label.length <= 10 ? re.exec(label) : null
  const first = m ? firstDay(kind, m) : null
  if (!first) throw badParam(field, `a ${kind} period is written like ${example}`)
  return make(kind, first)
}

/** The period holding instant `t`. */
export function periodOf(kind: PeriodKind, t: Date): Period {
  const day = civilDay(t)
  const first = kind === 'annual' ? new Date(Date.UTC(day.getUTCFullYear(), 0, 1)) : periodStart(INTERVAL[kind], day)
  return make(kind, first)
}

/** The period just before `p` (环比). */
export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, new Date(p.from.getTime() - 1))
}

/** The same period one year earlier (同比): the same date, ISO week or month; null when there is none (29 February, week 53). */
export function yearEarlierPeriod(p: Period): Period | null {
  const first = civilDay(p.from)
  if (p.kind === 'annual') return make('annual', new Date(Date.UTC(first.getUTCFullYear() - 1, 0, 1)))
  const earlier = yearEarlier(INTERVAL[p.kind], first)
  return earlier === null ? null : make(p.kind, earlier)
}

/** The period kind whose periods are exactly [from, to), if any (so `from`/`to` of a whole month is that month). */
export function periodSpanning(from: Date, to: Date): Period | null {
  for (const kind of PERIOD_KINDS) {
    const p = periodOf(kind, from)
    if (p.from.getTime() === from.getTime() && p.to.getTime() === to.getTime()) return p
  }
  return null
}

export const lastDayOf = (p: Period) => addDays(civilDay(p.to), -1)

/** The kind of period a label's shape names: 2026-11-30 daily, 2026-W48 weekly, 2026-11 monthly, 2026 annual. */
export function periodKindOf(label: string, field = 'period'): PeriodKind {
  const kind = PERIOD_KINDS.find((k) => PATTERNS[k].re.test(label))
  if (kind === undefined) throw badParam(field, 'must be a day (2026-11-30), ISO week (2026-W48), month (2026-11) or year (2026)')
  return kind
}
