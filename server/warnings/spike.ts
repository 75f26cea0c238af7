// 类别突增: per street and big class, today's count so far (Shanghai day) against the same part of
// the day on the last N days of the same kind (working day or rest day by the city's calendar).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { loadCalendar, localDate } from '../events/calendar.ts'
import { MAX_EVENT_IDS, type Candidate } from './candidate.ts'
import type { Params } from './rules.ts'
import { ewma, poissonUpperTail } from './stats.ts'

const DAY_MS = 86_400_000
/** Look this far back for N days of the same kind (a long holiday has few rest-day twins nearby). */
const MAX_LOOKBACK_DAYS = 180

export const shanghaiMidnight = (day: string) => Date.parse(`${day}T00:00:00+08:00`)

export interface SpikeWindow {
  today: string
  workday: boolean
  /** earlier days of the same kind, newest first */
  days: string[]
  elapsedMs: number
}

/** Today's Shanghai date, its kind and the N earlier days of the same kind. */
export async function spikeWindow(knex: Knex, city: string, now: Date, n: number): Promise<SpikeWindow> {
  const cal = await loadCalendar(knex, city)
  const today = localDate(now)
  const workday = cal.isWorkday(today)
  const days: string[] = []
  for (let i = 1; i <= MAX_LOOKBACK_DAYS && days.length < n; i++) {
    const d = localDate(new Date(shanghaiMidnight(today) - i * DAY_MS + 12 * 3600_000))
    if (cal.isWorkday(d) === workday) days.push(d)
  }
  return { today, workday, days, elapsedMs: now.getTime() - shanghaiMidnight(today) }
}

interface TodayRow { street: string; big: string; n: number; lon: number; lat: number; ids: string[] }
interface HistoryRow { street: string; big: string; ord: number; n: number }

export async function spikeCandidates(knex: Knex, city: string, p: Params<'spike'>, now: Date,
  names: { area: Map<string, string>; klass: Map<string, string> }): Promise<Candidate[]> {
  const w = await spikeWindow(knex, city, now, p.days)
  if (!w.days.length || w.elapsedMs <= 0) return []
  const { rows: today } = await knex.raw(sqlFile('warnings/spike_today'), {
    city, from: new Date(shanghaiMidnight(w.today)), to: now, minCount: p.minCount, maxIds: MAX_EVENT_IDS,
  }) as { rows: TodayRow[] }
  if (!today.length) return []
  const starts = w.days.map((d) => new Date(shanghaiMidnight(d)))
  const { rows: hist } = await knex.raw(sqlFile('warnings/spike_history'), {
    city, starts, elapsedMs: w.elapsedMs, streets: [...new Set(today.map((r) => r.street))],
    minStart: starts[starts.length - 1], maxEnd: new Date(starts[0]!.getTime() + w.elapsedMs),
  }) as { rows: HistoryRow[] }
  const series = new Map<string, number[]>()
  for (const h of hist) {
    const key = `${h.street}:${h.big}`
    const s = series.get(key) ?? new Array<number>(w.days.length).fill(0)
    s[h.ord - 1] = h.n
    series.set(key, s)
  }
  const out: Candidate[] = []
  for (const r of today) {
    // newest first from SQL; the chart wants the oldest first
    const history = (series.get(`${r.street}:${r.big}`) ?? new Array<number>(w.days.length).fill(0)).slice().reverse()
    const judged = judge(history, r.n, p)
    if (!judged) continue
    const streetName = names.area.get(r.street) ?? r.street
    const className = names.klass.get(r.big) ?? r.big
    out.push({
      kind: 'spike', level: judged.level, area: r.street, lon: Number(r.lon), lat: Number(r.lat),
      title: `类别突增：${streetName}「${className}」今日已${r.n}件（同期均值${judged.expected.toFixed(1)}件）`,
      detail: {
        street: r.street, streetName, classCode: r.big, className, observed: r.n, expected: judged.expected, method: p.method,
        ...judged.stats, dayKind: w.workday ? 'workday' : 'restday', day: w.today, elapsedMinutes: Math.floor(w.elapsedMs / 60_000),
        historyDays: [...w.days].reverse(), history, eventCount: r.n,
      },
      eventIds: r.ids.map(Number), dedupeKey: `${r.street}:${r.big}:${w.today}`,
    })
  }
  return out
}

/** Whether today's count is a spike against the history, and its level; undefined: no spike. */
export function judge(history: number[], observed: number, p: Params<'spike'>):
  { level: 1 | 2 | 3; expected: number; stats: Record<string, number> } | undefined {
  if (observed < p.minCount) return undefined
  const expected = history.reduce((a, b) => a + b, 0) / history.length
  if (p.method === 'poisson') {
    const pValue = poissonUpperTail(observed, expected)
    if (!(pValue < p.alpha)) return undefined
    return { level: pValue < p.alpha / 100 ? 1 : pValue < p.alpha / 10 ? 2 : 3, expected, stats: { pValue, alpha: p.alpha } }
  }
  const e = ewma(history, observed, p.lambda, p.L)
  if (!e.signal) return undefined
  return {
    level: e.excess >= p.L + 2 ? 1 : e.excess >= p.L + 1 ? 2 : 3, expected,
    stats: { ewma: e.z, ucl: e.ucl, sd: e.sd, excess: e.excess, lambda: p.lambda, L: p.L },
  }
}
