// Offline export for the field app: an admin area's base grids, addresses and components as one
// PMTiles v3 archive of multi-layer vector tiles. Every tile is rendered by the live tile
// machinery (TileService.render: the same SQL, encoder and jurisdiction filter as /tiles), cut
// to Jurisdiction.of([area]), so a tile in the file is byte for byte the tile a user whose
// jurisdiction is that area gets from /tiles/base_grids,addresses,components/z/x/y.mvt.
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { AppContext } from '../../server/context.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { AppError } from '../../server/http/errors.ts'
import { validate } from '../../server/http/validate.ts'
import type { LayerDef } from '../catalogue.ts'
import { tileKindAt } from '../layersql.ts'
import { tileServiceOf } from '../routes.ts'
import type { Encoder } from '../layersql.ts'
import { tileJson, type VectorLayer } from '../tilejson.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { MAX_ZOOM, type BBox } from '../tilemath.ts'
import { extentTileCounts, featureBoxes, planTiles, PlanTooLarge, suggestMaxZoom, type PlannedTile } from './plan.ts'
import { PMTilesWriter } from './writer.ts'

/** The layers of an offline export, in the order they are concatenated in each tile. */
export const EXPORT_LAYERS = ['base_grids', 'addresses', 'components'] as const
export const DEFAULT_MIN_ZOOM = 12
export const DEFAULT_MAX_ZOOM = 17
/** About 2-4 GB of database work at most; beyond it the export is almost surely a wrong zoom. */
export const MAX_EXPORT_TILES = 200_000
/** An operator may raise the limit (--max-tiles), not past this. */
export const MAX_TILES_CEILING = 5_000_000

export interface ExportOptions {
  /** 12-digit admin code: a district (or any street or community inside one). */
  district: string
  minZoom?: number
  maxZoom?: number
  /** Target file (.pmtiles); written atomically, replacing an existing file. */
  out: string
  onProgress?(done: number, total: number): void
  /** Refuse plans above this many tiles (default MAX_EXPORT_TILES). */
  maxTiles?: number
}

export interface AdminArea { code: string; name: string; level: string }

export interface ExportResult {
  /** Tiles in the archive (addressed, empty tiles left out). */
  tiles: number
  /** Distinct tile contents stored (identical tiles are stored once). */
  contents: number
  /** Archive size in bytes. */
  bytes: number
  /** [minLon, minLat, maxLon, maxLat] of the area (EPSG:4490). */
  bounds: BBox
  minZoom: number
  maxZoom: number
  /** Tiles rendered (the plan); those that came out empty are not in the archive. */
  rendered: number
  area: AdminArea
  out: string
}

const zoom = z.number().int().min(0).max(MAX_ZOOM)
const optionsSchema = z.object({
  district: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code'),
  minZoom: zoom.default(DEFAULT_MIN_ZOOM),
  maxZoom: zoom.default(DEFAULT_MAX_ZOOM),
  out: z.string().min(1).max(4096).refine((p) => p.toLowerCase().endsWith('.pmtiles'), 'must end in .pmtiles (MBTiles is not written)'),
  maxTiles: z.number().int().min(1).max(MAX_TILES_CEILING).default(MAX_EXPORT_TILES),
}).refine((o) => o.minZoom <= o.maxZoom, { message: 'must not exceed maxZoom', path: ['minZoom'] })

/** The admin area of a code; a city is refused (a field team works one district at most). */
async function findArea(app: AppContext, code: string): Promise<AdminArea> {
  const row = await app.knex('admin_division').where({ code }).first('code', 'name', 'level') as AdminArea | undefined
  if (!row) throw new AppError(404, 'unknown_district', `no admin area with code ${code}`, { district: code })
  if (row.level === 'city') {
    throw new AppError(400, 'bad_request', `${code} (${row.name}) is a city: export one of its districts, streets or communities`, { district: code })
  }
  return row
}

