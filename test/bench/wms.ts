// WMS GetMap 256×256 PNG: gridgov against MapServer 8 (Debian mapserver-bin) on the same table.
// Data: the city-scale bench database (3,000 base grids; support.ts benchDatabase).
// * gridgov runs in a child process (boot + koa on a loopback port), like production;
// * MapServer runs as CGI (mapserver.ts) with a mapfile written here on the same grid table;
// * uncached: every request asks a slightly different BBOX (a walk over the city), so gridgov's
//   image cache never hits; repeated: one fixed request (gridgov's cache hits, MapServer has none).
// Both sides get the same request sequence; rounds alternate, medians are compared.
// When mapserv is not installed the bench says so and skips both rows.
import os from 'node:os'
import type { Knex } from 'knex'
import { load, type BenchResult, type Measurement } from './harness.ts'
import { benchDatabase, startAppChild } from './support.ts'
import { mapserverInstalled, pgConnection, startMapServer, versusMapServer, type MapServer } from './mapserver.ts'

const ROUNDS = 3
const SECONDS = 10
const CONNECTIONS = 4
/** A district-sized view (about 4 km × 4 km) that the walk moves over the city. */
const VIEW_DEG = 0.04
const BASIC = `Basic ${Buffer.from('command:gridgov-demo').toString('base64')}`

type Extent = [number, number, number, number]

/** The mapfile: the base grids with the catalogue's colours, PostGIS connection to the bench DB. */
function mapfile(databaseUrl: string, extent: Extent): string {
  const lonlat = '"+proj=longlat +ellps=GRS80 +no_defs"'
  return `MAP
  NAME "gridgov_bench"
  EXTENT ${extent.join(' ')}
  SIZE 256 256
  UNITS DD
  PROJECTION ${lonlat} END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" END
  WEB METADATA "wms_enable_request" "*" "wms_srs" "EPSG:4326 EPSG:4490 EPSG:3857" "wms_title" "bench" "wms_onlineresource" "http://127.0.0.1/?" END END
  LAYER
    NAME "base_grids"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "${pgConnection(databaseUrl)}"
    DATA "geom FROM (SELECT code, geom FROM grid WHERE kind = 'base' AND valid_to IS NULL) AS t USING UNIQUE code USING SRID=4490"
    PROJECTION ${lonlat} END
    CLASS STYLE COLOR 221 239 237 OUTLINECOLOR 42 157 143 WIDTH 1.2 END END
    METADATA "wms_title" "base_grids" END
  END
END
`
}

/** GetMap paths: a walk of small steps over the city (uncached) or one fixed request. */
function getMapPaths(extent: Extent, walk: boolean): () => string {
  let i = 0
  const [x0, y0, x1, y1] = extent
  return () => {
    const step = walk ? i++ : 0
    // irrational steps: the walk never returns to a BBOX, so no request is an image-cache hit
    const fx = ((step * 0.6180339887) % 1), fy = ((step * 0.7548776662) % 1)
    const minx = x0 + fx * (x1 - x0 - VIEW_DEG), miny = y0 + fy * (y1 - y0 - VIEW_DEG)
    // WMS 1.3.0, EPSG:4326: the BBOX is lat,lon
    const bbox = [miny, minx, miny + VIEW_DEG, minx + VIEW_DEG].map((v) => v.toFixed(6)).join(',')
    return `/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&STYLES=&CRS=EPSG:4326&BBOX=${bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png`
  }
}

async function gridExtent(knex: Knex): Promise<Extent> {
  const { rows } = await knex.raw("SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM grid WHERE kind = 'base' AND valid_to IS NULL) s")
  return [Number(rows[0].x0), Number(rows[0].y0), Number(rows[0].x1), Number(rows[0].y1)]
}

/** A load whose every request takes the next path of the sequence. */
const walkLoad = (origin: string, prefix: string, nextPath: () => string, headers: Record<string, string>) =>
  load(origin, SECONDS, CONNECTIONS, { headers, timeout: 60, requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}${nextPath()}` }) }] })

function compare(ms: MapServer, gridgov: string, extent: Extent, walk: boolean) {
  const msPaths = getMapPaths(extent, walk), ggPaths = getMapPaths(extent, walk)
  return versusMapServer(ms, ROUNDS, () => walkLoad(ms.origin, '', msPaths, {}),
    () => walkLoad(gridgov, '/ogc/wms', ggPaths, { authorization: BASIC }))
}

function row(name: string, target: number, m: { baseline: Measurement; subject: Measurement }, note: string): BenchResult {
  const ratio = m.subject.reqPerSec / m.baseline.reqPerSec
  return {
    name, baseline: 'MapServer 8 CGI, same table', subject: 'gridgov /ogc/wms', metric: 'req/s',
    baselineValue: m.baseline.reqPerSec, subjectValue: m.subject.reqPerSec, ratio, target: `≥ ${target}×`,
    met: ratio >= target && m.subject.errors === 0,
    // the machine's load is part of the result: CGI start-up suffers most from a busy CPU
    note: `${note}; p50 ${m.baseline.p50Ms} ms vs ${m.subject.p50Ms} ms; errors ${m.baseline.errors} vs ${m.subject.errors}; ` +
      `${CONNECTIONS} connections; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
  }
}

export async function benchWms(results: BenchResult[]): Promise<void> {
  if (!mapserverInstalled('wms')) return
  const { knex, url } = await benchDatabase('wms')
  const extent = await gridExtent(knex).finally(() => knex.destroy())
  const ms = await startMapServer(mapfile(url, extent), (type) => type.startsWith('image/'))
  try {
    const app = await startAppChild(url)
    try {
      results.push(row('WMS GetMap 256² PNG, uncached', 0.5, await compare(ms, app.origin, extent, true), 'a different BBOX every request, 3,000 base grids'))
      results.push(row('WMS GetMap 256² PNG, repeated', 5, await compare(ms, app.origin, extent, false), 'one fixed request: gridgov image cache vs MapServer rendering again'))
    } finally {
      await app.stop()
    }
  } finally {
    await ms.stop()
  }
}
