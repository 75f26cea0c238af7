// Bench: a province's sustained position load (16,000 devices reporting every 10 s, about
// 1,600 fixes/s) sent for a while by 16 gateways through POST /api/v1/positions, paced by the
// clock: what rate is kept, and how long from a fix to its fence alert being stored (the lag a
// command screen sees). Runs on the same 2 cores as the server (the gateways' JSON included).
import type { Knex } from 'knex'
import type { BenchResult } from './harness.ts'
import { median } from './support.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'

const DEVICES = 16_000
const GATEWAYS = 16
const PERIOD_MS = 10_000
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60)

interface Walker { id: string; lon: number; lat: number; heading: number }

export async function benchProvinceLoad(knex: Knex, base: string, results: BenchResult[]): Promise<void> {
  await knex.raw(`INSERT INTO device (identifier, city_code, kind, name, admin_code)
    SELECT 'load-' || lpad(i::text, 5, '0'), '990100', 'phone', '负载终端', c.code
    FROM generate_series(1, ?) i
    JOIN LATERAL (SELECT code FROM admin_division WHERE level = 'community' ORDER BY code OFFSET (i % 10) LIMIT 1) c ON true
    ON CONFLICT (identifier) DO NOTHING`, [DEVICES])
  const { rows } = await knex.raw(`SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
    FROM (SELECT ST_Extent(geom) AS e FROM admin_division WHERE level = 'community') s`)
  const ext = rows[0] as { x0: number; y0: number; x1: number; y1: number }
  let seed = 16_000
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  const walkers: Walker[] = Array.from({ length: DEVICES }, (_, i) => ({
    id: `load-${String(i + 1).padStart(5, '0')}`, lon: ext.x0 + rnd() * (ext.x1 - ext.x0), lat: ext.y0 + rnd() * (ext.y1 - ext.y0), heading: rnd() * 6.28,
  }))
  const started = new Date()
  const perGateway = DEVICES / GATEWAYS
  const slots = PERIOD_MS / 1000
  let sent = 0
  let errors = 0
  const lateMs: number[] = []
  const t0 = Date.now()
  await Promise.all(Array.from({ length: GATEWAYS }, async (_, g) => {
    for (let second = 0; second < SECONDS; second++) {
      const due = t0 + second * 1000
      const wait = due - Date.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      else lateMs.push(-wait)
      const now = Date.now()
      const mine = walkers.slice(g * perGateway, (g + 1) * perGateway).filter((_, i) => i % slots === second % slots)
      const positions = mine.map((w) => {
        w.heading += (rnd() - 0.5) * 0.5
        w.lon += (14 * Math.sin(w.heading)) / 89_500
        w.lat += (14 * Math.cos(w.heading)) / 111_320
        return { deviceId: w.id, lon: w.lon, lat: w.lat, time: new Date(now).toISOString(), accuracy: 5 }
      })
      const res = await fetch(`${base}/api/v1/positions`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, body: JSON.stringify({ positions }),
      })
      const body = await res.json() as { accepted?: number }
      if (res.status !== 200 || body.accepted !== positions.length) errors++
      sent += positions.length
    }
  }))
  const seconds = (Date.now() - t0) / 1000
  const { rows: lag } = await knex.raw(`SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY ms) AS p, count(*) AS n FROM (
      SELECT extract(epoch FROM a.created_at - (a.detail->>'to')::timestamptz) * 1000 AS ms
      FROM fence_alert a JOIN device d ON d.id = a.device_id
      WHERE d.identifier LIKE 'load-%' AND a.created_at >= ? AND a.kind IN ('enter', 'exit')) x`, [started])
  const [p50, p99] = (lag[0]?.p ?? [NaN, NaN]) as number[]
  const rate = sent / seconds
  const target = DEVICES / (PERIOD_MS / 1000)
  results.push({
    name: `province load: ${DEVICES} devices every ${PERIOD_MS / 1000} s for ${SECONDS} s (${GATEWAYS} gateways)`,
    baseline: `target ${target} fixes/s`, subject: 'POST /api/v1/positions', metric: 'ops/s',
    baselineValue: target, subjectValue: rate, ratio: rate / target, target: '≥ 1× the target rate', met: rate >= target * 0.98 && errors === 0,
    note: `fix → alert lag p50 ${Math.round(p50!)} ms, p99 ${Math.round(p99!)} ms over ${lag[0]?.n ?? 0} alerts; ` +
      `sends behind the clock by ${Math.round(median(lateMs.length ? lateMs : [0]))} ms median (${lateMs.length} of ${GATEWAYS * SECONDS}); ${errors} errors`,
  })
}
