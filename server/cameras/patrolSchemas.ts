// The shapes /api/v1/cameras/patrols accepts: a round of cameras for one shift, and one camera's
// check (normal, or a finding with the frame the member saw).
import { z } from 'zod'

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'must be a real date')
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', 'must lie between 2000 and 2099')

export const shifts = ['day', 'night'] as const
const id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

export const patrolCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  shiftDate: isoDate,
  shift: z.enum(shifts).default('day'),
  assigneeId: id,
  // checked in this order; one camera once
  cameraIds: z.array(id).min(1).max(100).refine((ids) => new Set(ids).size === ids.length, 'must not name a camera twice'),
}).strict()
export type PatrolInput = z.output<typeof patrolCreateSchema>

export const patrolListQuery = z.object({
  date: isoDate.optional(),
  assignee: z.union([z.literal('me'), z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)]).optional(),
  status: z.enum(['open', 'done']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
}).strict()

/** A snapshot as the browser's canvas gives it: a JPEG or PNG data URL, at most ~1.5 MB of image. */
export const SNAPSHOT_MAX_BYTES = 1_500_000
const snapshot = z.string().max(Math.ceil(SNAPSHOT_MAX_BYTES * 4 / 3) + 40)
  .regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a data:image/jpeg or data:image/png base64 URL')

export const checkSchema = z.object({
  result: z.enum(['normal', 'finding']),
  note: z.string().trim().max(1000).optional(),
  finding: z.object({
    classCode: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit event small class code'),
    demandType: z.string().trim().min(1).max(30).default('投诉举报'),
    description: z.string().trim().min(1).max(4000),
    priority: z.number().int().min(1).max(4).default(3),
    // where the problem is seen; default: the camera's own point
    location: z.object({ x: z.number().min(-180).max(180), y: z.number().min(-90).max(90) }).strict().optional(),
  }).strict().optional(),
  snapshot: snapshot.optional(),
}).strict()
  .refine((b) => b.result !== 'finding' || b.finding !== undefined, { path: ['finding'], message: 'a finding needs its class and description' })
  .refine((b) => b.result !== 'finding' || b.snapshot !== undefined, { path: ['snapshot'], message: 'a finding needs the frame seen (snapshot)' })
  .refine((b) => b.result !== 'normal' || (b.finding === undefined && b.snapshot === undefined), { path: ['result'], message: 'a normal check carries no finding or snapshot' })
export type CheckInput = z.output<typeof checkSchema>

export const patrolIdParam = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
export const seqParam = z.coerce.number().int().min(1).max(100)
