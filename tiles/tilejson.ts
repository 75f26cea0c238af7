// TileJSON 3.0.0 for one layer or a multi-layer tile set: absolute tile URL, zoom range, the
// caller's area as bounds, and per-layer fields (vector_layers) for styling clients.
import type { Knex } from 'knex'
import type { Jurisdiction } from '../server/db/jurisdiction.ts'
import { sqlFile } from '../server/db/sql.ts'
import type { LayerDef } from './catalogue.ts'
import { tileMinZoom } from './layersql.ts'

export interface VectorLayer {
  id: string
  description: string
  minzoom: number
  maxzoom: number
  fields: Record<string, string>
}

export interface TileJson {
  tilejson: '3.0.0'
  name: string
  description: string
  version: string
  attribution: string
  scheme: 'xyz'
  tiles: string[]
  minzoom: number
  maxzoom: number
  bounds: [number, number, number, number]
  center: [number, number, number]
  vector_layers: VectorLayer[]
}

const WORLD: [number, number, number, number] = [-180, -85.0511, 180, 85.0511]

function vectorLayer(l: LayerDef): VectorLayer {
  const fields: Record<string, string> = Object.fromEntries(l.attributes.map((a) => [a.name, `${a.title} (${a.type})`]))
  if (tileMinZoom(l) < l.minZoom) fields.point_count = `聚合点数 (integer, z${tileMinZoom(l)}-${l.minZoom - 1} 聚合要素)`
  return { id: l.id, description: l.title, minzoom: tileMinZoom(l), maxzoom: l.maxZoom, fields }
}

/** The caller's area as [minLon, minLat, maxLon, maxLat] (the world when unrestricted or unknown). */
export async function jurisdictionBounds(knex: Knex, j: Jurisdiction): Promise<[number, number, number, number]> {
  if (j.isEmpty) return WORLD
  const { rows } = await knex.raw(sqlFile('tiles/jurisdiction_bounds'), [j.patterns])
  const r = rows[0] as { xmin: number | null; ymin: number; xmax: number; ymax: number } | undefined
  if (!r || r.xmin === null) return WORLD
  return [round6(r.xmin), round6(r.ymin), round6(r.xmax), round6(r.ymax)]
}

export async function tileJson(knex: Knex, layers: LayerDef[], setName: string, j: Jurisdiction, base: string): Promise<TileJson> {
  const bounds = await jurisdictionBounds(knex, j)
  const minzoom = Math.min(...layers.map(tileMinZoom))
  const maxzoom = Math.max(...layers.map((l) => l.maxZoom))
  const one = layers.length === 1 ? layers[0] : undefined
  return {
    tilejson: '3.0.0',
    name: one ? one.title : layers.map((l) => l.title).join('、'),
    description: one ? one.abstract : `多图层瓦片: ${layers.map((l) => l.id).join(', ')}`,
    version: '1.0.0',
    attribution: 'gridgov 网格化管理平台',
    scheme: 'xyz',
    tiles: [`${base}/tiles/${encodeURIComponent(setName).replace(/%2C/gi, ',')}/{z}/{x}/{y}.mvt`],
    minzoom,
    maxzoom,
    bounds,
    center: [round6((bounds[0] + bounds[2]) / 2), round6((bounds[1] + bounds[3]) / 2), Math.max(minzoom, Math.min(maxzoom, 12))],
    vector_layers: layers.map(vectorLayer),
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6
