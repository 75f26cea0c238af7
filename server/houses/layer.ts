// The houses layer (实有房屋) of the one catalogue: tiles, WMS, WFS and OGC API Features. No
// personal attribute (no owner, no address of a person): use, status, rented and how many live there.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { attr, placedAttributes, pointLayer } from '../registers/layerKit.ts'

export const housesLayer: LayerDef = pointLayer({
  id: 'houses', title: '实有房屋', abstract: '实有房屋（楼栋、单元、房间），按房屋状态显示，含居住人数', table: 'house',
  attributes: [
    attr('id', 't.id', 'integer', '房屋编号'), attr('use', 't.use', 'string', '房屋用途'), attr('status', 't.status', 'string', '房屋状态'),
    attr('rented', 't.rented', 'boolean', '是否出租'),
    attr('resident_count', '(SELECT count(*) FROM resident_residence rr WHERE rr.house_id = t.id AND rr.valid_to IS NULL)', 'integer', '居住人数'),
    ...placedAttributes(),
  ],
  minZoom: 14, maxScaleDenominator: 25_000,
  // who may know where people live: the people registers' roles
  readRoles: PEOPLE_ROLES,
  style: { name: 'by_status', title: '按房屋状态', by: 'status' },
  colours: { in_use: ['#2a9d8f', '#ffffff'], vacant: ['#e9c46a', '#ffffff'], demolished: ['#6c757d', '#ffffff'], '*': ['#8d99ae', '#ffffff'] },
})
