// The resident register's columns (实有人口), the row schema shared by the create body and import,
// the edit and move bodies. Gender, birth date and age are derived from the ID number, never typed.
import { z } from 'zod'
import type { RegisterColumn } from '../registers/registry.ts'
import { boolQuery, communitySchema, phoneSchema } from '../houses/fields.ts'
import { listQuery } from '../houses/cursor.ts'

export const RESIDENT_KINDS = { registered: '户籍人口', floating: '流动人口', overseas: '境外人员' } as const
export const RESIDENCE_ROLES = { registered: '户籍登记', living: '实际居住', tenant: '承租' } as const
export const RESIDENT_FLAGS = { house_demolished: '房屋已拆除' } as const

const KINDS = Object.keys(RESIDENT_KINDS) as [keyof typeof RESIDENT_KINDS, ...(keyof typeof RESIDENT_KINDS)[]]
const ROLES = Object.keys(RESIDENCE_ROLES) as [keyof typeof RESIDENCE_ROLES, ...(keyof typeof RESIDENCE_ROLES)[]]
export const roleSchema = z.enum(ROLES)
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

const fields = {
  name: z.string().trim().min(1).max(50).refine((s) => !/[\d<>]/.test(s), 'a name has no digits or angle brackets'),
  // checked (check digit, birth date) and sealed in residents/seal.ts; here only its shape
  idNumber: z.string().trim().min(1).max(40),
  phone: phoneSchema.nullish(),
  kind: z.enum(KINDS),
  nationality: z.string().trim().regex(/^[A-Za-z]{3}$/, 'an ISO 3166 three-letter country code (CHN)').transform((s) => s.toUpperCase()).nullish(),
  houseId: id.nullish(),
  houseAddress: z.string().trim().min(2).max(300).nullish(),
  residenceRole: roleSchema.nullish(),
  householdNumber: z.string().trim().regex(/^[0-9A-Za-z-]{1,20}$/, '1 to 20 letters, digits or hyphens').nullish(),
  communityCode: communitySchema.nullish(),
  verifiedAt: z.iso.datetime({ offset: true }).nullish(),
  // 身份证有效期至 (null: not collected, or a long-term card); the proactive rule id_card_expiry reads it
  idCardValidUntil: z.iso.date().nullish(),
}

/** A resident to create or import: the house (by id or full address) or a community places them. */
export const residentRowSchema = z.object(fields).strict()
  .refine((r) => r.houseId != null || r.houseAddress != null || r.communityCode != null,
    { path: ['houseId'], message: 'give the house (houseId or houseAddress) or, for someone without one, the community' })

export type ResidentRow = z.output<typeof residentRowSchema>

/** PATCH /residents/{id}: the person's own fields; the house changes by a move (history kept). */
export const residentPatchSchema = z.object({
  name: fields.name.optional(),
  phone: fields.phone,
  kind: fields.kind.optional(),
  nationality: fields.nationality,
  householdNumber: fields.householdNumber,
  verifiedAt: fields.verifiedAt,
  idCardValidUntil: fields.idCardValidUntil,
  verified: z.literal(true).optional(),
  version: z.number().int().positive(),
}).strict()

/** POST /residents/{id}/move: to another house (or out: houseId null), closing the current links. */
export const moveSchema = z.object({
  houseId: id.nullable(),
  role: roleSchema.optional(),
  reason: z.string().trim().min(2).max(200).optional(),
  version: z.number().int().positive(),
}).strict()

/** POST /residents/{id}/residences: one more current link (registered here, living there). */
export const linkSchema = z.object({ houseId: id, role: roleSchema, reason: z.string().trim().min(2).max(200).optional() }).strict()

export const residentColumns: readonly RegisterColumn[] = [
  { name: 'name', title: '姓名', type: 'string', required: true, personal: 'name', list: true, maxLength: 50 },
  { name: 'idNumber', title: '公民身份号码', type: 'idNumber', required: true, personal: 'idNumber', list: true },
  { name: 'gender', title: '性别', type: 'enum', options: { M: '男', F: '女' }, readOnly: true, list: true },
  { name: 'birthDate', title: '出生日期', type: 'date', readOnly: true },
  { name: 'age', title: '年龄', type: 'integer', readOnly: true, list: true },
  { name: 'phone', title: '联系电话', type: 'phone', personal: 'phone' },
  { name: 'kind', title: '人口类别', type: 'enum', options: RESIDENT_KINDS, required: true, list: true },
  { name: 'nationality', title: '国籍', type: 'string', maxLength: 3 },
  { name: 'houseId', title: '房屋编号', type: 'integer' },
  { name: 'houseAddress', title: '居住地址', type: 'string', personal: 'residentAddress', list: true, maxLength: 300 },
  { name: 'residenceRole', title: '居住关系', type: 'enum', options: RESIDENCE_ROLES },
  { name: 'householdNumber', title: '户号', type: 'string', maxLength: 20 },
  { name: 'communityCode', title: '所属社区', type: 'communityCode' },
  { name: 'verifiedAt', title: '核实时间', type: 'datetime' },
  { name: 'idCardValidUntil', title: '身份证有效期至', type: 'date' },
  { name: 'flag', title: '提示', type: 'enum', options: RESIDENT_FLAGS, readOnly: true, list: true },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', readOnly: true, list: true },
]

/** The personal fields of a resident item and their kinds (server/privacy/fields.ts PERSONAL_FIELDS). */
export const RESIDENT_PERSONAL = { name: 'name', idNumber: 'idNumber', phone: 'phone', houseAddress: 'residentAddress' } as const

/** GET /residents: the common register filters, flagged ones, kind, linked to a house now, moved out. */
export const residentQuery = listQuery.extend({
  flagged: boolQuery.optional(),
  movedOut: boolQuery.optional(),
  kind: z.enum(KINDS).optional(),
  house: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
}).strict()
