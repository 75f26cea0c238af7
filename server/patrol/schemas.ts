// Request schemas of the patrol and attendance API (zod): query strings and JSON bodies.
import { z } from 'zod'
import { daySchema } from '../http/dates.ts'

export const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
export const gridCode = z.string().regex(/^[0-9]{15}([0-9]{5})?$/, 'must be a 15-digit base or 20-digit industry grid code')
/** A positive integer id given as decimal digits (no '1e3', '0x10', ' 7'). */
export const idParam = z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number)
const memberId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

/** A calendar date 'YYYY-MM-DD' that exists (2026-02-30 is refused). */
export const date = daySchema('must be a date YYYY-MM-DD')

const name = z.string().trim().min(1).max(100)

/** A point in any supported CRS, axis order of the identifier (as event intake takes it). */
export const location = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  crs: z.string().min(1).max(200).default('EPSG:4490'),
}).strict()

const checkpoint = location.extend({
  name,
  radius: z.number().finite().min(1).max(2000).default(30),
}).strict()

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grid'), gridCodes: z.array(gridCode).min(1).max(200) }).strict(),
  z.object({ kind: z.literal('checkpoint'), checkpoints: z.array(checkpoint).min(1).max(200) }).strict(),
])

const schedule = {
  period: z.enum(['daily', 'weekly', 'custom']),
  /** weekly: ISO weekdays, 1 = Monday … 7 = Sunday */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
  /** custom: every N days counted from `from` (default activeFrom) */
  everyDays: z.number().int().min(1).max(366).optional(),
  from: date.optional(),
}

const rules = {
  requiredVisits: z.number().int().min(1).max(100).default(1),
  /** default 2 for checkpoints, 10 for grids */
  minMinutes: z.number().finite().gt(0).max(720).optional(),
  memberIds: z.array(memberId).max(500).default([]),
  activeFrom: date.optional(),
  activeTo: date.nullable().optional(),
}

function checkSchedule(b: { period?: string; weekdays?: number[]; everyDays?: number; activeFrom?: string; activeTo?: string | null }, ctx: z.RefinementCtx): void {
  if (b.period === 'weekly' && !b.weekdays) ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'a weekly template needs weekdays (1 = Monday … 7 = Sunday)' })
  if (b.period === 'custom' && !b.everyDays) ctx.addIssue({ code: 'custom', path: ['everyDays'], message: 'a custom template needs everyDays' })
  if (b.activeFrom && b.activeTo && b.activeTo < b.activeFrom) ctx.addIssue({ code: 'custom', path: ['activeTo'], message: 'activeTo is before activeFrom' })
  if (b.weekdays && new Set(b.weekdays).size !== b.weekdays.length) ctx.addIssue({ code: 'custom', path: ['weekdays'], message: 'a weekday is listed twice' })
}

export const templateBody = z.object({
  name, adminCode, target, ...schedule, ...rules,
}).strict().superRefine(checkSchedule)
export type TemplateBody = z.output<typeof templateBody>

/** PATCH: everything but the target (visits of past tasks refer to it: a new target is a new template). */
export const templatePatch = z.object({
  name: name.optional(),
  period: schedule.period.optional(),
  weekdays: schedule.weekdays,
  everyDays: schedule.everyDays,
  from: schedule.from,
  requiredVisits: rules.requiredVisits.optional(),
  minMinutes: rules.minMinutes,
  memberIds: z.array(memberId).max(500).optional(),
  activeFrom: rules.activeFrom,
  activeTo: rules.activeTo,
  active: z.boolean().optional(),
}).strict().superRefine(checkSchedule)
export type TemplatePatch = z.output<typeof templatePatch>

const limit = z.coerce.number().int().min(1).max(1000).default(200)
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0)

export const templateListQuery = z.object({
  adminCode: adminCode.optional(),
  active: z.enum(['true', 'false', 'all']).default('true'),
  limit, offset,
}).strict()

export const taskListQuery = z.object({
  date: date.optional(),
  memberId: idParam.optional(),
  templateId: idParam.optional(),
  status: z.enum(['open', 'done', 'missed']).optional(),
  limit, offset,
}).strict()

export const summaryQuery = z.object({ date: date.optional(), memberId: idParam.optional() }).strict()

export const coverageQuery = z.object({ grid: gridCode, date: date.optional(), memberId: idParam.optional() }).strict()

export const attendanceBody = z.object({
  action: z.enum(['sign_in', 'sign_out']),
  location,
  accuracy: z.number().finite().min(0).max(5000).optional(),
}).strict()

export const attendanceQuery = z.object({
  date: date.optional(),
  memberId: idParam.optional(),
  limit, offset,
}).strict()
