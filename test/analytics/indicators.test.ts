// GET /api/v1/analytics/indicators: every count and rate against a reference computed in Node from
// the event rows and history rows read back (test/analytics/indicatorsSupport.ts), with hand-set
// deadlines, closings, satisfaction and workflow actions in 2023-2024; a handful of edge events
// checked by hand; breakdowns, unit rows summing to the whole, 同比 / 环比 windows, jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DESCRIPTION, insertIndicatorEvents, readBack, referenceCounts, referenceRates, type Counts, type Row, type Spec } from './indicatorsSupport.ts'

const C1 = '990102001001' // street1
const C1B = '990102001002' // street1
const C2 = '990102002001' // street2
const CHANNELS = ['inspector_app', 'resident', 'hotline_12345']
const DEMANDS = ['咨询', '求助', '投诉举报', '建议感谢']
const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied']
const ACTIONS = ['rework', 'return', 'request_extension', 'approve_extension', 'deny_extension', 'escalate']
const FROM = '2024-03-01T00:00:00+08:00'
const TO = '2024-04-01T00:00:00+08:00'
const H = 3_600_000
const DAY = 24 * H

interface Rate { numerator: number; denominator: number; rate: number | null }
interface Keyed { key: string; name: string | null; total: number }
interface Summary { from: string; to: string; counts: Counts; rates: Record<string, Rate> }
interface UnitRow { rank: number; key: string; name: string | null; counts: Counts; rates: Record<string, Rate> }
interface Out extends Summary {
  byClass: Keyed[]; byChannel: Keyed[]; byDemandType: Keyed[]; byStatus: Keyed[]; topSmallClasses: Keyed[]
  unit?: string; units?: UnitRow[]; yoy: Summary; mom: Summary
}

/** A reproducible spread of events created in [start, start + days), every lifecycle represented. */
function spread(start: string, days: number, n: number, seed: number, classes: string[], departments: string[]): Spec[] {
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!
  const iso = (ms: number) => new Date(ms).toISOString()
  const out: Spec[] = []
  for (let i = 0; i < n; i++) {
    const t = Date.parse(start) + Math.floor(rand() * days * DAY)
    const e: Spec = { community: pick([C1, C1B, C2]), at: iso(t), channel: pick(CHANNELS), demandType: pick(DEMANDS),
      classCode: classes[Math.floor(rand() * rand() * classes.length)], status: 'reported', department: null }
    if (rand() < 0.85) {
      e.dispatched = iso(t + H)
      e.due = iso(t + H + Math.floor((1 + rand() * 20) * DAY))
      e.department = pick([...departments, null] as (string | null)[])
      e.status = 'handling'
      if (rand() < 0.6) {
        e.closed = iso(t + H + Math.floor(rand() * 25 * DAY))
        e.status = 'closed'
        if (rand() < 0.7) { e.satisfaction = pick(SATISFACTION); e.status = 'evaluated' }
      }
      e.history = Array.from({ length: Math.floor(rand() * 3) }, () => ({ action: pick(ACTIONS), at: iso(t + 2 * H + Math.floor(rand() * 30 * DAY)) }))
    }
    out.push(e)
  }
  return out
}

/** Hand-set edge events (class EDGE only): expected counts worked out by hand below. */
const edges = (edge: string): Spec[] => [
  // closed exactly at the deadline: due, closed, on time, evaluated and satisfied (basically)
  { community: C1, at: '2024-03-02T10:00:00+08:00', classCode: edge, channel: 'inspector_app', dispatched: '2024-03-02T11:00:00+08:00',
    due: '2024-03-05T11:00:00+08:00', closed: '2024-03-05T11:00:00+08:00', satisfaction: 'basically_satisfied', status: 'evaluated',
    history: [{ action: 'rework', at: '2024-03-04T09:00:00+08:00' }] },
  // deadline exactly at `to`, open: not due, not overdue; an extension requested (not approved) is no extension
  { community: C1, at: '2024-03-20T10:00:00+08:00', classCode: edge, dispatched: '2024-03-20T11:00:00+08:00', due: TO, status: 'handling',
    history: [{ action: 'request_extension', at: '2024-03-25T09:00:00+08:00' }] },
  // deadline a second before `to`, open: due and overdue; approved extension counted, return after `to` not
  { community: C1, at: '2024-03-21T10:00:00+08:00', classCode: edge, dispatched: '2024-03-21T11:00:00+08:00',
    due: '2024-03-31T23:59:59+08:00', status: 'handling',
    history: [{ action: 'approve_extension', at: '2024-03-22T09:00:00+08:00' }, { action: 'return', at: '2024-04-02T09:00:00+08:00' }] },
  // deadline passed, closed after `to`: due and overdue, not closed, its satisfaction not counted
  { community: C1, at: '2024-03-10T10:00:00+08:00', classCode: edge, dispatched: '2024-03-10T11:00:00+08:00', due: '2024-03-15T11:00:00+08:00',
    closed: '2024-04-03T11:00:00+08:00', satisfaction: 'satisfied', status: 'evaluated', history: [{ action: 'return', at: '2024-03-11T09:00:00+08:00' }] },
  // closed late, inside the window: due, closed, overdue, not on time; dissatisfied
  { community: C1, at: '2024-03-03T10:00:00+08:00', classCode: edge, dispatched: '2024-03-03T11:00:00+08:00', due: '2024-03-06T11:00:00+08:00',
    closed: '2024-03-06T11:00:01+08:00', satisfaction: 'dissatisfied', status: 'evaluated' },
  // never dispatched
  { community: C1, at: '2024-03-30T10:00:00+08:00', classCode: edge, channel: 'inspector_app', status: 'reported' },
]

