// Bench: bulk import of historic events (runEventImport on a CSV: parse, validate, stage, locate
// set-based, number, write with one INSERT…SELECT per batch, one history row and one dedup key
// each) against a plain INSERT of the same rows, one statement per row, 8 concurrent over the
// pool, every value known in advance; and the demo history generator's rows/s against the same
// baseline. Interleaved rounds, medians. Like the events bench it runs on a throwaway copy of the
// small demo city (test/support/db.ts): each round writes thousands of events.
//
// benchHistory() is for the kept city-scale bench database (support.ts): it adds the demo
// history once (re-running it is a no-op: the generator's dedup keys).
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { runEventImport } from '../../server/event-imports/job.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import type { Principal } from '../../server/auth/users.ts'
import { seedHistory, type HistorySummary } from '../../fixtures/history.ts'
import type { BenchResult } from './harness.ts'
import { median, pooled, timed } from './support.ts'

const ROWS = 5_000
const ROUNDS = 3
const CLIENTS = 8
const CLASSES = ['0102', '0104', '0201', '0301', '0504', '0505', '0601', '9901']

/** The demo history in a database (the city-scale bench database: 1,000,000 events over two years). */
export async function benchHistory(knex: Knex, count = 1_000_000): Promise<HistorySummary> {
  return seedHistory(knex, { count, end: new Date('2026-11-01T00:00:00+08:00') })
}

interface Row { ref: string; lon: number; lat: number; cls: string; at: string; closed: string; grid: string; version: number; community: string }

async function makeRows(knex: Knex, n: number, round: number): Promise<Row[]> {
  const { rows: grids } = await knex.raw(`SELECT code, version, community_code, ST_X(ST_PointOnSurface(geom)) AS lon,
    ST_Y(ST_PointOnSurface(geom)) AS lat FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY code`)
  let s = 977 + round
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  return Array.from({ length: n }, (_, i) => {
    const g = grids[Math.floor(rnd() * grids.length)]
    const t = Date.parse('2024-01-01T00:00:00+08:00') + Math.floor(rnd() * 300 * 86_400_000)
    return {
      ref: `bench-${round}-${i}`, lon: g.lon + (rnd() - 0.5) * 2e-5, lat: g.lat + (rnd() - 0.5) * 2e-5, cls: CLASSES[i % CLASSES.length]!,
      at: new Date(t).toISOString(), closed: new Date(t + 7_200_000).toISOString(), grid: g.code, version: g.version, community: g.community_code,
    }
  })
}

const csvOf = (rows: Row[]) => Buffer.from(['ref,channel,class_code,description,lon,lat,reported_at,closed_at',
  ...rows.map((r) => `${r.ref},hotline_12345,${r.cls},"历史事件, ${r.ref}",${r.lon},${r.lat},${r.at},${r.closed}`)].join('\n'))

let plainSeq = 0
async function plainInsert(knex: Knex, r: Row): Promise<void> {
  await knex.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
      grid_code, grid_version, community_code, street_code, district_code, h3_r12, status, external_ref, closed_at, created_at)
    VALUES (?, '990100', 'hotline_12345', '投诉举报', ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4490), ?::jsonb, ?, ?, ?, ?, ?, ?::bigint, 'closed', ?, ?, ?)`, [
    `E20991230${String(++plainSeq).padStart(8, '0')}`, r.cls, `历史事件, ${r.ref}`, r.lon, r.lat,
    JSON.stringify({ x: r.lon, y: r.lat, crs: 'EPSG:4490', conversion: 'none' }), r.grid, r.version, r.community,
    r.community.slice(0, 9) + '000', r.community.slice(0, 6) + '000000', BigInt('0x' + latLngToCell(r.lat, r.lon, 12)).toString(),
    `plain-${r.ref}`, r.closed, r.at,
  ])
}

const operator: Principal = {
  kind: 'user', userId: null, username: 'bench', displayName: '基准测试', role: 'command_center',
  departmentId: null, cityCode: null, jurisdiction: Jurisdiction.of(['990100000000']),
}

export async function benchEventImports(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the event-imports bench needs DATABASE_URL (a PostGIS server)')
  const { knex } = await getTestContext()
  try {
    const b: number[] = [], s: number[] = [], g: number[] = []
    // warm-up: plan caches, partitions of the months used
    const warm = await makeRows(knex, 200, 0)
    await pooled(warm, CLIENTS, (r) => plainInsert(knex, r))
    await runEventImport(knex, operator, { format: 'csv', data: csvOf(warm), fileName: 'warm.csv' }, { dryRun: false })
    for (let i = 1; i <= ROUNDS; i++) {
      const rows = await makeRows(knex, ROWS, i)
      b.push(rows.length / await timed(() => pooled(rows, CLIENTS, (r) => plainInsert(knex, r))))
      let written = 0
      s.push(rows.length / await timed(async () => {
        written = (await runEventImport(knex, operator, { format: 'csv', data: csvOf(rows), fileName: `round${i}.csv` }, { dryRun: false })).written
      }))
      if (written !== rows.length) throw new Error(`round ${i}: imported ${written} of ${rows.length}`)
      const count = ROWS * 4
      g.push(count / await timed(() => seedHistory(knex, { count, seed: 1000 + i, days: 365, end: new Date('2026-11-01T00:00:00+08:00') })))
    }
    const [bv, sv, gv] = [median(b), median(s), median(g)]
    results.push({
      name: 'bulk event import (CSV)', baseline: `plain INSERT per row, ${CLIENTS} concurrent`, subject: 'runEventImport, one file',
      metric: 'ops/s', baselineValue: bv, subjectValue: sv, ratio: sv / bv, target: '≥ 1× (set-based beats per-row)', met: sv / bv >= 1,
      note: `${ROWS} rows × ${ROUNDS} rounds; includes parsing, validation, geocoding, numbering, history and dedup keys`,
    })
    results.push({
      name: 'demo history generator', baseline: `plain INSERT per row, ${CLIENTS} concurrent`, subject: `seedHistory ${ROWS * 4} events`,
      metric: 'ops/s', baselineValue: bv, subjectValue: gv, ratio: gv / bv, target: '≥ 1× (1M: see README)', met: gv / bv >= 1,
      note: 'generation in Node overlapped with staging/writing in PostGIS; small demo city',
    })
  } finally {
    await closeTestDatabase()
  }
}
