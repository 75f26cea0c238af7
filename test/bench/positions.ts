// Bench: position ingest with fence checks and live update, against the naive way (one
// ST_Intersects query per position, Traccar's per-fix geofence test, over a prepared statement on
// the same server, as many clients as our gateways), for 1,000 devices in a throwaway copy of the
// small demo city with a fence on every base grid and a circle in every community. Both see the
// same fixes, tick by tick; the alerts they raise are compared (enter/exit per device and
// fence). For scale, the storage floor: a plain multi-row INSERT of the same fixes, nothing else.
// Also: single fixes over the OsmAnd path at 32 clients, and a province's sustained load
// (positionsLoad.ts) with the lag from a fix to its alert.
import http from 'node:http'
import type { Knex } from 'knex'
import pg from 'pg'
import { createApp } from '../../server/app.ts'
import { closeTestDatabase, getTestContext, getTestDatabase } from '../support/db.ts'
import { benchProvinceLoad } from './positionsLoad.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { listenLoopback, median, pooled, timed } from './support.ts'

const DEVICES = 1000
const TICKS = 12
const ROUNDS = 3
const GATEWAYS = 4
const BASELINE_CLIENTS = GATEWAYS
const STEP_M = 15

interface Walker { id: string; lon: number; lat: number; heading: number; t: number }
type Tick = { deviceId: string; lon: number; lat: number; time: string; accuracy: number }[]

let seed = 20261203
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)

async function setUp(knex: Knex): Promise<Walker[]> {
  await knex.raw(`INSERT INTO device (identifier, city_code, kind, name, admin_code, member_id)
    SELECT 'bench-' || lpad(i::text, 5, '0'), '990100', 'phone', '压测终端', c.code, NULL
    FROM generate_series(1, ?) i
    JOIN LATERAL (SELECT code FROM admin_division WHERE level = 'community' ORDER BY code OFFSET (i % 10) LIMIT 1) c ON true
    ON CONFLICT (identifier) DO NOTHING`, [DEVICES])
  // a fence on every base grid and a circle in every community, each watching every device of the
  // district (as the per-fix query tests every fence: the two see the same fences)
  await knex.raw(`INSERT INTO fence (city_code, admin_code, name, kind, source, grid_codes, geom, rules)
    SELECT '990100', '990102000000', '网格围栏 ' || g.code, 'grid', jsonb_build_object('gridCodes', jsonb_build_array(g.code)), ARRAY[g.code], g.geom,
           '{"enter": true, "exit": true, "dwellMinutes": null, "absentMinutes": null}'
    FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL`)
  await knex.raw(`INSERT INTO fence (city_code, admin_code, name, kind, source, geom, rules)
    SELECT '990100', '990102000000', '圆形围栏 ' || a.code, 'circle', '{}'::jsonb,
           ST_Multi(ST_SetSRID(ST_Buffer(ST_PointOnSurface(a.geom)::geography, 150)::geometry, 4490)),
           '{"enter": true, "exit": true, "dwellMinutes": null, "absentMinutes": null}'
    FROM admin_division a WHERE a.level = 'community'`)
  // a fresh database has no statistics yet: without them the grid lookup of the live positions
  // scans every grid instead of probing the GiST index (autovacuum would analyze it a minute later)
  await knex.raw('ANALYZE grid, fence, device, admin_division')
  const { rows } = await knex.raw(`SELECT d.identifier, ST_X(p) AS lon, ST_Y(p) AS lat
    FROM device d JOIN admin_division a ON a.code = d.admin_code, LATERAL ST_PointOnSurface(a.geom) p
    WHERE d.identifier LIKE 'bench-%' ORDER BY d.identifier`)
  const t0 = Date.now() - 6 * 3_600_000
  return rows.map((r: { identifier: string; lon: number; lat: number }) => ({
    id: r.identifier, lon: r.lon + (rnd() - 0.5) * 0.02, lat: r.lat + (rnd() - 0.5) * 0.015, heading: rnd() * 2 * Math.PI, t: t0,
  }))
}

/** One fix per device, 15 s and 15 m on from the last, turning slowly. */
function tick(walkers: Walker[]): Tick {
  return walkers.map((w) => {
    w.heading += (rnd() - 0.5) * 0.6
    w.lon += (STEP_M * Math.sin(w.heading)) / (111_320 * Math.cos((w.lat * Math.PI) / 180))
    w.lat += (STEP_M * Math.cos(w.heading)) / 111_320
    w.t += 15_000
    return { deviceId: w.id, lon: w.lon, lat: w.lat, time: new Date(w.t).toISOString(), accuracy: 1 }
  })
}

