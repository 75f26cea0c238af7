// The catalogue layer `lines` (护路护线): the lines as MultiLineStrings for tiles, WMS, WFS and OGC
// API Features, styled by kind. Its attributes hold no personal field (the owner unit's contact
// person and phone stay in the REST register, masked there). Read by the roles that read the
// register (PLACE_READ_ROLES), within their jurisdiction (the community holding most of the line).
import type { LayerDef } from '../../tiles/catalogue.ts'
import { PLACE_READ_ROLES } from '../registers/access.ts'

const attr = (name: string, sql: string, type: 'string' | 'integer' | 'number' | 'datetime', title: string) => ({ name, sql, type, title })

const kindTitles = "CASE t.kind WHEN 'road' THEN '道路' WHEN 'rail' THEN '铁路' WHEN 'pipeline' THEN '管道' WHEN 'power' THEN '电力线路' " +
  "WHEN 'telecom' THEN '通信线路' WHEN 'gas' THEN '燃气管线' WHEN 'water' THEN '供水管线' WHEN 'heating' THEN '供热管线' " +
  "WHEN 'drainage' THEN '排水管线' WHEN 'oil' THEN '输油管线' ELSE '其他' END"

export const linesLayer: LayerDef = {
  id: 'lines', title: '护路护线', abstract: '护路护线：道路、铁路、管道、电力和通信线路等，附线上部件数',
  table: 'line', geometryType: 'MultiLineString', key: 'id', adminColumn: 'community_code', where: 'true',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('code', 't.code', 'string', '线路编号'), attr('name', 't.name', 'string', '名称'),
    attr('kind', 't.kind', 'string', '线路类型'), attr('kind_title', kindTitles, 'string', '类型名称'),
    attr('guard_level', 't.guard_level', 'string', '护线等级'), attr('owner_unit', 't.owner_unit', 'string', '权属单位'),
    attr('length_m', 'round(t.length_m::numeric, 2)::float8', 'number', '长度(米)'),
    attr('component_count', '(SELECT count(*) FROM line_component lc WHERE lc.line_id = t.id)::int', 'integer', '线上部件数'),
    attr('grid_code', 't.grid_code', 'string', '主要所在网格'), attr('community_code', 't.community_code', 'string', '所属社区'),
    attr('verified_at', 't.verified_at', 'datetime', '核实时间'),
  ],
  minZoom: 10, maxZoom: 22, queryable: true, readRoles: PLACE_READ_ROLES,
  styles: [{ name: 'by_kind', title: '按线路类型', by: 'kind', colours: {
    road: ['rgba(0,0,0,0)', '#6c757d'], rail: ['rgba(0,0,0,0)', '#343a40'], power: ['rgba(0,0,0,0)', '#e63946'],
    telecom: ['rgba(0,0,0,0)', '#457b9d'], pipeline: ['rgba(0,0,0,0)', '#8d6e63'], gas: ['rgba(0,0,0,0)', '#f4a261'],
    water: ['rgba(0,0,0,0)', '#219ebc'], '*': ['rgba(0,0,0,0)', '#9c6644'] } }],
}
