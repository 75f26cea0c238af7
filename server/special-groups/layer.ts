// The special groups' map layer (特殊人群): a point per active record where its resident lives,
// for the people roles only (readRoles: every other role finds no such layer in tiles, WMS, WFS or
// OGC API Features) and audited (every delivery is a read of the fact `kind`). Its attributes name
// no person: no name, phone, ID number or address, only the kind, the risk and whether a visit is
// overdue.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { AUDIT_FACT, AUDIT_TYPE, KIND_TITLES, KINDS } from './plan.ts'

const kindTitleSql = `CASE t.kind ${KINDS.map((k) => `WHEN '${k}' THEN '${KIND_TITLES[k]}'`).join(' ')} END`
// the plan's due day (list.sql), in Beijing days
const overdueSql = "COALESCE((SELECT COALESCE(CAST(t.last_visit_at AT TIME ZONE 'Asia/Shanghai' AS date), t.since) + p.interval_days " +
  "< CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date) FROM special_visit_plan p WHERE p.special_group_id = t.id), false)"

const attr = (name: string, sql: string, type: 'string' | 'integer' | 'boolean', title: string) => ({ name, sql, type, title })

export const specialGroupsLayer: LayerDef = {
  id: 'special_groups', title: '特殊人群', abstract: '特殊人群（在册），按风险等级显示；仅限人口管理角色，每次读取记入访问审计',
  table: 'special_group', geometryType: 'Point', key: 'id', adminColumn: 'community_code',
  where: "t.geom IS NOT NULL AND (t.until IS NULL OR t.until >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date))",
  attributes: [
    attr('id', 't.id', 'integer', '记录编号'),
    attr('kind', 't.kind', 'string', '人群类别'),
    attr('kind_title', kindTitleSql, 'string', '类别名称'),
    attr('risk_level', 't.risk_level', 'string', '风险等级'),
    attr('overdue', overdueSql, 'boolean', '走访逾期'),
    attr('grid_code', 't.grid_code', 'string', '所在网格'),
    attr('community_code', 't.community_code', 'string', '所属社区'),
  ],
  minZoom: 14, maxZoom: 22, queryable: true,
  styles: [{ name: 'by_risk', title: '按风险等级', by: 'risk_level', colours: {
    high: ['#d62828', '#ffffff'], medium: ['#f4a261', '#ffffff'], low: ['#2a9d8f', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } }],
  readRoles: PEOPLE_ROLES,
  audited: { type: AUDIT_TYPE, fields: [AUDIT_FACT] },
}
