// Helpers for the tile tests: decoding tiles and finding tiles over the demo city.
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import type { Knex } from 'knex'
import { latToTileY, lonToTileX, type TileCoord } from '../../tiles/tilemath.ts'

export function decode(bytes: Buffer | Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes))
}

export function features(tile: VectorTile, layer: string): VectorTileFeature[] {
  const l = tile.layers[layer]
  if (!l) return []
  return Array.from({ length: l.length }, (_, i) => l.feature(i))
}

/** The tile at zoom z containing a point. */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
  return { z, x: Math.floor(lonToTileX(lon, z)), y: Math.floor(latToTileY(lat, z)) }
}

export const tileUrl = (layers: string, t: TileCoord) => `/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt`

/**
 * A point where two streets of the demo district meet (a vertex shared by their boundaries),
 * so tiles around it hold grids of both streets.
 */
export async function streetsMeetingPoint(knex: Knex): Promise<[number, number]> {
  const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_PointOnSurface(ST_Intersection(a.geom, b.geom)) AS p FROM admin_division a, admin_division b
      WHERE a.code = '990102001000' AND b.code = '990102002000' AND ST_Intersects(a.geom, b.geom)) s`)
  if (!rows[0]) throw new Error('streets 1 and 2 of the demo district do not touch')
  return [rows[0].lon, rows[0].lat]
}

const keysQuery = {
  base_grids: "SELECT code AS key FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE ? AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?))",
  components: 'SELECT id AS key FROM component WHERE community_code LIKE ? AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?))',
  addresses: 'SELECT id AS key FROM std_address WHERE level = 50 AND community_code LIKE ? AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?))',
}

/**
 * The keys of a layer's rows whose geometry intersects a tile (margin: a fraction of the tile
 * added around it), by a query that shares nothing with the tile SQL but ST_TileEnvelope.
 */
export async function keysInTile(knex: Knex, layer: keyof typeof keysQuery, t: TileCoord, prefix = '', margin = 0): Promise<Set<string>> {
  const { rows } = await knex.raw(keysQuery[layer], [`${prefix}%`, t.z, t.x, t.y, margin])
  return new Set(rows.map((r: { key: string | number }) => String(r.key)))
}
