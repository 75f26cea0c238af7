// The layer catalogue: the one description of every map layer, read by the vector tiles,
// WMS, WFS and OGC API Features. SQL identifiers and static predicates used by those services
// come only from here (never from a request); request values are always bound parameters.
import type { Knex } from 'knex'
import type { Role } from '../server/auth/roles.ts'

export type AttributeType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date'

export interface LayerAttribute {
  /** Public name (English snake case), used in tiles, GML, GeoJSON and filters. */
  name: string
  /** SQL expression over the layer's table alias `t`. */
  sql: string
  type: AttributeType
  title: string
}

export interface LayerStyle {
  name: string
  title: string
  /** Attribute whose value picks the colour; absent: one colour for all. */
  by?: string
  /** value → [fill, stroke] (CSS colours); '*' is the default. */
  colours: Record<string, [string, string]>
}

export interface LayerDef {
  /** Machine name, English snake case: the URL segment and the OGC type/layer name. */
  id: string
  /** Chinese title for capabilities, legends and the map. */
  title: string
  abstract: string
  table: string
  geometryType: 'MultiPolygon' | 'MultiLineString' | 'Point'
  /** Feature id column (unique among the layer's rows). */
  key: string
  /** Column with the row's 12-digit admin code, for jurisdiction filtering. */
  adminColumn: string
  /** Static predicate over alias `t` (from this catalogue only). */
  where: string
  attributes: LayerAttribute[]
  minZoom: number
  maxZoom: number
  /**
   * Dense point layers only: vector tiles from this zoom up to minZoom - 1 carry clusters
   * (one point per occupied cell with a point_count attribute) instead of single features.
   * Absent: no tiles below minZoom. WMS/WFS ignore it.
   */
  clusterMinZoom?: number
  /**
   * Cluster cells are kept in point_cluster by triggers (migration 0015, which lists the layer
   * with the same zoom range and filter) instead of being counted per request.
   */
  precomputedClusters?: boolean
  /**
   * WMS draws the layer only at this scale (1:n) or larger, and says so in its capabilities
   * (MaxScaleDenominator), as MapServer's MAXSCALEDENOM does: for layers too dense to draw
   * city-wide. Absent: every scale.
   */
  maxScaleDenominator?: number
  styles: LayerStyle[]
  queryable: boolean
  /**
   * Rows change every few seconds and their attributes with the clock (device status): tiles are
   * never cached and answered with no-store, WMS images are not cached.
   */
  live?: boolean
  /**
   * Only these roles read the layer's features (tiles, WMS, WFS, OGC API Features); to every other
   * role it does not exist (absent from capabilities, 404 / LayerNotDefined). Absent: every
   * signed-in principal, within its jurisdiction.
   */
  readRoles?: readonly Role[]
  /**
   * Every delivery of the layer's features is a read of personal data (the special groups): each
   * request that delivers any is written to the access audit as `type`, naming `fields`.
   */
  audited?: { type: string; fields: readonly string[] }
}

const attr = (name: string, sql: string, type: AttributeType, title: string): LayerAttribute => ({ name, sql, type, title })

const gridAttributes = [
  attr('code', 't.code', 'string', '网格编码'),
  attr('name', 't.name', 'string', '网格名称'),
  attr('version', 't.version', 'integer', '版本'),
  attr('community_code', 't.community_code', 'string', '所属社区'),
  attr('households', 't.households', 'integer', '户数'),
  attr('population', 't.population', 'integer', '人口'),
  attr('valid_from', 't.valid_from', 'datetime', '生效时间'),
]

