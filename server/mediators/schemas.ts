// Request shapes of /api/v1/mediators and /api/v1/mediators/bodies (zod: a 400 names each field).
import { z } from 'zod'
import { phoneSchema } from '../houses/fields.ts'
import { BODY_KINDS, DISPUTE_TYPES, keys } from '../disputes/types.ts'

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
const adminCode = z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code (community, street, district or the city)')
const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
/** Admin codes served: at least one, no repeats. */
const areas = z.array(adminCode).min(1, 'at least one area').max(200, 'at most 200 areas')
  .refine((a) => new Set(a).size === a.length, 'an area is given twice')
const domains = z.array(z.enum(keys(DISPUTE_TYPES))).min(1, 'at least one dispute type').max(10)
  .refine((a) => new Set(a).size === a.length, 'a dispute type is given twice')
const version = z.number().int().min(1, 'must be the version you read').max(2 ** 31 - 1)

const bodyFields = {
  name: text(100),
  kind: z.enum(keys(BODY_KINDS)),
  communityCode: adminCode.describe('where the body sits: a community, or a street / district / the city padded to 12 digits'),
  areas,
  domains,
  address: text(200).nullish(),
  phone: phoneSchema.nullish().describe('the body\'s office phone (not a person\'s)'),
  active: z.boolean().optional(),
}
export const bodyCreateSchema = z.object(bodyFields).strict()
export type BodyCreate = z.output<typeof bodyCreateSchema>
export const bodyPatchSchema = z.object({ ...bodyFields, version }).partial({
  name: true, kind: true, communityCode: true, areas: true, domains: true,
}).strict()
export type BodyPatch = z.output<typeof bodyPatchSchema>

const mediatorFields = {
  bodyId: positiveId,
  name: text(50),
  phone: phoneSchema.nullish(),
  domains,
  areas,
  capacity: z.number().int().min(1, 'at least 1').max(200, 'at most 200'),
  active: z.boolean().optional(),
  userId: positiveId.nullish().describe('the account that signs in as this mediator (sees and handles its disputes)'),
}
export const mediatorCreateSchema = z.object(mediatorFields).strict()
export type MediatorCreate = z.output<typeof mediatorCreateSchema>
export const mediatorPatchSchema = z.object({ ...mediatorFields, version }).partial({
  bodyId: true, name: true, domains: true, areas: true, capacity: true,
}).strict()
export type MediatorPatch = z.output<typeof mediatorPatchSchema>

const limit = z.coerce.number().int().min(1).max(200).default(50)
const cursor = z.string().regex(/^[1-9][0-9]{0,15}$/, 'a cursor from a previous page').transform(Number).optional()

export const bodyListQuery = z.object({
  kind: z.enum(keys(BODY_KINDS)).optional(),
  domain: z.enum(keys(DISPUTE_TYPES)).optional(),
  area: adminCode.optional().describe('bodies serving this admin area (an area of theirs covers it)'),
  limit, cursor,
}).strict()
export type BodyListQuery = z.output<typeof bodyListQuery>

export const mediatorListQuery = z.object({
  body: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  domain: z.enum(keys(DISPUTE_TYPES)).optional(),
  area: adminCode.optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit, cursor,
}).strict()
export type MediatorListQuery = z.output<typeof mediatorListQuery>

export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const unmaskSchema = z.object({ reason: z.string().trim().min(4, 'must say why, in at least 4 characters').max(500) }).strict()
