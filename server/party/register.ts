// The party registers for the generic services (organisations, members, positions) and the
// positions' map layer (党建阵地): kind, name, organisation, area; no person in it.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { defineRegister, RegisterRowError, type RegisterColumn } from '../registers/registry.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { attr, placedAttributes, pointLayer } from '../registers/layerKit.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { placeColumns } from '../teams/register.ts'
import { exporter, importer, inGrids } from '../teams/registerKit.ts'
import { MEMBER_SPEC, ORG_SPEC, POSITION_SPEC } from './store.ts'
import { memberImportRow, orgImportRow, orgKindTitles, positionCreate, positionKindTitles } from './schemas.ts'

const gridPlaced: RegisterColumn[] = [
  { name: 'communityCode', title: '所属区划', type: 'communityCode', list: true },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', list: true },
  { name: 'verifiedAt', title: '最近核实', type: 'datetime', readOnly: true },
]

export const partyPositionsLayer: LayerDef = pointLayer({
  id: 'party_positions', title: '党建阵地', abstract: '党群服务中心、党员活动室、学习室、志愿服务站', table: 'party_position',
  where: 'true',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '阵地名称'), attr('kind', 't.kind', 'string', '阵地类型'),
    attr('org_name', '(SELECT o.name FROM party_org o WHERE o.id = t.org_id)', 'string', '所属党组织'),
    attr('area_m2', 't.area_m2', 'integer', '面积(㎡)'), attr('open_hours', 't.open_hours', 'string', '开放时间'),
    ...placedAttributes('所属区划'),
  ],
  minZoom: 11,
  style: { name: 'by_kind', title: '按阵地类型', by: 'kind' },
  colours: {
    service_center: ['#c1121f', '#ffffff'], activity_room: ['#e63946', '#ffffff'], study_room: ['#f4a261', '#ffffff'],
    volunteer_station: ['#e9c46a', '#ffffff'], '*': ['#8d99ae', '#ffffff'] },
})

export function definePartyRegisters(): void {
  const common = { readRoles: PLACE_READ_ROLES, writeRoles: REGISTER_WRITE_ROLES }
  defineRegister({
    ...common, name: 'party-orgs', path: '/api/v1/party/orgs', title: '党组织', rowSchema: orgImportRow as never,
    columns: [
      { name: 'name', title: '党组织名称', type: 'string', required: true, list: true, maxLength: 100 },
      { name: 'kind', title: '组织类型', type: 'enum', options: orgKindTitles, required: true, list: true },
      { name: 'parentId', title: '上级党组织', type: 'integer', readOnly: true },
      { name: 'secretaryName', title: '书记', type: 'string', personal: 'name', list: true, maxLength: 50 },
      { name: 'secretaryPhone', title: '书记电话', type: 'phone', personal: 'phone' },
      { name: 'foundedOn', title: '成立日期', type: 'date' },
      { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
      ...gridPlaced,
    ],
    importRows: importer(ORG_SPEC, ['community_code', 'name']), exportRows: exporter(ORG_SPEC), inGrids: inGrids(ORG_SPEC),
  })
  defineRegister({
    ...common, name: 'party-members', path: '/api/v1/party/members', title: '党员', rowSchema: memberImportRow as never,
    columns: [
      { name: 'name', title: '姓名', type: 'string', personal: 'name', required: true, list: true, maxLength: 50 },
      { name: 'orgId', title: '所属党组织编号', type: 'integer', required: true, list: true },
      { name: 'phone', title: '联系电话', type: 'phone', personal: 'phone' },
      { name: 'gender', title: '性别', type: 'enum', options: { male: '男', female: '女' } },
      { name: 'joinedOn', title: '入党日期', type: 'date' },
      { name: 'status', title: '党员类别', type: 'enum', options: { full: '正式党员', probationary: '预备党员' }, list: true },
      { name: 'inDifficulty', title: '困难党员', type: 'boolean', list: true },
      { name: 'difficulty', title: '困难类型', type: 'enum', options: { illness: '因病', disability: '残疾', poverty: '低收入', elderly_alone: '高龄独居', other: '其他' } },
      { name: 'residentId', title: '实有人口编号', type: 'integer', readOnly: true },
      { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
      ...gridPlaced,
    ],
    importRows: importer(MEMBER_SPEC, ['org_id', 'name'], async (trx, rows, ctx) => {
      // every member's organisation exists and its area contains the member's
      const ids = [...new Set(rows.map((r) => Number(r.orgId)))]
      const orgs = new Map((await trx('party_org').whereIn('id', ids).select('id', 'community_code') as { id: number; community_code: string }[])
        .map((o) => [Number(o.id), o.community_code]))
      rows.forEach((r, i) => {
        const org = orgs.get(Number(r.orgId))
        if (!org || !String(r.communityCode).startsWith(adminPrefix(org))) {
          throw new RegisterRowError(ctx.rowNumbers[i] ?? i + 2, 'orgId', 'party.org_outside_area', `no party organisation ${String(r.orgId)} containing ${String(r.communityCode)}`)
        }
      })
    }),
    exportRows: exporter(MEMBER_SPEC), inGrids: inGrids(MEMBER_SPEC),
  })
  defineRegister({
    ...common, name: 'party-positions', path: '/api/v1/party/positions', title: '党建阵地', layer: 'party_positions', rowSchema: positionCreate.omit({ orgId: true }) as never,
    columns: [
      { name: 'name', title: '阵地名称', type: 'string', required: true, list: true, maxLength: 100 },
      { name: 'kind', title: '阵地类型', type: 'enum', options: positionKindTitles, required: true, list: true },
      { name: 'address', title: '地址', type: 'string', maxLength: 200 },
      { name: 'areaM2', title: '面积(㎡)', type: 'integer' },
      { name: 'openHours', title: '开放时间', type: 'string', maxLength: 100 },
      ...placeColumns.map((c) => (c.type === 'lon' || c.type === 'lat' ? { ...c, required: true } : c)),
    ],
    importRows: importer(POSITION_SPEC, ['community_code', 'name']), exportRows: exporter(POSITION_SPEC), inGrids: inGrids(POSITION_SPEC),
  })
}
