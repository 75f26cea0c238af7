// Calendar periods in Asia/Shanghai: days, ISO weeks (Monday to Sunday) and months. China has
// kept UTC+8 without daylight saving since 1991, so wall-clock dates are instants shifted by 8 h.
// A "civil date" here is a Date at UTC midnight standing for that calendar day in Shanghai.
export const INTERVALS = ['day', 'week', 'month'] as const
export type Interval = typeof INTERVALS[number]

const DAY = 86_400_000
const SHANGHAI = 8 * 3_600_000

/** The Shanghai calendar day of an instant. */
export function civilDay(t: Date): Date {
  return new Date(Math.floor((t.getTime() + SHANGHAI) / DAY) * DAY)
}

/** The instant a Shanghai calendar day starts (its midnight). */
export const midnight = (d: Date) => new Date(d.getTime() - SHANGHAI)

export const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY)
export const isoDate = (d: Date) => d.toISOString().slice(0, 10)
/** A Shanghai midnight written with its offset, as an API answer shows it. */
export const localInstant = (d: Date) => `${isoDate(d)}T00:00:00+08:00`

/** The first day of the period holding civil day `d`. */
export function periodStart(unit: Interval, d: Date): Date {
  if (unit === 'day') return d
  if (unit === 'week') return addDays(d, -((d.getUTCDay() + 6) % 7))
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
}

/** The first day of the next period (periods start at `start`). */
export function nextStart(unit: Interval, start: Date): Date {
  if (unit === 'day') return addDays(start, 1)
  if (unit === 'week') return addDays(start, 7)
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
}

export const previousStart = (unit: Interval, start: Date) => periodStart(unit, addDays(start, -1))

/** ISO 8601 week-numbering year and week of a civil day (the week's Thursday decides the year). */
export function isoWeek(d: Date): { year: number; week: number } {
  const thursday = addDays(d, 3 - ((d.getUTCDay() + 6) % 7))
  const year = thursday.getUTCFullYear()
  return { year, week: 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) }
}

/** Monday of ISO week `week` of `year` (week 1 holds 4 January). */
export function isoWeekMonday(year: number, week: number): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4))
  return addDays(jan4, (week - 1) * 7 - ((jan4.getUTCDay() + 6) % 7))
}

/**
 * The same period one year earlier (同比): the same date, ISO week number or month of the year
 * before. Null when there is none: 29 February, or week 53 after a year of 52 weeks.
 */
export function yearEarlier(unit: Interval, start: Date): Date | null {
  const y = start.getUTCFullYear()
  if (unit === 'month') return new Date(Date.UTC(y - 1, start.getUTCMonth(), 1))
  if (unit === 'day') {
    const d = new Date(Date.UTC(y - 1, start.getUTCMonth(), start.getUTCDate()))
    return d.getUTCMonth() === start.getUTCMonth() ? d : null
  }
  const { year, week } = isoWeek(start)
  const monday = isoWeekMonday(year - 1, week)
  return isoWeek(monday).week === week ? monday : null
}

/** The period's name as reports use it: 2026-11-30, 2026-W48, 2026-11. */
export function periodLabel(unit: Interval, start: Date): string {
  if (unit === 'day') return isoDate(start)
  if (unit === 'month') return isoDate(start).slice(0, 7)
  const { year, week } = isoWeek(start)
  return `${year}-W${String(week).padStart(2, '0')}`
}
