// The house register's columns (实有房屋), the row schema shared by the create body and import,
// and the edit body. Houses are rooms (or whole buildings) of the standard addresses.
import { z } from 'zod'
import type { RegisterColumn } from '../registers/registry.ts'
import { communitySchema, HOUSE_STATUSES, HOUSE_USES, latSchema, lonSchema, phoneSchema } from './fields.ts'
import { listQuery } from './cursor.ts'

const USES = Object.keys(HOUSE_USES) as [keyof typeof HOUSE_USES, ...(keyof typeof HOUSE_USES)[]]
const STATUSES = Object.keys(HOUSE_STATUSES) as [keyof typeof HOUSE_STATUSES, ...(keyof typeof HOUSE_STATUSES)[]]
const part = z.string().trim().min(1).max(50).nullish()

const fields = {
  addressId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish(),
  fullAddress: z.string().trim().min(2, 'a full address of at least 2 characters').max(300),
  building: part,
  unit: part,
  room: part,
  use: z.enum(USES).nullish(),
  area: z.number().positive().max(999_999).nullish(),
  ownerName: z.string().trim().min(1).max(50).nullish(),
  ownerPhone: phoneSchema.nullish(),
  rented: z.boolean().nullish(),
  status: z.enum(STATUSES).nullish(),
  communityCode: communitySchema.nullish(),
  lon: lonSchema.nullish(),
  lat: latSchema.nullish(),
  verifiedAt: z.iso.datetime({ offset: true }).nullish(),
}

/** A house to create or import: a standard address or a community must place it. */
export const houseRowSchema = z.object(fields).strict()
  .refine((r) => r.addressId != null || r.communityCode != null, { path: ['communityCode'], message: 'give the standard address (addressId) or the community' })
  .refine((r) => (r.lon == null) === (r.lat == null), { path: ['lat'], message: 'lon and lat go together' })

export type HouseRow = z.output<typeof houseRowSchema>

/** PATCH /houses/{id}: any editable field, the version read, and `verified` to record a 核实 now. */
export const housePatchSchema = z.object({
  ...fields,
  fullAddress: fields.fullAddress.optional(),
  // the address and community place a house for good: a house elsewhere is another house
  addressId: z.undefined({ error: 'the standard address of a house is not edited: register the other house' }).optional(),
  communityCode: z.undefined({ error: 'the community follows the house: it is not edited' }).optional(),
  version: z.number().int().positive(),
  verified: z.literal(true).optional(),
}).strict()
  .refine((r) => (r.lon == null) === (r.lat == null), { path: ['lat'], message: 'lon and lat go together' })

export const houseColumns: readonly RegisterColumn[] = [
  { name: 'fullAddress', title: '房屋地址', type: 'string', required: true, list: true, maxLength: 300 },
  { name: 'addressId', title: '标准地址编号', type: 'integer' },
  { name: 'building', title: '楼栋', type: 'string', maxLength: 50 },
  { name: 'unit', title: '单元', type: 'string', maxLength: 50 },
  { name: 'room', title: '房间', type: 'string', maxLength: 50, list: true },
  { name: 'use', title: '房屋用途', type: 'enum', options: HOUSE_USES, list: true },
  { name: 'area', title: '建筑面积(平方米)', type: 'number' },
  { name: 'ownerName', title: '产权人', type: 'string', personal: 'name', list: true, maxLength: 50 },
  { name: 'ownerPhone', title: '产权人电话', type: 'phone', personal: 'phone' },
  { name: 'rented', title: '是否出租', type: 'boolean', list: true },
  { name: 'status', title: '房屋状态', type: 'enum', options: HOUSE_STATUSES, list: true },
  { name: 'communityCode', title: '所属社区', type: 'communityCode' },
  { name: 'lon', title: '经度', type: 'lon' },
  { name: 'lat', title: '纬度', type: 'lat' },
  { name: 'verifiedAt', title: '核实时间', type: 'datetime' },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', readOnly: true, list: true },
  { name: 'residentCount', title: '居住人数', type: 'integer', readOnly: true, list: true },
]

/** The personal fields of a house row and their kinds (server/privacy/fields.ts PERSONAL_FIELDS). */
export const HOUSE_PERSONAL = { ownerName: 'name', ownerPhone: 'phone' } as const

/** GET /houses: the common register filters and the house's state. */
export const houseQuery = listQuery.extend({ status: z.enum(STATUSES).optional() }).strict()

/** POST …/unmask */
export { unmaskReason as reasonSchema } from '../registers/params.ts'
