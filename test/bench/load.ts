// `npm run bench load`: mixed traffic at 100 clients (issue 13 item 7) against one gridgov instance
// and against two instances behind nginx (item 9), in interleaved rounds over the same database.
// The mix: vector tiles at random z12-z16 inside the city, WFS GetFeature, event lists and items,
// event intake (with an Idempotency-Key), position batches, and 10 stream clients connected
// throughout. Prints throughput, p50/p99 and errors per kind; the ratio two ÷ one (target ≥ 1.7×,
// reference/performance.md) and 0 errors. Any failed request fails the bench (after the table).
//
// Both set-ups go through nginx (one upstream, or two), so the ratio is the scaling, not the cost
// of the proxy. Instances are `server/main.ts` (every background loop running, as in production).
// The database: DATABASE_URL itself when it names a bench database (gridgov_bench…, e.g. the
// city-scale one), else a throwaway small demo city on that server (test/support/db.ts), or
// LOAD_DATABASE_URL (any prepared database). The bench adds events and positions to a kept one. LOAD_SECONDS (per set-up, default 60), LOAD_ROUNDS (default 2), LOAD_CLIENTS
// (default 100); LOAD_SHORT=1 checks the bench itself in seconds.
import crypto from 'node:crypto'
import http from 'node:http'
import knexFactory, { type Knex } from 'knex'
import type { BenchResult } from './harness.ts'
import { closeTestDatabase, getTestDatabase } from '../support/db.ts'
import { freePort, startNginx, type RunningNginx } from '../../server/cli/cluster/nginx.ts'
import { startInstance, type Instance } from '../../server/cli/cluster/instance.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

const short = process.env.LOAD_SHORT === '1'
const SECONDS = Number(process.env.LOAD_SECONDS ?? (short ? 4 : 60))
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? (short ? 1 : 2))
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? (short ? 20 : 100))
const STREAMS = 10
const KINDS = ['tile', 'wfs', 'event list', 'event item', 'intake', 'positions'] as const
type Kind = (typeof KINDS)[number]
const WEIGHTS: Record<Kind, number> = { tile: 35, wfs: 10, 'event list': 15, 'event item': 15, intake: 10, positions: 15 }

interface Fixture { auth: string; bbox: [number, number, number, number]; points: [number, number][]; numbers: string[]; devices: string[] }
interface Tally { latencies: number[]; errors: number; lastError?: string }
type Tallies = Record<Kind | 'stream', Tally>

export async function benchLoad(results: BenchResult[]): Promise<void> {
  const { url, close } = await database()
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } })
  const authSecret = crypto.randomBytes(32).toString('hex')
  const instances: Instance[] = []
  const proxies: RunningNginx[] = []
  try {
    for (const name of ['a', 'b']) instances.push(await startInstance({ name, port: await freePort(), databaseUrl: url, authSecret, errorsOnly: true }))
    const [a, b] = instances as [Instance, Instance]
    proxies.push(await startNginx({ upstreams: [`127.0.0.1:${a.port}`], port: await freePort() }))
    proxies.push(await startNginx({ upstreams: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`], port: await freePort() }))
    const fixture = await prepare(knex, proxies[1]!.origin)
    const setups = [{ name: 'one instance', origin: proxies[0]!.origin }, { name: 'two instances', origin: proxies[1]!.origin }]
    const totals = setups.map(() => ({ requests: 0, seconds: 0, tallies: emptyTallies() }))
    // warm-up: JIT, pools and caches of both set-ups
    for (const s of setups) await round(s.origin, fixture, 2, Math.min(CLIENTS, 20), emptyTallies())
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, s] of setups.entries()) {
        const seconds = SECONDS / ROUNDS
        const n = await round(s.origin, fixture, seconds, CLIENTS, totals[i]!.tallies)
        totals[i]!.requests += n
        totals[i]!.seconds += seconds
        process.stderr.write(`bench load: round ${r + 1} ${s.name}: ${Math.round(n / seconds)} req/s\n`)
      }
    }
    const rates = totals.map((t) => t.requests / t.seconds)
    for (const [i, s] of setups.entries()) printKinds(`${s.name} behind nginx: ${Math.round(rates[i]!)} req/s at ${CLIENTS} clients`, totals[i]!.tallies)
    const errors = totals.reduce((n, t) => n + Object.values(t.tallies).reduce((m, x) => m + x.errors, 0), 0)
    const ratio = rates[1]! / rates[0]!
    results.push({
      name: `mixed load, ${CLIENTS} clients + ${STREAMS} streams`, baseline: 'one instance behind nginx', subject: 'two instances behind nginx',
      metric: 'req/s', baselineValue: rates[0]!, subjectValue: rates[1]!, ratio, target: '≥ 1.7×, 0 errors', met: ratio >= 1.7 && errors === 0,
      note: `${SECONDS} s per set-up in ${ROUNDS} interleaved rounds; ${errors} errors; PostgreSQL, nginx, both instances and the clients share this machine's cores`,
    })
    if (errors > 0) {
      const why = totals.flatMap((t) => Object.entries(t.tallies).filter(([, x]) => x.errors).map(([k, x]) => `${k}: ${x.errors} (${x.lastError})`))
      throw new Error(`bench load: ${errors} requests failed — ${why.join('; ')}`)
    }
  } catch (err) {
    // a 500's cause is in its instance's log
    for (const i of instances) for (const l of i.logs.slice(-5)) process.stderr.write(`instance ${i.name}: ${JSON.stringify(l).slice(0, 2000)}\n`)
    throw err
  } finally {
    for (const p of proxies) await p.stop()
    for (const i of instances) await i.stop()
    await knex.destroy()
    await close()
  }
}

