// 单位 (units: enterprises, shops, individual businesses, institutions …), keyed by their
// 统一社会信用代码 (creditCode.ts). The table, its fields, its row schema and its layer.
import { z } from 'zod'
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { RegisterColumn } from '../registers/registry.ts'
import { attr, placedAttributes, pointLayer, verifiedAttribute } from '../registers/layerKit.ts'
import { placementColumns } from '../places/specKit.ts'
import type { RegisterTable } from '../places/register.ts'
import { optional, patchExtras, phone, placement, pointPaired, riskLevel, riskLevels, text } from '../places/schemas.ts'
import { creditCodeProblem } from './creditCode.ts'

export const unitKinds = {
  enterprise: '企业', shop: '商铺', individual: '个体工商户', institution: '事业单位', government: '机关', other: '其他',
} as const
export type UnitKind = keyof typeof unitKinds
export const unitKind = z.enum(Object.keys(unitKinds) as [UnitKind, ...UnitKind[]])

const creditWords = {
  length: 'must be 18 characters (统一社会信用代码)',
  characters: 'only digits and capitals without I, O, Z, S, V; characters 3-8 are the division code (digits)',
  check: 'the check character (the 18th) is wrong (GB 32100-2015)',
}

/** A 统一社会信用代码, upper-cased, its check character verified. */
export const creditCode = z.string().trim().transform((s) => s.toUpperCase()).superRefine((s, ctx) => {
  const problem = creditCodeProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: creditWords[problem] })
})

const shape = {
  name: text(100),
  kind: unitKind,
  creditCode,
  industry: optional(text(50)),
  address: optional(text(200)),
  legalPerson: optional(text(50)),
  contactName: optional(text(50)),
  contactPhone: optional(phone),
  employees: optional(z.number().int().min(0).max(1_000_000)),
  riskLevel: riskLevel.optional(),
  note: optional(text(1000)),
  ...placement,
}

export const unitRowSchema = z.object(shape).strict().superRefine(pointPaired)
export const unitPatchSchema = z.object(shape).partial().extend(patchExtras).strict().superRefine(pointPaired)

const columns: RegisterColumn[] = [
  { name: 'name', title: '单位名称', type: 'string', required: true, list: true, maxLength: 100 },
  { name: 'kind', title: '单位类型', type: 'enum', options: unitKinds, required: true, list: true },
  { name: 'creditCode', title: '统一社会信用代码', type: 'creditCode', required: true, list: true },
  { name: 'industry', title: '所属行业', type: 'string', maxLength: 50 },
  { name: 'address', title: '地址', type: 'string', list: true, maxLength: 200 },
  { name: 'legalPerson', title: '法定代表人', type: 'string', personal: 'name', maxLength: 50 },
  { name: 'contactName', title: '联系人', type: 'string', personal: 'name', maxLength: 50 },
  { name: 'contactPhone', title: '联系电话', type: 'phone', personal: 'phone' },
  { name: 'employees', title: '从业人数', type: 'integer' },
  { name: 'riskLevel', title: '风险等级', type: 'enum', options: riskLevels, list: true },
  { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
  ...placementColumns,
]

export const unitTable: RegisterTable = {
  register: 'units', table: 'unit', what: 'unit',
  fields: [
    { name: 'name', column: 'name' }, { name: 'kind', column: 'kind' }, { name: 'creditCode', column: 'credit_code' },
    { name: 'industry', column: 'industry' }, { name: 'address', column: 'address' },
    { name: 'legalPerson', column: 'legal_person', personal: 'name' }, { name: 'contactName', column: 'contact_name', personal: 'name' },
    { name: 'contactPhone', column: 'contact_phone', personal: 'phone' }, { name: 'employees', column: 'employees' },
    { name: 'riskLevel', column: 'risk_level', fallback: 'low' }, { name: 'note', column: 'note' },
  ],
  naturalKey: ['credit_code'],
  columns,
  rowSchema: unitRowSchema,
}

/** Layer `units`: no personal attribute (legal person and contact stay out). */
export const unitsLayer: LayerDef = pointLayer({
  id: 'units', title: '单位', abstract: '实有单位：企业、商铺、个体工商户、机关事业单位', table: 'unit',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '单位名称'), attr('kind', 't.kind', 'string', '单位类型'),
    attr('credit_code', 't.credit_code', 'string', '统一社会信用代码'), attr('industry', 't.industry', 'string', '所属行业'),
    attr('risk_level', 't.risk_level', 'string', '风险等级'),
    ...placedAttributes(), verifiedAttribute,
  ],
  minZoom: 13, clusterMinZoom: 10,
  colours: {
    enterprise: ['#1d3557', '#0b1a2e'], shop: ['#f4a261', '#b5651d'], individual: ['#e9c46a', '#9c7a1d'],
    institution: ['#2a9d8f', '#1d6f65'], government: ['#e63946', '#9d0208'], '*': ['#8d99ae', '#2b2d42'] },
})
