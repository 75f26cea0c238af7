// The sensors layer (物联感知) of the one catalogue: tiles, WMS, WFS and OGC API Features. Each Thing
// at its place with its latest reading and its state (view sensor_live, migration 0070): normal,
// alarm (a threshold or rate incident open) or silent. The state moves with the clock, so the
// layer is live (never cached). Any signed-in staff reads the register, so no readRoles.
import type { LayerDef } from '../../tiles/catalogue.ts'
import { attr } from '../registers/layerKit.ts'

export const sensorsLayer: LayerDef = {
  id: 'sensors', title: '物联感知', abstract: '物联感知设备（井盖、水位、烟感、噪声、空气质量）的最新读数与状态：正常、告警、静默',
  table: 'sensor_live', geometryType: 'Point', key: 'id', adminColumn: 'community_code', where: 'true',
  attributes: [
    attr('id', 't.id', 'integer', '设备编号'), attr('name', 't.name', 'string', '名称'), attr('kind', 't.kind', 'string', '类型'),
    attr('kind_name', 't.kind_name', 'string', '类型名称'), attr('state', 't.state', 'string', '状态'),
    attr('state_title', "CASE t.state WHEN 'normal' THEN '正常' WHEN 'alarm' THEN '告警' ELSE '静默' END", 'string', '状态名称'),
    attr('last_time', 't.last_time', 'datetime', '最新读数时间'), attr('last_result', 't.last_result', 'number', '最新读数'),
    attr('unit', 't.unit', 'string', '单位'), attr('community_code', 't.community_code', 'string', '所属社区'),
  ],
  minZoom: 10, maxZoom: 22, queryable: true, live: true,
  styles: [{ name: 'by_state', title: '按状态', by: 'state', colours: {
    alarm: ['#d62828', '#ffffff'], silent: ['#8d99ae', '#ffffff'], normal: ['#2a9d8f', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } }],
}
