// The demo history generator (fixtures/history.ts) on the small demo city: deterministic for a
// seed, the distributions it promises (working days, summer, hot spots), every event inside its
// grid, unique numbers, and a re-run that writes nothing. Everything runs inside a transaction
// that is rolled back, so other test files never see these events.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { DAY_VOLUME, planDays, seedHistory, type HistorySummary, type HistoryWorld } from '../../fixtures/history.ts'

const END = new Date('2026-11-01T00:00:00+08:00')
const ROLLBACK = new Error('rollback')

/** A digest of what was generated: everything but ids and numbers, in line order. */
async function digest(db: Knex | Knex.Transaction, importId: number): Promise<string> {
  const { rows: [r] } = await db.raw(`SELECT md5(string_agg(concat_ws('|', e.created_at, e.class_code, e.channel, e.demand_type,
      ST_AsText(e.geom), e.grid_code, e.status, e.closed_at, e.satisfaction, e.description), ';' ORDER BY k.line)) AS d
    FROM event_import_key k JOIN event e ON e.id = k.event_id AND e.created_at = k.event_created_at WHERE k.import_id = ?`, [importId])
  return r.d
}

async function generatedDigest(outer: Knex.Transaction, seed: number): Promise<string> {
  let d = ''
  await outer.transaction(async (trx) => {
    const s = await seedHistory(trx, { count: 1500, seed, days: 365, end: END })
    d = await digest(trx, s.importId)
    throw ROLLBACK
  }).catch((err) => { if (err !== ROLLBACK) throw err })
  return d
}

