// The houses layer (实有房屋) of the one catalogue: tiles, WMS, WFS and OGC API Features. No
// personal attribute (no owner, no address of a person): use, status, rented and how many live there.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'

export const housesLayer: LayerDef = {
  id: 'houses', title: '实有房屋', abstract: '实有房屋（楼栋、单元、房间），按房屋状态显示，含居住人数',
  table: 'house', geometryType: 'Point', key: 'id', adminColumn: 'community_code', where: 't.geom IS NOT NULL',
  attributes: [
    { name: 'id', sql: 't.id', type: 'integer', title: '房屋编号' },
    { name: 'use', sql: 't.use', type: 'string', title: '房屋用途' },
    { name: 'status', sql: 't.status', type: 'string', title: '房屋状态' },
    { name: 'rented', sql: 't.rented', type: 'boolean', title: '是否出租' },
    { name: 'resident_count', sql: '(SELECT count(*) FROM resident_residence rr WHERE rr.house_id = t.id AND rr.valid_to IS NULL)', type: 'integer', title: '居住人数' },
    { name: 'grid_code', sql: 't.grid_code', type: 'string', title: '所在网格' },
    { name: 'community_code', sql: 't.community_code', type: 'string', title: '所属社区' },
  ],
  minZoom: 14, maxZoom: 22, maxScaleDenominator: 25_000, queryable: true,
  // who may know where people live: the people registers' roles
  readRoles: PEOPLE_ROLES,
  styles: [{ name: 'by_status', title: '按房屋状态', by: 'status', colours: {
    in_use: ['#2a9d8f', '#ffffff'], vacant: ['#e9c46a', '#ffffff'], demolished: ['#6c757d', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } }],
}
