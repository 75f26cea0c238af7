// The zod schemas of /api/v1/opinion (they validate the input and describe it in OpenAPI).
import { z } from 'zod'

export const feedBody = z.object({
  name: z.string().trim().min(1).max(100),
  url: z.string().max(2000).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
  active: z.boolean().default(true),
}).strict()

export const idParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export const postsQuery = z.object({
  status: z.enum(['candidate', 'unlocated', 'irrelevant', 'accepted', 'rejected']).default('candidate'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe('keyset: the id of the last post of the previous page'),
}).strict()

export const acceptBody = z.object({
  classCode: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit event small class code').optional(),
  demandType: z.string().trim().min(1).max(30).default('投诉举报'),
  priority: z.number().int().min(1).max(4).default(3),
  note: z.string().trim().min(1).max(500).optional(),
}).strict()

export const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict()

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
export const topicsQuery = z.object({
  from: day, to: day,
  interval: z.enum(['day', 'week']).default('day'),
  keyword: z.string().trim().min(1).max(30).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('keywords, the most mentioned first'),
}).strict().refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86400_000, { path: ['to'], message: 'at most 366 days after from' })
