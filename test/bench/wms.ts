// WMS GetMap 256×256 PNG: gridgov against MapServer 8 (Debian mapserver-bin) on the same table.
// Data: the city-scale demo data (3,000 base grids) in a database of its own on the DATABASE_URL
// server (gridgov_bench_wms), created and seeded on first use and kept for later runs.
// * gridgov runs in a child process (boot + koa on a loopback port), like production;
// * MapServer runs as CGI — a fresh mapserv process per request, its standard deployment — behind
//   a tiny node:http wrapper, with a mapfile written here pointing at the same grid table;
// * uncached: every request asks a slightly different BBOX (a walk over the city), so gridgov's
//   image cache never hits; repeated: one fixed request (gridgov's cache hits, MapServer has none).
// Both sides get the same request sequence; rounds alternate, medians are compared.
// When mapserv is not installed the bench says so and skips both rows.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { fork, spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import knexFactory from 'knex'
import type { BenchResult, Measurement } from './harness.ts'

const BENCH_DB = 'gridgov_bench_wms'
const MAPSERV = '/usr/bin/mapserv'
const ROUNDS = 3
const SECONDS = 10
const CONNECTIONS = 4
/** A district-sized view (about 4 km × 4 km) that the walk moves over the city. */
const VIEW_DEG = 0.04
const BASIC = `Basic ${Buffer.from('command:gridgov-demo').toString('base64')}`

function benchUrl(): string {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('the WMS bench needs DATABASE_URL (a real PostGIS; MapServer reads the same tables)')
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
    const row = await knex('grid').where({ kind: 'base' }).count<{ n: number }[]>('* as n').first() as { n: number }
    if (Number(row.n) < 3000) {
      process.stderr.write('bench wms: loading the city-scale demo data (once)…\n')
      const { generateCity } = await import('../../fixtures/generate.ts')
      const { loadCity } = await import('../../fixtures/load.ts')
      await loadCity(knex, generateCity({ scale: 'city' }))
      await knex.raw('ANALYZE')
    }
    const users = await knex('app_user').where({ username: 'command' }).first()
    if (!users) {
      const { createDemoUsers } = await import('../../fixtures/users.ts')
      await createDemoUsers(knex)
    }
  } finally {
    await knex.destroy()
  }
}

async function cityExtent(): Promise<[number, number, number, number]> {
  const knex = knexFactory({ client: 'pg', connection: benchUrl(), pool: { min: 0, max: 1 } })
  try {
    const { rows } = await knex.raw("SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM grid WHERE kind = 'base' AND valid_to IS NULL) s")
    return [Number(rows[0].x0), Number(rows[0].y0), Number(rows[0].x1), Number(rows[0].y1)]
  } finally {
    await knex.destroy()
  }
}

/** The mapfile: the base grids with the catalogue's colours, PostGIS connection to the bench DB. */
function writeMapfile(dir: string, extent: number[]): string {
  const u = new URL(benchUrl())
  const conn = `host=${u.hostname} port=${u.port || 5432} dbname=${BENCH_DB} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`
  const lonlat = '"+proj=longlat +ellps=GRS80 +no_defs"'
  const map = `MAP
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
    CONNECTION "${conn}"
    DATA "geom FROM (SELECT code, geom FROM grid WHERE kind = 'base' AND valid_to IS NULL) AS t USING UNIQUE code USING SRID=4490"
    PROJECTION ${lonlat} END
    CLASS STYLE COLOR 221 239 237 OUTLINECOLOR 42 157 143 WIDTH 1.2 END END
    METADATA "wms_title" "base_grids" END
  END
END
`
  const mapfile = path.join(dir, 'bench.map')
  fs.writeFileSync(mapfile, map, { mode: 0o600 })
  const config = path.join(dir, 'mapserver.conf')
  fs.writeFileSync(config, `CONFIG\n  ENV\n    MS_MAPFILE "${mapfile}"\n  END\nEND\n`)
  return config
}

let activeCgi = 0

/** Waits until no mapserv is running, so a MapServer round's stragglers never slow the next round. */
async function cgiDrained(): Promise<void> {
  while (activeCgi > 0) await new Promise((r) => setTimeout(r, 50))
}

