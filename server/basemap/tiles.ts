// The base map tiles: water, waterways, roads and place names in ONE tile per z/x/y (one
// request per tile), rendered by PostGIS's ST_AsMVT where it has protobuf and by the Node
// encoder otherwise (PGlite), kept in the shared LRU tile cache and dropped geometrically when
// the database announces a write to one of the base map's tables (tiles/changes.ts).
import type { Knex } from 'knex'
import type pg from 'pg'
import { sqlFile } from '../db/sql.ts'
import { TileCache, type TileKey } from '../../tiles/cache.ts'
import { encodeLayer, type TileRow } from '../../tiles/encoder.ts'
import type { Encoder } from '../../tiles/layersql.ts'
import type { BBox, TileCoord } from '../../tiles/tilemath.ts'
import { BASEMAP_LAYERS, generalisationAt } from './generalise.ts'
import { onMapChanges } from '../../tiles/changes.ts'

/** The tables the base map is drawn from: a write to one of them drops the tiles it touches. */
export const BASEMAP_TABLES = ['water_area', 'water_line', 'road', 'place_name'] as const
const CACHE_LAYER = 'basemap'
const SCOPE = 'public'
const CACHE_BYTES = 32 * 1024 * 1024

interface Statement { name: string; text: string }

export class BasemapTiles {
  readonly cache = new TileCache(CACHE_BYTES)

  constructor(private readonly knex: Knex, private readonly encoder: () => Promise<Encoder>) {
    registry.add(new WeakRef(this))
  }

  /** One tile, from the cache or rendered (concurrent requests for it share one render). */
  async tile(t: TileCoord): Promise<Buffer> {
    const key: TileKey = { layer: CACHE_LAYER, scope: SCOPE, ...t }
    return this.cache.through(key, () => this.render(t))
  }

  /** Renders a tile from the database, bypassing the cache. */
  async render(t: TileCoord, encoder?: Encoder): Promise<Buffer> {
    const g = generalisationAt(t.z)
    const values = [t.z, t.x, t.y, g.minWaterArea, g.waterwayKinds, g.roadKinds, g.maxPlaceRank]
    if ((encoder ?? await this.encoder()) === 'postgis') {
      const rows = await this.query<{ tile: Buffer | null }>(statement('basemap/tile_mvt'), values)
      return rows[0]?.tile ?? Buffer.alloc(0)
    }
    const rows = await this.query<TileRow & { layer: string }>(statement('basemap/tile_rows'), values)
    const parts = BASEMAP_LAYERS.map((layer) => encodeLayer(layer, rows.filter((r) => r.layer === layer).map(({ layer: _l, ...r }) => r)))
    return Buffer.concat(parts)
  }

  /** A base map row changed inside bbox: drop the cached tiles it touches. */
  invalidate(table: string, bbox: BBox): number {
    return (BASEMAP_TABLES as readonly string[]).includes(table) ? this.cache.invalidate(CACHE_LAYER, bbox) : 0
  }

  /** A prepared statement on a pooled connection (bound and executed only after its first use). */
  private async query<R>(st: Statement, values: unknown[]): Promise<R[]> {
    const client = await this.knex.client.acquireConnection() as pg.PoolClient
    try {
      const result = await client.query({ name: st.name, text: st.text, values })
      return result.rows as R[]
    } finally {
      await this.knex.client.releaseConnection(client)
    }
  }
}

const statements = new Map<string, Statement>()
function statement(file: string): Statement {
  let st = statements.get(file)
  if (!st) statements.set(file, (st = { name: file.replace('/', '_'), text: sqlFile(file) }))
  return st
}

const registry = new Set<WeakRef<BasemapTiles>>()

/** Drops the touched base map tiles in every live instance of this process (the change listener calls it). */
export function invalidateBasemap(table: string, bbox: BBox): number {
  let dropped = 0
  for (const ref of registry) {
    const s = ref.deref()
    if (s) dropped += s.invalidate(table, bbox)
    else registry.delete(ref)
  }
  return dropped
}

const WORLD: BBox = [-180, -90, 180, 90]
onMapChanges({
  changed: invalidateBasemap,
  missed: () => BASEMAP_TABLES.reduce((n, t) => n + invalidateBasemap(t, WORLD), 0),
})