async function database(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.LOAD_DATABASE_URL) return { url: process.env.LOAD_DATABASE_URL, close: async () => undefined }
  if (!process.env.DATABASE_URL) throw new Error('the load bench needs DATABASE_URL (a real PostGIS server)')
  // DATABASE_URL naming a bench database (gridgov_bench…, prepared by the other benches): that one
  if (new URL(process.env.DATABASE_URL).pathname.slice(1).startsWith('gridgov_bench')) return { url: process.env.DATABASE_URL, close: async () => undefined }
  const { config } = await getTestDatabase()
  return { url: config.databaseUrl!, close: closeTestDatabase }
}

/** Sign-in, the city's extent, points to report at, existing event numbers and registered devices. */
async function prepare(knex: Knex, origin: string): Promise<Fixture> {
  const login = await send(origin, 'POST', '/api/v1/auth/login', {}, { username: 'command', password: DEMO_PASSWORD })
  if (login.status !== 200) throw new Error(`bench load: login ${login.status} ${login.body}`)
  const auth = `Bearer ${(JSON.parse(login.body) as { token: string }).token}`
  const { rows: [e] } = await knex.raw(`SELECT ST_XMin(x) AS x0, ST_YMin(x) AS y0, ST_XMax(x) AS x1, ST_YMax(x) AS y1
    FROM (SELECT ST_Extent(geom) AS x FROM grid WHERE kind = 'base' AND valid_to IS NULL) s`) as { rows: Record<string, number>[] }
  const { rows: pts } = await knex.raw(`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
    WHERE kind = 'base' AND valid_to IS NULL ORDER BY code LIMIT 200) s`) as { rows: { x: number; y: number }[] }
  const fixture: Fixture = { auth, bbox: [e!.x0!, e!.y0!, e!.x1!, e!.y1!], points: pts.map((p) => [p.x, p.y]), numbers: [], devices: [] }
  for (let i = 0; i < 20; i++) {
    const r = await intake(origin, fixture)
    if (r.status !== 201) throw new Error(`bench load: seeding an event: ${r.status} ${r.body}`)
    fixture.numbers.push((JSON.parse(r.body) as { event: { number: string } }).event.number)
  }
  for (let i = 0; i < 20; i++) {
    const r = await send(origin, 'POST', '/api/v1/devices', { authorization: auth },
      { identifier: `load-${Date.now().toString(36)}-${i}`, kind: 'phone', name: '压测终端', adminCode: '990102001001' })
    if (r.status !== 201) throw new Error(`bench load: registering a device: ${r.status} ${r.body}`)
    fixture.devices.push((JSON.parse(r.body) as { token: string }).token)
  }
  return fixture
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!
let serial = 0

function intake(origin: string, f: Fixture) {
  const [x, y] = pick(f.points)
  const id = `${process.pid}-${Date.now().toString(36)}-${++serial}`
  return send(origin, 'POST', '/api/v1/events', { authorization: f.auth, 'idempotency-key': `load-${id}` }, {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `压测事件 ${id}`, location: { x, y },
  })
}

/** One request of a kind; the answer's status. */
function request(kind: Kind, origin: string, f: Fixture) {
  const auth = { authorization: f.auth }
  switch (kind) {
    case 'tile': {
      const z = 12 + Math.floor(Math.random() * 5)
      const lon = f.bbox[0] + Math.random() * (f.bbox[2] - f.bbox[0])
      const lat = f.bbox[1] + Math.random() * (f.bbox[3] - f.bbox[1])
      const n = 2 ** z
      const tx = Math.floor(((lon + 180) / 360) * n)
      const r = (lat * Math.PI) / 180
      const ty = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)
      return send(origin, 'GET', `/tiles/${pick(['events', 'base_grids', 'components'])}/${z}/${tx}/${ty}.mvt`, auth)
    }
    case 'wfs': {
      const [x0, y0, x1, y1] = f.bbox
      const cx = x0 + Math.random() * (x1 - x0), cy = y0 + Math.random() * (y1 - y0)
      const bbox = [cy - 0.01, cx - 0.01, cy + 0.01, cx + 0.01].map((v) => v.toFixed(6)).join(',')
      return send(origin, 'GET', `/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:${pick(['components', 'base_grids'])}&COUNT=100&OUTPUTFORMAT=application/json&BBOX=${bbox},urn:ogc:def:crs:EPSG::4490`, auth)
    }
    case 'event list': return send(origin, 'GET', '/api/v1/events?limit=20', auth)
    case 'event item': return send(origin, 'GET', `/api/v1/events/${pick(f.numbers)}`, auth)
    case 'intake': return intake(origin, f)
    case 'positions': {
      const [x, y] = pick(f.points)
      const t = Date.now()
      const positions = [0, 1, 2].map((k) => ({ lon: x + k * 1e-4, lat: y, time: new Date(t - (2 - k) * 1000).toISOString(), accuracy: 5 }))
      return send(origin, 'POST', '/api/v1/positions', { 'x-device-token': pick(f.devices) }, { positions })
    }
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 })

