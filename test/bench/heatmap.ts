// The heatmap over a whole history of 1,000,000 events (issue 11, Speed): our heatmap()
// (one SQL GROUP BY over the parent of each event's stored res-12 cell, then hexagons for the
// non-empty cells) against fetching every point to Node and binning it there with h3-js
// latLngToCell. Resolutions 7 and 9, interleaved rounds, medians; target ≥ 2×.
//
// The history lives in a throwaway database (getTestContext) and is filled set-based: 20,000
// distinct points inside the demo city's communities (their res-12 cells from h3-js), repeated
// by generate_series over two years; the database is dropped at the end.
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { heatmap } from '../../server/analytics/heatmap.ts'
import type { AnalyticsFilter } from '../../server/analytics/filters.ts'
import { pointsIn, r12 } from '../analytics/heatmapSupport.ts'
import type { BenchResult } from './harness.ts'
import { median, timed } from './support.ts'

const EVENTS = 1_000_000
const DISTINCT_POINTS = 20_000
const ROUNDS = 3
const CITY = '990100000000'

export async function benchHeatmap(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the heatmap bench needs DATABASE_URL (a PostGIS server)')
  const { knex } = await getTestContext()
  try {
    const fillSeconds = await timed(() => fill(knex))
    const scope = Jurisdiction.of([CITY])
    const now = new Date()
    const f: AnalyticsFilter = { from: new Date(now.getTime() - 3 * 365 * 86_400_000), to: now }
    for (const res of [7, 9]) {
      const b: number[] = [], s: number[] = []
      let cells = 0, total = 0, baseTotal = 0
      await heatmap(knex, scope, f, res) // warm-up: plan, caches, JIT
      for (let round = 0; round < ROUNDS; round++) {
        b.push(await timed(async () => { baseTotal = sum(await binInNode(knex, scope, f, res)) }))
        s.push(await timed(async () => { const h = await heatmap(knex, scope, f, res); cells = h.features.length; total = h.total }))
      }
      const [bv, sv] = [median(b), median(s)]
      results.push({
        name: `heatmap res ${res}, ${EVENTS.toLocaleString('en')} events`, baseline: 'points to Node + h3-js latLngToCell',
        subject: 'heatmap() (SQL GROUP BY h3_cell_parent)', metric: 'p50', baselineValue: bv * 1000, subjectValue: sv * 1000,
        ratio: bv / sv, target: '≥ 2×', met: bv / sv >= 2 && total === EVENTS && baseTotal === EVENTS,
        note: `ms per heatmap (median of ${ROUNDS} interleaved rounds); ${cells} cells, ${total} events counted (baseline ${baseTotal}); fill ${fillSeconds.toFixed(1)} s`,
      })
    }
  } finally {
    await closeTestDatabase()
  }
}

/** The naive way: every point of the history to Node, binned there one by one. */
async function binInNode(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, res: number): Promise<Map<string, number>> {
  const { rows } = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event
    WHERE created_at >= ? AND created_at < ? AND community_code LIKE ANY(?::text[])`, [f.from, f.to, scope.patterns])
  const m = new Map<string, number>()
  for (const r of rows as { lon: number; lat: number }[]) {
    const c = latLngToCell(r.lat, r.lon, res)
    m.set(c, (m.get(c) ?? 0) + 1)
  }
  return m
}

const sum = (m: Map<string, number>) => { let n = 0; for (const v of m.values()) n += v; return n }

/** 1,000,000 events over the last two years from 20,000 distinct points, in one INSERT … SELECT. */
async function fill(knex: Knex): Promise<void> {
  const { rows } = await knex.raw("SELECT code FROM admin_division WHERE level = 'community' ORDER BY code")
  const communities = (rows as { code: string }[]).map((r) => r.code)
  const per = Math.ceil(DISTINCT_POINTS / communities.length)
  const sample: { i: number; c: string; x: number; y: number; h: string }[] = []
  for (const [k, c] of communities.entries()) {
    for (const p of await pointsIn(knex, c, per, 100 + k)) sample.push({ i: sample.length, c, x: p.lon, y: p.lat, h: r12(p.lon, p.lat) })
  }
  // one connection for the temp table: knex.raw may take another one from the pool
  await knex.transaction(async (trx) => {
    // a million rows with their indexes take longer than the service's statement timeout
    await trx.raw('SET LOCAL statement_timeout = 0')
    await trx.raw('CREATE TEMP TABLE bp ON COMMIT DROP AS SELECT * FROM json_to_recordset(?::json) AS r(i integer, c text, x float8, y float8, h bigint)',
      [JSON.stringify(sample)])
    await trx.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
        community_code, street_code, district_code, h3_r12, status, created_at, updated_at)
      SELECT 'E9' || lpad(g::text, 14, '0'), substr(p.c, 1, 4) || '00', 'inspector_app', '投诉举报',
        (ARRAY['0101', '0102', '0501', '0601'])[1 + g % 4], 'heatmap bench', ST_SetSRID(ST_MakePoint(p.x, p.y), 4490),
        '{"crs":"EPSG:4490"}'::jsonb, p.c, substr(p.c, 1, 9) || '000', substr(p.c, 1, 6) || '000000', p.h, 'closed', t, t
      FROM generate_series(1, ?::integer) AS g
      JOIN bp p ON p.i = (g::bigint * 7919) % ?::integer
      CROSS JOIN LATERAL (SELECT now() - (g % 729) * interval '1 day' - (g % 86400) * interval '1 second' AS t) AS tt`,
    [EVENTS, sample.length])
  })
  await knex.raw('VACUUM ANALYZE event')
}
