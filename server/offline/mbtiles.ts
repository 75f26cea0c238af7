// The area's vector tiles as an MBTiles 1.3 file (OGC/Mapbox vector tiles, gzipped pbf, TMS rows,
// metadata `json` with vector_layers), for apps that draw tiles rather than features (QField,
// MapLibre offline, GDAL's MBTiles driver). Every tile is rendered by the live tile machinery
// (TileService.render: the same SQL, encoder and jurisdiction filter as /tiles), planned with the
// PMTiles export's planner so only tiles that hold features are rendered.
import zlib from 'node:zlib'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { mayReadLayer, noteLayerRead } from '../../tiles/layerAccess.ts'
import { tileKindAt } from '../../tiles/layersql.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { tileJson } from '../../tiles/tilejson.ts'
import { featureBoxes, planTiles, PlanTooLarge } from '../../tiles/export/plan.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { BBox } from '../../tiles/tilemath.ts'
import type { AdminArea } from './export.ts'

const gzip = promisify(zlib.gzip)

export const TILE_LAYERS = ['base_grids', 'roads', 'addresses', 'components', 'events'] as const
export const MBTILES_MIN_ZOOM = 12
export const MBTILES_MAX_ZOOM = 16
/** Tiles one request may render; the CLI may raise it. */
export const MBTILES_MAX_TILES = 20_000

export interface MbtilesOptions { minZoom?: number; maxZoom?: number; maxTiles?: number }

/** Writes the MBTiles file; returns the tiles stored (empty tiles are left out). */
export async function buildMbtiles(app: AppContext, file: string, area: AdminArea, principal: Principal | null, o: MbtilesOptions = {}): Promise<number> {
  const minZoom = o.minZoom ?? MBTILES_MIN_ZOOM, maxZoom = o.maxZoom ?? MBTILES_MAX_ZOOM
  const layers = TILE_LAYERS.map((id) => app.catalogue.get(id)).filter((l): l is LayerDef => !!l && (!principal || mayReadLayer(l, principal)))
  const jurisdiction = Jurisdiction.of([area.code])
  const boxes = new Map<LayerDef, BBox[]>()
  for (const l of layers) boxes.set(l, await featureBoxes(app.knex, l, jurisdiction))
  let plan
  try {
    plan = planTiles(boxes, minZoom, maxZoom, o.maxTiles ?? MBTILES_MAX_TILES)
  } catch (err) {
    if (!(err instanceof PlanTooLarge)) throw err
    throw new AppError(413, 'too_many_tiles', `${area.name} (${area.code}) needs more than ${o.maxTiles ?? MBTILES_MAX_TILES} tiles at z${minZoom}-${maxZoom}: take a street or community offline instead`)
      .coded('offline.too_many_tiles', { area: area.code, limit: o.maxTiles ?? MBTILES_MAX_TILES })
  }
  if (principal) for (const l of layers) noteLayerRead(l)
  const tj = await tileJson(app.knex, layers, layers.map((l) => l.id).join(','), jurisdiction, '')
  const service = tileServiceOf(app)
  const encoder = await service.encoder()
  const db = new Database(file)
  try {
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.exec(`CREATE TABLE metadata (name TEXT, value TEXT);
      CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
      CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);`)
    const put = db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)')
    let stored = 0
    for (const t of plan) {
      const parts: Buffer[] = []
      for (const l of layers) if (tileKindAt(l, t.z)) parts.push(await service.render(l, t, jurisdiction.patterns, encoder))
      const raw = Buffer.concat(parts)
      if (!raw.length) continue
      // MBTiles rows count from the south (TMS)
      put.run(t.z, t.x, (1 << t.z) - 1 - t.y, await gzip(raw))
      stored++
    }
    const b = tj.bounds
    const meta: Record<string, string> = {
      name: `${area.name}离线矢量瓦片`, format: 'pbf', type: 'overlay', version: '1.0.0',
      description: `${area.name}（${area.code}）基础网格、道路、标准地址、城市部件、在办事件矢量瓦片（EPSG:3857 瓦片，属性与源数据为 EPSG:4490）`,
      attribution: tj.attribution, bounds: b.join(','), center: `${(b[0] + b[2]) / 2},${(b[1] + b[3]) / 2},${minZoom}`,
      minzoom: String(minZoom), maxzoom: String(maxZoom),
      json: JSON.stringify({ vector_layers: tj.vector_layers
        .map((v) => ({ ...v, minzoom: Math.max(v.minzoom, minZoom), maxzoom: Math.min(v.maxzoom, maxZoom) }))
        .filter((v) => v.minzoom <= v.maxzoom) }),
    }
    const m = db.prepare('INSERT INTO metadata VALUES (?, ?)')
    for (const [k, v] of Object.entries(meta)) m.run(k, v)
    return stored
  } finally {
    db.close()
  }
}
