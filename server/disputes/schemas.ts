// Request shapes of /api/v1/disputes (zod: a 400 names each field, e.g. parties.0.idNumber).
import { z } from 'zod'
import { phoneSchema } from '../houses/fields.ts'
import { IdNumberError, normaliseIdNumber } from '../privacy/idNumber.ts'
import { daySchema, instantSchema } from '../http/dates.ts'
import { DISPUTE_TYPES, PARTY_ROLES, PERFORMANCE, RISK_LEVELS, SATISFACTION, SOURCES, STATUSES, TRANSFER_TO, keys, isHighRisk } from './types.ts'

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
/** Yuan with at most two decimals, 0 up to a trillion. */
const yuan = z.number().min(0, 'must be 0 or more').max(1e12, 'at most 1,000,000,000,000')
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most two decimals (fen)')
const reasons = z.array(text(200)).max(10, 'at most 10 reasons')

/** An 18-character ID number with its check digit verified (stored sealed, never in clear). */
const idNumberSchema = z.string().max(40, 'at most 40 characters').transform((s, ctx) => {
  try {
    return normaliseIdNumber(s)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof IdNumberError ? err.message : 'not an ID number' })
    return z.NEVER
  }
})

export const partySchema = z.object({
  role: z.enum(keys(PARTY_ROLES)),
  name: text(100),
  idNumber: idNumberSchema.nullish(),
  phone: phoneSchema.nullish(),
}).strict()

/** At least one applicant and one respondent. */
const parties = z.array(partySchema, { message: 'required: at least one applicant and one respondent' })
  .min(2, 'at least one applicant and one respondent').max(50, 'at most 50 parties')
  .superRefine((ps, ctx) => {
    for (const role of ['applicant', 'respondent'] as const) {
      if (!ps.some((x) => x.role === role)) ctx.addIssue({ code: 'custom', message: `no ${role}: a dispute needs at least one applicant and one respondent` })
    }
  })

export const disputeCreateSchema = z.object({
  title: text(100),
  description: text(2000),
  type: z.enum(keys(DISPUTE_TYPES)),
  source: z.enum(keys(SOURCES)).default('application'),
  riskLevel: z.enum(keys(RISK_LEVELS)),
  riskReasons: reasons.default([]),
  amount: yuan.default(0).describe('amount at stake, yuan'),
  location: z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).strict()
    .describe('where the dispute arose, EPSG:4490 (WGS 84) lon/lat; its community and base grid are found from it'),
  address: text(200).nullish(),
  parties,
}).strict().superRefine((d, ctx) => {
  if (isHighRisk(d.riskLevel) && d.riskReasons.length === 0) ctx.addIssue({ code: 'custom', path: ['riskReasons'], message: 'a high or critical risk needs its reasons' })
})
export type DisputeCreate = z.output<typeof disputeCreateSchema>

export const assignSchema = z.object({
  mediatorId: positiveId.optional().describe('absent: run the assignment rule again'),
  reason: text(500).refine((s) => [...s].length >= 4, 'must say why, in at least 4 characters'),
}).strict()

const instant = instantSchema()
export const sessionSchema = z.object({
  heldAt: instant,
  place: text(200),
  attendees: z.array(text(100)).min(1, 'at least one attendee').max(50),
  summary: text(2000),
}).strict()

export const concludeSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('agreement'),
    terms: z.array(text(500)).min(1, 'at least one term').max(30),
    amount: yuan.default(0),
    performanceDue: daySchema(),
  }).strict(),
  z.object({ outcome: z.literal('failed'), reason: text(500) }).strict(),
  z.object({ outcome: z.literal('transferred'), to: z.enum(keys(TRANSFER_TO)), body: text(100), reason: text(500).optional() }).strict(),
], { message: 'outcome must be agreement, failed or transferred' })
export type Conclude = z.output<typeof concludeSchema>

export const revisitSchema = z.object({ satisfaction: z.enum(keys(SATISFACTION)), notes: text(500).optional() }).strict()
export const performanceSchema = z.object({
  state: z.enum(['performed', 'partly', 'not'] as const satisfies readonly (keyof typeof PERFORMANCE)[]),
  note: text(500).optional(),
}).strict()
export const riskSchema = z.object({ level: z.enum(keys(RISK_LEVELS)), reasons: reasons.min(1, 'say why the risk changes') }).strict()

const adminCode = z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code (community, street or district)')
/** A comma list of known values; a 400 names the parameter and the value it does not know. */
const commaList = <T extends string>(values: readonly [T, ...T[]]) => z.string().max(200).transform((s, ctx) => {
  const xs = s.split(',').map((x) => x.trim()).filter(Boolean)
  const bad = xs.find((x) => !(values as readonly string[]).includes(x))
  if (bad !== undefined || !xs.length) {
    ctx.addIssue({ code: 'custom', message: `${bad === undefined ? 'empty' : `unknown value ${bad}`}: a comma list of ${values.join(', ')}` })
    return z.NEVER
  }
  return xs as T[]
})

export const listQuery = z.object({
  community: adminCode.optional(),
  grid: z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code').optional(),
  status: commaList(keys(STATUSES)).optional(),
  type: commaList(keys(DISPUTE_TYPES)).optional(),
  risk: commaList(keys(RISK_LEVELS)).optional(),
  mediator: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('only the disputes assigned to the mediator you sign in as'),
  overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional().describe('agreements whose performance is overdue'),
  q: z.string().trim().min(1).max(50).optional().describe('a number, a party\'s exact name or ID number, or words of the title'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
}).strict()
export type DisputeListQuery = z.output<typeof listQuery>

export const statsQuery = z.object({
  from: instant.optional().describe('registered at or after'),
  to: instant.optional().describe('registered before'),
  area: adminCode.optional().describe('a district, street or community inside your jurisdiction'),
}).strict().refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be later than from', path: ['to'] })
export type StatsQuery = z.output<typeof statsQuery>

export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const unmaskSchema = z.object({ reason: z.string().trim().min(4, 'must say why, in at least 4 characters').max(500) }).strict()
