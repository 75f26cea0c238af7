// Intake over HTTP: channels, location in several CRSs, the grid chain, dispatch explanation,
// idempotency, duplicates and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToParent } from 'h3-js'
import { getTestDb } from '../support/db.ts'
import { pointIn, uniq } from './helpers.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'

describe('events: intake', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p1: { lon: number; lat: number; grid: string }
  let p2: { lon: number; lat: number; grid: string }
  const body = (over: Record<string, unknown> = {}) => ({
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('路口有暴露垃圾'),
    location: { x: p1.lon, y: p1.lat, crs: 'EPSG:4490' }, ...over,
  })

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'inspector', 'department']) auth[u] = await loginAs(client, u)
    auth.system = { 'x-api-key': DEMO_API_KEY }
    // grids no other test file reports in, so duplicate candidates are this file's own
    p1 = await pointIn(knex, '990102001001', 5)
    p2 = await pointIn(knex, '990102002001', 5)
  })

  it('files and dispatches a superior assignment by the category owner (属主), with the grid chain and an explanation', async () => {
    const res = await client.post('/api/v1/events', body(), auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const { event, dispatch, duplicates } = res.json()
    expect(event.number).to.match(/^E\d{8}\d{4}$/)
    expect(res.headers.location).to.equal(`/api/v1/events/${event.number}`)
    expect(event.status).to.equal('dispatched')
    expect(event.grid).to.deep.equal({ code: p1.grid, version: 1 })
    expect(event).to.include({ communityCode: '990102001001', streetCode: '990102001000', districtCode: '990102000000' })
    expect(event.assignee.department.code).to.equal('CGJ-990102')
    expect(dispatch.chosen).to.include({ basis: '属主', level: 'district' })
    expect(dispatch.rules.find((r: { result: string }) => r.result === 'chosen').ruleId).to.equal(dispatch.chosen.ruleId)
    expect(dispatch.rules.filter((r: { result: string }) => r.result === 'no_match').length).to.be.greaterThan(0)
    expect(event.deadlines.signDueAt).to.be.a('string')
    expect(event.deadlines.handleDueAt).to.be.a('string')
    expect(event.light).to.equal('green')
    expect(duplicates).to.deep.equal([])
    // H3 resolution 12 from which coarser cells derive, in SQL exactly as h3-js does
    const { rows } = await knex.raw(`SELECT h3_cell_parent(h3_r12, 9)::text AS r9 FROM event WHERE number = ?`, [event.number])
    expect(BigInt(rows[0].r9).toString(16)).to.equal(cellToParent(event.h3.cell, 9))
    const hist = await client.get(`/api/v1/events/${event.number}/history`, auth.command)
    expect(hist.json().items.map((h: { action: string }) => h.action)).to.deep.equal(['report', 'accept', 'dispatch'])
  })

  it('dispatches social-governance events to the grid inspector (属地 网格接单)', async () => {
    const res = await client.post('/api/v1/events', body({ classCode: '0601', description: uniq('邻里噪音纠纷') }), auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const { event, dispatch } = res.json()
    expect(event.assignee.member).to.be.an('object')
    expect(event.assignee.department.code).to.equal('SQ-990102001001')
    expect(dispatch.chosen).to.include({ basis: '属地', level: 'grid' })
  })

  it('leaves a resident report unfiled (待受理) with no dispatch', async () => {
    const res = await client.post('/api/v1/events', body({ channel: 'resident', description: uniq('小区门口垃圾') }), auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json().event.status).to.equal('reported')
    expect(res.json().event.assignee).to.equal(null)
    expect(res.json().dispatch).to.equal(null)
  })

  it('accepts the point in Gauss-Krüger and GCJ-02 and records the conversion', async () => {
    const gk = parseCrs('EPSG:4527')
    const [n, e] = fromStorage(p1.lon, p1.lat, gk)
    const res = await client.post('/api/v1/events', body({ channel: 'resident', location: { x: n, y: e, crs: 'EPSG:4527' } }), auth.system)
    expect(res.statusCode, res.body).to.equal(403) // external systems do not report as residents
    const ok = await client.post('/api/v1/events', body({ channel: 'hotline_12345', location: { x: n, y: e, crs: 'EPSG:4527' } }), auth.system)
    expect(ok.statusCode, ok.body).to.equal(201)
    const ev = ok.json().event
    expect(ev.grid.code).to.equal(p1.grid)
    expect(ev.location.coordinates[0]).to.be.closeTo(p1.lon, 1e-7)
    expect(ev.sourcePosition.conversion).to.match(/Gauss-Kr/)
    const [gx, gy] = fromStorage(p1.lon, p1.lat, parseCrs('GCJ-02'))
    const g = await client.post('/api/v1/events', body({ channel: 'hotline_12345', location: { x: gx, y: gy, crs: 'GCJ-02' } }), auth.system)
    expect(g.statusCode, g.body).to.equal(201)
    expect(g.json().event.sourcePosition.crs).to.equal('GCJ-02')
    expect(g.json().event.grid.code).to.equal(p1.grid)
  })

  it('refuses hostile input with clear errors', async () => {
    const cases: [unknown, number, RegExp][] = [
      [body({ classCode: '0198' }), 400, /unknown event class 0198/],
      [body({ classCode: '01' }), 400, /classCode/],
      [body({ location: undefined }), 400, /location.*address/],
      [body({ location: { x: 'a', y: 1 } }), 400, /location/],
      // the raw text: JSON.stringify turns 1e308 * 10 (Infinity) into null, the server must see the overflow
      [JSON.stringify(body({ location: { x: 116.5, y: 39.5 } })).replace('"x":116.5', '"x":1e309'), 400, /location\.x.*(finite|number)/i],
      [body({ location: { x: p1.lon, y: p1.lat, crs: 'EPSG:9999' } }), 400, /unsupported CRS/],
      [body({ location: { x: p1.lat, y: p1.lon } }), 400, /swapped/],
      [body({ description: 'x'.repeat(4001) }), 400, /description/],
      [body({ description: '   ' }), 400, /description/],
      [body({ channel: 'fax' }), 400, /channel/],
      [body({ demandType: '抱怨' }), 400, /demandType/],
      [body({ priority: 9 }), 400, /priority/],
      [body({ extra: 1 }), 400, /extra|unrecognized/i],
      [body({ location: { x: 117.5, y: 37.5 } }), 422, /outside every grid.*m away/],
    ]
    expect(cases.filter(([p]) => typeof p === 'string' && p.includes('"x":1e309'))).to.have.length(1)
    for (const [payload, status, detail] of cases) {
      const res = await client.post('/api/v1/events', payload, auth.command)
      expect(res.statusCode, `${JSON.stringify(payload).slice(0, 120)} → ${res.body}`).to.equal(status)
      expect(res.json().detail).to.match(detail)
    }
    const far = await client.post('/api/v1/events', body({ location: { x: 117.5, y: 37.5 } }), auth.command)
    expect(far.json().distanceMetres).to.be.greaterThan(1000)
    const garbage = await client.post('/api/v1/events', '{"channel": ', auth.command)
    expect(garbage.statusCode).to.equal(400)
  })

  it('checks role, channel and jurisdiction', async () => {
    expect((await client.post('/api/v1/events', body(), {})).statusCode).to.equal(401)
    expect((await client.post('/api/v1/events', body({ channel: 'inspector_app' }), auth.street1)).statusCode).to.equal(403)
    const out = await client.post('/api/v1/events', body({ channel: 'resident', location: { x: p2.lon, y: p2.lat } }), auth.street1)
    expect(out.statusCode).to.equal(403)
    expect(out.json().detail).to.match(/outside your jurisdiction/)
    const insp = await client.post('/api/v1/events', body({ channel: 'inspector_app' }), auth.inspector)
    expect(insp.statusCode, insp.body).to.equal(201)
  })

  it('takes the day\'s next number only for a report it files (a refused one uses none)', async () => {
    const last = async () => Number((await knex('event_number_counter').where({ city_code: '990100' }).orderBy('day', 'desc').first('last'))?.last ?? 0)
    const before = await last()
    const refused = await client.post('/api/v1/events', body({ channel: 'resident', location: { x: p2.lon, y: p2.lat } }), auth.street1)
    expect(refused.statusCode).to.equal(403)
    const outside = await client.post('/api/v1/events', body({ location: { x: 117.5, y: 37.5 } }), auth.command)
    expect(outside.statusCode).to.equal(422)
    expect(await last()).to.equal(before)
    const ok = await client.post('/api/v1/events', body(), auth.command)
    expect(ok.statusCode, ok.body).to.equal(201)
    expect(await last()).to.equal(before + 1)
    expect(Number(ok.json().event.number.slice(9))).to.equal(before + 1)
  })

  it('idempotency: the same key and body give the same event, another body 409', async () => {
    const b = body({ location: { y: p1.lat, x: p1.lon } })
    const key = { 'idempotency-key': `k-${process.pid}-${Date.now()}` }
    const first = await client.post('/api/v1/events', b, { ...auth.command, ...key })
    expect(first.statusCode, first.body).to.equal(201)
    // key order and an explicit default do not make it another body
    const again = await client.post('/api/v1/events', { ...b, location: { x: p1.lon, y: p1.lat, crs: 'EPSG:4490' } }, { ...auth.command, ...key })
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json().event.number).to.equal(first.json().event.number)
    expect(again.json().replayed).to.equal(true)
    const other = await client.post('/api/v1/events', { ...b, description: uniq('另一件事') }, { ...auth.command, ...key })
    expect(other.statusCode).to.equal(409)
    expect(other.json().type).to.match(/idempotency_key_reused/)
    // the same key from another client is another submission
    const otherClient = await client.post('/api/v1/events', b, { ...auth.street1, ...key })
    expect(otherClient.statusCode, otherClient.body).to.equal(201)
    const bad = await client.post('/api/v1/events', b, { ...auth.command, 'idempotency-key': 'x'.repeat(201) })
    expect(bad.statusCode).to.equal(400)
  })

  it('idempotency under concurrency: eight parallel retries make one event', async () => {
    const b = body()
    const key = { 'idempotency-key': `par-${process.pid}-${Date.now()}` }
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.post('/api/v1/events', b, { ...auth.command, ...key })))
    const statuses = answers.map((a) => a.statusCode).sort()
    expect(statuses.filter((s) => s === 201)).to.have.length(1)
    expect(statuses.filter((s) => s === 200)).to.have.length(7)
    expect(new Set(answers.map((a) => a.json().event.number)).size).to.equal(1)
  })

  it('returns duplicate candidates: same class, nearby, recent, similar text', async () => {
    const text = uniq('人行道上堆放大量建筑垃圾无人清理')
    const first = await client.post('/api/v1/events', body({ description: text, location: { x: p2.lon, y: p2.lat } }), auth.command)
    expect(first.statusCode, first.body).to.equal(201)
    const near = { x: p2.lon + 0.0002, y: p2.lat }
    const second = await client.post('/api/v1/events', body({ description: `${text}，请尽快处理`, location: near }), auth.command)
    const dup = second.json().duplicates
    expect(dup.map((d: { number: string }) => d.number)).to.include(first.json().event.number)
    expect(dup[0].metres).to.be.within(10, 30)
    expect(dup[0].similarity).to.be.greaterThan(0.5)
    const unrelated = await client.post('/api/v1/events', body({ description: uniq('井盖缺失有安全隐患'), location: near }), auth.command)
    expect(unrelated.json().duplicates.map((d: { number: string }) => d.number)).not.to.include(first.json().event.number)
    const otherClass = await client.post('/api/v1/events', body({ classCode: '0104', description: `${text}，请尽快处理`, location: near }), auth.command)
    expect(otherClass.json().duplicates).to.deep.equal([])
    // street1 cannot see street2's events, so none are offered to it
    const street1View = await client.post('/api/v1/events', body({ channel: 'resident', description: `${text}!!`, location: { x: p1.lon, y: p1.lat } }), auth.street1)
    expect(street1View.json().duplicates.map((d: { number: string }) => d.number)).not.to.include(first.json().event.number)
  })

  it('locates a report by its address when it has no location, and records the geocoder as the source', async () => {
    const { rows: [a] } = await knex.raw(`SELECT id, full_address, ST_X(geom) AS lon, ST_Y(geom) AS lat, community_code
      FROM std_address WHERE level = 50 AND community_code = '990102001001' ORDER BY id LIMIT 1`)
    const typed = a.full_address.replace('示范市桃源区', '') // people leave out the city and district
    const res = await client.post('/api/v1/events', body({ location: undefined, address: typed }), auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const ev = res.json().event
    expect(ev.address).to.equal(typed)
    expect(ev.location.coordinates[0]).to.be.closeTo(a.lon, 1e-7)
    expect(ev.location.coordinates[1]).to.be.closeTo(a.lat, 1e-7)
    expect(ev.communityCode).to.equal('990102001001')
    expect(ev.sourcePosition).to.include({ source: 'address_geocoder', crs: 'EPSG:4490', address: typed })
    expect(ev.sourcePosition.geocoder).to.include({ id: Number(a.id), matched: a.full_address })
    expect(ev.sourcePosition.geocoder.score).to.be.within(0.6, 1)
    // beside a location the address stays descriptive: the location decides
    const both = await client.post('/api/v1/events', body({ address: typed, location: { x: p2.lon, y: p2.lat } }), auth.command)
    expect(both.statusCode, both.body).to.equal(201)
    expect(both.json().event.communityCode).to.equal('990102002001')
    expect(both.json().event.address).to.equal(typed)
    expect(both.json().event.sourcePosition.source).to.equal(undefined)
    // the jurisdiction check applies to a geocoded point too
    const out = await client.post('/api/v1/events', body({ channel: 'resident', location: undefined, address: typed }), auth.street2)
    expect(out.statusCode).to.equal(403)
  })

  it('refuses an address it cannot resolve with 422 naming it and the best candidates', async () => {
    const res = await client.post('/api/v1/events', body({ location: undefined, address: '牡丹街9999号' }), auth.command)
    expect(res.statusCode, res.body).to.equal(422)
    expect(res.json().type).to.match(/address_not_resolved/)
    expect(res.json().detail).to.contain('牡丹街9999号')
    expect(res.json().address).to.equal('牡丹街9999号')
    expect(res.json().candidates).to.be.an('array').with.length.greaterThan(0)
    expect(res.json().candidates[0].address).to.contain('牡丹街')
    const nothing = await client.post('/api/v1/events', body({ location: undefined, address: '火星基地一号' }), auth.command)
    expect(nothing.statusCode, nothing.body).to.equal(422)
    expect(nothing.json().candidates).to.be.an('array')
    const blank = await client.post('/api/v1/events', body({ location: undefined, address: '  ' }), auth.command)
    expect(blank.statusCode).to.equal(400)
    expect(blank.json().detail).to.match(/address/)
    const long = await client.post('/api/v1/events', body({ location: undefined, address: '牡'.repeat(301) }), auth.command)
    expect(long.statusCode).to.equal(400)
  })

  it('reads an event only inside the jurisdiction (404 outside, like a missing one)', async () => {
    const res = await client.post('/api/v1/events', body(), auth.command)
    const n = res.json().event.number
    expect((await client.get(`/api/v1/events/${n}`, auth.street1)).statusCode).to.equal(200)
    expect((await client.get(`/api/v1/events/${n}`, auth.street2)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/events/E202611239999', auth.command)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/events/not-a-number', auth.command)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${n}/history`, auth.street2)).statusCode).to.equal(404)
  })
})
