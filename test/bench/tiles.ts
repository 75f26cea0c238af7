// Vector tile benchmarks on the city-scale bench database (3,000 base grids, 100,000 components,
// 50,000 addresses; support.ts benchDatabase). The one row written (a component, to time how
// soon it shows in its tile) is deleted again.
// * uncached tile through the tile service vs the same tile's raw ST_AsMVT SQL over pg;
// * cached vs uncached, and how long a new feature takes to show in its tiles;
// * the whole city in one low-zoom tile vs a z14 tile.
// Rounds alternate baseline and subject so machine noise hits both alike; medians are compared.
import type { Knex } from 'knex'
import pino from 'pino'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, timed } from './support.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { TileService, invalidateFeature } from '../../tiles/service.ts'
import { latToTileY, lonToTileX, type TileCoord } from '../../tiles/tilemath.ts'

const ROUNDS = 9
const PER_ROUND = 25

// The baseline a developer would write by hand for one tile: ST_TileEnvelope + ST_AsMVTGeom +
// ST_AsMVT as in the PostGIS manual, bbox filter in 4490 so the index is used, same jurisdiction
// predicate, sent as a plain (unprepared) query over pg.
const RAW_SQL = `SELECT ST_AsMVT(q, 'base_grids', 4096, 'geom') AS tile FROM (
  SELECT code, name, version, community_code, households, population, valid_from,
         ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?), 4096, 64, true) AS geom
  FROM grid
  WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE ANY (?::text[])
    AND geom && ST_Transform(ST_TileEnvelope(?, ?, ?, margin => 64.0 / 4096), 4490)) q`

async function timeEach(tiles: TileCoord[], run: (t: TileCoord) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < PER_ROUND; i++) {
    const t = tiles[i % tiles.length]!
    out.push(await timed(() => run(t)) * 1e3)
  }
  return out
}

/** Interleaved rounds; returns the median latency (ms) of each side. */
async function compare(tiles: TileCoord[], baseline: (t: TileCoord) => Promise<unknown>, subject: (t: TileCoord) => Promise<unknown>) {
  await timeEach(tiles, baseline) // warm-up: plans, JIT, pool
  await timeEach(tiles, subject)
  const b: number[] = [], s: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    b.push(...await timeEach(tiles, baseline))
    s.push(...await timeEach(tiles, subject))
  }
  return { baseline: median(b), subject: median(s) }
}

function around(lon: number, lat: number, z: number): TileCoord[] {
  const x = Math.floor(lonToTileX(lon, z)), y = Math.floor(latToTileY(lat, z))
  return [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1]].map(([dx, dy]) => ({ z, x: x + dx!, y: y + dy! }))
}

