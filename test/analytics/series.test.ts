// GET /api/v1/analytics/series: counts per day, ISO week and month checked against a reference
// bucketed in Node from the event rows read back (Shanghai calendar from Intl); empty periods,
// week and day boundaries at Shanghai midnight, year-on-year and previous-period values,
// grouping with "other", filters and jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { bucket, DESCRIPTION, insertSeriesEvents, labelOf, readBack, yearBefore, type Row, type SeriesEvent, type Unit } from './seriesSupport.ts'

const C1 = '990102001001' // street1
const C1B = '990102001002' // street1
const C2 = '990102002001' // street2
const CHANNELS = ['inspector_app', 'resident', 'hotline_12345']
const STATUSES = ['dispatched', 'closed', 'reported']

interface Change { count: number | null; change: number | null }
interface Period { start: string; end: string; label: string; count: number; yoy: Change; prev: Change }
interface Group { key: string; name: string | null; total: number; periods: Period[] }
interface Series { interval: string; from: string; to: string; total: number; periods: Period[]; groups?: Group[] }

const change = (now: number, before: number): Change => ({ count: before, change: before === 0 ? null : (now - before) / before })

/** Every period's count, yoy and prev against the reference map of the same rows. */
function expectMatches(s: Series, ref: Map<string, number>, what: string) {
  s.periods.forEach((p, i) => {
    const at = (label: string) => ref.get(label) ?? 0
    expect(p.count, `${what} ${p.label}`).to.equal(at(p.label))
    expect(p.yoy, `${what} ${p.label} yoy`).to.deep.equal(change(p.count, at(yearBefore(p.label))))
    if (i > 0) expect(p.prev, `${what} ${p.label} prev`).to.deep.equal(change(p.count, s.periods[i - 1]!.count))
  })
  expect(s.total, what).to.equal(s.periods.reduce((a, p) => a + p.count, 0))
}

