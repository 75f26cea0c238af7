// WFS GetFeature (GeoJSON and GML 3.2): gridgov against MapServer 8 (Debian mapserver-bin) on the
// same tables. Data: the small demo city (1,000 components, 100 base grids) in a database of its
// own on the DATABASE_URL server (gridgov_bench_wfs), created and seeded on first use, kept after.
// * gridgov runs in a child process (boot + koa on a loopback port), as in production, and is
//   asked with HTTP Basic as the city-wide analyst (its jurisdiction predicate runs on every query);
// * MapServer runs as CGI — a fresh mapserv process per request, its standard deployment — behind
//   a tiny node:http wrapper, with a mapfile written here on the same tables and the same
//   jurisdiction predicate in its DATA subquery;
// * each pair answers the same request (same type, same COUNT, same output format); both answers
//   are fetched and their feature counts compared before anything is measured.
// Rounds alternate MapServer and gridgov; medians are compared. Without mapserv, the bench says
// so and skips the rows.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { fork, spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import knexFactory from 'knex'
import type { BenchResult, Measurement } from './harness.ts'

const BENCH_DB = 'gridgov_bench_wfs'
const MAPSERV = '/usr/bin/mapserv'
const ROUNDS = 3
const SECONDS = 8
const CONNECTIONS = 4
const BASIC = `Basic ${Buffer.from('analyst:gridgov-demo').toString('base64')}`

function benchUrl(): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('the WFS bench needs DATABASE_URL (a real PostGIS; MapServer reads the same tables)')
  const u = new URL(url)
  u.pathname = `/${BENCH_DB}`
  return u.toString()
}

async function prepareDatabase(): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL!, pool: { min: 0, max: 1 } })
  const exists = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [BENCH_DB])
  if (!exists.rows.length) await admin.raw('CREATE DATABASE ??', [BENCH_DB])
  await admin.destroy()
  const knex = knexFactory({ client: 'pg', connection: benchUrl(), pool: { min: 0, max: 2 } })
  try {
    const { migrate } = await import('../../server/db/migrate.ts')
    await migrate(knex)
    const row = await knex('component').count<{ n: number }[]>('* as n').first() as { n: number }
    if (Number(row.n) === 0) {
      process.stderr.write('bench wfs: loading the small demo city (once)…\n')
      const { generateCity } = await import('../../fixtures/generate.ts')
      const { loadCity } = await import('../../fixtures/load.ts')
      const { createDemoUsers } = await import('../../fixtures/users.ts')
      await loadCity(knex, generateCity({ scale: 'small' }))
      await createDemoUsers(knex)
      await knex.raw('ANALYZE')
    }
  } finally {
    await knex.destroy()
  }
}

