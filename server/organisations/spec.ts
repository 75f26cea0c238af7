// 社会组织 (social organisations): social groups, private non-enterprise units, foundations
// (registered with 民政, credit codes leading 5) and filed community organisations (社区社会组织,
// often without a credit code). Keyed by name within the community.
import { z } from 'zod'
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { RegisterColumn } from '../registers/registry.ts'
import { attr, placedAttributes, pointLayer } from '../registers/layerKit.ts'
import { placementColumns } from '../places/specKit.ts'
import type { RegisterTable } from '../places/register.ts'
import { optional, patchExtras, phone, placement, pointPaired, text } from '../places/schemas.ts'
import { creditCode } from '../units/spec.ts'

export const organisationKinds = {
  social_group: '社会团体', private_non_enterprise: '民办非企业单位', foundation: '基金会', community_org: '社区社会组织', other: '其他',
} as const
export type OrganisationKind = keyof typeof organisationKinds
export const organisationKind = z.enum(Object.keys(organisationKinds) as [OrganisationKind, ...OrganisationKind[]])

const shape = {
  name: text(100),
  kind: organisationKind,
  creditCode: optional(creditCode),
  field: optional(text(50)),
  members: optional(z.number().int().min(0).max(1_000_000)),
  address: optional(text(200)),
  legalPerson: optional(text(50)),
  contactPhone: optional(phone),
  note: optional(text(1000)),
  ...placement,
}

export const organisationRowSchema = z.object(shape).strict().superRefine(pointPaired)
export const organisationPatchSchema = z.object(shape).partial().extend(patchExtras).strict().superRefine(pointPaired)

const columns: RegisterColumn[] = [
  { name: 'name', title: '组织名称', type: 'string', required: true, list: true, maxLength: 100 },
  { name: 'kind', title: '组织类型', type: 'enum', options: organisationKinds, required: true, list: true },
  { name: 'creditCode', title: '统一社会信用代码', type: 'creditCode' },
  { name: 'field', title: '活动领域', type: 'string', list: true, maxLength: 50 },
  { name: 'members', title: '成员数', type: 'integer' },
  { name: 'address', title: '地址', type: 'string', maxLength: 200 },
  { name: 'legalPerson', title: '负责人', type: 'string', personal: 'name', maxLength: 50 },
  { name: 'contactPhone', title: '联系电话', type: 'phone', personal: 'phone' },
  { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
  ...placementColumns,
]

export const organisationTable: RegisterTable = {
  register: 'organisations', table: 'organisation', what: 'organisation',
  fields: [
    { name: 'name', column: 'name' }, { name: 'kind', column: 'kind' }, { name: 'creditCode', column: 'credit_code' },
    { name: 'field', column: 'field' }, { name: 'members', column: 'members' }, { name: 'address', column: 'address' },
    { name: 'legalPerson', column: 'legal_person', personal: 'name' }, { name: 'contactPhone', column: 'contact_phone', personal: 'phone' },
    { name: 'note', column: 'note' },
  ],
  naturalKey: ['community_code', 'name'],
  columns,
  rowSchema: organisationRowSchema,
}

/** Layer `organisations`: no personal attribute. */
export const organisationsLayer: LayerDef = pointLayer({
  id: 'organisations', title: '社会组织', abstract: '社会团体、民办非企业单位、基金会、社区社会组织', table: 'organisation',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '组织名称'), attr('kind', 't.kind', 'string', '组织类型'),
    attr('field', 't.field', 'string', '活动领域'), attr('members', 't.members', 'integer', '成员数'),
    ...placedAttributes(),
  ],
  minZoom: 12,
  colours: {
    social_group: ['#6a4c93', '#3c2a55'], private_non_enterprise: ['#1982c4', '#0d4a70'], foundation: ['#ffca3a', '#8a6d00'],
    community_org: ['#8ac926', '#4a6d14'], '*': ['#8d99ae', '#2b2d42'] },
})