describe('analytics series API', () => {
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>
  let street2: Record<string, string>
  let rows: Row[]
  let classes: string[]
  const get = async (q: string, h: Record<string, string>) => {
    const r = await client.get(`/api/v1/analytics/series?${q}`, h)
    expect(r.statusCode, `${q}: ${r.body}`).to.equal(200)
    return r.json() as Series
  }
  const ref = (unit: Unit, keep: (r: Row) => boolean = () => true) => bucket(unit, rows.filter(keep))

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[analyst, street1, street2] = [await loginAs(client, 'analyst'), await loginAs(client, 'street1'), await loginAs(client, 'street2')]
    classes = (await knex('event_class').whereRaw('length(code) = 4').orderBy('code').pluck('code') as string[]).slice(0, 24)
    expect(classes.length, 'small classes in the demo catalogue').to.be.greaterThan(21)
    const events: SeriesEvent[] = []
    // a reproducible spread over 2013-2014 (the comparison year and the year shown), leaving many days empty
    let seed = 12345
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 900; i++) {
      const t = Date.parse('2013-01-01T00:00:00+08:00') + Math.floor(rand() * 730) * 86_400_000 * (rand() < 0.6 ? 1 : 0.5) + Math.floor(rand() * 86_400_000)
      events.push({ community: [C1, C1B, C2][i % 3]!, at: new Date(t).toISOString(), classCode: classes[Math.floor(rand() * rand() * classes.length)],
        channel: CHANNELS[i % 3 === 0 ? 0 : Math.floor(rand() * 3)], status: STATUSES[Math.floor(rand() * 3)] })
    }
    // boundaries: Sunday 23:59:59 and Monday 00:00 in Shanghai (both Sunday in UTC); a day and a month
    // that start in Shanghai while UTC is still on the day before
    for (const at of ['2014-03-09T23:59:59+08:00', '2014-03-10T00:00:00+08:00', '2014-03-10T00:00:00+08:00',
      '2014-03-04T23:30:00+08:00', '2014-03-05T00:30:00+08:00', '2014-03-05T07:59:00+08:00',
      '2014-03-31T23:59:59+08:00', '2014-04-01T00:10:00+08:00']) events.push({ community: C1, at })
    await insertSeriesEvents(knex, events)
    rows = await readBack(knex, '2012-12-01T00:00:00+08:00', '2015-02-01T00:00:00+08:00')
  })

  after(async () => {
    await knex('event').where({ description: DESCRIPTION }).delete()
  })

  it('counts every day of a month like the reference, empty days as 0, with yoy and prev', async () => {
    const s = await get('interval=day&from=2014-03-01&to=2014-04-01', analyst)
    expect(s.interval).to.equal('day')
    expect([s.from, s.to]).to.deep.equal(['2014-03-01T00:00:00+08:00', '2014-04-01T00:00:00+08:00'])
    expect(s.periods.map((p) => p.label)).to.deep.equal(Array.from({ length: 31 }, (_, i) => `2014-03-${String(i + 1).padStart(2, '0')}`))
    expect(s.periods.some((p) => p.count === 0), 'some empty days').to.equal(true)
    const r = ref('day')
    expectMatches(s, r, 'day')
    // the first period's prev is the day before the range
    expect(s.periods[0]!.prev).to.deep.equal(change(s.periods[0]!.count, r.get('2014-02-28') ?? 0))
    // Shanghai midnight, not UTC: 23:30 on the 4th and 00:30 / 07:59 on the 5th fall on different days
    const fourth = rows.filter((x) => labelOf('day', x.at) === '2014-03-04').length
    expect(s.periods[3]!.count).to.equal(fourth)
    expect(s.periods[3]!.start).to.equal('2014-03-04T00:00:00+08:00')
    expect(s.periods[3]!.end).to.equal('2014-03-05T00:00:00+08:00')
  })

  it('counts ISO weeks (Monday 00:00 Shanghai), widening the range to whole weeks', async () => {
    const s = await get(`interval=week&from=2014-03-05&to=${encodeURIComponent('2014-06-18T12:00:00+08:00')}`, analyst)
    expect(s.from).to.equal('2014-03-03T00:00:00+08:00') // the Monday of the week holding 5 March
    expect(s.to).to.equal('2014-06-23T00:00:00+08:00')
    expect(s.periods[0]!.label).to.equal('2014-W10')
    for (const [i, p] of s.periods.entries()) {
      expect(new Date(p.start).getTime() - Date.parse(s.from)).to.equal(i * 7 * 86_400_000)
      expect(new Date(Date.parse(p.start) + 8 * 3_600_000).getUTCDay(), 'a Monday in Shanghai').to.equal(1)
    }
    expectMatches(s, ref('week'), 'week')
    // Sunday 23:59:59 is in W10, Monday 00:00 in W11 (both are Sunday in UTC)
    const w10 = rows.filter((x) => labelOf('week', x.at) === '2014-W10').length
    expect(s.periods[0]!.count).to.equal(w10)
    expect(rows.filter((x) => x.at.toISOString() === '2014-03-09T16:00:00.000Z' && labelOf('week', x.at) === '2014-W11')).to.have.length(2)
  })

  it('counts months, with year-on-year against the same month of 2013 and the change ratio', async () => {
    const s = await get('interval=month&from=2014-01-01&to=2015-01-01', analyst)
    expect(s.periods.map((p) => p.label)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `2014-${String(i + 1).padStart(2, '0')}`))
    expect(s.periods[3]!.start).to.equal('2014-04-01T00:00:00+08:00')
    const r = ref('month')
    expectMatches(s, r, 'month')
    expect(s.total).to.equal(rows.filter((x) => labelOf('month', x.at).startsWith('2014')).length)
    const jan = s.periods[0]!
    expect(jan.yoy.count).to.be.greaterThan(0)
    expect(jan.yoy.change).to.be.closeTo((jan.count - r.get('2013-01')!) / r.get('2013-01')!, 1e-12)
    expect(jan.prev.count).to.equal(r.get('2013-12') ?? 0)
  })

  it('answers every period of an empty range as 0, changes null', async () => {
    const s = await get('interval=week&from=2012-01-02&to=2012-03-05', analyst)
    expect(s.periods).to.have.length(9)
    expect(s.total).to.equal(0)
    for (const p of s.periods) expect(p).to.include({ count: 0 }).and.to.deep.include({ yoy: { count: 0, change: null }, prev: { count: 0, change: null } })
  })

  it('groups by class: the 20 largest by total, the rest summed as "other"', async () => {
    const s = await get('interval=month&from=2014-01-01&to=2015-01-01&by=class', analyst)
    const in2014 = rows.filter((x) => labelOf('month', x.at).startsWith('2014'))
    const totals = new Map<string, number>()
    for (const x of rows) totals.set(x.classCode, (totals.get(x.classCode) ?? 0) + (labelOf('month', x.at).startsWith('2014') ? 1 : 0))
    const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    expect(ranked.length, 'more than 20 classes in the data').to.be.greaterThan(20)
    const groups = s.groups!
    expect(groups.map((g) => g.key)).to.deep.equal([...ranked.slice(0, 20).map(([k]) => k), 'other'])
    for (const g of groups.slice(0, 20)) {
      expect(g.total, g.key).to.equal(totals.get(g.key))
      expect(g.name, g.key).to.be.a('string')
      expectMatches({ ...s, total: g.total, periods: g.periods }, bucket('month', rows.filter((x) => x.classCode === g.key)), `class ${g.key}`)
    }
    const rest = new Set(ranked.slice(20).map(([k]) => k))
    const other = groups[20]!
    expect(other.total).to.equal(in2014.filter((x) => rest.has(x.classCode)).length)
    expectMatches({ ...s, total: other.total, periods: other.periods }, bucket('month', rows.filter((x) => rest.has(x.classCode))), 'other')
    // the groups add up to the whole, period by period
    s.periods.forEach((p, i) => expect(groups.reduce((a, g) => a + g.periods[i]!.count, 0)).to.equal(p.count))
  })

  it('groups by community, channel and status with every group listed', async () => {
    for (const [by, key] of [['community', (x: Row) => x.community], ['channel', (x: Row) => x.channel], ['status', (x: Row) => x.status]] as const) {
      const s = await get(`interval=month&from=2014-01-01&to=2015-01-01&by=${by}`, analyst)
      const keys = [...new Set(rows.map(key))].sort()
      expect(s.groups!.map((g) => g.key).sort(), by).to.deep.equal(keys)
      for (const g of s.groups!) expectMatches({ ...s, total: g.total, periods: g.periods }, bucket('month', rows.filter((x) => key(x) === g.key)), `${by} ${g.key}`)
    }
  })

  it('applies class, channel and status filters', async () => {
    const big = classes[0]!.slice(0, 2)
    const s = await get(`interval=month&from=2014-01-01&to=2015-01-01&class=${big}&channel=resident,hotline_12345&status=closed`, analyst)
    expectMatches(s, ref('month', (x) => x.classCode.startsWith(big) && ['resident', 'hotline_12345'].includes(x.channel) && x.status === 'closed'), 'filtered')
    expect(s.total).to.be.greaterThan(0)
  })

  it('stays inside the jurisdiction: street2 sees none of street1\'s events', async () => {
    const q = 'interval=month&from=2014-01-01&to=2015-01-01'
    const s2 = await get(q, street2)
    expectMatches(s2, ref('month', (x) => x.community.startsWith('990102002')), 'street2')
    const s1 = await get(q, street1)
    expectMatches(s1, ref('month', (x) => x.community.startsWith('990102001')), 'street1')
    const all = await get(q, analyst)
    expect(s1.total + s2.total).to.equal(all.total)
    const byCommunity = await get(`${q}&by=community`, street2)
    expect(byCommunity.groups!.map((g) => g.key)).to.deep.equal([C2])
    const area = await get(`${q}&area=${C1B}`, street1)
    expectMatches(area, ref('month', (x) => x.community === C1B), 'area')
    const r = await client.get(`/api/v1/analytics/series?${q}&area=${C1}`, street2)
    expect(r.statusCode).to.equal(403)
    expect(r.json().detail).to.match(/area/)
  })
})
