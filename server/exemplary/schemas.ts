// Request shapes of /api/v1/exemplary-cases and /api/v1/events/{number}/similar-cases (zod: a 400
// names each field). Who may do what is decided here too, next to the shapes it guards.
import { z } from 'zod'
import type { Role } from '../auth/roles.ts'

/**
 * Who pins and withdraws cases: the command centre, and district staff (a district runs its own
 * command centre's desk) inside their district. Street and community offices, departments and
 * inspectors read the cases and are offered them, but do not decide what the city shows as exemplary.
 */
export const PINNERS: Role[] = ['command_center', 'district_staff']
/** Who reads cases and is offered them: the staff who handle events (not residents or external systems). */
export const READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst']

export const MAX_LIMIT = 100
export const DEFAULT_LIMIT = 20
export const SIMILAR_MAX = 20
export const SIMILAR_DEFAULT = 5
export const MAX_TAGS = 10

const text = (max: number) => z.string({ message: 'must be text' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
const tag = z.string({ message: 'must be text' }).trim().min(1, 'must not be empty').max(20, 'must be at most 20 characters')
  .regex(/^[^\s,，]+$/u, 'must be one word (no spaces or commas)')

export const pinBody = z.object({
  event: z.string({ message: 'must be an event number' }).regex(/^E\d{12,16}$/, 'must be an event number like E202612030001').describe('the event number'),
  title: text(100).describe('the case\'s title, written by the centre'),
  summary: text(2000).describe('how it was handled and what to learn from it (经验做法)'),
  reason: text(500).describe('why it is exemplary'),
  tags: z.array(tag, { message: 'must be a list of words' }).max(MAX_TAGS, `must be at most ${MAX_TAGS} tags`).default([])
    .transform((t) => [...new Set(t.map((x) => x.toLowerCase()))]).describe('optional keywords (each one word, at most 20 characters)'),
}).strict()
export type PinBody = z.output<typeof pinBody>

export const unpinQuery = z.object({
  reason: text(500).optional().describe('why the case is withdrawn (kept with it)'),
}).strict()

const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')

export const listQuery = z.object({
  state: z.enum(['on_show', 'withdrawn', 'all'], { message: 'must be on_show, withdrawn or all' }).default('on_show')
    .describe('on_show (default): cases on show; withdrawn: withdrawn ones; all: both'),
  classCode: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2-digit big class or 4-digit small class code').optional()
    .describe('the event class: a big class (2 digits) or a small class (4 digits)'),
  area: adminCode.optional().describe('cases whose event lies inside this division (which must lie inside your jurisdiction)'),
  q: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional()
    .describe('text in the title, the summary or the event\'s description; or an exact event number or tag'),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, `must be 1-${MAX_LIMIT}`).max(MAX_LIMIT, `must be 1-${MAX_LIMIT}`)).default(DEFAULT_LIMIT),
  cursor: z.string().max(200, 'must be at most 200 characters').optional().describe('the `next` cursor of the previous page'),
}).strict()
export type ListQuery = z.output<typeof listQuery>

export const similarQuery = z.object({
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, `must be 1-${SIMILAR_MAX}`).max(SIMILAR_MAX, `must be 1-${SIMILAR_MAX}`)).default(SIMILAR_DEFAULT),
}).strict()

export const idParam = z.object({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, 'too large')),
})