/** The exact extent of the area (TileJSON's is rounded to 6 decimals; the header rounds outwards itself). */
async function areaBounds(app: AppContext, j: Jurisdiction): Promise<BBox> {
  const { rows } = await app.knex.raw(sqlFile('tiles/jurisdiction_bounds'), [j.patterns])
  const r = rows[0] as { xmin: number; ymin: number; xmax: number; ymax: number }
  return [r.xmin, r.ymin, r.xmax, r.ymax]
}

/** The directory must exist and the target must not be a directory. */
async function checkTarget(out: string): Promise<void> {
  const dir = await fs.stat(path.dirname(path.resolve(out))).catch(() => undefined)
  if (!dir?.isDirectory()) throw new AppError(400, 'bad_request', `output directory ${path.dirname(out)} does not exist`, { out })
  const target = await fs.stat(out).catch(() => undefined)
  if (target?.isDirectory()) throw new AppError(400, 'bad_request', `output ${out} is a directory`, { out })
}

/** The refusal: `tiles` is the extent's count, or undefined when the plan outgrew the limit on its own. */
function tooMany(area: AdminArea, tiles: number | undefined, o: { minZoom: number; maxZoom: number; maxTiles: number }, suggested: number | undefined): AppError {
  const advice = suggested === undefined
    ? `even z${o.minZoom} alone is too much: export a street or community of it instead`
    : `lower maxZoom (--max-zoom) to ${suggested} or export a street of it`
  const need = tiles === undefined ? `more than ${o.maxTiles} tiles at z${o.minZoom}-${o.maxZoom}, the limit` : `${tiles} tiles at z${o.minZoom}-${o.maxZoom}, more than the limit of ${o.maxTiles}`
  return new AppError(413, 'too_many_tiles', `${area.name} (${area.code}) needs ${need}: ${advice}`,
    { tiles: tiles ?? null, limit: o.maxTiles, suggestedMaxZoom: suggested ?? null })
}

/** Exports an admin area's base grids, addresses and components to a PMTiles v3 file. */
export async function exportDistrict(app: AppContext, options: ExportOptions): Promise<ExportResult> {
  const o = validate(optionsSchema, { ...options, onProgress: undefined }, 'export options')
  const layers = EXPORT_LAYERS.map((id) => {
    const l = app.catalogue.get(id)
    if (!l) throw new Error(`layer ${id} missing from the catalogue`)
    return l
  })
  if (!layers.some((l) => zoomsOf(l, o.minZoom, o.maxZoom).length)) {
    throw new AppError(400, 'bad_request', `no exported layer has tiles at z${o.minZoom}-${o.maxZoom}: ${layers.map((l) => `${l.id} z${firstZoom(l)}-${l.maxZoom}`).join(', ')}`)
  }
  await checkTarget(o.out)
  const area = await findArea(app, o.district)
  const jurisdiction = Jurisdiction.of([area.code])
  const bounds = await areaBounds(app, jurisdiction)
  const tj = await tileJson(app.knex, layers, EXPORT_LAYERS.join(','), jurisdiction, '')

  const counts = extentTileCounts(bounds, o.minZoom, o.maxZoom)
  const extentTiles = counts.reduce((a, b) => a + b, 0)
  if (extentTiles > o.maxTiles) throw tooMany(area, extentTiles, o, suggestMaxZoom(counts, o.minZoom, o.maxTiles))
  const boxes = new Map<LayerDef, BBox[]>()
  for (const l of layers) boxes.set(l, await featureBoxes(app.knex, l, jurisdiction))
  let plan: PlannedTile[]
  try {
    plan = planTiles(boxes, o.minZoom, o.maxZoom, o.maxTiles)
  } catch (err) {
    if (err instanceof PlanTooLarge) throw tooMany(area, undefined, o, err.zoom - 1 >= o.minZoom ? err.zoom - 1 : undefined)
    throw err
  }
  if (!plan.length) throw emptyExport(area, o)

  const writer = await PMTilesWriter.create(o.out)
  try {
    await renderInto(app, writer, plan, layers, jurisdiction, options.onProgress)
    if (!writer.tileCount) throw emptyExport(area, o)
    const summary = await writer.finish({
      minZoom: o.minZoom, maxZoom: o.maxZoom, bounds, centerZoom: o.minZoom,
      center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2],
      metadata: metadataOf(area, o, bounds, tj.vector_layers, tj.attribution),
    })
    return {
      tiles: summary.tiles, contents: summary.contents, bytes: summary.bytes, bounds,
      minZoom: o.minZoom, maxZoom: o.maxZoom, rendered: plan.length, area, out: o.out,
    }
  } catch (err) {
    await writer.abort()
    throw err
  }
}

