// The team register's description for the generic services (import, export, the page, the grid
// view) and its map layer: a team's base (驻地) as a point, without personal attributes.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { defineRegister, type RegisterColumn } from '../registers/registry.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { attr, placedAttributes, pointLayer } from '../registers/layerKit.ts'
import { TEAM_SPEC } from './store.ts'
import { exporter, importer, inGrids } from './registerKit.ts'
import { teamImportRow, teamKindTitles } from './schemas.ts'

export const placeColumns: RegisterColumn[] = [
  { name: 'communityCode', title: '所属区划', type: 'communityCode', list: true },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', readOnly: true, list: true },
  { name: 'lon', title: '经度', type: 'lon' },
  { name: 'lat', title: '纬度', type: 'lat' },
  { name: 'verifiedAt', title: '最近核实', type: 'datetime', readOnly: true },
]

const columns: RegisterColumn[] = [
  { name: 'name', title: '队伍名称', type: 'string', required: true, list: true, maxLength: 100 },
  { name: 'kind', title: '队伍类型', type: 'enum', options: teamKindTitles, required: true, list: true },
  { name: 'parentId', title: '上级组织', type: 'integer', readOnly: true },
  { name: 'leaderName', title: '负责人', type: 'string', personal: 'name', list: true, maxLength: 50 },
  { name: 'leaderPhone', title: '负责人电话', type: 'phone', personal: 'phone' },
  { name: 'address', title: '驻地地址', type: 'string', maxLength: 200 },
  { name: 'active', title: '在岗', type: 'boolean' },
  { name: 'note', title: '备注', type: 'text', maxLength: 1000 },
  ...placeColumns,
]

/** Teams' bases on the map (群防群治力量分布): kind, name, area; never the leader. */
export const teamsLayer: LayerDef = pointLayer({
  id: 'teams', title: '群防群治队伍', abstract: '综治组织、专职/义务巡防队、保安公司、志愿者队伍的驻地', table: 'team',
  where: 't.geom IS NOT NULL AND t.active',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '队伍名称'), attr('kind', 't.kind', 'string', '队伍类型'),
    attr('members', '(SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.active)', 'integer', '成员数'),
    ...placedAttributes('所属区划'),
  ],
  minZoom: 12,
  style: { name: 'by_kind', title: '按队伍类型', by: 'kind' },
  colours: {
    org: ['#1d3557', '#ffffff'], patrol_fulltime: ['#e63946', '#ffffff'], patrol_volunteer: ['#f4a261', '#ffffff'],
    security_company: ['#457b9d', '#ffffff'], volunteer_group: ['#2a9d8f', '#ffffff'], '*': ['#8d99ae', '#ffffff'] },
})

export function defineTeamRegister(): void {
  defineRegister({
    name: 'teams', title: '群防群治队伍', layer: 'teams', columns,
    readRoles: PLACE_READ_ROLES, writeRoles: REGISTER_WRITE_ROLES,
    rowSchema: teamImportRow as never,
    importRows: importer(TEAM_SPEC, ['community_code', 'name']),
    exportRows: exporter(TEAM_SPEC),
    inGrids: inGrids(TEAM_SPEC),
  })
}