export async function benchTiles(results: BenchResult[]): Promise<void> {
  const { knex, url } = await benchDatabase('tiles')
  try {
    const catalogue = await loadCatalogue(knex)
    const logger = pino({ level: 'silent' })
    const uncached = new TileService(knex, catalogue, logger, { cacheBytes: 0 })
    const cached = new TileService(knex, catalogue, logger)
    const city = Jurisdiction.of(['990100000000'])
    const grids = catalogue.get('base_grids')!
    const ext = (await knex.raw('SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom)::geometry e FROM admin_division) s')).rows[0]
    const [cx, cy] = [(ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2]
    const z14 = around(cx, cy, 14)
    const note = `city-scale demo data (${new URL(url).pathname.slice(1)}); encoder ${await uncached.encoder()}; p50 of ${ROUNDS * PER_ROUND} tiles each`

    const raw = (t: TileCoord) => knex.raw(RAW_SQL, [t.z, t.x, t.y, city.patterns, t.z, t.x, t.y])
    const a = await compare(z14, raw, (t) => uncached.render(grids, t, city.patterns))
    results.push({ name: 'vector tile z14 base_grids, uncached', baseline: 'raw ST_AsMVT SQL over pg', subject: 'tile service (prepared)',
      metric: 'p50', baselineValue: a.baseline, subjectValue: a.subject, ratio: a.baseline / a.subject,
      target: 'p50 ≤ 1.2× baseline', met: a.subject <= 1.2 * a.baseline, note })

    const layers = ['admin_divisions', 'base_grids', 'components'].map((id) => catalogue.get(id)!)
    for (const t of z14) await cached.tile(layers, t, city)
    const b = await compare(z14, (t) => uncached.tile(layers, t, city), (t) => cached.tile(layers, t, city))
    const visibleMs = await newFeatureLatency(knex, cached, cx, cy, city)
    results.push({ name: 'vector tile z14 (3 layers), cached', baseline: 'same tile uncached', subject: 'tile cache hit',
      metric: 'p50', baselineValue: b.baseline, subjectValue: b.subject, ratio: b.baseline / b.subject,
      target: '≥ 20× faster; new feature visible ≤ 1 s', met: b.baseline / b.subject >= 20 && visibleMs <= 1000,
      note: `new component visible in its cached z14 tile after ${visibleMs.toFixed(1)} ms (insert + invalidateFeature + re-render)` })

    // z10 is the lowest zoom at which base grids and component clusters are served (below it
    // only admin divisions are), so the heaviest low-zoom tile is the z10 tile over the centre
    // (it holds most of the city; the whole city in one tile needs z8, where it holds divisions only)
    for (const low of [{ z: 10, x: Math.floor(lonToTileX(cx, 10)), y: Math.floor(latToTileY(cy, 10)) }, wholeCityTile(ext)]) {
      const c = await compare(z14, (t) => uncached.tile(layers, t, city), () => uncached.tile(layers, low, city))
      results.push({ name: `low-zoom tile z${low.z} (${low.z === 10 ? 'city centre, grids + clusters' : 'whole city, divisions only'})`,
        baseline: 'z14 tile, same layers', subject: `z${low.z} tile`,
        metric: 'p50', baselineValue: c.baseline, subjectValue: c.subject, ratio: c.baseline / c.subject,
        target: 'p50 ≤ 3× z14', met: c.subject <= 3 * c.baseline, note: 'uncached; points clustered, polygons simplified to half a pixel' })
    }
  } finally {
    await knex.destroy()
  }
}

/** The highest zoom ≤ 10 whose one tile holds the whole city. */
function wholeCityTile(ext: { x0: number; y0: number; x1: number; y1: number }): TileCoord {
  for (let z = 10; z >= 0; z--) {
    const x0 = Math.floor(lonToTileX(ext.x0, z)), x1 = Math.floor(lonToTileX(ext.x1, z))
    const y0 = Math.floor(latToTileY(ext.y1, z)), y1 = Math.floor(latToTileY(ext.y0, z))
    if (x0 === x1 && y0 === y1) return { z, x: x0, y: y0 }
  }
  return { z: 0, x: 0, y: 0 }
}

/** Insert a component into a cached tile's area, invalidate, and time until the tile shows it. */
async function newFeatureLatency(knex: Knex, service: TileService, lon: number, lat: number, j: Jurisdiction): Promise<number> {
  const layer = service.catalogue.get('components')!
  const t = around(lon, lat, 14)[0]!
  await service.tile([layer], t, j)
  const cls = await knex('component_class').first('code')
  const community = (await knex.raw("SELECT code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_Point(?, ?), 4490)) LIMIT 1", [lon, lat])).rows[0]
  const id = `${String(community.code).slice(0, 6)}${cls.code}999999`
  await knex('component').where({ id }).delete()
  const started = process.hrtime.bigint()
  await knex.raw(`INSERT INTO component (id, class_code, name, community_code, city_code, geom)
    VALUES (?, ?, '基准测试部件', ?, '990100', ST_SetSRID(ST_Point(?, ?), 4490))`, [id, cls.code, community.code, lon, lat])
  invalidateFeature('components', [lon, lat, lon, lat])
  const bytes = await service.tile([layer], t, j)
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  await knex('component').where({ id }).delete()
  invalidateFeature('components', [lon, lat, lon, lat])
  if (!bytes.includes(Buffer.from(id))) throw new Error('the new component is missing from its tile after invalidation')
  return ms
}
