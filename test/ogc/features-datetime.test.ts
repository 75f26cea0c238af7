// OGC API Features datetime (Part 1 /req/core/fc-time-definition, fc-time-response): instants,
// closed and open intervals on the layers with a time, every value checked on all layers, and
// the temporal extent of the collections.
import { expect } from 'chai'
import { testClient, type Client } from '../support/http.ts'
import { basic, expectException } from './wfs-support.ts'
import { EVENT_PREFIX, seedEvents } from './features-support.ts'

const F = '/ogc/features'
const analyst = basic('analyst')

describe('OGC API Features: datetime', () => {
  let client: Client
  let events: Awaited<ReturnType<typeof seedEvents>>
  before(async () => {
    client = await testClient()
    events = await seedEvents(client.context.knex)
  })
  after(async () => {
    await client.context.knex('event').where('number', 'like', `${EVENT_PREFIX}%`).delete()
  })

  const ids = async (layer: string, datetime: string) => {
    const res = await client.get(`${F}/collections/${layer}/items?limit=10000&datetime=${encodeURIComponent(datetime)}`, analyst)
    expect(res.statusCode, `${datetime}: ${res.body.slice(0, 300)}`).to.equal(200)
    return (res.json().features as { id: string }[]).map((f) => String(f.id)).filter((id) => id.startsWith(EVENT_PREFIX)).sort()
  }
  // the reference: the same selection over the seeded list in JavaScript
  const expected = (lo: number, hi: number, onlyOpen = false) =>
    events.filter((e) => e.createdAt.getTime() >= lo && e.createdAt.getTime() <= hi && (!onlyOpen || e.open)).map((e) => e.number).sort()
  const t = (s: string) => Date.parse(s)

  it('an instant, a closed interval and open intervals select by the report time', async () => {
    expect(await ids('events_all', '2026-01-03T02:00:00Z')).to.deep.equal([`${EVENT_PREFIX}03`])
    expect(await ids('events_all', '2026-01-03T10:00:00+08:00')).to.deep.equal([`${EVENT_PREFIX}03`])
    expect(await ids('events_all', '2026-01-03T02:00:01Z')).to.deep.equal([])
    const closed = '2026-01-02T00:00:00Z/2026-01-05T02:00:00Z'
    expect(await ids('events_all', closed)).to.deep.equal(expected(t('2026-01-02T00:00:00Z'), t('2026-01-05T02:00:00Z')))
    expect(await ids('events_all', '../2026-01-04T00:00:00Z')).to.deep.equal(expected(-Infinity, t('2026-01-04T00:00:00Z')))
    expect(await ids('events_all', '2026-01-10T00:00:00Z/..')).to.deep.equal(expected(t('2026-01-10T00:00:00Z'), Infinity))
    expect(await ids('events_all', '/2026-01-02T02:00:00Z')).to.deep.equal(expected(-Infinity, t('2026-01-02T02:00:00Z')))
    // a date is the whole day in Asia/Shanghai
    expect(await ids('events_all', '2026-01-07')).to.deep.equal([`${EVENT_PREFIX}07`])
    // the in-progress layer: the same time rule over the open events only
    expect(await ids('events', closed)).to.deep.equal(expected(t('2026-01-02T00:00:00Z'), t('2026-01-05T02:00:00Z'), true))
  })

  it('grids last from valid_from on: an instant before every grid selects none, now selects all', async () => {
    const count = async (q: string) => (await client.get(`${F}/collections/base_grids/items?limit=1&${q}`, analyst)).json().numberMatched
    const all = await count('')
    expect(all).to.be.greaterThan(0)
    expect(await count(`datetime=${encodeURIComponent(new Date().toISOString())}`)).to.equal(all)
    expect(await count('datetime=1990-01-01T00:00:00Z')).to.equal(0)
    const { rows } = await client.context.knex.raw("SELECT count(*)::int AS n FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE '9901%' AND valid_from <= '2026-01-01T00:00:00Z'")
    expect(await count('datetime=../2026-01-01T00:00:00Z')).to.equal(rows[0].n)
  })

  it('layers without time match every datetime; malformed values are a 400 on every layer', async () => {
    const all = (await client.get(`${F}/collections/roads/items?limit=1`, analyst)).json().numberMatched
    expect((await client.get(`${F}/collections/roads/items?limit=1&datetime=2026-01-01T00:00:00Z`, analyst)).json().numberMatched).to.equal(all)
    for (const bad of ['2026-02-30T00:00:00Z', 'yesterday', '2026-01-01T00:00:00', '../..', '2026-01-05T00:00:00Z/2026-01-01T00:00:00Z', 'a/b/c', '2026-01-01T25:00:00Z']) {
      for (const layer of ['events_all', 'roads']) {
        const res = await client.get(`${F}/collections/${layer}/items?datetime=${encodeURIComponent(bad)}`, analyst)
        expect(expectException(res, 400, 'InvalidParameterValue', 'datetime'), bad).to.match(/datetime/)
      }
    }
  })

  it('extent.temporal: the report times of events, open-ended for grids, none for roads', async () => {
    const { rows } = await client.context.knex.raw("SELECT min(created_at) AS lo, max(created_at) AS hi FROM event")
    const ev = (await client.get(`${F}/collections/events_all`)).json()
    expect(ev.extent.temporal.interval).to.deep.equal([[new Date(rows[0].lo).toISOString(), new Date(rows[0].hi).toISOString()]])
    expect(ev.extent.temporal.trs).to.equal('http://www.opengis.net/def/uom/ISO-8601/0/Gregorian')
    const grids = (await client.get(`${F}/collections/base_grids`)).json()
    expect(grids.extent.temporal.interval[0][1]).to.equal(null)
    const roads = (await client.get(`${F}/collections/roads`)).json()
    expect(roads.extent.temporal).to.equal(undefined)
  })
})