/** The naive way: one prepared ST_Intersects per fix; alerts from the difference with the previous fix's fences. */
async function baseline(pool: pg.Pool, ticks: Tick[], inside: Map<string, Set<number>>, alerts: Map<string, string[]>): Promise<number> {
  return timed(async () => {
    for (const t of ticks) {
      await pooled(t, BASELINE_CLIENTS, async (f) => {
        const { rows } = await pool.query({ name: 'fence_hit', text: `SELECT id FROM fence WHERE city_code = $1 AND active
          AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($2, $3), 4490))`, values: ['990100', f.lon, f.lat] })
        const now = new Set(rows.map((r: { id: string }) => Number(r.id)))
        const before = inside.get(f.deviceId) ?? new Set<number>()
        const list = alerts.get(f.deviceId) ?? []
        for (const id of now) if (!before.has(id)) list.push(`enter:${id}`)
        for (const id of before) if (!now.has(id)) list.push(`exit:${id}`)
        alerts.set(f.deviceId, list)
        inside.set(f.deviceId, now)
      })
    }
  })
}

/** The storage floor: the fixes as plain rows, 1,250 a statement, from as many clients, into a copy of the table. */
async function plainInsert(knex: Knex, ticks: Tick[]): Promise<number> {
  await knex.raw('CREATE TABLE IF NOT EXISTS bench_position_floor (LIKE position INCLUDING DEFAULTS INCLUDING INDEXES)')
  const rows = ticks.flat()
  const per = Math.ceil(rows.length / GATEWAYS)
  return timed(() => Promise.all(Array.from({ length: GATEWAYS }, async (_, g) => {
    const mine = rows.slice(g * per, (g + 1) * per)
    for (let i = 0; i < mine.length; i += 1250) {
      await knex.raw(`INSERT INTO bench_position_floor (city_code, device_id, fixed_at, geom, accuracy)
        SELECT '990100', hashtext(r.d), r.t::timestamptz, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490), r.a
        FROM json_to_recordset(?::json) AS r(d text, t text, lon float8, lat float8, a real) ON CONFLICT DO NOTHING`,
      [JSON.stringify(mine.slice(i, i + 1250).map((f) => ({ d: f.deviceId, t: f.time, lon: f.lon, lat: f.lat, a: f.accuracy })))])
    }
  })))
}

