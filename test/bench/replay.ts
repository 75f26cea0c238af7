// Bench: replay of one member-day over HTTP (GET /api/v1/members/{id}/replay: member and
// jurisdiction, the member's devices, a day of fixes along position's primary key, stops with
// their grids, kilometres, simplification, events and fence alerts) against a full scan of the
// month partition that holds the day (SELECT count(*), sum(speed) FROM position_YYYYMM).
// Target: replay p50 ≤ 1/50 of the scan's p50. Rounds interleave one scan and a batch of replays.
//
// The database is a throwaway copy of the small demo city on DATABASE_URL (test/support/db.ts):
// 1,000 members with a phone each, and DAYS working days (08:00-17:00) of fixes every 15-30 s
// (walks along a loop with stays), written set-based with generate_series in one INSERT, plus
// HISTORY event_history rows of other users, so the events lookup is not measured on an empty table.
import http from 'node:http'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { listenLoopback, median, timed } from './support.ts'

const DEVICES = 1_000
/**
 * Working days of fixes in the month partition (REPLAY_BENCH_DAYS; more days, a longer fill):
 * 10 by default, a third of a month, so the scan is of a partition a third full.
 */
const DAYS = Math.min(27, Math.max(1, Number(process.env.REPLAY_BENCH_DAYS ?? 10) || 10))
const HISTORY = 500_000
const ROUNDS = 5
const REPLAYS_PER_ROUND = 20

/** The first day of the previous month (Asia/Shanghai): its partition exists and is complete. */
function benchMonth(): string {
  const now = new Date(Date.now() + 8 * 3_600_000)
  const m = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
  return m.toISOString().slice(0, 10)
}

export async function fill(knex: Knex, month: string): Promise<{ partition: string; members: number[]; rows: number; seconds: number }> {
  await knex.raw('SELECT position_ensure_partitions(?::date, 1)', [month])
  const partition = `position_${month.slice(0, 4)}${month.slice(5, 7)}`
  const { rows: members } = await knex.raw(`INSERT INTO grid_member (name, community_code, city_code)
    SELECT '回放巡查员' || g, c.codes[1 + g % cardinality(c.codes)], '990100'
    FROM generate_series(1, ?) g, (SELECT array_agg(code ORDER BY code) AS codes FROM admin_division WHERE level = 'community') c
    RETURNING id`, [DEVICES])
  await knex.raw(`WITH d AS (
      INSERT INTO device (identifier, city_code, kind, name, admin_code, member_id)
      SELECT 'bench-replay-' || m.id, '990100', 'phone', '巡查手机', m.community_code, m.id FROM grid_member m WHERE m.id = ANY (?::bigint[])
      RETURNING id, member_id)
    INSERT INTO device_binding (device_id, member_id, valid_from) SELECT id, member_id, ?::timestamptz - interval '1 day' FROM d`,
  [members.map((m: { id: string }) => m.id), `${month}T00:00:00+08:00`])
  // Each device walks a 300 m loop around its own point at ~1.2 m/s, stays 15 minutes of every hour,
  // with fixes 22.5 s apart ± 3.5 s (so 15-30 s) from 08:00 to 17:00 on days 2..DAYS+1. Rows are
  // written in time order, devices interleaved, as ingest leaves them (a member-day is spread over
  // as many heap pages as it has fixes). For speed the partition is rebuilt outside the table:
  // filled unlogged without its index, then indexed and attached again (setseed() and the
  // bounds need one session: one transaction).
  const seconds = await timed(() => knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL statement_timeout = 0')
    await trx.raw("SELECT set_config('gridgov.bench_month', ?, true), setseed(0.42)", [month])
    await trx.raw('ALTER TABLE position DETACH PARTITION ??', [partition])
    await trx.raw('DROP TABLE ??', [partition])
    await trx.raw('CREATE UNLOGGED TABLE ?? (LIKE position INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', [partition])
    await trx.raw(`
    INSERT INTO ?? (city_code, device_id, member_id, fixed_at, received_at, geom, speed, accuracy)
    SELECT '990100', d.id, d.member_id, x.ts, x.ts,
           ST_SetSRID(ST_MakePoint(d.lon0 + 300 * cos(x.s / 300) / 89500 + (random() - 0.5) * 4e-5,
                                   d.lat0 + 300 * sin(x.s / 300) / 110950 + (random() - 0.5) * 4e-5), 4490),
           CASE WHEN x.staying THEN 0 ELSE 1.2 END, 8
    FROM generate_series(1, ?) AS day
    CROSS JOIN generate_series(0, 1439) AS i
    CROSS JOIN (SELECT id, member_id, 115.97 + (id * 7919 % 600) / 10000.0 AS lon0, 36.42 + (id * 104729 % 600) / 10000.0 AS lat0
          FROM device WHERE identifier LIKE 'bench-replay-%') d
    CROSS JOIN LATERAL (SELECT ?::timestamptz + day * interval '1 day' + make_interval(secs => i * 22.5 + (random() - 0.5) * 7) AS ts,
                               (i / 40) % 4 = 3 AS staying,
                               (CASE WHEN (i / 40) % 4 = 3 THEN (i / 40) * 40 ELSE i END) * 22.5 * 1.2 AS s) x`, [partition, DAYS, `${month}T08:00:00+08:00`])
    // the key as migration 0017 declares it (ATTACH requires the same), INCLUDE columns and all
    await trx.raw('ALTER TABLE ?? ADD PRIMARY KEY (city_code, device_id, fixed_at) INCLUDE (member_id, filter, speed, altitude, accuracy, geom)', [partition])
    await trx.raw(`DO $$ DECLARE m date := current_setting('gridgov.bench_month')::date; BEGIN
      EXECUTE format('ALTER TABLE position ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', 'position_' || to_char(m, 'YYYYMM'),
        m::timestamp AT TIME ZONE 'Asia/Shanghai', (m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai');
    END $$`)
  }))
  await knex.raw(`INSERT INTO event_history (event_id, seq, city_code, action, to_status, actor_user_id, actor_role, actor_name, at)
    SELECT 900000000 + g / 5, 1 + g % 5, '990100', 'handle', 'handling', 100000 + g % 5000, 'grid_inspector', '他人', ?::timestamptz + (g % 2592000) * interval '1 second'
    FROM generate_series(0, ? - 1) g`, [`${month}T00:00:00+08:00`, HISTORY])
  // A closed month's partition has been vacuumed by autovacuum (insert-only tables are, since
  // PostgreSQL 13): hint bits and the visibility map set, so neither side pays for setting them.
  await knex.raw('VACUUM ??', [partition])
  await knex.raw('ANALYZE position, device, device_binding, grid_member, event_history')
  const { rows } = await knex.raw('SELECT count(*)::int AS n FROM ??', [partition])
  return { partition, members: members.map((m: { id: string }) => Number(m.id)), rows: rows[0].n, seconds }
}