const staticLayers: LayerDef[] = [
  {
    id: 'admin_divisions', title: '行政区划', abstract: '市、区、街道、社区边界 (CGCS2000)',
    table: 'admin_division', geometryType: 'MultiPolygon', key: 'code', adminColumn: 'code', where: 'true',
    attributes: [
      attr('code', 't.code', 'string', '区划代码'), attr('name', 't.name', 'string', '名称'),
      attr('level', 't.level', 'string', '层级'), attr('parent_code', 't.parent_code', 'string', '上级代码'),
    ],
    minZoom: 0, maxZoom: 22, queryable: true,
    styles: [{ name: 'by_level', title: '按层级', by: 'level', colours: {
      city: ['rgba(0,0,0,0)', '#1d3557'], district: ['rgba(0,0,0,0)', '#457b9d'],
      street: ['rgba(0,0,0,0)', '#6c8ebf'], community: ['rgba(0,0,0,0)', '#a8dadc'], '*': ['rgba(0,0,0,0)', '#888888'] } }],
  },
  {
    id: 'base_grids', title: '基础网格', abstract: '现行基础网格（单元网格），约300-500户一格',
    table: 'grid', geometryType: 'MultiPolygon', key: 'code', adminColumn: 'community_code',
    where: "t.kind = 'base' AND t.valid_to IS NULL",
    attributes: gridAttributes, minZoom: 10, maxZoom: 22, queryable: true,
    styles: [{ name: 'default', title: '基础网格', colours: { '*': ['rgba(42,157,143,0.15)', '#2a9d8f'] } }],
  },
  {
    id: 'components', title: '城市部件', abstract: '城市部件（井盖、路灯、垃圾箱等），16位部件标识码',
    table: 'component', geometryType: 'Point', key: 'id', adminColumn: 'community_code', where: 'true',
    attributes: [
      attr('id', 't.id', 'string', '部件标识码'), attr('class_code', 't.class_code', 'string', '部件小类'),
      attr('name', 't.name', 'string', '名称'), attr('state', 't.state', 'string', '状态'),
      attr('grid_code', 't.grid_code', 'string', '所在网格'), attr('community_code', 't.community_code', 'string', '所属社区'),
      // WFS-T optimistic checks compare it (migration 0045)
      attr('version', 't.version', 'integer', '版本'),
    ],
    minZoom: 14, maxZoom: 22, clusterMinZoom: 10, precomputedClusters: true, queryable: true,
    styles: [{ name: 'by_state', title: '按状态', by: 'state', colours: {
      完好: ['#2a9d8f', '#ffffff'], 破损: ['#e76f51', '#ffffff'], 丢失: ['#d62828', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } }],
  },
  {
    id: 'addresses', title: '标准地址', abstract: '标准地址门楼牌 (GA/T 2000.32)',
    table: 'std_address', geometryType: 'Point', key: 'id', adminColumn: 'community_code', where: 't.level = 50',
    attributes: [
      attr('id', 't.id', 'integer', '地址编号'), attr('full_address', 't.full_address', 'string', '标准地址'),
      attr('road', 't.road', 'string', '街路巷'), attr('house_number', 't.house_number', 'string', '门牌号'),
      attr('community_code', 't.community_code', 'string', '所属社区'),
    ],
    minZoom: 15, maxZoom: 22, clusterMinZoom: 10, precomputedClusters: true, queryable: true,
    styles: [{ name: 'default', title: '门楼牌', colours: { '*': ['#6d597a', '#ffffff'] } }],
  },
]

const eventStatusTitles = "CASE t.status WHEN 'reported' THEN '待受理' WHEN 'accepted' THEN '已立案' WHEN 'rejected' THEN '不予立案' " +
  "WHEN 'dispatched' THEN '已派遣' WHEN 'signed' THEN '已签收' WHEN 'handling' THEN '处置中' WHEN 'handled' THEN '已处置' " +
  "WHEN 'verified' THEN '已核查' WHEN 'closed' THEN '已结案' WHEN 'evaluated' THEN '已评价' WHEN 'parked' THEN '挂账' " +
  "WHEN 'voided' THEN '已废止' END"

/**
 * Events in progress (在办事件): points styled by status light (green/yellow/red) or by big
 * class. The command screen shows what is being worked on; closed, evaluated, rejected and
 * voided events (two years of history: a million points) are the events_all layer's.
 * event_is_open() is migration 0015's, which keeps this layer's clusters with the same filter.
 */
const eventsLayer: LayerDef = {
  id: 'events', title: '在办事件', abstract: '在办事件（未结案），按红黄绿灯或事件大类显示',
  table: 'event', geometryType: 'Point', key: 'number', adminColumn: 'community_code', where: 'event_is_open(t.status)',
  attributes: [
    attr('number', 't.number', 'string', '事件编号'),
    attr('class_code', 't.class_code', 'string', '事件小类'),
    attr('class_name', '(SELECT c.name FROM event_class c WHERE c.code = t.class_code)', 'string', '小类名称'),
    attr('big_class', 'substr(t.class_code, 1, 2)', 'string', '事件大类'),
    attr('status', 't.status', 'string', '状态'),
    attr('status_title', eventStatusTitles, 'string', '状态名称'),
    attr('light', 'event_status_light(t.status, t.dispatched_at, t.sign_due_at, t.handle_due_at, now(), t.warn_share)', 'string', '红黄绿灯'),
    attr('channel', 't.channel', 'string', '来源渠道'),
    attr('grid_code', 't.grid_code', 'string', '所在网格'),
    attr('community_code', 't.community_code', 'string', '所属社区'),
    attr('created_at', 't.created_at', 'datetime', '上报时间'),
  ],
  minZoom: 12, maxZoom: 22, clusterMinZoom: 8, precomputedClusters: true, queryable: true,
  styles: [
    { name: 'by_light', title: '按红黄绿灯', by: 'light', colours: {
      red: ['#d62828', '#ffffff'], yellow: ['#f4a261', '#ffffff'], green: ['#2a9d8f', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } },
    { name: 'by_class', title: '按事件大类', by: 'big_class', colours: {
      '01': ['#e76f51', '#ffffff'], '02': ['#f4a261', '#ffffff'], '03': ['#e9c46a', '#ffffff'], '04': ['#d62828', '#ffffff'],
      '05': ['#264653', '#ffffff'], '06': ['#6d597a', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } },
  ],
}

/** An industry grid layer per industry type (城管, 综治, 消防 …), named `<type>_grids`. */
function industryLayer(type: { code: string; name: string }): LayerDef {
  return {
    id: `${type.code}_grids`, title: `${type.name}网格`, abstract: `现行${type.name}专业网格`,
    table: 'grid', geometryType: 'MultiPolygon', key: 'code', adminColumn: 'community_code',
    // the type code matches ^[a-z][a-z0-9_]+$ (table constraint), so it is safe as a literal
    where: `t.kind = 'industry' AND t.industry_type = '${type.code}' AND t.valid_to IS NULL`,
    attributes: gridAttributes, minZoom: 10, maxZoom: 22, queryable: true,
    styles: [{ name: 'default', title: `${type.name}网格`, colours: { '*': ['rgba(233,196,106,0.12)', '#e9c46a'] } }],
  }
}

export class Catalogue {
  private readonly byId: Map<string, LayerDef>
  constructor(readonly layers: LayerDef[]) {
    this.byId = new Map(layers.map((l) => [l.id, l]))
  }

  get(id: string): LayerDef | undefined {
    return this.byId.get(id)
  }

  /** Registers a layer defined by another capability (events, positions, fences, H3 …). */
  register(layer: LayerDef): void {
    if (!/^[a-z][a-z0-9_]{1,62}$/.test(layer.id)) throw new Error(`bad layer id ${layer.id}`)
    // the same definition again: routes built twice over one catalogue (tests)
    if (this.byId.get(layer.id) === layer) return
    if (this.byId.has(layer.id)) throw new Error(`layer ${layer.id} registered twice`)
    this.layers.push(layer)
    this.byId.set(layer.id, layer)
  }

  /**
   * Swaps a layer for a new definition of the same id (user-defined fields change its
   * attributes): a new object, so whatever was compiled from the old one is not reused.
   */
  replace(layer: LayerDef): void {
    const i = this.layers.findIndex((l) => l.id === layer.id)
    if (i < 0) throw new Error(`layer ${layer.id} is not in the catalogue`)
    this.layers[i] = layer
    this.byId.set(layer.id, layer)
  }
}

/** Work done on every catalogue loadCatalogue builds (a capability that adds to layers registers it). */
export type CatalogueLoader = (knex: Knex, catalogue: Catalogue) => Promise<void>
const loaders: CatalogueLoader[] = []
export function onCatalogueLoad(loader: CatalogueLoader): void {
  if (!loaders.includes(loader)) loaders.push(loader)
}

/**
 * Every event, history included (全部事件), for GIS analysts (WFS with a BBOX or filter, WMS at
 * street scale). Tiles from z16 only, without clusters: city-wide views of the history are the
 * analyses' heatmaps, not points.
 */
const allEventsLayer: LayerDef = {
  ...eventsLayer, id: 'events_all', title: '全部事件', abstract: '全部上报事件（含已结案历史事件），街道尺度（1:25,000 及以上）显示',
  // two years of a city's history put ~60,000 events in a z14 tile at a hot spot (11 s, 5 MB);
  // a z16 tile holds a sixteenth of that (80 ms), and WMS draws from 1:25,000 (about z15) up
  where: 'true', minZoom: 16, clusterMinZoom: undefined, precomputedClusters: undefined, maxScaleDenominator: 25_000,
}

/** Road centre lines (道路中心线), cut at community boundaries; the base map and patrol coverage. */
const roadsLayer: LayerDef = {
  id: 'roads', title: '道路', abstract: '道路中心线（按社区切分），巡查覆盖率与底图',
  table: 'road', geometryType: 'MultiLineString', key: 'id', adminColumn: 'community_code', where: 'true',
  attributes: [
    attr('id', 't.id', 'integer', '编号'), attr('name', 't.name', 'string', '道路名称'),
    attr('kind', 't.kind', 'string', '道路等级'), attr('community_code', 't.community_code', 'string', '所属社区'),
  ],
  minZoom: 10, maxZoom: 22, queryable: true,
  styles: [{ name: 'by_kind', title: '按道路等级', by: 'kind', colours: {
    trunk: ['rgba(0,0,0,0)', '#e9a23b'], main: ['rgba(0,0,0,0)', '#c9b37e'], '*': ['rgba(0,0,0,0)', '#9aa5b1'] } }],
}

/**
 * Inspectors and vehicles (网格员/巡查车辆): the last known position of each device, online /
 * idle / offline by the clock (device_status() in migration 0017), with its member and grid.
 */
const inspectorsLayer: LayerDef = {
  id: 'inspectors', title: '巡查力量', abstract: '网格员及车辆的最新位置（在线、静止、离线）',
  table: 'inspector_live', geometryType: 'Point', key: 'identifier', adminColumn: 'community_code', where: 'true',
  attributes: [
    attr('device', 't.identifier', 'string', '设备标识'), attr('kind', 't.kind', 'string', '设备类型'),
    attr('member_id', 't.member_id', 'integer', '网格员编号'), attr('member_name', 't.member_name', 'string', '网格员'),
    attr('status', 't.status', 'string', '状态'), attr('grid_code', 't.grid_code', 'string', '所在网格'),
    attr('community_code', 't.community_code', 'string', '所属社区'), attr('fixed_at', 't.fixed_at', 'datetime', '定位时间'),
    attr('speed', 't.speed', 'number', '速度(m/s)'), attr('battery', 't.battery', 'number', '电量(%)'),
  ],
  minZoom: 8, maxZoom: 22, queryable: true, live: true,
  styles: [{ name: 'by_status', title: '按在线状态', by: 'status', colours: {
    online: ['#2a9d8f', '#ffffff'], idle: ['#f4a261', '#ffffff'], offline: ['#8d99ae', '#ffffff'], '*': ['#8d99ae', '#ffffff'] } }],
}

/** Builds the catalogue; industry grid layers come from the industry_type table. */
export async function loadCatalogue(knex: Knex): Promise<Catalogue> {
  const types = await knex('industry_type').select('code', 'name').orderBy('code')
  for (const t of types) {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(t.code)) throw new Error(`bad industry type code ${t.code}`)
  }
  const catalogue = new Catalogue([...staticLayers.map((l) => ({ ...l })), ...types.map(industryLayer), { ...eventsLayer }, { ...allEventsLayer },
    { ...roadsLayer }, { ...inspectorsLayer }])
  for (const load of loaders) await load(knex, catalogue)
  return catalogue
}