/** One HTTP request on a keep-alive agent, with a timeout (a hang counts as an error). */
function send(origin: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(origin + path, {
      method, agent, timeout: 60_000,
      headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timed out after 60 s')))
    req.on('error', reject)
    req.end(payload)
  })
}

function weightedKind(): Kind {
  let r = Math.random() * KINDS.reduce((s, k) => s + WEIGHTS[k], 0)
  for (const k of KINDS) if ((r -= WEIGHTS[k]) < 0) return k
  return 'tile'
}

/** `clients` clients for `seconds` plus the stream clients; completed requests. */
async function round(origin: string, f: Fixture, seconds: number, clients: number, tallies: Tallies): Promise<number> {
  const streams = await Promise.all(Array.from({ length: STREAMS }, () => openStream(origin, f.auth, tallies.stream)))
  const end = Date.now() + seconds * 1000
  let done = 0
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const kind = weightedKind()
      const t0 = performance.now()
      try {
        const r = await request(kind, origin, f)
        // 204: a tile with nothing in it; everything else must be a success
        if (r.status >= 200 && r.status < 300) tallies[kind].latencies.push(performance.now() - t0)
        else fail(tallies[kind], `${r.status} ${r.body.slice(0, 200)}`)
      } catch (err) {
        fail(tallies[kind], String(err))
      }
      done++
    }
  }))
  for (const s of streams) s.close()
  return done
}

function fail(t: Tally, why: string): void {
  t.errors++
  t.lastError = why
}

/** A stream client; an error or an early end counts against the stream. */
function openStream(origin: string, auth: string, tally: Tally): Promise<{ close(): void }> {
  return new Promise((resolve) => {
    let closing = false
    const t0 = performance.now()
    const req = http.get(`${origin}/api/v1/stream`, { headers: { authorization: auth } }, (res) => {
      if (res.statusCode !== 200) fail(tally, `stream ${res.statusCode}`)
      else tally.latencies.push(performance.now() - t0)
      res.on('data', () => undefined)
      res.on('error', () => undefined)
      res.on('end', () => { if (!closing) fail(tally, 'stream ended early') })
      resolve({ close: () => { closing = true; req.destroy() } })
    })
    req.on('error', (err) => {
      if (closing) return
      fail(tally, `stream: ${String(err)}`)
      resolve({ close: () => undefined })
    })
  })
}

const emptyTallies = (): Tallies => Object.fromEntries([...KINDS, 'stream'].map((k) => [k, { latencies: [], errors: 0 }])) as unknown as Tallies

function printKinds(title: string, tallies: Tallies): void {
  const q = (xs: number[], p: number) => xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1) : '-'
  console.log(`\n${title}`)
  console.log('| kind | requests | p50 ms | p99 ms | errors |')
  console.log('|---|---|---|---|---|')
  for (const [k, t] of Object.entries(tallies)) {
    console.log(`| ${k === 'stream' ? 'stream (connect)' : k} | ${t.latencies.length + t.errors} | ${q(t.latencies, 0.5)} | ${q(t.latencies, 0.99)} | ${t.errors} |`)
  }
}
