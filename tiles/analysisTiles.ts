// The analysis tile layers `heatmap` (events per H3 cell) and `hotspots` (Getis-Ord Gi* per H3
// cell, k = 1): /tiles/heatmap/{z}/{x}/{y}.mvt?from=&to=&class=&channel=&demandType=&status=&area=
// and /tiles/{heatmap|hotspots}.json. They are not catalogue layers: their features are computed
// (server/analytics/tileLayers.ts keeps the cells of the whole study area for a minute), they
// depend on the caller's jurisdiction, the filter and the clock, and WMS/WFS do not offer them.
// So they are served one layer per tile, never through the shared tile cache, and not in `all`.
// The hexagons are cut into tiles here in Node on every engine (ST_AsMVT on PostGIS and the
// PGlite path alike): each cell's boundary is projected to tile pixels, clipped to the tile and
// its buffer, snapped to the integer grid, and written by vt-pbf.
import type { Context } from 'koa'
import type Router from '@koa/router'
import vtpbf, { type VtFeature } from 'vt-pbf'
import { cellToBoundary } from 'h3-js'
import type { AppContext } from '../server/context.ts'
import { principalOf, requireRole } from '../server/http/auth.ts'
import { ANALYTICS_READERS } from '../server/analytics/routes.ts'
import {
  TTL_MS, cellClass, heatLevel, cellSet, cellsIn, parseTileLayerQuery, resolutionForZoom, resolveTileFilter, type AnalysisLayerId, type CellSet,
} from '../server/analytics/tileLayers.ts'
import { toVtGeometry } from './encoder.ts'
import { BUFFER, EXTENT, latToTileY, lonToTileX, tileXToLon, tileYToLat, type TileCoord } from './tilemath.ts'
import { parseTile, etagOf, matchesIfNoneMatch, MVT_TYPE } from './tileHttp.ts'
import { scopeOf } from './service.ts'
import type { TileJson } from './tilejson.ts'

export const ANALYSIS_MIN_ZOOM = 6
export const ANALYSIS_MAX_ZOOM = 22
/** Half the cells' lifetime: a browser redraws from data at most ~1.5 minutes old. */
export const ANALYSIS_CACHE_CONTROL = `private, max-age=${TTL_MS / 2000}`

interface AnalysisLayer { id: AnalysisLayerId; title: string; abstract: string; fields: Record<string, string> }

export const ANALYSIS_LAYERS: Record<AnalysisLayerId, AnalysisLayer> = {
  heatmap: {
    id: 'heatmap', title: '热力图',
    abstract: '事件热力图：H3 六边形内的事件数（分辨率随缩放级别：z≤7 为 5 级 … z≥15 为 11 级），默认近 30 天，可按时间、类别、来源、诉求类型、状态、区域筛选',
    fields: { h3: 'H3 单元 (string)', count: '事件数 (integer)', share: '占比 (number)', level: '色阶 (integer: 1-6, 对数刻度)', resolution: 'H3 分辨率 (integer)' },
  },
  hotspots: {
    id: 'hotspots', title: '热点分析',
    abstract: '热点分析（Getis-Ord Gi*，k=1，FDR 校正）：研究区内每个 H3 六边形的 z 得分、p 值与冷热点等级',
    fields: {
      h3: 'H3 单元 (string)', count: '事件数 (integer)', z: 'Gi* z 得分 (number)', p: 'p 值 (number)', p_fdr: 'FDR 校正 p 值 (number)',
      class: '热点等级 (string: hot99 hot95 hot90 none cold90 cold95 cold99)', resolution: 'H3 分辨率 (integer)',
    },
  },
}

export const isAnalysisLayer = (id: string): id is AnalysisLayerId => Object.hasOwn(ANALYSIS_LAYERS, id)

type Point = [number, number]

/** Sutherland-Hodgman against one half-plane (axis 0: x, 1: y; keep v ≥ bound when `min`, else v ≤ bound). */
function clipEdge(ring: Point[], axis: 0 | 1, bound: number, min: boolean): Point[] {
  const inside = (p: Point) => (min ? p[axis] >= bound : p[axis] <= bound)
  const out: Point[] = []
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!, b = ring[(i + 1) % ring.length]!
    const ia = inside(a), ib = inside(b)
    if (ia) out.push(a)
    if (ia !== ib) {
      const t = (bound - a[axis]) / (b[axis] - a[axis])
      out.push(axis === 0 ? [bound, a[1] + t * (b[1] - a[1])] : [a[0] + t * (b[0] - a[0]), bound])
    }
  }
  return out
}

/** A cell's hexagon in the tile's pixels, clipped to the tile and its buffer, snapped; undefined when nothing is left. */
export function cellRing(cell: string, tile: TileCoord): Point[] | undefined {
  // open ring (no repeated first vertex), as the clipper wants it
  let ring: Point[] = cellToBoundary(cell, true).slice(0, -1).map(([lon, lat]) =>
    [(lonToTileX(lon!, tile.z) - tile.x) * EXTENT, (latToTileY(lat!, tile.z) - tile.y) * EXTENT])
  for (const [axis, bound, min] of [[0, -BUFFER, true], [0, EXTENT + BUFFER, false], [1, -BUFFER, true], [1, EXTENT + BUFFER, false]] as const) {
    ring = clipEdge(ring, axis, bound, min)
    if (ring.length < 3) return undefined
  }
  const snapped: Point[] = []
  for (const [x, y] of ring) {
    const p: Point = [Math.round(x), Math.round(y)]
    const last = snapped.at(-1)
    if (!last || last[0] !== p[0] || last[1] !== p[1]) snapped.push(p)
  }
  if (snapped.length > 1 && snapped[0]![0] === snapped.at(-1)![0] && snapped[0]![1] === snapped.at(-1)![1]) snapped.pop()
  return snapped.length >= 3 ? [...snapped, snapped[0]!] : undefined
}

