// Starts everything a peers run needs on the bench database: the peers (servers.ts), gridgov as
// the other benches start it (a child process; a second one with its tile cache off for the
// uncached tile row), and the pgbench script of the raw tile SQL.
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { benchDatabase, startAppChild } from '../support.ts'
import { loadCatalogue, type LayerDef } from '../../../tiles/catalogue.ts'
import { PEER_LAYERS, jurisdictionSql } from './layers.ts'
import { PROCESSES, startPeers, type Peers } from './servers.ts'
import { TILE_LAYERS, cityTiles, rawTileSql, type Extent } from './requests.ts'
import type { TileCoord } from '../../../tiles/tilemath.ts'

/** gridgov's HTTP workers in the peers bench (PEERS_GRIDGOV_WORKERS; default: the peers' FastCGI processes). */
export const GRIDGOV_WORKERS = Number(process.env.PEERS_GRIDGOV_WORKERS ?? PROCESSES)

type App = Awaited<ReturnType<typeof startAppChild>>

export interface Setup {
  url: string
  knex: Knex
  layers: Map<string, LayerDef>
  /** Extent of the base grids (the walk of the WMS rows). */
  extent: Extent
  tiles: TileCoord[]
  peers: Peers
  gridgov: App
  /** gridgov with its tile cache off (GRIDGOV_BENCH_TILE_CACHE=0). */
  gridgovUncachedTiles: App
  pgbenchScript: string
  /** The raw SQL of one tile (the layers of TILE_LAYERS, concatenated). */
  rawTile(t: TileCoord): Promise<Buffer>
  stop(): Promise<void>
}

async function gridExtent(knex: Knex): Promise<Extent> {
  const { rows } = await knex.raw("SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM grid WHERE kind = 'base' AND valid_to IS NULL) s")
  return [Number(rows[0].x0), Number(rows[0].y0), Number(rows[0].x1), Number(rows[0].y1)]
}

/** The multi-layer tile as one SQL statement over z, x, y expressions. */
function tileSql(layers: Map<string, LayerDef>, z: string, x: string, y: string): string {
  return TILE_LAYERS.map((id) => {
    const l = layers.get(id)!
    return `coalesce(${rawTileSql(l, jurisdictionSql(l), z, x, y)}, ''::bytea)`
  }).join(' || ')
}

export async function setUp(log: (line: string) => void): Promise<Setup> {
  const { knex, url } = await benchDatabase('peers')
  const stops: (() => Promise<void>)[] = [() => knex.destroy()]
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log(`stop: ${String(err)}`))
  }
  try {
    const catalogue = await loadCatalogue(knex)
    const layers = new Map(PEER_LAYERS.map((id) => [id, catalogue.get(id)!]))
    const extent = await gridExtent(knex)
    const tiles = cityTiles(extent)
    log(`bench database ${new URL(url).pathname.slice(1)}; ${tiles.length} z14 tiles over the city`)
    const peers = await startPeers([...layers.values()], url)
    stops.push(() => peers.stop())
    log(`peers: MapServer ${peers.mapserver} (cached ${peers.mapserverCached}), QGIS Server ${peers.qgis}; files in ${peers.dir}`)
    // gridgov as a city runs it on this machine: as many HTTP workers as the peers have FastCGI processes (WORKERS)
    const workers = { GRIDGOV_BENCH_WORKERS: String(GRIDGOV_WORKERS) }
    const gridgov = await startAppChild(url, workers)
    stops.push(() => gridgov.stop())
    const gridgovUncachedTiles = await startAppChild(url, { ...workers, GRIDGOV_BENCH_TILE_CACHE: '0' })
    stops.push(() => gridgovUncachedTiles.stop())
    log(`gridgov ${gridgov.origin} (pid ${gridgov.pid}, ${GRIDGOV_WORKERS} workers); tile cache off: ${gridgovUncachedTiles.origin}`)
    const xs = tiles.map((t) => t.x), ys = tiles.map((t) => t.y)
    const pgbenchScript = path.join(peers.dir, 'tile.sql')
    // pgbench draws the tile at random over the same rectangle of z14 tiles the HTTP rows walk
    fs.writeFileSync(pgbenchScript, `\\set x random(${Math.min(...xs)}, ${Math.max(...xs)})\n\\set y random(${Math.min(...ys)}, ${Math.max(...ys)})\n` +
      `SELECT length(${tileSql(layers, '14', ':x::int', ':y::int')});\n`)
    return {
      url, knex, layers, extent, tiles, peers, gridgov, gridgovUncachedTiles, pgbenchScript, stop,
      async rawTile(t) {
        // z, x, y bound as parameters (they appear twice per layer)
        const text = `SELECT ${tileSql(layers, '?::int', '?::int', '?::int')} AS tile`
        const bindings = Array.from({ length: (text.match(/\?::int/g) ?? []).length / 3 }, () => [t.z, t.x, t.y]).flat()
        const { rows } = await knex.raw(text, bindings)
        return rows[0].tile as Buffer
      },
    }
  } catch (err) {
    await stop()
    throw err
  }
}
