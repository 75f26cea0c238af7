// Request schemas of /api/v1/vehicles (实有车辆) and the register's columns. The create body is the
// register's rowSchema (imports validate each spreadsheet row with it). Every refusal names its field.
import { z } from 'zod'
import { normaliseIdNumber, IdNumberError } from '../privacy/idNumber.ts'
import { phoneSchema } from '../houses/fields.ts'
import { parsePlate, PlateError } from './plate.ts'

export const KIND_TITLES = { car: '小型载客汽车', bus: '大中型客车', truck: '载货汽车', special: '专项作业车', motorcycle: '摩托车', trailer: '挂车', other: '其他' } as const
export const USE_TITLES = {
  private: '非营运（私用）', commercial: '公路客运', taxi: '出租客运', ride_hailing: '网约车', freight: '货运', hazardous: '危险货物运输',
  school_bus: '校车', official: '公务用车', rental: '租赁', other: '其他',
} as const
export const PLATE_TYPE_TITLES = {
  ordinary: '普通号牌', trailer: '挂车号牌', coach: '教练号牌', police: '警用号牌', hk_macau: '粤港澳号牌',
  new_energy_small: '小型新能源号牌', new_energy_large: '大型新能源号牌',
} as const
export const RELATION_TITLES = { owner: '车主', driver: '驾驶人' } as const

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]]
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`)
const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const plateSchema = z.string().max(40, 'at most 40 characters').transform((s, ctx) => {
  try {
    return parsePlate(s).plate
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof PlateError ? err.message : 'not a plate' })
    return z.NEVER
  }
})

/** An 18-character ID number with its check digit verified (stored sealed, never in clear). */
export const idNumberSchema = z.string().max(40, 'at most 40 characters').transform((s, ctx) => {
  try {
    return normaliseIdNumber(s)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof IdNumberError ? err.message : 'not an ID number', params: { problem: (err as IdNumberError).problem } })
    return z.NEVER
  }
})

export const communityCode = z.string().regex(/^[0-9]{12}$/, 'a 12-digit community code')
export const gridCode = z.string().regex(/^[0-9]{15}$/, 'a 15-digit base grid code')

const fields = {
  plate: plateSchema,
  kind: z.enum(keys(KIND_TITLES)),
  use: z.enum(keys(USE_TITLES)),
  brand: text(50).nullish(),
  colour: text(20).nullish(),
  ownerRelation: z.enum(keys(RELATION_TITLES)).optional(),
  residentId: positiveId.nullish(),
  ownerName: text(100).nullish(),
  ownerPhone: phoneSchema.nullish(),
  ownerIdNumber: idNumberSchema.nullish(),
  communityCode: communityCode.nullish(),
  gridCode: gridCode.nullish(),
  note: text(500).nullish(),
}

type Owner = { residentId?: number | null | undefined; ownerName?: string | null | undefined; ownerPhone?: string | null | undefined; ownerIdNumber?: string | null | undefined; communityCode?: string | null | undefined; gridCode?: string | null | undefined }

/** The owner is a resident or a name (with its community): not both, not neither. */
function ownerRule(v: Owner, ctx: z.RefinementCtx, partial: boolean): void {
  if (v.residentId) {
    for (const f of ['ownerName', 'ownerPhone', 'ownerIdNumber', 'communityCode', 'gridCode'] as const) {
      if (v[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'not with residentId: a resident owner\'s name, phone, ID number and place are the resident\'s' })
    }
  } else if (!partial) {
    if (!v.ownerName) ctx.addIssue({ code: 'custom', path: ['ownerName'], message: 'required unless residentId names the owner' })
    if (!v.communityCode) ctx.addIssue({ code: 'custom', path: ['communityCode'], message: 'required unless residentId names the owner (the owner\'s community)' })
  }
}

/** One vehicle: the POST body and one import row. */
export const vehicleRowSchema = z.object(fields).strict().superRefine((v, ctx) => ownerRule(v, ctx, false))
export type VehicleRow = z.output<typeof vehicleRowSchema>

const version = z.number().int().min(1, 'must be the version you read').max(2 ** 31 - 1)

/** PATCH: any of the fields, the version read, and `verified: true` to stamp a 核实 now. */
export const vehiclePatchSchema = z.object({ ...fields, version, verified: z.literal(true).optional() }).partial({
  plate: true, kind: true, use: true,
}).strict().superRefine((v, ctx) => ownerRule(v, ctx, true))
export type VehiclePatch = z.output<typeof vehiclePatchSchema>

export const MAX_LIMIT = 200
export const listQuery = z.object({
  community: z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code (community, street or district)').optional(),
  grid: gridCode.optional(),
  q: z.string().trim().min(1).max(50).optional(),
  kind: z.enum(keys(KIND_TITLES)).optional(),
  use: z.enum(keys(USE_TITLES)).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  cursor: z.string().max(200).optional(),
}).strict()
export type VehicleListQuery = z.output<typeof listQuery>

export { idParam } from '../registers/params.ts'

export { unmaskReason as unmaskSchema } from '../registers/params.ts'
