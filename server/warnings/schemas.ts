// Request shapes of /api/v1/warnings and /api/v1/warning-rules (zod: a 400 names each field).
import { z } from 'zod'
import { KINDS, paramSchemas, type Kind } from './rules.ts'
import { allWarningKinds } from './kinds.ts'
import { AppError } from '../http/errors.ts'
import { instantSchema } from '../http/dates.ts'

const instant = instantSchema()

const commaList = <T extends string>(values: readonly [T, ...T[]], what: string) => z.string().max(200)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(values, { message: `each ${what} must be one of ${values.join(', ')}` })).min(1, `must name at least one ${what}`).max(values.length))

export const warningListQuery = z.object({
  // the pass's kinds and those registered by other capabilities (kinds.ts), known when a request arrives
  kind: z.string().max(200).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine((k) => allWarningKinds().includes(k), { message: 'each kind must be a warning kind (see the OpenAPI description)' }))
      .min(1, 'must name at least one kind').max(20)).optional()
    .describe(`comma list of ${KINDS.join(', ')} or a kind raised by another capability (dispute_risk)`),
  level: commaList(['1', '2', '3'], 'level').optional().describe('comma list of levels: 1 红, 2 橙, 3 黄'),
  acknowledged: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true').optional(),
  from: instant.optional().describe('raised at or after (inclusive)'),
  to: instant.optional().describe('raised before (exclusive)'),
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional()
    .describe('warnings whose area lies inside this division (which must lie inside your jurisdiction)'),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(1, 'must be 1-500').max(500, 'must be 1-500')).default(50),
  cursor: z.string().max(200).optional().describe('the `next` link\'s cursor of the previous page'),
  f: z.enum(['json', 'geojson'], { message: 'must be json or geojson' }).default('json'),
}).strict().refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be later than from', path: ['to'] })
export type WarningListQuery = z.output<typeof warningListQuery>

export const idParam = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, 'too large'))

export const acknowledgeBody = z.object({
  comment: z.string().trim().max(500, 'must be at most 500 characters').optional().describe('处置意见 (optional)'),
}).strict()

export const kindParam = z.enum(KINDS, { message: `must be one of ${KINDS.join(', ')}` })

/** The PUT body's shape; params are checked against the kind's own schema after it. */
export const ruleBody = z.object({
  enabled: z.boolean({ message: 'must be true or false' }),
  params: z.record(z.string().max(40), z.unknown(), { message: 'must be an object' }).default({})
    .describe('the kind\'s params; missing ones take their defaults (see GET /api/v1/warning-rules)'),
  version: z.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more')
    .describe('the version you read (0: the built-in defaults); a stale version is a 409'),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').describe('why the rule changes (kept in its history)'),
}).strict()

/** Parses a rule's params for its kind; a 400 names each field as params.<name>. */
export function parseParams<K extends Kind>(kind: K, params: unknown) {
  const parsed = paramSchemas[kind].safeParse(params)
  if (parsed.success) return parsed.data
  const errors = parsed.error.issues.map((i) => ({
    field: ['params', ...i.path, ...('keys' in i && Array.isArray(i.keys) ? [i.keys.join(',')] : [])].join('.'), message: i.message,
  }))
  throw new AppError(400, 'validation_failed', `invalid request body: ${errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`).join('; ')}`, { errors })
}
