// The one reading of dates that clients send (query parameters, bodies, filter literals).
// Date.parse and new Date() roll an impossible calendar date over (2026-02-30 becomes March 2nd)
// and PostgreSQL refuses it with a 500: every field is checked here on its own before the instant
// is built, so an impossible date is a 400 naming the parameter wherever it arrives.
//
//   yyyy-mm-dd                              a day; as an instant, its start in Asia/Shanghai
//   yyyy-mm-ddThh:mm[:ss[.f…]](Z|±hh[:mm])  a date-time with its zone (a space may stand for T)
import { z } from 'zod'

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i
/** China has no daylight saving: a bare day starts at 00:00 +08:00. */
export const SHANGHAI_OFFSET = '+08:00'

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate()
const realDay = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)

/** A calendar day 'yyyy-mm-dd' that exists, or undefined (2026-02-30, 2026-13-01 are refused). */
export function parseClientDay(s: string, fromYear = 0): string | undefined {
  const m = DAY.exec(s)
  return m && Number(m[1]) >= fromYear && realDay(Number(m[1]), Number(m[2]), Number(m[3])) ? s : undefined
}

export interface InstantOptions {
  /** a date-time without a zone: 'refuse' (default), or read in Asia/Shanghai */
  zoneless?: 'refuse' | 'shanghai'
  /** a bare day yyyy-mm-dd (its Shanghai midnight); default true */
  day?: boolean
  /** the earliest year accepted (e.g. 1970 where rows are stored from then on) */
  fromYear?: number
}

/** An instant from a client's text, or undefined when it is malformed or names an impossible date or time. */
export function parseClientInstant(s: string, opts: InstantOptions = {}): Date | undefined {
  if (s.length > 40 || Number(s.slice(0, 4)) < (opts.fromYear ?? 0)) return undefined
  if (DAY.test(s)) return opts.day === false || !parseClientDay(s) ? undefined : new Date(`${s}T00:00:00${SHANGHAI_OFFSET}`)
  const m = DATE_TIME.exec(s)
  if (!m) return undefined
  const [, y, mo, d, h, mi, sec = '00', frac = '', zoneRaw] = m
  if (!realDay(Number(y), Number(mo), Number(d))) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined
  if (zoneRaw === undefined && opts.zoneless !== 'shanghai') return undefined
  const zone = zoneRaw === undefined ? SHANGHAI_OFFSET : zoneRaw.toUpperCase() === 'Z' ? 'Z' : normaliseOffset(zoneRaw)
  if (zone === undefined) return undefined
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac.slice(0, 4)}${zone}`)
  return Number.isNaN(t) ? undefined : new Date(t)
}

/** ±hh, ±hhmm, ±hh:mm → ±hh:mm, within ±14:00 (the widest offset in use). */
function normaliseOffset(z: string): string | undefined {
  const digits = z.slice(1).replace(':', '')
  const hh = Number(digits.slice(0, 2))
  const mm = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hh > 14 || mm > 59 || (hh === 14 && mm > 0)) return undefined
  return `${z[0]}${digits.slice(0, 2)}:${String(mm).padStart(2, '0')}`
}

export const INSTANT_MESSAGE = 'must be an existing date yyyy-mm-dd (Asia/Shanghai) or an ISO 8601 date-time with a zone'
export const DAY_MESSAGE = 'must be an existing calendar day yyyy-mm-dd'

/** zod: a date or date-time (the one rule above), as a Date; the 400 names the field. */
export const instantSchema = (message = INSTANT_MESSAGE, opts: InstantOptions = {}) => z.string().max(40, message).transform((s, ctx) => {
  const t = parseClientInstant(s, opts)
  if (t === undefined) {
    ctx.addIssue({ code: 'custom', message })
    return z.NEVER
  }
  return t
})

/** zod: a calendar day 'yyyy-mm-dd' that exists, kept as text. */
export const daySchema = (message = DAY_MESSAGE, fromYear = 0) => z.string().max(10, message).refine((s) => parseClientDay(s, fromYear) !== undefined, message)
