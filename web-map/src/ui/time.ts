// Times on the command screen are Beijing time (Asia/Shanghai) whatever the browser's zone: a
// wall in a command centre and an operator's laptop set to UTC must read the same clock.
export const TIME_ZONE = 'Asia/Shanghai'

const FULL = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
})

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of FULL.formatToParts(d)) out[p.type] = p.value
  return out
}

/** "2026-12-03 09:47:05" in Beijing time, or a dash for nothing or a bad value. */
export function beijingTime(value: string | number | Date | null | undefined, withSeconds = true): string {
  if (value === null || value === undefined || value === '') return '—'
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return '—'
  const p = parts(d)
  const time = `${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`
  return `${p.year}-${p.month}-${p.day} ${time}`
}

/** "09:47:05" in Beijing time (the status bar's clock). */
export function beijingClock(d: Date = new Date()): string {
  const p = parts(d)
  return `${p.hour}:${p.minute}:${p.second}`
}

/** The date in Beijing (yyyy-mm-dd) of an instant: the day the server keeps patrol tasks by, an analysis window's first day. */
export function beijingDate(d: Date = new Date()): string {
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day}`
}
