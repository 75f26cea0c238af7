// What an ID number (GB 11643) says of its holder, derived rather than typed: the birth date
// (digits 7-14), the gender (digit 17: odd male, even female) and the age on a day in Beijing.
// The register stores gender and birth date from here so they never disagree with the number.

export interface Identity { birthDate: string; gender: 'M' | 'F' }

/** From a normalised 18-character ID number (privacy/idNumber.ts normaliseIdNumber). */
export function identityOf(id: string): Identity {
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  }
}

/** The calendar day in Beijing (UTC+8, no daylight saving) of an instant, as YYYY-MM-DD. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

/**
 * Full years from the birth date to the day: a birthday not yet reached this year counts one
 * less; someone born on 29 February turns a year older on 1 March in common years.
 */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const before = m < bm || (m === bm && d < bd)
  return y - by - (before ? 1 : 0)
}

export const GENDER_TITLES = { M: '男', F: '女' } as const
