// Data access of the WMS: the per-layer SQL is built once from the catalogue (its static
// predicate and attribute expressions spliced into the .sql templates at the marked places,
// identifiers as knex identifier bindings) and every request value is a bound parameter.
import type { Knex } from 'knex'
import type { LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import type { Jurisdiction } from '../../db/jurisdiction.ts'
import { sqlFile } from '../../db/sql.ts'
import { rawCancellable } from '../../db/cancel.ts'
import type { MapRequest } from './mapRequest.ts'

type Template = 'map_polygons' | 'map_points' | 'feature_info' | 'layer_extent'

const built = new Map<string, string>()

/** Replaces `/*name*\/ … /*end*\/` in a template with catalogue SQL. */
function splice(sql: string, name: string, replacement: string): string {
  const start = sql.indexOf(`/*${name}*/`)
  const end = sql.indexOf('/*end*/', start)
  if (start < 0 || end < 0) throw new Error(`template marker ${name} missing`)
  return `${sql.slice(0, start)}${replacement}${sql.slice(end + '/*end*/'.length)}`
}

/** The layer's query from a template; built once per (template, layer, style attribute). */
function layerSql(template: Template, layer: LayerDef, valueSql?: string): string {
  // the attribute list too: user-defined fields (server/fields) change a layer's attributes at run time
  const columns = template === 'feature_info' ? layer.attributes.map((a) => `${a.name}=${a.sql}`).join('\u0001') : ''
  const cacheKey = `${template}\u0000${layer.id}\u0000${layer.where}\u0000${valueSql ?? ''}\u0000${columns}`
  let sql = built.get(cacheKey)
  if (sql === undefined) {
    sql = splice(sqlFile(`wms/${template}`), 'where', layer.where)
    if (template === 'map_polygons' || template === 'map_points') sql = splice(sql, 'value', valueSql ?? 'NULL')
    if (template === 'feature_info') {
      // attribute names are snake_case identifiers checked by the catalogue; quoted all the same
      const columns = layer.attributes.map((a) => `${a.sql} AS "${a.name.replace(/"/g, '')}"`).join(', ')
      sql = splice(sql, 'attributes', columns || 'NULL AS none')
    }
    built.set(cacheKey, sql)
  }
  return sql
}

const identifiers = (layer: LayerDef) => ({ table: layer.table, admin: layer.adminColumn, key: layer.key })

/** One feature of a GetMap layer: TWKB in pixel units and the value that picks its colour. */
export interface MapFeature { g: Buffer; v: unknown }

/** Pixels of margin around the map so strokes and point symbols crossing the edge draw. */
const MARGIN_PX = 8

/**
 * The features of one layer for a GetMap, in pixel coordinates. An empty jurisdiction sees
 * nothing, without asking the database.
 */
export async function mapFeatures(knex: Knex, req: MapRequest, layer: LayerDef, style: LayerStyle | undefined,
  jurisdiction: Jurisdiction, signal?: AbortSignal): Promise<MapFeature[]> {
  if (jurisdiction.isEmpty) return []
  const [minx, miny, maxx, maxy] = req.bbox
  const sx = req.width / (maxx - minx)
  const sy = req.height / (maxy - miny)
  const mx = MARGIN_PX / sx, my = MARGIN_PX / sy
  const by = style?.by ? layer.attributes.find((a) => a.name === style.by)?.sql : undefined
  const template = layer.geometryType === 'Point' ? 'map_points' : 'map_polygons'
  // the query stops when every client waiting for this map has left (server/db/cancel.ts)
  const { rows } = await rawCancellable<{ rows: MapFeature[] }>(knex, signal, layerSql(template, layer, by), {
    ...identifiers(layer), srid: req.crs.srid,
    minx: minx - mx, miny: miny - my, maxx: maxx + mx, maxy: maxy + my,
    // x' = (x - minx)·sx, y' = (maxy - y)·sy
    sx, sy: -sy, dx: -minx * sx, dy: maxy * sy,
    seg: Math.max(maxx - minx, maxy - miny) / 16,
    patterns: jurisdiction.patterns,
  })
  return rows
}

export interface InfoFeature {
  fid: unknown
  geometry: string
  distance: number
  [attribute: string]: unknown
}

/** Features of a layer within `tolerance` (request CRS units) of (x, y), nearest first. */
export async function featuresNear(knex: Knex, layer: LayerDef, srid: number, x: number, y: number,
  tolerance: number, limit: number, jurisdiction: Jurisdiction): Promise<InfoFeature[]> {
  if (jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(layerSql('feature_info', layer), {
    ...identifiers(layer), srid, x, y, tol: tolerance, limit, patterns: jurisdiction.patterns,
  })
  return rows as InfoFeature[]
}

/** The layer's data extent in storage lon/lat, or null when it has no rows. */
export async function layerExtent(knex: Knex, layer: LayerDef): Promise<[number, number, number, number] | null> {
  const { rows } = await knex.raw(layerSql('layer_extent', layer), { table: layer.table })
  const r = rows[0] as { minx: number | null; miny: number; maxx: number; maxy: number } | undefined
  if (!r || r.minx === null) return null
  return [Number(r.minx), Number(r.miny), Number(r.maxx), Number(r.maxy)]
}
