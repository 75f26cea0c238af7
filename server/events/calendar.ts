// The working calendar: work periods of a day, weekends, public holidays and 调休 make-up
// working days, in China time. Deadlines are computed by adding working time to an instant.
//
// China (Asia/Shanghai) has kept UTC+8 without daylight saving since 1991, so local time is
// UTC + 8 h exactly; fixed-offset arithmetic is correct and needs no time zone database.
//
// Units:
// * natural hours: wall-clock hours, the clock never stops;
// * working hours: time inside work periods of working days only;
// * working days: N × the length of a working day in working time, so an event dispatched on
//   Monday at 10:00 with 1 working day is due on Tuesday at 10:00, and one received on Saturday
//   is due at the end of Monday.
import type { Knex } from 'knex'

const OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000
const MIN_MS = 60_000

export type DayKind = 'holiday' | 'workday'
export type TimeUnit = 'work_hours' | 'work_days' | 'natural_hours'

/** A city's time limits (event_sla); the Jinan defaults are the national row. */
export interface Sla {
  signWorkHours: number
  signRestDayHours: number
  planHours: number
  districtPlanHours: number
  /** per level: hours before an unsolved event moves up (none: no automatic escalation) */
  escalateAfterHours: { community?: number; street?: number }
  /** hours a supervised unit has to answer a supervision order */
  answerHours: number
  autoCloseGrid: boolean
  appealDays: number
  /** 到场: the dispatched member is on site within this many metres of the event */
  arrivalRadiusM: number
  /** 到场 also when the member is inside the event's base grid */
  arrivalInGrid: boolean
  /** 处置 (handle) needs an arrival first when the event was dispatched to a member */
  arrivalRequired: boolean
  /** 预警: share of a deadline's time after which the scheduler warns the assignee (unset: no notice, light at 0.8) */
  warnShare?: number
}

export const DEFAULT_SLA: Sla = {
  signWorkHours: 4, signRestDayHours: 48, planHours: 24, districtPlanHours: 72,
  escalateAfterHours: { community: 24, street: 48 }, answerHours: 24, autoCloseGrid: true, appealDays: 15,
  arrivalRadiusM: 50, arrivalInGrid: false, arrivalRequired: false,
}

export interface CalendarData {
  /** The city's time limits; DEFAULT_SLA when absent. */
  sla?: Sla
  /** Work periods as [start, end) in minutes after local midnight, e.g. [[510, 720], [810, 1050]]. */
  periods: [number, number][]
  /** Exceptions to the Monday-Friday rule by local date 'YYYY-MM-DD'. */
  days: Map<string, DayKind>
}

