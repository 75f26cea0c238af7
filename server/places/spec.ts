// 重点场所 (key places): schools and kindergartens with their surroundings (周边), markets,
// hazardous sites, logistics firms, hospitals, transport hubs … The table, its fields, its row
// schema and its layer.
import { z } from 'zod'
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { RegisterColumn } from '../registers/registry.ts'
import { attr, placedAttributes, pointLayer, verifiedAttribute } from '../registers/layerKit.ts'
import { placementColumns } from './specKit.ts'
import type { RegisterTable } from './register.ts'
import { optional, patchExtras, phone, placement, pointPaired, riskLevel, riskLevels, text } from './schemas.ts'

export const placeKinds = {
  school: '学校', kindergarten: '幼儿园', market: '农贸市场', hazardous: '危化品场所', logistics: '物流寄递',
  hospital: '医疗机构', transport_hub: '交通枢纽', entertainment: '娱乐场所', religious: '宗教场所', gas_station: '加油站',
  convenience_store: '便利店', parking: '停车场', elderly_care: '养老服务', clinic: '社区卫生服务站/诊所', other: '其他',
} as const
export type PlaceKind = keyof typeof placeKinds
export const placeKind = z.enum(Object.keys(placeKinds) as [PlaceKind, ...PlaceKind[]])

/** The surroundings (周边) of a school or kindergarten when it names no radius of its own. */
export const DEFAULT_SURROUNDINGS_M = 200
export const SURROUNDED: readonly PlaceKind[] = ['school', 'kindergarten']

const shape = {
  name: text(100),
  kind: placeKind,
  address: optional(text(200)),
  managerName: optional(text(50)),
  managerPhone: optional(phone),
  riskLevel: riskLevel.optional(),
  surroundingsRadiusM: optional(z.number().int().min(50).max(2000)),
  /** what the facility can take (beds, parking spaces …; the unit is its service kind's, /api/v1/config/service-kinds) */
  capacity: optional(z.number().int().min(0).max(1_000_000)),
  note: optional(text(1000)),
  ...placement,
}

function radiusOnlyForSchools(v: { kind?: string | undefined; surroundingsRadiusM?: number | null | undefined }, ctx: z.RefinementCtx): void {
  if (v.surroundingsRadiusM != null && v.kind !== undefined && !SURROUNDED.includes(v.kind as PlaceKind)) {
    ctx.addIssue({ code: 'custom', path: ['surroundingsRadiusM'], message: 'only schools and kindergartens have surroundings' })
  }
}

export const placeRowSchema = z.object(shape).strict().superRefine((v, ctx) => { pointPaired(v, ctx); radiusOnlyForSchools(v, ctx) })
export const placePatchSchema = z.object(shape).partial().extend(patchExtras).strict()
  .superRefine((v, ctx) => { pointPaired(v, ctx); radiusOnlyForSchools(v, ctx) })

const columns: RegisterColumn[] = [
  { name: 'name', title: '场所名称', type: 'string', required: true, list: true, maxLength: 100 },
  { name: 'kind', title: '场所类型', type: 'enum', options: placeKinds, required: true, list: true },
  { name: 'address', title: '地址', type: 'string', list: true, maxLength: 200 },
  { name: 'managerName', title: '负责人', type: 'string', personal: 'name', maxLength: 50 },
  { name: 'managerPhone', title: '负责人电话', type: 'phone', personal: 'phone' },
  { name: 'riskLevel', title: '风险等级', type: 'enum', options: riskLevels, list: true },
  { name: 'surroundingsRadiusM', title: '周边范围（米）', type: 'integer' },
  { name: 'capacity', title: '容量（床位、车位等）', type: 'integer' },
  { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
  ...placementColumns,
]

export const placeTable: RegisterTable = {
  register: 'places', table: 'place', what: 'place',
  fields: [
    { name: 'name', column: 'name' }, { name: 'kind', column: 'kind' }, { name: 'address', column: 'address' },
    { name: 'managerName', column: 'manager_name', personal: 'name' }, { name: 'managerPhone', column: 'manager_phone', personal: 'phone' },
    { name: 'riskLevel', column: 'risk_level', fallback: 'low' }, { name: 'surroundingsRadiusM', column: 'surroundings_radius_m' },
    { name: 'capacity', column: 'capacity' },
    { name: 'note', column: 'note' },
  ],
  naturalKey: ['community_code', 'name'],
  columns,
  rowSchema: placeRowSchema,
}

/** Layer `places`: no personal attribute (the manager's name and phone stay out). */
export const placesLayer: LayerDef = pointLayer({
  id: 'places', title: '重点场所', abstract: '学校及周边、农贸市场、危化品场所、物流寄递等重点场所', table: 'place',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '场所名称'), attr('kind', 't.kind', 'string', '场所类型'),
    attr('risk_level', 't.risk_level', 'string', '风险等级'),
    attr('surroundings_radius_m', `CASE WHEN t.kind IN ('school', 'kindergarten') THEN coalesce(t.surroundings_radius_m, ${DEFAULT_SURROUNDINGS_M}) END`, 'integer', '周边范围（米）'),
    ...placedAttributes(), verifiedAttribute,
  ],
  minZoom: 11,
  colours: {
    school: ['#2a9d8f', '#1d6f65'], kindergarten: ['#52b788', '#2d6a4f'], market: ['#f4a261', '#b5651d'],
    hazardous: ['#e63946', '#9d0208'], gas_station: ['#d62828', '#6a040f'], logistics: ['#457b9d', '#1d3557'],
    hospital: ['#ffffff', '#e63946'], '*': ['#8d99ae', '#2b2d42'] },
})
