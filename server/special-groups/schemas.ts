// Request shapes of /api/v1/special-groups (zod: a 400 names each field). The create body is also
// the register's rowSchema (server/registers/registry.ts): one row of an import.
import { z } from 'zod'
import { daySchema, instantSchema } from '../http/dates.ts'
import { normaliseIdNumber } from '../privacy/idNumber.ts'
import { KINDS, RISK_LEVELS, SITUATIONS, VISIT_METHODS } from './plan.ts'

export const MAX_LIMIT = 200
export const DEFAULT_LIMIT = 50

const text = (max: number) => z.string({ message: 'must be text' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
const id = z.number({ message: 'must be a positive integer id' }).int('must be a positive integer id').positive('must be a positive integer id')
  .max(Number.MAX_SAFE_INTEGER, 'too large')

/** A mobile number (1[3-9] and 9 digits) or a fixed line with its area code (0xx(x)-xxxxxxx(x)). */
export const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/
const phone = z.string({ message: 'must be a phone number' }).trim().regex(PHONE, 'must be a mobile number (11 digits, 1[3-9]…) or a fixed line with its area code (0xxx-xxxxxxx)')

/** An 18-character ID number with a valid check digit (GB 11643), normalised; the 400 names the field and the problem. */
export const idNumber = z.string({ message: 'must be an ID number' }).max(40, 'an ID number is 18 characters').transform((s, ctx) => {
  try {
    return normaliseIdNumber(s)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
    return z.NEVER
  }
})

const kind = z.enum(KINDS, { message: `must be one of ${KINDS.join(', ')}` })
const risk = z.enum(RISK_LEVELS, { message: `must be one of ${RISK_LEVELS.join(', ')}` })
const day = daySchema(undefined, 1900)

const groupFields = {
  residentId: id.optional().describe('the resident (实有人口) the record is about; or residentIdNumber'),
  residentIdNumber: idNumber.optional().describe('the resident by ID number (exact, check digit verified); or residentId'),
  kind: kind.describe('community_correction 社区矫正对象, released 刑满释放人员, drug 吸毒人员, mental_risk 严重精神障碍患者, minor_at_risk 重点青少年'),
  riskLevel: risk.describe('high 高, medium 中, low 低: sets the default visit interval'),
  responsibleMemberId: id.nullable().optional().describe('the grid member who follows the person up (帮扶责任人)'),
  guardianName: text(50).nullable().optional().describe('guardian or contact (监护人): a personal field'),
  guardianPhone: phone.nullable().optional().describe('the guardian\'s phone: a personal field'),
  since: day.describe('the day the person entered the group (yyyy-mm-dd)'),
  until: day.nullable().optional().describe('the day the person left it (矫正期满, 解除 …); absent: still in it'),
  note: text(2000).nullable().optional(),
}

const untilAfterSince = (b: { since?: string | undefined; until?: string | null | undefined }) => !b.since || !b.until || b.until >= b.since

export const createBody = z.object(groupFields).strict()
  .refine((b) => (b.residentId === undefined) !== (b.residentIdNumber === undefined), { message: 'give exactly one of residentId and residentIdNumber', path: ['residentId'] })
  .refine(untilAfterSince, { message: 'must not be before since', path: ['until'] })
export type CreateBody = z.output<typeof createBody>

export const patchBody = z.object({
  version: z.number({ message: 'must be the version you read' }).int().positive('must be the version you read'),
  riskLevel: risk.optional(),
  responsibleMemberId: id.nullable().optional(),
  guardianName: text(50).nullable().optional(),
  guardianPhone: phone.nullable().optional(),
  since: day.optional(),
  until: day.nullable().optional(),
  note: text(2000).nullable().optional(),
  verified: z.literal(true, { message: 'must be true (verified now)' }).optional().describe('true: the record was checked (核实) now'),
}).strict().refine(untilAfterSince, { message: 'must not be before since', path: ['until'] })
export type PatchBody = z.output<typeof patchBody>

export const visitBody = z.object({
  visitedAt: instantSchema(undefined, { fromYear: 2000 }).refine((t) => t.getTime() <= Date.now() + 5 * 60_000, 'must not lie in the future'),
  method: z.enum(VISIT_METHODS, { message: `must be one of ${VISIT_METHODS.join(', ')}` }),
  situation: z.enum(SITUATIONS, { message: `must be one of ${SITUATIONS.join(', ')}` }),
  notes: text(2000).nullable().optional(),
  lon: z.number({ message: 'must be a longitude' }).min(73, 'must be a longitude in China (73-136)').max(136, 'must be a longitude in China (73-136)').optional(),
  lat: z.number({ message: 'must be a latitude' }).min(3, 'must be a latitude in China (3-54)').max(54, 'must be a latitude in China (3-54)').optional(),
}).strict().refine((b) => (b.lon === undefined) === (b.lat === undefined), { message: 'give both lon and lat, or neither', path: ['lon'] })
export type VisitBody = z.output<typeof visitBody>

export const planBody = z.object({
  intervalDays: z.number({ message: 'must be a number of days, or null for the default' }).int('must be whole days').min(1, 'must be 1-366').max(366, 'must be 1-366').nullable()
    .describe('days between visits; null: back to the default of the kind and risk level'),
  reason: text(500).describe('why the plan is changed'),
}).strict()

export { unmaskReason as unmaskBody } from '../registers/params.ts'

const limit = (max: number, dflt: number) => z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number)
  .pipe(z.number().int().min(1, `must be 1-${max}`).max(max, `must be 1-${max}`)).default(dflt)
const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const gridCode = z.string().regex(/^[0-9A-Za-z]{12,20}$/, 'must be a grid code')
const cursor = z.string().max(200, 'must be at most 200 characters').optional().describe('the `next` cursor of the previous page')

export const listQuery = z.object({
  community: adminCode.optional().describe('records inside this division (any level)'),
  grid: gridCode.optional().describe('records in this base grid'),
  q: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters').optional()
    .describe('the start of the resident\'s name, or an exact ID number'),
  kind: kind.optional(),
  risk: risk.optional(),
  member: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a member id').transform(Number).optional().describe('records of this responsible member'),
  status: z.enum(['active', 'ended', 'all'], { message: 'must be active, ended or all' }).default('active'),
  overdue: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((s) => s === 'true').default(false)
    .describe('true: only records whose visit is overdue'),
  limit: limit(MAX_LIMIT, DEFAULT_LIMIT),
  cursor,
}).strict()
export type ListQuery = z.output<typeof listQuery>

export const areaQuery = z.object({ community: adminCode.optional(), grid: gridCode.optional() }).strict()

export const overdueQuery = areaQuery.extend({ limit: limit(MAX_LIMIT, DEFAULT_LIMIT), cursor, kind: kind.optional() }).strict()

export const visitsQuery = z.object({ limit: limit(100, 20), cursor }).strict()

export const idParam = z.object({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, 'too large')),
})
