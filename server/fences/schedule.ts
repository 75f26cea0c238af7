// When a fence's rules are on (its FenceSchedule), in China time (UTC+8, no daylight saving).
//
// null → always. {calendar:'duty'} → the caller's working calendar (isWorkTime, e.g.
// WorkCalendar.isWorkingTime of the city). {days, from, to} → ISO weekdays (1 = Monday … 7 =
// Sunday) between from and to ("HH:MM", to may be "24:00"); from > to runs past midnight and
// belongs to the day it starts on (Friday 22:00-06:00 covers Saturday 00:00-06:00); from = to
// means the whole day. Every change falls on a whole minute, which engineClock.ts relies on.
import type { FenceDef, FenceSchedule, IsActive } from './engineTypes.ts'

const OFFSET_MS = 8 * 3_600_000
const DAY_MS = 86_400_000

interface Window { days: Set<number>; from: number; to: number }
const compiled = new WeakMap<object, Window>()

/** Whether the schedule is on at epoch ms t. */
export function scheduleActive(s: FenceSchedule, t: number, isWorkTime: (t: number) => boolean): boolean {
  if (s === null) return true
  if ('calendar' in s) return isWorkTime(t)
  const w = windowOf(s)
  const local = t + OFFSET_MS
  const day = Math.floor(local / DAY_MS)
  const minute = Math.floor((local - day * DAY_MS) / 60_000)
  // 1970-01-01 was a Thursday (ISO 4)
  const iso = (((day + 3) % 7) + 7) % 7 + 1
  const prevIso = iso === 1 ? 7 : iso - 1
  if (w.from < w.to) return w.days.has(iso) && minute >= w.from && minute < w.to
  if (w.from === w.to) return w.days.has(iso)
  return (w.days.has(iso) && minute >= w.from) || (w.days.has(prevIso) && minute < w.to)
}

/** The engine's isActive over a duty calendar: new FenceIndex(fences, scheduleChecker(t => cal.isWorkingTime(new Date(t)))). */
export function scheduleChecker(isWorkTime: (t: number) => boolean): IsActive {
  return (fence: FenceDef, t: number) => scheduleActive(fence.schedule, t, isWorkTime)
}

/** "HH:MM" → minutes of the day (00:00-24:00); throws on anything else. */
export function parseHhMm(s: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s)
  const v = m ? Number(m[1]) * 60 + Number(m[2]) : NaN
  if (!(v <= 1440)) throw new Error(`bad time of day ${JSON.stringify(s)} (HH:MM)`)
  return v
}

function windowOf(s: { days: number[]; from: string; to: string }): Window {
  let w = compiled.get(s)
  if (!w) {
    w = { days: new Set(s.days), from: parseHhMm(s.from), to: parseHhMm(s.to) }
    compiled.set(s, w)
  }
  return w
}
