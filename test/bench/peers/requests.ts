// The request lists of the peers bench: each row asks every server the same sequence of
// requests (only the path prefix, the type-name prefix and the sign-in differ). Sequences are
// functions of the request index so that every server gets request i = the same request i.
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { latToTileY, lonToTileX, type TileCoord } from '../../../tiles/tilemath.ts'

export type Extent = [number, number, number, number]

/** gridgov is asked as city-wide demo users over HTTP Basic (the WMS as 指挥中心, WFS as GIS 分析员). */
export const BASIC_COMMAND = `Basic ${Buffer.from('command:gridgov-demo').toString('base64')}`
export const BASIC_ANALYST = `Basic ${Buffer.from('analyst:gridgov-demo').toString('base64')}`

/** A district-sized view (about 4.4 km across) walked over the city for the uncached WMS. */
export const VIEW_DEG = 0.04
/** The layer the WMS rows draw (the 256² rows: the base grids). */
export const WMS_LAYER = 'base_grids'
/** The layers of the vector tile rows (one multi-layer tile). */
export const TILE_LAYERS = ['base_grids', 'components'] as const
export const TILE_ZOOM = 14
/** Features per WFS answer and the layer asked. */
export const WFS_COUNT = 1000
export const WFS_LAYER = 'components'

/** WMS 1.3.0 BBOX of view i of the walk (EPSG:4490 is lat,lon); step 0 for the repeated row. */
export function wmsBbox(extent: Extent, i: number, sizeDeg = VIEW_DEG): string {
  const [x0, y0, x1, y1] = extent
  // irrational steps: the walk never returns to a BBOX, so no request is an image-cache hit
  const fx = (i * 0.6180339887) % 1, fy = (i * 0.7548776662) % 1
  const minx = x0 + fx * (x1 - x0 - sizeDeg), miny = y0 + fy * (y1 - y0 - sizeDeg)
  return [miny, minx, miny + sizeDeg, minx + sizeDeg].map((v) => v.toFixed(6)).join(',')
}

/** A GetMap query string (same parameters for every server). */
export const getMapQuery = (layers: string, bbox: string) =>
  `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${layers}&STYLES=&CRS=EPSG:4490&BBOX=${bbox}` +
  '&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=FALSE'

/** The z14 tiles covering the city's extent, in row order. */
export function cityTiles(extent: Extent, z = TILE_ZOOM): TileCoord[] {
  const [x0, y0, x1, y1] = extent
  const out: TileCoord[] = []
  for (let y = Math.floor(latToTileY(y1, z)); y <= Math.floor(latToTileY(y0, z)); y++) {
    for (let x = Math.floor(lonToTileX(x0, z)); x <= Math.floor(lonToTileX(x1, z)); x++) out.push({ z, x, y })
  }
  return out
}

export const gridgovTilePath = (t: TileCoord) => `/tiles/${TILE_LAYERS.join(',')}/${t.z}/${t.x}/${t.y}.mvt`
export const mapserverTilePath = (t: TileCoord) =>
  `/?mode=tile&tilemode=gmap&tile=${t.x}+${t.y}+${t.z}&layers=${TILE_LAYERS.join('+')}&map.imagetype=mvt`

export type WfsFormat = 'geojson' | 'gml'

/**
 * GetFeature of WFS_COUNT components in id order, each server asked the way it gives that page:
 * gridgov without SORTBY (its order is the key, as its paging needs; an explicit `SORTBY=id ASC`
 * becomes `ORDER BY id ASC NULLS FIRST, id`, which no btree index serves: a parallel scan and a
 * sort of 100,000 rows, 134 ms against 1 ms), MapServer with SORTBY (an index scan), QGIS Server
 * without (it sorts in memory; its layer is in key order instead, qgis.ts). The equality checks
 * prove the pages equal. MapServer speaks WFS 2.0 like gridgov; QGIS Server 3.22 has WFS 1.1.0
 * only, so it answers GML 3.1.1 where the others answer GML 3.2.
 */
export function wfsPath(server: 'gridgov' | 'mapserver' | 'qgis', format: WfsFormat, count = WFS_COUNT): string {
  if (server === 'qgis') {
    const f = format === 'geojson' ? 'application/json' : encodeURIComponent('text/xml; subtype=gml/3.1.1')
    return `/?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=${WFS_LAYER}&MAXFEATURES=${count}&OUTPUTFORMAT=${f}`
  }
  const type = server === 'gridgov' ? `gridgov:${WFS_LAYER}` : WFS_LAYER
  const f = format === 'geojson' ? (server === 'gridgov' ? 'application/json' : 'geojson') : encodeURIComponent('application/gml+xml; version=3.2')
  const sort = server === 'mapserver' ? '&SORTBY=id%20ASC' : ''
  return `${server === 'gridgov' ? '/ogc/wfs' : '/'}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${type}&COUNT=${count}&OUTPUTFORMAT=${f}${sort}`
}

/**
 * The raw tile SQL a developer writes from the PostGIS manual for one layer of tile (z, x, y):
 * ST_TileEnvelope + ST_AsMVTGeom + ST_AsMVT, the bbox test in storage CRS so the index is used,
 * the same predicate and jurisdiction. z, x, y are SQL expressions (pgbench variables or literals).
 */
export function rawTileSql(layer: LayerDef, jurisdictionSql: string, z: string, x: string, y: string): string {
  // ISO 8601 as gridgov's tiles write it; the colons made with chr(58): pgbench would take `:MI` for a variable
  const iso = (sql: string) => `replace(to_char((${sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24#MI#SS"Z"'), '#', chr(58))`
  const attrs = layer.attributes.map((a) => `${a.type === 'datetime' ? iso(a.sql) : a.sql} AS "${a.name}"`)
  return `(SELECT ST_AsMVT(q, '${layer.id}', 4096, 'geom') FROM (SELECT ${attrs.join(', ')}, ` +
    `ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope(${z}, ${x}, ${y}), 4096, 64, true) AS geom ` +
    `FROM "${layer.table}" t WHERE (${layer.where}) AND (${jurisdictionSql}) ` +
    `AND t.geom && ST_Transform(ST_TileEnvelope(${z}, ${x}, ${y}, margin => 64.0 / 4096), 4490)) q WHERE q.geom IS NOT NULL)`
}
