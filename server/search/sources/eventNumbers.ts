// Event numbers as search keys: 'E' + yyyymmdd (Shanghai day) + the day's sequence. A prefix of
// the digits is a range of days; this turns it into the created_at range to search in.

const DAY_MS = 86_400_000

/** Shanghai midnight of y-m-d, with month and day clamped into the calendar. */
function shanghaiDay(y: number, m: number, d: number): number {
  const month = Math.min(Math.max(m, 1), 12)
  const last = new Date(Date.UTC(y, month, 0)).getUTCDate()
  const day = Math.min(Math.max(d, 1), last)
  return Date.UTC(y, month - 1, day) - 8 * 3_600_000
}

const yyyymmdd = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '')

/**
 * The created_at range of the numbers starting with 'E' + digits (at least the 4 year digits), or
 * undefined when no calendar day starts so (E202613…, E20260230…): nothing to search then.
 */
export function prefixDays(digits: string): { from: Date; to: Date } | undefined {
  if (digits.length < 4) return undefined
  const date = digits.slice(0, 8)
  const lo = date.padEnd(8, '0')
  const hi = date.padEnd(8, '9')
  const from = shanghaiDay(Number(lo.slice(0, 4)), Number(lo.slice(4, 6)), Number(lo.slice(6, 8)))
  const last = shanghaiDay(Number(hi.slice(0, 4)), Number(hi.slice(4, 6)), Number(hi.slice(6, 8)))
  // clamping may have moved a bound off the prefix (month 13, February 30): no day matches then
  if (!yyyymmdd(from).startsWith(date) && !yyyymmdd(last).startsWith(date)) return undefined
  if (Number(lo.slice(0, 4)) < 1970) return undefined
  return { from: new Date(from), to: new Date(last + DAY_MS) }
}