/** The lon/lat box of a tile with its buffer. */
function bufferedBox(t: TileCoord): [number, number, number, number] {
  const b = BUFFER / EXTENT
  return [tileXToLon(t.x - b, t.z), tileYToLat(t.y + 1 + b, t.z), tileXToLon(t.x + 1 + b, t.z), tileYToLat(t.y - b, t.z)]
}

function properties(layer: AnalysisLayerId, set: CellSet, i: number): VtFeature['tags'] {
  const tags: VtFeature['tags'] = { h3: set.cells[i]!, count: set.count[i]!, resolution: set.resolution }
  if (layer === 'heatmap') return { ...tags, share: set.count[i]! / set.total, level: heatLevel(set.count[i]!, set.max) }
  const gi = set.gi!
  return { ...tags, z: gi.z[i]!, p: gi.p[i]!, p_fdr: gi.pFdr[i]!, class: cellClass(set, i) }
}

/** The cells of a set that fall in a tile, as one MVT layer (empty buffer when none). */
export function encodeCells(layer: AnalysisLayerId, set: CellSet, tile: TileCoord): Buffer {
  const features: VtFeature[] = []
  for (const i of cellsIn(set, bufferedBox(tile))) {
    const ring = cellRing(set.cells[i]!, tile)
    const geometry = ring && toVtGeometry({ type: 'Polygon', coordinates: [ring] })
    if (geometry) features.push({ ...geometry, tags: properties(layer, set, i) })
  }
  if (!features.length) return Buffer.alloc(0)
  const bytes = vtpbf.fromGeojsonVt({ [layer]: { features } }, { version: 2, extent: EXTENT })
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

async function handleTile(ctx: Context, app: AppContext, layer: AnalysisLayerId): Promise<void> {
  const tile = parseTile(ctx.params)
  const q = parseTileLayerQuery(ctx.query)
  const scope = principalOf(ctx).jurisdiction
  ctx.set('Cache-Control', ANALYSIS_CACHE_CONTROL)
  ctx.vary('Authorization')
  ctx.vary('X-API-Key')
  const f = await resolveTileFilter(app.knexRead, scope, q)
  if (tile.z < ANALYSIS_MIN_ZOOM || tile.z > ANALYSIS_MAX_ZOOM) {
    ctx.status = 204
    return
  }
  const set = await cellSet(app.knexRead, layer, scope, f, resolutionForZoom(tile.z))
  const bytes = encodeCells(layer, set, tile)
  // the window is part of what the bytes mean: the same cells over another window are another tile
  const etag = etagOf(bytes, `${scopeOf(scope)}|${f.from.toISOString()}|${f.to.toISOString()}`)
  ctx.set('ETag', etag)
  if (matchesIfNoneMatch(ctx.get('if-none-match') || undefined, etag)) {
    ctx.status = 304
    return
  }
  ctx.type = MVT_TYPE
  ctx.body = bytes
}

/** TileJSON of one analysis layer; the tile URL carries the (checked) filter of the request. */
async function handleTileJson(ctx: Context, app: AppContext, layer: AnalysisLayerId, base: string, bounds: TileJson['bounds']): Promise<void> {
  const q = parseTileLayerQuery(ctx.query)
  await resolveTileFilter(app.knexRead, principalOf(ctx).jurisdiction, q)
  const l = ANALYSIS_LAYERS[layer]
  const search = ctx.querystring ? `?${ctx.querystring}` : ''
  const centre = (a: number, b: number) => Math.round(((a + b) / 2) * 1e6) / 1e6
  const body: TileJson = {
    tilejson: '3.0.0', name: l.title, description: l.abstract, version: '1.0.0', attribution: 'gridgov 网格化管理平台', scheme: 'xyz',
    tiles: [`${base}/tiles/${layer}/{z}/{x}/{y}.mvt${search}`], minzoom: ANALYSIS_MIN_ZOOM, maxzoom: ANALYSIS_MAX_ZOOM, bounds,
    center: [centre(bounds[0], bounds[2]), centre(bounds[1], bounds[3]), 12],
    vector_layers: [{ id: layer, description: l.title, minzoom: ANALYSIS_MIN_ZOOM, maxzoom: ANALYSIS_MAX_ZOOM, fields: l.fields }],
  }
  ctx.set('Cache-Control', 'private, max-age=60')
  ctx.vary('Authorization')
  ctx.body = body
}

/**
 * Registers the analysis layers' routes on the /tiles router, before its generic routes (which
 * would otherwise take /tiles/heatmap/… as a catalogue layer). Readers are the analytics readers.
 */
export function registerAnalysisTiles(router: Router, app: AppContext, baseUrl: (ctx: Context) => string,
  bounds: (ctx: Context) => Promise<TileJson['bounds']>): void {
  const readers = requireRole(...ANALYTICS_READERS)
  for (const layer of Object.keys(ANALYSIS_LAYERS) as AnalysisLayerId[]) {
    router.get(`/${layer}/:z/:x/:y.mvt`, readers, (ctx) => handleTile(ctx, app, layer))
    router.get(`/${layer}.json`, readers, async (ctx) => handleTileJson(ctx, app, layer, baseUrl(ctx), await bounds(ctx)))
  }
}
