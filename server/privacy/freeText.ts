// Personal numbers typed into free text (an event's description, a history comment): mainland
// mobile numbers and 18-digit resident ID numbers are found by pattern and masked with the one
// masking rule's masks (fields.ts), for every principal the rule does not give full access
// (rule.ts). Only numbers that are what they look like are masked: a mobile number is 1[3-9] and
// nine more digits standing alone (not inside a longer run of digits, as in an event number or a
// timestamp); an ID number has a real birth date and its ISO 7064 MOD 11-2 check character.
import { maskIdNumber, maskPhone } from './fields.ts'
import type { Access } from './rule.ts'

// +86 / 86 kept; 138 1234 5678 and 138-1234-5678 (one separator used twice) too
const MOBILE = /(?<!\d)((?:\+?86[\s-]?)?)(1[3-9]\d)([\s-]?)(\d{4})\3(\d{4})(?!\d)/g
const ID = /(?<!\d)(\d{17}[\dXx])(?![\dXx])/g
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

/** An 18-character resident ID number with a real birth date (1900 on) and the right check character. */
export function isIdNumber(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false
  const y = Number(s.slice(6, 10)), m = Number(s.slice(10, 12)), d = Number(s.slice(12, 14))
  const born = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return false
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(s[i]), 0)
  return CHECK[sum % 11] === s[17]!.toUpperCase()
}

/** The text with every mobile and ID number in it masked (138****5678, 3701**********1234). */
export function maskFreeText(text: string): string {
  return text
    .replace(ID, (id: string) => (isIdNumber(id) ? maskIdNumber(id) : id))
    .replace(MOBILE, (_all, prefix: string, a: string, _sep: string, b: string, c: string) => `${prefix}${maskPhone(`${a}${b}${c}`)}`)
}

/** Free text as this access (rule.ts accessTo) shows it: unchanged when full, its personal numbers masked otherwise. */
export function shownText(access: Access, text: string): string
export function shownText(access: Access, text: string | null): string | null
export function shownText(access: Access, text: string | null): string | null {
  return text === null || access === 'full' ? text : maskFreeText(text)
}
