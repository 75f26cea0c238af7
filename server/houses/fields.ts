// Field rules the people registers share (houses and residents): the phone format, the house's
// uses and states with their Chinese titles, and the point a row may be given.
import { z } from 'zod'

/** A mobile number (1[3-9] and nine digits, an optional +86) or a fixed line with its area code. */
export const PHONE = /^(?:(?:\+?86)?1[3-9]\d{9}|0[1-9]\d{1,2}-?[2-9]\d{6,7}(?:-\d{1,6})?)$/

/** The stored form: spaces and dashes inside a mobile number dropped, +86 dropped. */
export function normalisePhone(input: string): string {
  const s = input.replace(/[\s()]/g, '')
  const mobile = s.replace(/-/g, '').replace(/^\+?86(?=1[3-9]\d{9}$)/, '')
  return /^1[3-9]\d{9}$/.test(mobile) ? mobile : s
}

export const phoneSchema = z.string().trim().max(24)
  .refine((s) => PHONE.test(s.replace(/[\s()]/g, '')), 'not a phone: a mobile 1[3-9]xxxxxxxxx or a fixed line 0xx-xxxxxxx')
  .transform(normalisePhone)

export const HOUSE_USES = { residential: '住宅', commercial: '商业', mixed: '商住', office: '办公', industrial: '工业', other: '其他' } as const
export const HOUSE_STATUSES = { in_use: '在用', vacant: '空置', demolished: '已拆除' } as const
export type HouseUse = keyof typeof HOUSE_USES
export type HouseStatus = keyof typeof HOUSE_STATUSES

export const lonSchema = z.number().min(-180).max(180)
export const latSchema = z.number().min(-90).max(90)

/** A 12-digit community code. */
export const communitySchema = z.string().regex(/^[0-9]{12}$/, 'a 12-digit community code')

/** Query flags arrive as text. */
export const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true')