function emptyExport(area: AdminArea, o: { minZoom: number; maxZoom: number }): AppError {
  return new AppError(422, 'empty_export',
    `${area.name} (${area.code}) has no base grids, addresses or components to draw at z${o.minZoom}-${o.maxZoom}: nothing to export`,
    { district: area.code })
}

const firstZoom = (l: LayerDef) => l.clusterMinZoom !== undefined ? Math.min(l.clusterMinZoom, l.minZoom) : l.minZoom

/** The zooms of [min, max] at which a layer has tiles. */
function zoomsOf(l: LayerDef, min: number, max: number): number[] {
  const out: number[] = []
  for (let zz = min; zz <= max; zz++) if (tileKindAt(l, zz)) out.push(zz)
  return out
}

/**
 * Renders the plan with a few tiles in flight (one connection each; the embedded database
 * has one) and hands finished tiles to the writer strictly in plan order.
 */
async function renderInto(app: AppContext, writer: PMTilesWriter, plan: PlannedTile[], layers: LayerDef[],
  jurisdiction: Jurisdiction, onProgress?: (done: number, total: number) => void): Promise<void> {
  const service = tileServiceOf(app)
  const encoder = await service.encoder()
  const concurrency = app.dbMode === 'embedded' ? 1 : Math.max(1, Math.min(4, app.config.dbPoolMax - 1))
  const renderTile = async (t: PlannedTile, enc: Encoder): Promise<Buffer> => {
    const parts: Buffer[] = []
    for (const l of layers) if (tileKindAt(l, t.z)) parts.push(await service.render(l, t, jurisdiction.patterns, enc))
    return Buffer.concat(parts)
  }
  const window: Promise<Buffer>[] = []
  let next = 0
  const fill = () => {
    while (window.length < concurrency && next < plan.length) {
      const p = renderTile(plan[next++]!, encoder)
      p.catch(() => undefined) // awaited below in order; this only keeps a failure from being "unhandled" meanwhile
      window.push(p)
    }
  }
  fill()
  for (let done = 0; done < plan.length; done++) {
    const bytes = await window.shift()!
    fill()
    if (bytes.length) await writer.add(plan[done]!.id, bytes)
    onProgress?.(done + 1, plan.length)
  }
}

function metadataOf(area: AdminArea, o: { minZoom: number; maxZoom: number }, bounds: BBox, vectorLayers: VectorLayer[], attribution: string): Record<string, unknown> {
  const levels: Record<string, string> = { district: '区', street: '街道', community: '社区' }
  return {
    name: `${area.name}离线地图`,
    description: `${area.name}（${levels[area.level] ?? area.level}，${area.code}）基础网格、标准地址、城市部件离线矢量瓦片，z${o.minZoom}-${o.maxZoom}，供外业巡查App离线使用`,
    version: '1.0.0',
    type: 'overlay',
    format: 'pbf',
    attribution,
    generated_at: new Date().toISOString(),
    district: area.code,
    district_name: area.name,
    district_level: area.level,
    crs: 'EPSG:3857 tiles; attributes and source data EPSG:4490',
    minzoom: String(o.minZoom),
    maxzoom: String(o.maxZoom),
    bounds: bounds.join(','),
    // only the layers and zooms this file holds
    vector_layers: vectorLayers
      .map((v) => ({ ...v, minzoom: Math.max(v.minzoom, o.minZoom), maxzoom: Math.min(v.maxzoom, o.maxZoom) }))
      .filter((v) => v.minzoom <= v.maxzoom),
  }
}
