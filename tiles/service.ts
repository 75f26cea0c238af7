// The tile engine: per-layer prepared SQL, the encoder chosen once by what PostGIS can do,
// the tile cache with request coalescing, and geometric invalidation.
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type pg from 'pg'
import type { Catalogue, LayerDef } from './catalogue.ts'
import type { Jurisdiction } from '../server/db/jurisdiction.ts'
import { buildLayerStatement, tileKindAt, type Encoder, type LayerStatement, type TileKind } from './layersql.ts'
import { encodeLayer, type TileRow } from './encoder.ts'
import { TileCache, type TileKey } from './cache.ts'
import type { BBox, TileCoord } from './tilemath.ts'
import { onMapChanges } from './changes.ts'
import { onConnection } from '../server/db/cancel.ts'

export interface TileServiceOptions {
  /** 'auto' (default): ST_AsMVT when PostGIS has protobuf, else the Node encoder. */
  encoder?: 'auto' | Encoder
  /** Tile cache bound in bytes (default 64 MiB); 0 disables the cache. */
  cacheBytes?: number
}

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024

// Why a probe instead of a version check: Debian builds PostGIS with protobuf, PGlite's does not,
// and a build's version number does not say which. One tiny ST_AsMVT call tells.
const PROBE = "SELECT ST_AsMVT(q, 'probe', 4096, 'geom') AS tile FROM (SELECT ST_AsMVTGeom(ST_Point(1, 1), ST_MakeEnvelope(0, 0, 4096, 4096)) AS geom) q"

/** The cache scope of a jurisdiction: tiles differ per set of admin prefixes. */
export function scopeOf(j: Jurisdiction): string {
  return j.isEmpty ? '-' : j.prefixes.join(',')
}

export class TileService {
  readonly cache: TileCache
  private encoderChoice?: Promise<Encoder>
  // per layer object: a layer replaced in the catalogue (user fields) gets statements of its own
  private readonly statements = new WeakMap<LayerDef, Map<string, LayerStatement>>()

  constructor(
    private readonly knex: Knex,
    readonly catalogue: Catalogue,
    private readonly logger: Logger,
    private readonly options: TileServiceOptions = {},
  ) {
    this.cache = new TileCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES)
    registry.add(new WeakRef(this))
  }

  /** The encoder in use, decided once by probing the server. */
  encoder(): Promise<Encoder> {
    this.encoderChoice ??= this.chooseEncoder()
    return this.encoderChoice
  }

  private async chooseEncoder(): Promise<Encoder> {
    const wanted = this.options.encoder ?? 'auto'
    if (wanted !== 'auto') return wanted
    try {
      await this.knex.raw(PROBE)
      return 'postgis'
    } catch (err) {
      this.logger.info({ reason: (err as Error).message }, 'PostGIS has no ST_AsMVT: vector tiles use the Node encoder')
      return 'node'
    }
  }

  /** One layer of one tile, from the cache or rendered (concurrent requests share one render). */
  async layerTile(layer: LayerDef, tile: TileCoord, jurisdiction: Jurisdiction, signal?: AbortSignal): Promise<Buffer> {
    // live layers (inspectors) change every few seconds and with the clock: never cached
    if (layer.live) return this.render(layer, tile, jurisdiction.patterns, undefined, signal)
    const key: TileKey = { layer: layer.id, scope: scopeOf(jurisdiction), ...tile }
    return this.cache.through(key, (shared) => this.render(layer, tile, jurisdiction.patterns, undefined, shared), signal)
  }

  /** A multi-layer tile: the layers' tiles concatenated, in the order asked. */
  async tile(layers: LayerDef[], tile: TileCoord, jurisdiction: Jurisdiction): Promise<Buffer> {
    const parts = await Promise.all(layers.map((l) => this.layerTile(l, tile, jurisdiction)))
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  }

  /** Renders one layer of one tile from the database, bypassing the cache. */
  async render(layer: LayerDef, tile: TileCoord, patterns: string[], encoder?: Encoder, signal?: AbortSignal): Promise<Buffer> {
    const kind = tileKindAt(layer, tile.z)
    if (!kind) return Buffer.alloc(0)
    const enc = encoder ?? await this.encoder()
    const st = this.statement(layer, enc, kind)
    if (enc === 'postgis') {
      const rows = await this.query<{ tile: Buffer | null }>(st, [tile.z, tile.x, tile.y, patterns, layer.id], signal)
      return rows[0]?.tile ?? Buffer.alloc(0)
    }
    const rows = await this.query<TileRow>(st, [tile.z, tile.x, tile.y, patterns], signal)
    return encodeLayer(layer.id, rows)
  }

  /** The prepared statement of a layer, built on first use and kept while the layer's definition lasts. */
  statement(layer: LayerDef, encoder: Encoder, kind: TileKind): LayerStatement {
    const k = `${encoder}|${kind}`
    let byKind = this.statements.get(layer)
    if (!byKind) this.statements.set(layer, (byKind = new Map()))
    let st = byKind.get(k)
    if (!st) byKind.set(k, (st = buildLayerStatement(layer, encoder, kind)))
    return st
  }

  /**
   * Runs a named (prepared) statement on a pooled pg connection: pg prepares it on first use
   * per connection and then only binds and executes.
   */
  private async query<R>(st: LayerStatement, values: unknown[], signal?: AbortSignal): Promise<R[]> {
    const client = await this.knex.client.acquireConnection() as pg.PoolClient
    try {
      const result = await onConnection(this.knex, client, signal, () => client.query({ name: st.name, text: st.text, values }))
      return result.rows as R[]
    } finally {
      await this.knex.client.releaseConnection(client)
    }
  }

  /** Drops the cached tiles of one layer that a changed feature's bbox (EPSG:4490) touches. */
  invalidateFeature(layerId: string, bbox: BBox): number {
    return this.cache.invalidate(layerId, bbox)
  }

  /** A row of `table` changed inside bbox: drop the touched tiles of every layer drawn from it. */
  invalidateTable(table: string, bbox: BBox): number {
    let dropped = 0
    for (const l of this.catalogue.layers) if (l.table === table) dropped += this.cache.invalidate(l.id, bbox)
    return dropped
  }
}

const registry = new Set<WeakRef<TileService>>()

function liveServices(): TileService[] {
  const out: TileService[] = []
  for (const ref of registry) {
    const s = ref.deref()
    if (s) out.push(s)
    else registry.delete(ref)
  }
  return out
}

/**
 * Call after writing a feature of a layer (insert, update, delete: pass the old and the new
 * bbox, or their union) so its tiles are rebuilt on the next request. bbox is
 * [minLon, minLat, maxLon, maxLat] in EPSG:4490. Drops exactly the cached tiles of that layer
 * whose buffered extent touches the bbox, at every zoom and for every jurisdiction, in every
 * tile service of this process. Returns how many tiles were dropped.
 */
export function invalidateFeature(layerId: string, bbox: BBox): number {
  return liveServices().reduce((n, s) => n + s.invalidateFeature(layerId, bbox), 0)
}

/** Drops every cached tile of every tile service of this process (change notifications were missed). */
export function invalidateAll(): number {
  return liveServices().reduce((n, s) => { const { entries } = s.cache.stats(); s.cache.clear(); return n + entries }, 0)
}

/** invalidateFeature for every layer drawn from a table (used by the database change listener). */
export function invalidateTable(table: string, bbox: BBox): number {
  return liveServices().reduce((n, s) => n + s.invalidateTable(table, bbox), 0)
}

onMapChanges({ changed: invalidateTable, missed: invalidateAll })