export async function benchReplay(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the replay bench needs DATABASE_URL (a PostGIS server)')
  const context = await getTestContext()
  const server = http.createServer(createApp(context).callback())
  const base = `http://127.0.0.1:${await listenLoopback(server)}`
  try {
    const month = benchMonth()
    const f = await fill(context.knex, month)
    process.stderr.write(`bench replay: ${f.rows} fixes in ${f.partition}, written in ${f.seconds.toFixed(1)} s\n`)
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const { token } = await login.json() as { token: string }
    let s = 7
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
    let fixes = 0, errors = 0
    const replay = async () => {
      const member = f.members[Math.floor(rnd() * f.members.length)]!
      const date = `${month.slice(0, 8)}${String(2 + Math.floor(rnd() * DAYS)).padStart(2, '0')}`
      const res = await fetch(`${base}/api/v1/members/${member}/replay?date=${date}`, { headers: { authorization: `Bearer ${token}` } })
      if (res.status !== 200) { errors++; await res.arrayBuffer(); return }
      fixes = (await res.json() as { fixes: number }).fixes
    }
    const scan = () => context.knex.raw('SELECT count(*), sum(speed) FROM ??', [f.partition])
    await scan(); await replay(); await replay() // warm-up: cache, JIT, pool
    const b: number[] = [], r: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      b.push(await timed(scan))
      for (let k = 0; k < REPLAYS_PER_ROUND; k++) r.push(await timed(replay))
    }
    const [bv, sv] = [median(b) * 1000, median(r) * 1000]
    results.push({
      name: 'replay of one member-day over HTTP', baseline: `full scan of ${f.partition} (count, sum(speed))`, subject: 'GET /members/{id}/replay',
      metric: 'p50', baselineValue: bv, subjectValue: sv, ratio: bv / sv, target: 'p50 ≤ 1/50 of the scan', met: sv * 50 <= bv && errors === 0,
      note: `${f.rows} fixes (${DEVICES} devices × ${DAYS} days, 08-17h, every 15-30 s; written in ${f.seconds.toFixed(0)} s), ` +
        `${HISTORY} other event_history rows; ` +
        `${fixes} fixes per member-day; ${ROUNDS} rounds × ${REPLAYS_PER_ROUND} replays; errors ${errors}`,
    })
  } finally {
    await new Promise((resolve) => server.close(resolve))
    await closeTestDatabase()
  }
}
