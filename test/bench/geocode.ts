// Bench: batch point geocoding (one set-based statement per batch) against one geocoding query
// per point over the connection pool, i.e. what a client calling POST /api/v1/geocode per point
// costs the server. Both sides run the same service function and produce identical answers.
// The database is a throwaway copy of the small demo city on DATABASE_URL (test/support/db.ts).
import { inject } from 'light-my-request'
import type { Knex } from 'knex'
import { geocode, isFailure, type PointInput } from '../../server/geocode/service.ts'
import { parseCrs } from '../../server/geo/crs.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { createApp } from '../../server/app.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { median, pooled, timed } from './support.ts'

const POINTS = 5_000
const HTTP_POINTS = 2_000
const ROUNDS = 3
const crs = parseCrs('EPSG:4326')
const city = Jurisdiction.of(['990100000000'])

/** Deterministic points inside the demo city: drawn in its bounding box, kept if they geocode. */
async function cityPoints(knex: Knex, n: number): Promise<PointInput[]> {
  const { rows } = await knex.raw(`SELECT ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1
    FROM admin_division WHERE level = 'city' LIMIT 1`) as { rows: { x0: number; y0: number; x1: number; y1: number }[] }
  const b = rows[0]!
  let s = 20240601
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const out: PointInput[] = []
  while (out.length < n) {
    const cand = Array.from({ length: n }, () => ({ x: b.x0 + rnd() * (b.x1 - b.x0), y: b.y0 + rnd() * (b.y1 - b.y0) }))
    const res = await geocode(knex, cand, crs, 'EPSG:4326', city)
    cand.forEach((p, i) => { if (out.length < n && !isFailure(res[i]!)) out.push(p) })
  }
  return out
}

type Run = (points: readonly PointInput[]) => Promise<unknown>

/** Alternates baseline and subject over the same points, returns the median points/s of each. */
async function compare(points: readonly PointInput[], baseline: Run, subject: Run): Promise<[number, number]> {
  const warm = points.slice(0, 200) // warm-up: V8, pool connections, catalogue caches
  await baseline(warm)
  await subject(warm)
  const b: number[] = [], s: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    b.push(points.length / await timed(() => baseline(points)))
    s.push(points.length / await timed(() => subject(points)))
  }
  return [median(b), median(s)]
}

export async function benchGeocode(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the geocode bench needs DATABASE_URL (a PostGIS server)')
  const context = await getTestContext()
  try {
    const { knex } = context
    const points = await cityPoints(knex, POINTS)
    const concurrency = context.config.dbPoolMax

    const [base, sub] = await compare(points,
      (pts) => pooled(pts, concurrency, (p) => geocode(knex, [p], crs, 'EPSG:4326', city)),
      (pts) => geocode(knex, pts, crs, 'EPSG:4326', city))
    results.push({
      name: 'geocode: batch vs per point', baseline: `1 geocode per point, ${concurrency} concurrent`,
      subject: `1 batch of ${points.length}`, metric: 'ops/s', baselineValue: base, subjectValue: sub,
      ratio: sub / base, target: '≥ 10×', met: sub / base >= 10,
      note: `points/s through server/geocode/service.ts; ${points.length} points inside the small demo city`,
    })

    // The same through the HTTP layer (in-process, no socket): auth, validation, JSON both ways.
    const handler = createApp(context).callback()
    const login = await inject(handler, { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${login.json().token}` }
    const post = async (url: string, body: unknown) => {
      const res = await inject(handler, { method: 'POST', url, headers, payload: JSON.stringify(body) })
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    }
    // Fewer points over HTTP: the per-point baseline is slow, and the ratio does not depend on n.
    const httpPoints = points.slice(0, HTTP_POINTS)
    const [hb, hs] = await compare(httpPoints,
      (pts) => pooled(pts, concurrency, (p) => post('/api/v1/geocode', { x: p.x, y: p.y, crs: 'EPSG:4326' })),
      (pts) => post('/api/v1/geocode/batch', { crs: 'EPSG:4326', points: pts }))
    results.push({
      name: 'geocode HTTP: batch vs per point', baseline: `POST /geocode per point, ${concurrency} concurrent`,
      subject: `POST /geocode/batch of ${httpPoints.length}`, metric: 'ops/s', baselineValue: hb, subjectValue: hs,
      ratio: hs / hb, target: '≥ 10×', met: hs / hb >= 10,
      note: 'points/s through the koa app in-process (light-my-request), bearer token, full answers',
    })
  } finally {
    await closeTestDatabase()
  }
}