/** gridgov: each gateway sends its devices' fixes, several ticks a batch, in order. */
async function subject(base: string, ticks: Tick[]): Promise<{ seconds: number; errors: number }> {
  let errors = 0
  const per = Math.ceil(DEVICES / GATEWAYS)
  const seconds = await timed(() => Promise.all(Array.from({ length: GATEWAYS }, async (_, g) => {
    for (let i = 0; i < ticks.length; i += 5) {
      const positions = ticks.slice(i, i + 5).flatMap((t) => t.slice(g * per, (g + 1) * per))
      const res = await fetch(`${base}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, body: JSON.stringify({ positions }) })
      const body = await res.json() as { accepted: number }
      if (res.status !== 200 || body.accepted !== positions.length) errors++
    }
  })))
  return { seconds, errors }
}

async function storedAlerts(knex: Knex, since: Date): Promise<Map<string, string[]>> {
  const { rows } = await knex.raw(`SELECT d.identifier, a.kind, a.fence_id FROM fence_alert a JOIN device d ON d.id = a.device_id
    WHERE d.identifier LIKE 'bench-%' AND a.at >= ? ORDER BY d.identifier, a.at, a.kind = 'exit' DESC, a.fence_id`, [since])
  const out = new Map<string, string[]>()
  for (const r of rows as { identifier: string; kind: string; fence_id: string }[]) {
    out.set(r.identifier, [...(out.get(r.identifier) ?? []), `${r.kind}:${Number(r.fence_id)}`])
  }
  return out
}

/** Devices whose alert multisets differ (order within one segment may differ between the two). */
function differing(a: Map<string, string[]>, b: Map<string, string[]>): number {
  let n = 0
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    if ([...(a.get(id) ?? [])].sort().join() !== [...(b.get(id) ?? [])].sort().join()) n++
  }
  return n
}

export async function benchPositions(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the positions bench needs DATABASE_URL (a PostGIS server)')
  const context = await getTestContext()
  const knex = context.knex
  const server = http.createServer(createApp(context).callback())
  const base = `http://127.0.0.1:${await listenLoopback(server)}`
  const pool = new pg.Pool({ connectionString: (await getTestDatabase()).config.databaseUrl!, max: BASELINE_CLIENTS })
  try {
    const walkers = await setUp(knex)
    // warm-up both (JIT, prepared statements, the fence index)
    const inside = new Map<string, Set<number>>()
    const warm = [tick(walkers)]
    await subject(base, warm)
    await baseline(pool, warm, inside, new Map())
    const rates = { baseline: [] as number[], subject: [] as number[], floor: [] as number[] }
    let errors = 0
    let mismatched = 0
    let alertCount = 0
    for (let r = 0; r < ROUNDS; r++) {
      const ticks = Array.from({ length: TICKS }, () => tick(walkers))
      const since = new Date(Date.parse(ticks[0]![0]!.time) - 15_000)
      const expected = new Map<string, string[]>()
      const b = await baseline(pool, ticks, inside, expected)
      const s = await subject(base, ticks)
      rates.floor.push((TICKS * DEVICES) / await plainInsert(knex, ticks))
      errors += s.errors
      rates.baseline.push((TICKS * DEVICES) / b)
      rates.subject.push((TICKS * DEVICES) / s.seconds)
      const got = await storedAlerts(knex, since)
      mismatched += differing(got, expected)
      alertCount += [...got.values()].reduce((n, l) => n + l.length, 0)
    }
    const b = median(rates.baseline), s = median(rates.subject)
    results.push({
      name: `position ingest with fences + live (${DEVICES} devices, batches of ${5 * DEVICES / GATEWAYS} from ${GATEWAYS} gateways)`,
      baseline: `one ST_Intersects per fix, ${BASELINE_CLIENTS} clients`, subject: 'POST /api/v1/positions', metric: 'ops/s',
      baselineValue: b, subjectValue: s, ratio: s / b, target: '≥ 20×', met: s / b >= 20 && errors === 0 && mismatched === 0,
      note: `${alertCount} enter/exit alerts; ${mismatched} devices whose alerts differ from the per-fix test; ${errors} errors`,
    })
    const floor = median(rates.floor)
    results.push({
      name: 'position ingest: share of the storage floor', baseline: 'plain multi-row INSERT of the same fixes', subject: 'POST /api/v1/positions',
      metric: 'ops/s', baselineValue: floor, subjectValue: s, ratio: s / floor, target: 'report', met: true,
      note: 'what fences, filters, live positions, states, alerts and HTTP cost over storing the rows alone',
    })
    await osmandAt32(base, walkers, results)
    await benchProvinceLoad(knex, base, results)
  } finally {
    await pool.end()
    server.close()
    await closeTestDatabase()
  }
}

/** Single fixes over the OsmAnd path from 32 clients (each device's fixes in order). */
async function osmandAt32(base: string, walkers: Walker[], results: BenchResult[]): Promise<void> {
  const ticks = Array.from({ length: 4 }, () => tick(walkers))
  let errors = 0
  const perClient = Math.ceil(DEVICES / 32)
  const seconds = await timed(() => Promise.all(Array.from({ length: 32 }, async (_, c) => {
    for (const t of ticks) {
      for (const f of t.slice(c * perClient, (c + 1) * perClient)) {
        const q = new URLSearchParams({ id: f.deviceId, lat: String(f.lat), lon: String(f.lon), timestamp: String(Date.parse(f.time) / 1000), accuracy: '1' })
        const res = await fetch(`${base}/api/v1/positions/osmand?${q}`)
        await res.arrayBuffer()
        if (res.status !== 200) errors++
      }
    }
  })))
  const rate = (ticks.length * DEVICES) / seconds
  results.push({
    name: 'OsmAnd single fixes, 32 clients', baseline: '—', subject: 'GET /api/v1/positions/osmand', metric: 'ops/s',
    baselineValue: rate, subjectValue: rate, ratio: 1, target: 'report', met: errors === 0, note: `${Math.round(rate)} positions/s, ${errors} errors`,
  })
}