/** Two layers with the catalogue's attributes and jurisdiction (city 9901) in the DATA subquery. */
function writeMapfile(dir: string): string {
  const u = new URL(benchUrl())
  const conn = `host=${u.hostname} port=${u.port || 5432} dbname=${BENCH_DB} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`
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
  const map = `MAP
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
  const mapfile = path.join(dir, 'bench.map')
  fs.writeFileSync(mapfile, map, { mode: 0o600 })
  const config = path.join(dir, 'mapserver.conf')
  fs.writeFileSync(config, `CONFIG\n  ENV\n    MS_MAPFILE "${mapfile}"\n  END\nEND\n`)
  return config
}

let activeCgi = 0

async function cgiDrained(): Promise<void> {
  while (activeCgi > 0) await new Promise((r) => setTimeout(r, 50))
}

/** mapserv as CGI behind node:http: one process per request, headers parsed from its output. */
function mapserverCgi(configFile: string): http.Server {
  return http.createServer((req, res) => {
    activeCgi++
    const child = spawn(MAPSERV, [], {
      env: { MAPSERVER_CONFIG_FILE: configFile, REQUEST_METHOD: 'GET', QUERY_STRING: (req.url ?? '').split('?')[1] ?? '', SERVER_NAME: '127.0.0.1', SCRIPT_NAME: '/' },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('close', () => {
      activeCgi--
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      const head = split < 0 ? '' : out.subarray(0, split).toString('latin1')
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream'
      const body = split < 0 ? out : out.subarray(split + 4)
      res.writeHead(body.includes('ExceptionReport') ? 500 : 200, { 'content-type': type })
      res.end(body)
    })
  })
}

async function load(url: string, headers: Record<string, string>): Promise<Measurement> {
  const r = await autocannon({ url, duration: SECONDS, connections: CONNECTIONS, headers, timeout: 60 })
  return { reqPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx }
}

const median = (ms: Measurement[]): Measurement => {
  const m = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return { reqPerSec: m(ms.map((x) => x.reqPerSec)), p50Ms: m(ms.map((x) => x.p50Ms)), p99Ms: m(ms.map((x) => x.p99Ms)), errors: ms.reduce((a, x) => a + x.errors, 0) }
}

/** Features in a GeoJSON or GML answer, to check that both sides return the same page. */
async function featureCount(url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { headers })
  const text = await res.text()
  if (!res.ok) throw new Error(`${url} → ${res.status}: ${text.slice(0, 300)}`)
  if (text.trimStart().startsWith('{')) return (JSON.parse(text) as { features: unknown[] }).features.length
  return (text.match(/<wfs:member>/g) ?? []).length
}

interface Case { name: string; type: string; count: number; format: string; msFormat: string }

async function compare(ms: string, gg: string, c: Case): Promise<BenchResult> {
  const common = `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&COUNT=${c.count}`
  const msUrl = `${ms}/?${common}&TYPENAMES=${c.type}&OUTPUTFORMAT=${encodeURIComponent(c.msFormat)}`
  const ggUrl = `${gg}/ogc/wfs?${common}&TYPENAMES=gridgov:${c.type}&OUTPUTFORMAT=${encodeURIComponent(c.format)}`
  const auth = { authorization: BASIC }
  const [msN, ggN] = [await featureCount(msUrl, {}), await featureCount(ggUrl, auth)]
  if (msN !== ggN) throw new Error(`${c.name}: MapServer returned ${msN} features, gridgov ${ggN}`)
  await load(msUrl, {}) // warm-up: page cache, plans, JIT, pools
  await cgiDrained()
  await load(ggUrl, auth)
  const b: Measurement[] = [], s: Measurement[] = []
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await load(msUrl, {}))
    await cgiDrained()
    s.push(await load(ggUrl, auth))
  }
  const [baseline, subject] = [median(b), median(s)]
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
  if (!fs.existsSync(MAPSERV)) {
    console.log('bench wfs: skipped — MapServer is not installed (apt-get install mapserver-bin); no baseline, no rows')
    return
  }
  await prepareDatabase()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-wfs-'))
  const ms = mapserverCgi(writeMapfile(dir))
  await new Promise<void>((r) => ms.listen(0, '127.0.0.1', r))
  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'], stdio: 'inherit', env: { ...process.env, GRIDGOV_WFS_BENCH_CHILD: benchUrl() },
  })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(m as number))
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
    })
    const msOrigin = `http://127.0.0.1:${(ms.address() as AddressInfo).port}`
    for (const c of cases) results.push(await compare(msOrigin, `http://127.0.0.1:${port}`, c))
  } finally {
    child.send('stop')
    await new Promise((r) => child.once('exit', r))
    ms.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Child process: the gridgov app over the bench database on a loopback port. */
async function serveChild(databaseUrl: string): Promise<void> {
  const { loadConfig } = await import('../../server/config.ts')
  const { boot, createLogger } = await import('../../server/boot.ts')
  const { createApp } = await import('../../server/app.ts')
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: databaseUrl }), logLevel: 'silent' as const, seedDemo: false }
  const { context, db } = await boot(config, createLogger(config))
  const server = http.createServer(createApp(context).callback())
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  process.send?.((server.address() as AddressInfo).port)
  process.on('message', async () => {
    server.close()
    await db.close()
    process.exit(0)
  })
}

if (process.env.GRIDGOV_WFS_BENCH_CHILD) await serveChild(process.env.GRIDGOV_WFS_BENCH_CHILD)
