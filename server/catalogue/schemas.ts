// Input of /api/v1/catalogue: zod schemas shared by the routes (validation) and openapi.ts.
import { z } from 'zod'
import { CLASSIFICATIONS, KINDS, SHARINGS } from './entries.ts'

const text = (max: number) => z.string().trim().min(1).max(max)
const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')

export const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.enum(KINDS).optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  sharing: z.enum(SHARINGS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
}).strict()

export const entryId = z.string().min(5).max(300).regex(/^(layer|api|dataset):\S/, 'must be a catalogue entry id (layer:…, api:…, dataset:…)')

export const metaBody = z.object({
  owner: text(100).optional(),
  updateFrequency: text(50).optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  sharing: z.enum(SHARINGS).optional(),
  description: z.string().trim().max(2000).optional(),
}).strict().refine((b) => Object.keys(b).length > 0, 'name at least one field to change')

export const applicationBody = z.object({
  systemName: text(100),
  purpose: z.string().trim().min(4).max(2000),
  resources: z.array(entryId).min(1).max(50).refine((r) => new Set(r).size === r.length, 'each resource once'),
  areas: z.array(adminCode).min(1).max(20).refine((a) => new Set(a).size === a.length, 'each area once'),
  validDays: z.number().int().min(1).max(730).default(365),
}).strict()

export const reviewBody = z.object({ comment: z.string().trim().max(2000).optional() }).strict()
export const reasonBody = z.object({ comment: z.string().trim().min(4).max(2000) }).strict()

export const applicationsQuery = z.object({
  state: z.enum(['submitted', 'approved', 'rejected', 'revoked']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict()
export const usageQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict()
export const applicationId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