describe('demo history generator', function () {
  let knex: Knex
  let trx: Knex.Transaction
  let run: HistorySummary
  const COUNT = 6000

  before(async () => {
    knex = await getTestDb()
    trx = await knex.transaction()
    run = await seedHistory(trx, { count: COUNT, seed: 42, end: END })
  })
  after(async () => { await trx?.rollback() })

  /** The generated events as h (with their partition), then `sql`. */
  const q = async <T = Record<string, unknown>>(sql: string, bindings: Knex.RawBinding[] = []): Promise<T[]> =>
    (await trx.raw('WITH h AS (SELECT e.*, e.tableoid::regclass::text AS part FROM event_import_key k JOIN event e ' +
      'ON e.id = k.event_id AND e.created_at = k.event_created_at WHERE k.import_id = ?) ' + sql, [run.importId, ...bindings])).rows

  it('writes exactly the count asked for, over the days before the end, in real month partitions', async () => {
    expect(run).to.include({ written: COUNT, skipped: 0 })
    const [r] = await q<{ n: number; first: Date; last: Date; default_rows: number }>(`SELECT count(*)::int AS n, min(created_at) AS first,
      max(created_at) AS last, count(*) FILTER (WHERE part = 'event_default')::int AS default_rows FROM h`)
    expect(r!.n).to.equal(COUNT)
    expect(r!.first.getTime()).to.be.at.least(END.getTime() - 730 * 86_400_000)
    expect(r!.last.getTime()).to.be.below(END.getTime())
    expect(r!.default_rows).to.equal(0)
  })

  it('is deterministic for a seed and differs between seeds', async () => {
    // savepoints of the outer transaction: it holds the import lock
    const a = await generatedDigest(trx, 7)
    expect(a).to.match(/^[0-9a-f]{32}$/)
    expect(await generatedDigest(trx, 7)).to.equal(a)
    expect(await generatedDigest(trx, 8)).to.not.equal(a)
  })

  it('puts every event inside the grid version it names, with unique numbers and finished workflow times', async () => {
    const [r] = await q<Record<string, number>>(`SELECT
      count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = h.grid_code AND g.version = h.grid_version AND ST_Intersects(g.geom, h.geom)))::int AS outside,
      count(DISTINCT number)::int AS numbers,
      count(*) FILTER (WHERE status IN ('closed', 'evaluated') AND NOT (dispatched_at >= created_at AND signed_at >= dispatched_at
        AND handled_at >= signed_at AND closed_at >= handled_at AND closed_at < ?))::int AS bad_times,
      count(*) FILTER (WHERE status = 'evaluated' AND satisfaction IS NULL)::int AS unevaluated
      FROM h`, [END])
    expect(r).to.deep.equal({ outside: 0, numbers: COUNT, bad_times: 0, unevaluated: 0 })
    const { rows: [dup] } = await trx.raw('SELECT count(*)::int AS n FROM (SELECT number FROM event GROUP BY number HAVING count(*) > 1) d')
    expect(dup.n).to.equal(0)
  })

  it('has more reports per working day than per weekend day, and the inspectors report in office hours', async () => {
    const [r] = await q<{ weekday: number; weekend: number; office: number }>(`SELECT
      count(*) FILTER (WHERE extract(isodow FROM created_at AT TIME ZONE 'Asia/Shanghai') < 6)::float / 5 AS weekday,
      count(*) FILTER (WHERE extract(isodow FROM created_at AT TIME ZONE 'Asia/Shanghai') >= 6)::float / 2 AS weekend,
      avg((extract(hour FROM created_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 8 AND 17)::int) FILTER (WHERE channel = 'inspector_app' AND class_code <> '0510') AS office
      FROM h`)
    expect(r!.weekday / r!.weekend).to.be.within(1.35, 2.2)
    expect(r!.office).to.be.above(0.97)
  })

  it('has a larger 市容环境 share in summer than in winter, and 露天烧烤 mostly in the warm months', async () => {
    const [r] = await q<{ summer: number; winter: number; bbq_warm: number }>(`SELECT
      avg((class_code LIKE '01%')::int) FILTER (WHERE extract(month FROM created_at AT TIME ZONE 'Asia/Shanghai') IN (6, 7, 8)) AS summer,
      avg((class_code LIKE '01%')::int) FILTER (WHERE extract(month FROM created_at AT TIME ZONE 'Asia/Shanghai') IN (12, 1, 2)) AS winter,
      avg((extract(month FROM created_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 5 AND 9)::int) FILTER (WHERE class_code = '0510') AS bbq_warm
      FROM h`)
    expect(r!.summer).to.be.above(r!.winter * 1.3)
    expect(r!.bbq_warm).to.be.above(0.75)
  })

  it('concentrates reports at its hot spots far beyond their share of the doorplates', async () => {
    const spots = JSON.stringify(run.hotspots.map((h) => ({ lon: h.lon, lat: h.lat })))
    const near = `EXISTS (SELECT 1 FROM json_to_recordset(?::json) AS s(lon float8, lat float8)
      WHERE ST_DWithin(ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4490)::geography, x.geom::geography, 150))`
    const [ev] = await q<{ share: number }>('SELECT avg((' + near + ')::int) AS share FROM h x', [spots])
    const { rows: [ad] } = await trx.raw('SELECT avg((' + near + ')::int) AS share FROM std_address x WHERE level = 50', [spots])
    expect(run.hotspots.length).to.be.within(4, 15)
    expect(ev!.share).to.be.above(0.15)
    expect(ev!.share).to.be.above(2.5 * Number(ad.share))
  })

  it('writes nothing when run again with the same options', async () => {
    const again = await seedHistory(trx, { count: COUNT, seed: 42, end: END })
    expect(again).to.include({ written: 0, skipped: COUNT })
  })
})

describe('demo history: the day plan', () => {
  const world = (calendar: [string, 'holiday' | 'workday'][]): HistoryWorld => ({
    addresses: [], components: new Map(), hotspots: [], calendar: new Map(calendar),
    classes: new Map(['0102', '0505', '0510'].map((c) => [c, { name: c, limitHours: 4 }])),
  })

  it('hands out exactly the count, and fewer events on holidays and weekends than on working days', () => {
    const start = Date.parse('2025-09-29T00:00:00+08:00') // Monday
    const plan = planDays(world([['2025-10-01', 'holiday'], ['2025-10-02', 'holiday'], ['2025-10-11', 'workday']]), 10_007, start, 14)
    expect(plan.reduce((a, p) => a + p.count, 0)).to.equal(10_007)
    expect(plan.map((p) => p.kind)).to.deep.equal(['workday', 'workday', 'holiday', 'holiday', 'workday', 'weekend', 'weekend',
      'workday', 'workday', 'workday', 'workday', 'workday', 'workday', 'weekend'])
    expect(plan[2]!.count).to.be.below(plan[1]!.count * (DAY_VOLUME.holiday + 0.3))
    expect(plan[5]!.count).to.be.below(plan[4]!.count)
    expect(plan[0]!.nearHoliday).to.equal(true)
    expect(plan[12]!.nearHoliday).to.equal(false)
  })
})
