// Bench: event intake over HTTP (POST /api/v1/events: auth, validation, CRS, grid location,
// duplicate candidates, rule dispatch, deadlines, history, timers) with 32 concurrent clients,
// against a plain INSERT of the same rows into the same table over the same pool, also 32
// concurrent. Target ≥ 0.25× rows/s and zero errors. The database is a throwaway copy of the
// small demo city on DATABASE_URL (test/support/db.ts), not the kept bench database of support.ts:
// each run inserts thousands of events, which would pile up there and slow the next runs.
import http from 'node:http'
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { createApp } from '../../server/app.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { listenLoopback, median, pooled, timed } from './support.ts'

const CLIENTS = 32
const ROWS = 1_200
const ROUNDS = 3
const CLASSES = ['0102', '0104', '0201', '0301', '0504', '0505', '0601', '0602', '9901']
const WORDS = ['路口', '人行道', '小区门口', '垃圾', '占道', '噪音', '积水', '车辆', '广告', '纠纷', '破损', '夜间', '商户', '绿地']

interface Row { lon: number; lat: number; grid: string; version: number; community: string; classCode: string; description: string }

/** Deterministic reports spread over every base grid of the demo city. */
async function makeRows(knex: Knex, n: number, salt: number): Promise<Row[]> {
  const { rows: grids } = await knex.raw(`SELECT code, version, community_code, ST_X(ST_PointOnSurface(geom)) AS lon,
    ST_Y(ST_PointOnSurface(geom)) AS lat FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY code`)
  let s = 20261123 + salt
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  return Array.from({ length: n }, () => {
    const g = grids[Math.floor(rnd() * grids.length)]
    const words = Array.from({ length: 4 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join('')
    return {
      lon: g.lon + (rnd() - 0.5) * 2e-5, lat: g.lat + (rnd() - 0.5) * 2e-5, grid: g.code, version: g.version,
      community: g.community_code, classCode: CLASSES[Math.floor(rnd() * CLASSES.length)]!, description: `${words}${Math.floor(rnd() * 1e6)}`,
    }
  })
}

let plainSeq = 0
/** The baseline: the same row, every value known in advance, one INSERT. */
async function plainInsert(knex: Knex, r: Row): Promise<void> {
  const n = ++plainSeq
  await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
      grid_code, grid_version, community_code, street_code, district_code, h3_r12, status)
    VALUES (?, '990100', 'superior', '投诉举报', ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4490), ?::jsonb, ?, ?, ?, ?, ?, ?::bigint, 'reported')`, [
    `E20991231${String(n).padStart(8, '0')}`, r.classCode, r.description, r.lon, r.lat,
    JSON.stringify({ x: r.lon, y: r.lat, crs: 'EPSG:4490', conversion: 'none' }), r.grid, r.version, r.community,
    r.community.slice(0, 9) + '000', r.community.slice(0, 6) + '000000', BigInt('0x' + latLngToCell(r.lat, r.lon, 12)).toString(),
  ])
}

export async function benchEvents(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the events bench needs DATABASE_URL (a PostGIS server)')
  const context = await getTestContext()
  const server = http.createServer(createApp(context).callback())
  const base = `http://127.0.0.1:${await listenLoopback(server)}`
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const { token } = await login.json() as { token: string }
    let errors = 0
    let firstError = ''
    const post = async (r: Row) => {
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: r.classCode, description: r.description,
          location: { x: r.lon, y: r.lat, crs: 'EPSG:4490' } }),
      })
      if (res.status !== 201) { errors++; firstError ||= `${res.status} ${await res.text()}` } else await res.arrayBuffer()
    }
    const b: number[] = [], s: number[] = []
    // warm-up (JIT, pools, plan caches), then alternate baseline and subject
    const warm = await makeRows(context.knex, 200, 0)
    await pooled(warm, CLIENTS, (r) => plainInsert(context.knex, r))
    await pooled(warm, CLIENTS, post)
    for (let i = 1; i <= ROUNDS; i++) {
      const rows = await makeRows(context.knex, ROWS, i)
      b.push(rows.length / await timed(() => pooled(rows, CLIENTS, (r) => plainInsert(context.knex, r))))
      s.push(rows.length / await timed(() => pooled(rows, CLIENTS, post)))
    }
    const [bv, sv] = [median(b), median(s)]
    results.push({
      name: 'event intake over HTTP', baseline: `plain INSERT, ${CLIENTS} concurrent`, subject: `POST /api/v1/events, ${CLIENTS} clients`,
      metric: 'ops/s', baselineValue: bv, subjectValue: sv, ratio: sv / bv, target: '≥ 0.25×, 0 errors', met: sv / bv >= 0.25 && errors === 0,
      note: `${ROWS} rows × ${ROUNDS} rounds; pool ${context.config.dbPoolMax}; errors ${errors}${firstError ? ` (first: ${firstError.slice(0, 200)})` : ''}`,
    })
  } finally {
    await new Promise((r) => server.close(r))
    await closeTestDatabase()
  }
}