/** 'HH:MM' or 'HH:MM:SS' → minutes after midnight. */
export function parseClock(s: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/.exec(s)
  if (!m) throw new Error(`bad time of day: ${s}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** The local (Shanghai) date of an instant, 'YYYY-MM-DD'. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10)
}

/** The instant of local midnight starting a local date. */
function localMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - OFFSET_MS
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)

export class WorkCalendar {
  readonly periods: readonly [number, number][]
  /** Working minutes in one working day. */
  readonly dayMinutes: number
  private readonly days: Map<string, DayKind>
  /** The city's time limits: they are counted on this calendar, so they travel with it. */
  readonly sla: Sla

  constructor(data: CalendarData) {
    this.sla = data.sla ?? DEFAULT_SLA
    const periods = [...data.periods].sort((a, b) => a[0] - b[0])
    for (const [i, [s, e]] of periods.entries()) {
      if (!(s >= 0 && e <= 1440 && e > s)) throw new Error(`bad work period ${s}-${e}`)
      if (i > 0 && s < periods[i - 1]![1]) throw new Error('work periods overlap')
    }
    if (!periods.length) throw new Error('a calendar needs at least one work period')
    this.periods = periods
    this.dayMinutes = periods.reduce((n, [s, e]) => n + e - s, 0)
    this.days = data.days
  }

  /** The same calendar counting other time limits (an open event's pinned version). */
  withSla(sla: Sla): WorkCalendar {
    return new WorkCalendar({ periods: [...this.periods], days: this.days, sla })
  }

  /** Whether a local date is a working day: Monday-Friday unless a holiday; 调休 weekends work. */
  isWorkday(day: string): boolean {
    const kind = this.days.get(day)
    if (kind) return kind === 'workday'
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay()
    return dow !== 0 && dow !== 6
  }

  /** Whether an instant falls inside working time. */
  isWorkingTime(at: Date): boolean {
    const day = localDate(at)
    if (!this.isWorkday(day)) return false
    const minute = (at.getTime() - localMidnight(day)) / MIN_MS
    return this.periods.some(([s, e]) => minute >= s && minute < e)
  }

  /**
   * The instant when `minutes` of working time have elapsed after `from`. Landing exactly on
   * the end of a period gives that end (12:00, not 13:30). Zero minutes gives `from`.
   */
  addWorkingMinutes(from: Date, minutes: number): Date {
    if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new Error(`bad duration ${minutes}`)
    if (minutes === 0) return new Date(from)
    let remaining = minutes * MIN_MS
    let day = localDate(from)
    let cursor = from.getTime()
    // 4000 days bound: a calendar that never works again must not loop forever
    for (let guard = 0; guard < 4000; guard++, day = nextDay(day)) {
      if (!this.isWorkday(day)) continue
      const midnight = localMidnight(day)
      for (const [s, e] of this.periods) {
        const start = Math.max(midnight + s * MIN_MS, cursor)
        const end = midnight + e * MIN_MS
        if (start >= end) continue
        if (end - start >= remaining) return new Date(start + remaining)
        remaining -= end - start
        cursor = end
      }
    }
    throw new Error('no working time within 4000 days: check the calendar')
  }

  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingMinutes(from, hours * 60)
  }

  addWorkingDays(from: Date, days: number): Date {
    return this.addWorkingMinutes(from, days * this.dayMinutes)
  }

  addNaturalHours(from: Date, hours: number): Date {
    if (!(hours >= 0) || !Number.isFinite(hours)) throw new Error(`bad duration ${hours}`)
    return new Date(from.getTime() + hours * 3600_000)
  }

  add(from: Date, value: number, unit: TimeUnit): Date {
    switch (unit) {
      case 'work_hours': return this.addWorkingHours(from, value)
      case 'work_days': return this.addWorkingDays(from, value)
      case 'natural_hours': return this.addNaturalHours(from, value)
    }
  }

  /** Working minutes between two instants (0 when b ≤ a). */
  workingMinutesBetween(a: Date, b: Date): number {
    if (b <= a) return 0
    let total = 0
    for (let day = localDate(a); localMidnight(day) < b.getTime(); day = nextDay(day)) {
      if (!this.isWorkday(day)) continue
      const midnight = localMidnight(day)
      for (const [s, e] of this.periods) {
        const start = Math.max(midnight + s * MIN_MS, a.getTime())
        const end = Math.min(midnight + e * MIN_MS, b.getTime())
        if (end > start) total += end - start
      }
    }
    return total / MIN_MS
  }
}

/** The national calendar's city code; a city's own rows take precedence over it. */
export const NATIONAL = '000000'

/** Loads a city's calendar from work_period and calendar_day, and its time limits (loadSla). */
export async function loadCalendar(knex: Knex, cityCode: string): Promise<WorkCalendar> {
  const sla = await loadSla(knex, cityCode)
  const periodRows = await knex('work_period').whereIn('city_code', [cityCode, NATIONAL])
    .select('city_code', knex.raw("to_char(start_time, 'HH24:MI') AS start"), knex.raw("to_char(end_time, 'HH24:MI') AS end"))
  const own = periodRows.filter((r) => r.city_code === cityCode)
  const periods = (own.length ? own : periodRows).map((r) => [parseClock(r.start), parseClock(r.end)] as [number, number])
  const dayRows = await knex('calendar_day').whereIn('city_code', [cityCode, NATIONAL])
    .select('city_code', 'kind', knex.raw("to_char(day, 'YYYY-MM-DD') AS day"))
    .orderByRaw('city_code = ? ', [cityCode]) // national first, the city's rows overwrite them
  const days = new Map<string, DayKind>()
  for (const r of dayRows) days.set(r.day, r.kind)
  return new WorkCalendar({ periods, days, sla })
}

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v))

/**
 * The city's time limits in force now (config_version, kind time_limits: server/config/), else
 * the national ones, else the built-in defaults. event_sla is only their mirror now.
 */
export async function loadSla(knex: Knex, cityCode: string, at = new Date()): Promise<Sla> {
  const rows = await knex('config_version').where('kind', 'time_limits').whereIn('key', [cityCode, NATIONAL])
    .where('effective_from', '<=', at).where((q) => q.whereNull('effective_to').orWhere('effective_to', '>', at))
    .select('key', 'body') as { key: string; body: Record<string, unknown> }[]
  const r = (rows.find((x) => x.key === cityCode) ?? rows.find((x) => x.key === NATIONAL))?.body
  if (!r) return DEFAULT_SLA
  const esc = (r.escalateAfterHours ?? {}) as { community?: unknown; street?: unknown }
  return {
    signWorkHours: Number(r.signWorkHours), signRestDayHours: Number(r.signRestDayHours), planHours: Number(r.planHours),
    districtPlanHours: Number(r.districtPlanHours),
    escalateAfterHours: { community: num(esc.community), street: num(esc.street) },
    answerHours: Number(r.answerHours), autoCloseGrid: Boolean(r.autoCloseGrid), appealDays: Number(r.appealDays),
    arrivalRadiusM: Number(r.arrivalRadiusM ?? 50), arrivalInGrid: Boolean(r.arrivalInGrid ?? false), arrivalRequired: Boolean(r.arrivalRequired ?? false),
    ...(r.warnShare === undefined || r.warnShare === null ? {} : { warnShare: Number(r.warnShare) }),
  }
}

/** Calendars by city, reloaded after ttlMs so edits to the tables take effect without a restart. */
export class CalendarCache {
  private readonly entries = new Map<string, { at: number; cal: Promise<WorkCalendar> }>()
  constructor(private readonly knex: Knex, private readonly ttlMs = 60_000) {}

  get(cityCode: string): Promise<WorkCalendar> {
    const hit = this.entries.get(cityCode)
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.cal
    const cal = loadCalendar(this.knex, cityCode)
    cal.catch(() => this.entries.delete(cityCode))
    this.entries.set(cityCode, { at: Date.now(), cal })
    return cal
  }
}