/** mapserv as CGI behind node:http: one process per request, headers parsed from its output. */
function mapserverCgi(configFile: string): http.Server {
  return http.createServer((req, res) => {
    activeCgi++
    const query = (req.url ?? '').split('?')[1] ?? ''
    const child = spawn(MAPSERV, [], {
      env: { MAPSERVER_CONFIG_FILE: configFile, REQUEST_METHOD: 'GET', QUERY_STRING: query, SERVER_NAME: '127.0.0.1', SCRIPT_NAME: '/' },
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
      res.writeHead(type.startsWith('image/') ? 200 : 500, { 'content-type': type })
      res.end(split < 0 ? out : out.subarray(split + 4))
    })
  })
}

/** GetMap paths: a walk of small steps over the city (uncached) or one fixed request. */
function getMapPaths(extent: number[], walk: boolean): () => string {
  let i = 0
  const [x0, y0, x1, y1] = extent as [number, number, number, number]
  return () => {
    const step = walk ? i++ : 0
    const fx = ((step * 0.37) % 1), fy = ((step * 0.61) % 1)
    const minx = x0 + fx * (x1 - x0 - VIEW_DEG), miny = y0 + fy * (y1 - y0 - VIEW_DEG)
    // WMS 1.3.0, EPSG:4326: the BBOX is lat,lon
    const bbox = [miny, minx, miny + VIEW_DEG, minx + VIEW_DEG].map((v) => v.toFixed(6)).join(',')
    return `/?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&STYLES=&CRS=EPSG:4326&BBOX=${bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png`
  }
}

async function load(origin: string, prefix: string, nextPath: () => string, headers: Record<string, string>): Promise<Measurement> {
  const r = await autocannon({
    url: origin, duration: SECONDS, connections: CONNECTIONS, headers, timeout: 60,
    requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}${nextPath()}` }) }],
  })
  return { reqPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx }
}

const median = (ms: Measurement[]): Measurement => {
  const m = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return { reqPerSec: m(ms.map((x) => x.reqPerSec)), p50Ms: m(ms.map((x) => x.p50Ms)), p99Ms: m(ms.map((x) => x.p99Ms)), errors: ms.reduce((a, x) => a + x.errors, 0) }
}

interface Sides { mapserver: string; gridgov: string }

async function compare(sides: Sides, extent: number[], walk: boolean): Promise<{ baseline: Measurement; subject: Measurement }> {
  const msPaths = getMapPaths(extent, walk), ggPaths = getMapPaths(extent, walk)
  await load(sides.mapserver, '', msPaths, {}) // warm-up: page cache, plans, JIT, pools
  await cgiDrained()
  await load(sides.gridgov, '/ogc/wms', ggPaths, { authorization: BASIC })
  const b: Measurement[] = [], s: Measurement[] = []
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await load(sides.mapserver, '', msPaths, {}))
    await cgiDrained()
    s.push(await load(sides.gridgov, '/ogc/wms', ggPaths, { authorization: BASIC }))
  }
  return { baseline: median(b), subject: median(s) }
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
  if (!fs.existsSync(MAPSERV)) {
    console.log('bench wms: skipped — MapServer is not installed (apt-get install mapserver-bin); no baseline, no rows')
    return
  }
  await prepareDatabase()
  const extent = await cityExtent()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-wms-'))
  const ms = mapserverCgi(writeMapfile(dir, extent))
  await new Promise<void>((r) => ms.listen(0, '127.0.0.1', r))
  const child = fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'], stdio: 'inherit', env: { ...process.env, GRIDGOV_WMS_BENCH_CHILD: benchUrl() },
  })
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(m as number))
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
    })
    const sides = { mapserver: `http://127.0.0.1:${(ms.address() as AddressInfo).port}`, gridgov: `http://127.0.0.1:${port}` }
    results.push(row('WMS GetMap 256² PNG, uncached', 0.5, await compare(sides, extent, true), 'a different BBOX every request, 3,000 base grids'))
    results.push(row('WMS GetMap 256² PNG, repeated', 5, await compare(sides, extent, false), 'one fixed request: gridgov image cache vs MapServer rendering again'))
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

if (process.env.GRIDGOV_WMS_BENCH_CHILD) await serveChild(process.env.GRIDGOV_WMS_BENCH_CHILD)
