// WFS GetFeature (GeoJSON and GML 3.2): gridgov against MapServer 8 (Debian mapserver-bin) on the
// same tables. Data: the small-scale bench database (1,000 components, 100 base grids; support.ts
// benchDatabase).
// * gridgov runs in a child process (boot + koa on a loopback port), as in production, and is
//   asked with HTTP Basic as the city-wide analyst (its jurisdiction predicate runs on every query);
// * MapServer runs as CGI (mapserver.ts) with a mapfile written here on the same tables and the
//   same jurisdiction predicate in its DATA subquery;
// * each pair answers the same request (same type, same COUNT, same output format); both answers
//   are fetched and their feature counts compared before anything is measured.
// Rounds alternate MapServer and gridgov; medians are compared. Without mapserv, the bench says
// so and skips the rows.
import { load, type BenchResult } from './harness.ts'
import { benchDatabase, startAppChild } from './support.ts'
import { mapserverInstalled, pgConnection, startMapServer, versusMapServer, type MapServer } from './mapserver.ts'

const ROUNDS = 3
const SECONDS = 8
const CONNECTIONS = 4
const BASIC = `Basic ${Buffer.from('analyst:gridgov-demo').toString('base64')}`

/** Two layers with the catalogue's attributes and jurisdiction (city 9901) in the DATA subquery. */
function mapfile(databaseUrl: string): string {
  const conn = pgConnection(databaseUrl)
  const lonlat = '"init=epsg:4490"'
  const layer = (name: string, type: string, key: string, select: string) => `
  LAYER
    NAME "${name}"
    TYPE ${type}
    STATUS ON
    CONNECTIONTYPE POSTGIS
    CONNECTION "${conn}"
    DATA "geom FROM (${select}) AS t USING UNIQUE ${key} USING SRID=4490"
    PROJECTION ${lonlat} END
    METADATA "wfs_title" "${name}" "gml_include_items" "all" "gml_featureid" "${key}" "gml_geometries" "geom" "wfs_enable_request" "*" END
  END`
  return `MAP
  NAME "gridgov_bench_wfs"
  EXTENT 115 35 117 38
  PROJECTION ${lonlat} END
  OUTPUTFORMAT NAME "geojson" DRIVER "OGR/GEOJSON" MIMETYPE "application/json" FORMATOPTION "STORAGE=stream" FORMATOPTION "FORM=SIMPLE" END
  WEB METADATA "wfs_enable_request" "*" "wfs_srs" "EPSG:4490 EPSG:4326" "wfs_title" "bench" "wfs_onlineresource" "http://127.0.0.1/?"
    "wfs_getfeature_formatlist" "geojson" "wfs_maxfeatures" "10000" END END
  ${layer('components', 'POINT', 'id', "SELECT id, class_code, name, state, grid_code, community_code, geom FROM component WHERE community_code LIKE '9901%'")}
  ${layer('base_grids', 'POLYGON', 'code', "SELECT code, name, version, community_code, households, population, valid_from, geom FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE '9901%'")}
END
`
}

const wfsLoad = (url: string, headers: Record<string, string>) => load(url, SECONDS, CONNECTIONS, { headers, timeout: 60 })

/** Features in a GeoJSON or GML answer, to check that both sides return the same page. */
async function featureCount(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers })
  const text = await res.text()
  if (!res.ok) throw new Error(`${url} → ${res.status}: ${text.slice(0, 300)}`)
  if (text.trimStart().startsWith('{')) return (JSON.parse(text) as { features: unknown[] }).features.length
  return (text.match(/<wfs:member>/g) ?? []).length
}

interface Case { name: string; type: string; count: number; format: string; msFormat: string }

async function compare(ms: MapServer, gg: string, c: Case): Promise<BenchResult> {
  const common = `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&COUNT=${c.count}`
  const msUrl = `${ms.origin}/?${common}&TYPENAMES=${c.type}&OUTPUTFORMAT=${encodeURIComponent(c.msFormat)}`
  const ggUrl = `${gg}/ogc/wfs?${common}&TYPENAMES=gridgov:${c.type}&OUTPUTFORMAT=${encodeURIComponent(c.format)}`
  const auth = { authorization: BASIC }
  const [msN, ggN] = [await featureCount(msUrl, {}), await featureCount(ggUrl, auth)]
  if (msN !== ggN) throw new Error(`${c.name}: MapServer returned ${msN} features, gridgov ${ggN}`)
  const { baseline, subject } = await versusMapServer(ms, ROUNDS, () => wfsLoad(msUrl, {}), () => wfsLoad(ggUrl, auth))
  const ratio = subject.reqPerSec / baseline.reqPerSec
  return {
    name: c.name, baseline: 'MapServer 8 CGI, same tables', subject: 'gridgov /ogc/wfs', metric: 'req/s',
    baselineValue: baseline.reqPerSec, subjectValue: subject.reqPerSec, ratio, target: '≥ 1×', met: ratio >= 1 && subject.errors === 0,
    note: `${ggN} features per answer on both sides; p50 ${baseline.p50Ms} ms vs ${subject.p50Ms} ms; errors ${baseline.errors} vs ${subject.errors}; ` +
      `${CONNECTIONS} connections; MapServer run as CGI (mapserv spawned per request by a node:http wrapper)`,
  }
}

const cases: Case[] = [
  { name: 'WFS GetFeature 1000 points, GeoJSON', type: 'components', count: 1000, format: 'application/json', msFormat: 'geojson' },
  { name: 'WFS GetFeature 1000 points, GML 3.2', type: 'components', count: 1000, format: 'application/gml+xml; version=3.2', msFormat: 'application/gml+xml; version=3.2' },
  { name: 'WFS GetFeature 100 polygons, GeoJSON', type: 'base_grids', count: 100, format: 'application/json', msFormat: 'geojson' },
]

export async function benchWfs(results: BenchResult[]): Promise<void> {
  if (!mapserverInstalled('wfs')) return
  const { knex, url } = await benchDatabase('wfs', { scale: 'small' })
  await knex.destroy()
  const ms = await startMapServer(mapfile(url), (_type, body) => !body.includes('ExceptionReport'))
  try {
    const app = await startAppChild(url)
    try {
      for (const c of cases) results.push(await compare(ms, app.origin, c))
    } finally {
      await app.stop()
    }
  } finally {
    await ms.stop()
  }
}