describe('analytics indicators API', () => {
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>
  let street2: Record<string, string>
  let classes: string[]
  let edge: string
  let rows: Row[]
  const get = async (q: string, h: Record<string, string>) => {
    const r = await client.get(`/api/v1/analytics/indicators?${q}`, h)
    expect(r.statusCode, `${q}: ${r.body}`).to.equal(200)
    return r.json() as Out
  }
  const window = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`
  const expectSummary = (s: Summary, ref: Row[], to: string, what: string) => {
    const c = referenceCounts(ref, new Date(to))
    expect(s.counts, `${what} counts`).to.deep.equal(c)
    expect(s.rates, `${what} rates`).to.deep.equal(referenceRates(c))
  }
  const tally = (rs: Row[], key: (r: Row) => string) => {
    const m = new Map<string, number>()
    for (const r of rs) m.set(key(r), (m.get(key(r)) ?? 0) + 1)
    return m
  }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[analyst, street1, street2] = [await loginAs(client, 'analyst'), await loginAs(client, 'street1'), await loginAs(client, 'street2')]
    const small = await knex('event_class').whereRaw('length(code) = 4').orderBy('code').pluck('code') as string[]
    expect(small.length, 'small classes in the demo catalogue').to.be.greaterThan(14)
    classes = small.slice(0, 14)
    edge = small[small.length - 1]!
    const departments = (await knex('department').where('admin_code', 'like', '9901%').orderBy('id').limit(4).pluck('id') as (string | number)[]).map(String)
    expect(departments.length).to.be.greaterThan(1)
    await insertIndicatorEvents(knex, [
      ...spread('2024-03-01T00:00:00+08:00', 31, 160, 4242, classes, departments),
      ...spread('2024-01-25T00:00:00+08:00', 36, 60, 99, classes, departments), // the window before (环比)
      ...spread('2023-03-01T00:00:00+08:00', 31, 50, 7, classes, departments), // a year earlier (同比)
      ...edges(edge),
    ])
    rows = await readBack(knex, FROM, TO)
  })

  after(async () => {
    // event_history is append-only (a trigger refuses DELETE); rows of deleted events refer to ids never reused
    await knex('event').where({ description: DESCRIPTION }).delete()
  })

  it('computes every count and rate of the city like the reference, each indicator exercised', async () => {
    const s = await get(window, analyst)
    expect(s.from).to.equal(new Date(FROM).toISOString())
    expectSummary(s, rows, TO, 'city')
    for (const [k, v] of Object.entries(s.counts)) expect(v, `${k} exercised`).to.be.greaterThan(0)
    for (const [k, r] of Object.entries(s.rates)) expect(r.rate, k).to.be.within(0, 1)
  })

  it('computes a window that is not a whole period from the event rows, like the reference', async () => {
    const to = '2024-03-31T12:00:00+08:00'
    const s = await get(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(to)}&unit=street`, analyst)
    expectSummary(s, await readBack(knex, FROM, to), to, 'part of March')
    expect(s.mom.to).to.equal(new Date(FROM).toISOString())
    expect(Date.parse(s.mom.to) - Date.parse(s.mom.from)).to.equal(Date.parse(to) - Date.parse(FROM))
  })

  it('applies the definitions to hand-set edge events as worked out by hand', async () => {
    const s = await get(`${window}&class=${edge}`, analyst)
    expect(s.counts).to.deep.equal({ total: 6, due: 4, closed: 2, on_time: 1, overdue: 3, dispatched: 5, rework: 1, extension: 1,
      returned: 1, evaluated: 2, satisfied: 1, inspector: 2, escalated: 0, transferred: 5, direct: 1 })
    expect(s.rates.closeRate).to.deep.equal({ numerator: 2, denominator: 4, rate: 0.5 })
    expect(s.rates.satisfactionRate).to.deep.equal({ numerator: 1, denominator: 2, rate: 0.5 })
    expect(s.rates.selfDiscoveryRate).to.deep.equal({ numerator: 2, denominator: 6, rate: 2 / 6 })
  })

  it('answers null rates with zero denominators for an empty window', async () => {
    const s = await get('from=2019-01-01&to=2019-02-01', analyst)
    expect(s.counts.total).to.equal(0)
    for (const r of Object.values(s.rates)) expect(r).to.deep.equal({ numerator: 0, denominator: 0, rate: null })
    expect(s.byClass).to.deep.equal([])
  })

  it('counts by big class, channel, demand type and status, and the top-10 small classes, like the reference', async () => {
    const s = await get(window, analyst)
    const asMap = (k: Keyed[]) => new Map(k.map((x) => [x.key, x.total]))
    expect(asMap(s.byClass)).to.deep.equal(tally(rows, (r) => r.classCode.slice(0, 2)))
    expect(asMap(s.byChannel)).to.deep.equal(tally(rows, (r) => r.channel))
    expect(asMap(s.byDemandType)).to.deep.equal(tally(rows, (r) => r.demandType))
    expect(asMap(s.byStatus)).to.deep.equal(tally(rows, (r) => r.status))
    const ranked = [...tally(rows, (r) => r.classCode)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10)
    expect(s.topSmallClasses.map((x) => [x.key, x.total])).to.deep.equal(ranked)
    expect(s.byChannel.find((x) => x.key === 'inspector_app')!.name).to.equal('网格员巡查上报')
    for (const list of [s.byClass, s.byChannel, s.byDemandType, s.byStatus]) {
      expect(list.reduce((a, x) => a + x.total, 0)).to.equal(rows.length)
    }
  })

  for (const unit of ['district', 'street', 'community', 'department'] as const) {
    it(`gives one row per ${unit}, each like the reference, ranked, summing to the whole`, async () => {
      const s = await get(`${window}&unit=${unit}`, analyst)
      expect(s.unit).to.equal(unit)
      const keyOf = (r: Row) => unit === 'department' ? r.department ?? 'unassigned'
        : unit === 'community' ? r.community : unit === 'street' ? `${r.community.slice(0, 9)}000` : `${r.community.slice(0, 6)}000000`
      const groups = tally(rows, keyOf)
      expect(new Set(s.units!.map((u) => u.key))).to.deep.equal(new Set(groups.keys()))
      s.units!.forEach((u, i) => {
        expect(u.rank).to.equal(i + 1)
        if (i > 0) expect(u.counts.total).to.be.at.most(s.units![i - 1]!.counts.total)
        expectSummary({ ...s, counts: u.counts, rates: u.rates }, rows.filter((r) => keyOf(r) === u.key), TO, `${unit} ${u.key}`)
      })
      for (const k of Object.keys(s.counts) as (keyof Counts)[]) {
        expect(s.units!.reduce((a, u) => a + u.counts[k], 0), `${unit} rows sum ${k}`).to.equal(s.counts[k])
      }
      if (unit !== 'department') for (const u of s.units!) expect(u.name, u.key).to.be.a('string')
    })
  }

  it('gives 同比 for the same month a year earlier and 环比 for the month before', async () => {
    const s = await get(window, analyst)
    const yoyFrom = '2023-03-01T00:00:00+08:00'
    const yoyTo = '2023-04-01T00:00:00+08:00'
    const momFrom = new Date('2024-02-01T00:00:00+08:00').toISOString()
    expect([s.yoy.from, s.yoy.to]).to.deep.equal([new Date(yoyFrom).toISOString(), new Date(yoyTo).toISOString()])
    expect([s.mom.from, s.mom.to]).to.deep.equal([momFrom, new Date(FROM).toISOString()])
    expectSummary(s.yoy, await readBack(knex, yoyFrom, yoyTo), yoyTo, 'yoy')
    expectSummary(s.mom, await readBack(knex, momFrom, FROM), FROM, 'mom')
    expect(s.yoy.counts.total).to.be.greaterThan(0)
    expect(s.mom.counts.total).to.be.greaterThan(0)
  })

  it('applies class and channel filters like the reference', async () => {
    const big = classes[0]!.slice(0, 2)
    expectSummary(await get(`${window}&class=${big}`, analyst), rows.filter((r) => r.classCode.startsWith(big)), TO, 'big class')
    expectSummary(await get(`${window}&channel=inspector_app,resident`, analyst),
      rows.filter((r) => r.channel === 'inspector_app' || r.channel === 'resident'), TO, 'channels')
    expectSummary(await get(`${window}&area=990102001000`, analyst), rows.filter((r) => r.community.startsWith('990102001')), TO, 'area')
  })

  it('keeps each street to its own jurisdiction', async () => {
    const own1 = rows.filter((r) => r.community.startsWith('990102001'))
    const own2 = rows.filter((r) => r.community.startsWith('990102002'))
    expect(own1.length).to.be.greaterThan(0)
    expect(own2.length).to.be.greaterThan(0)
    expectSummary(await get(window, street1), own1, TO, 'street1')
    const s2 = await get(`${window}&unit=community`, street2)
    expectSummary(s2, own2, TO, 'street2')
    expect(s2.units!.every((u) => u.key.startsWith('990102002'))).to.equal(true)
    expect(s2.topSmallClasses.reduce((a, x) => a + x.total, 0)).to.be.at.most(own2.length)
  })
})
