// Bodies and queries of /api/v1/proactive-rules (validated here, described in openapi.ts).
import { z } from 'zod'
import { RULE_KINDS } from './rules.ts'

const reason = z.string().trim().min(1, 'reason is required: say why the change is made').max(500)
const name = z.string().trim().min(1).max(100)
const version = z.number().int().min(1)

export const createBody = z.object({
  kind: z.enum(RULE_KINDS),
  name,
  params: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().default(true),
  reason,
}).strict()

export const changeBody = z.object({
  name: name.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
  version,
  reason,
}).strict()

export const deleteQuery = z.object({
  version: z.string().regex(/^[0-9]{1,9}$/, 'must be a whole number').transform(Number).pipe(version),
  reason,
}).strict()

const id = z.string().regex(/^[0-9]{1,15}$/, 'must be a positive whole number').transform(Number).pipe(z.number().int().min(1))

export const ruleListQuery = z.object({ deleted: z.enum(['true', 'false']).transform((s) => s === 'true').default(false) }).strict()

export const taskListQuery = z.object({
  status: z.enum(['open', 'done', 'dismissed', 'all']).default('open'),
  kind: z.enum(RULE_KINDS).optional(),
  rule: id.optional(),
  community: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit community code').optional(),
  grid: z.string().regex(/^[0-9]{15}$/, 'must be a 15-digit base grid code').optional(),
  after: id.optional().describe('the last id of the page before (keyset paging, ids descending)'),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(500)).default(100),
}).strict()

const note = z.string().trim().min(1).max(2000)
export const doneBody = z.object({
  note: note.optional(),
  visit: z.object({
    method: z.enum(['home', 'phone', 'video', 'office']).default('home'),
    visitedAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  }).strict().optional(),
}).strict()

export const dismissBody = z.object({ reason: note }).strict()
