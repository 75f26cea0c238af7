// POST /api/v1/positions and the OsmAnd / Traccar Client path: per-fix answers, Traccar's
// filters (kept and marked, never dropped), late fixes, retries stored once, CRS conversion at
// the edge, fences crossed between fixes, and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { pointIn } from '../events/helpers.ts'
import { insertFence, memberOf, offset, registerDevice, squareAround } from './helpers.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { startReceiver } from '../integrations/receiver.ts'
import { LOCAL_RECEIVERS, disableTestPlatforms, makePlatform } from '../integrations/helpers.ts'

const iso = (t: number) => new Date(t).toISOString()

describe('/api/v1/positions', () => {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let base: { lon: number; lat: number; grid: string }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    base = await pointIn(knex, '990102001001', 2)
  })

  const stored = async (identifier: string) => knex('position as p').join('device as d', 'd.id', 'p.device_id')
    .where('d.identifier', identifier).orderBy('p.fixed_at').select('p.fixed_at', 'p.filter', 'p.late', 'p.src_crs', 'p.speed',
      knex.raw('ST_X(p.geom) AS lon'), knex.raw('ST_Y(p.geom) AS lat'))
  const live = async (identifier: string) => knex('device_live as l').join('device as d', 'd.id', 'l.device_id')
    .where('d.identifier', identifier).first('l.fixed_at', 'l.grid_code', knex.raw('ST_X(l.geom) AS lon'), knex.raw('ST_Y(l.geom) AS lat'))

  it('answers per fix: accepted, filtered with Traccar\'s reasons, rejected naming the field; the rest is kept', async () => {
    const { identifier, token } = await registerDevice(client, command)
    const t0 = Date.now() - 600_000
    const [jlon, jlat] = offset(base.lon, base.lat, 5000, 0)
    const positions = [
      { lon: base.lon, lat: base.lat, time: iso(t0), accuracy: 8, speed: 1.2 },
      { lon: 'NaN', lat: base.lat, time: iso(t0 + 15_000) },
      { lon: 0, lat: 0, time: iso(t0 + 30_000) },
      { lon: base.lon, lat: base.lat, time: iso(Date.now() + 3_600_000) },
      { lon: base.lon, lat: base.lat, time: iso(t0 + 45_000), accuracy: 500 },
      { lon: jlon, lat: jlat, time: iso(t0 + 60_000), accuracy: 10 },
      { lon: base.lon, lat: base.lat, time: iso(t0 + 75_000), valid: false },
      { lon: base.lon + 0.0001, lat: base.lat, time: iso(t0 + 90_000), accuracy: 10 },
      { lon: base.lon, lat: 95, time: iso(t0 + 105_000) },
      { lon: base.lon, lat: base.lat, time: 'yesterday' },
    ]
    const res = await client.post('/api/v1/positions', { positions }, { 'x-device-token': token })
    expect(res.statusCode, res.body).to.equal(200)
    const r = res.json()
    expect(r.results.map((x: { status: string; reason?: string }) => x.status === 'filtered' ? x.reason : x.status)).to.deep.equal([
      'accepted', 'rejected', 'zero_island', 'future', 'accuracy', 'jump', 'invalid', 'accepted', 'rejected', 'rejected'])
    expect(r.results[1].field).to.equal('positions[1].coordinates')
    expect(r.results[8].field).to.equal('positions[8].coordinates')
    expect(r.results[9].field).to.equal('positions[9].time')
    expect(r).to.include({ accepted: 2, filtered: 5, rejected: 3 })
    const rows = await stored(identifier)
    expect(rows).to.have.length(7)
    expect(rows.filter((x) => x.filter === null)).to.have.length(2)
    const l = await live(identifier)
    expect(l.fixed_at.getTime()).to.equal(t0 + 90_000)
    expect(l.grid_code).to.equal(base.grid)
  })

  it('stores a retried batch once, and late fixes go to history without moving the live position back', async () => {
    const { identifier, token } = await registerDevice(client, command)
    const t0 = Date.now() - 300_000
    const batch = { positions: [0, 1, 2].map((i) => ({ lon: base.lon + i * 0.0001, lat: base.lat, time: iso(t0 + i * 15_000), accuracy: 5 })) }
    expect((await client.post('/api/v1/positions', batch, { 'x-device-token': token })).json().accepted).to.equal(3)
    const again = (await client.post('/api/v1/positions', batch, { 'x-device-token': token })).json()
    expect(again.results.map((x: { status: string }) => x.status)).to.deep.equal(['duplicate', 'duplicate', 'duplicate'])
    expect(await stored(identifier)).to.have.length(3)
    const late = { positions: [{ lon: base.lon - 0.001, lat: base.lat, time: iso(t0 + 7_000), accuracy: 5 }] }
    expect((await client.post('/api/v1/positions', late, { 'x-device-token': token })).json().results[0].status).to.equal('late')
    const rows = await stored(identifier)
    expect(rows).to.have.length(4)
    expect(rows[1].late).to.equal(true)
    expect((await live(identifier)).fixed_at.getTime()).to.equal(t0 + 30_000)
    // two copies of one fix in one batch: one stored, one duplicate
    const twice = { positions: [1, 1].map(() => ({ lon: base.lon, lat: base.lat, time: iso(t0 + 60_000), accuracy: 5 })) }
    expect((await client.post('/api/v1/positions', twice, { 'x-device-token': token })).json().results.map((x: { status: string }) => x.status))
      .to.deep.equal(['accepted', 'duplicate'])
  })

  it('converts GCJ-02 (phone map SDKs) to CGCS2000 and records what was sent', async () => {
    const { identifier, token } = await registerDevice(client, command)
    const [glon, glat] = fromStorage(base.lon, base.lat, parseCrs('GCJ-02'))
    const res = await client.post('/api/v1/positions', { crs: 'GCJ-02', positions: [{ lon: glon, lat: glat, time: iso(Date.now() - 1000) }] }, { 'x-device-token': token })
    expect(res.json().accepted).to.equal(1)
    const [row] = await stored(identifier)
    expect(row.src_crs).to.equal('GCJ-02')
    expect(Math.abs(row.lon - base.lon) * 90_000).to.be.below(0.5)
    expect(Math.abs(row.lat - base.lat) * 111_000).to.be.below(0.5)
  })

  it('takes fixes of several devices from an API key, refusing unknown and other cities\' devices per fix', async () => {
    const a = await registerDevice(client, command)
    await knex.raw(`INSERT INTO device (identifier, city_code, kind, name, admin_code) VALUES ('other-city-phone', '990200', 'phone', '外市', '990102001001')
      ON CONFLICT (identifier) DO NOTHING`)
    const t = iso(Date.now() - 2000)
    const res = await client.post('/api/v1/positions', { positions: [
      { deviceId: a.identifier, lon: base.lon, lat: base.lat, time: t },
      { deviceId: 'no-such-device', lon: base.lon, lat: base.lat, time: t },
      { deviceId: 'other-city-phone', lon: base.lon, lat: base.lat, time: t },
    ] }, { 'x-api-key': DEMO_API_KEY })
    expect(res.statusCode, res.body).to.equal(200)
    const r = res.json().results
    expect(r.map((x: { status: string }) => x.status)).to.deep.equal(['accepted', 'rejected', 'rejected'])
    expect(r[1].reason).to.include('unknown device')
    expect(r[2].reason).to.include('another city')
    expect(r[2].field).to.equal('positions[2].device')
  })

  it('refuses forged tokens, other devices under a token, empty, oversized and malformed batches', async () => {
    const a = await registerDevice(client, command)
    const b = await registerDevice(client, command)
    const one = (device?: string) => ({ positions: [{ ...(device ? { deviceId: device } : {}), lon: base.lon, lat: base.lat, time: iso(Date.now() - 500) }] })
    expect((await client.post('/api/v1/positions', one(), { 'x-device-token': 'abcdef123456.forgedforgedforgedforgedforged' })).statusCode).to.equal(401)
    expect((await client.post('/api/v1/positions', one(), { 'x-device-token': `${a.token}x` })).statusCode).to.equal(401)
    const other = await client.post('/api/v1/positions', one(b.identifier), { 'x-device-token': a.token })
    expect(other.statusCode).to.equal(422)
    expect(other.json().results[0].reason).to.include(a.identifier)
    expect((await client.post('/api/v1/positions', one())).statusCode).to.equal(401)
    expect((await client.post('/api/v1/positions', { positions: [] }, { 'x-device-token': a.token })).statusCode).to.equal(400)
    expect((await client.post('/api/v1/positions', { nope: 1 }, { 'x-device-token': a.token })).json().detail).to.include('positions')
    const many = { positions: Array.from({ length: 5001 }, (_, i) => ({ lon: base.lon, lat: base.lat, time: iso(Date.now() - i * 1000) })) }
    expect((await client.post('/api/v1/positions', many, { 'x-device-token': a.token })).statusCode).to.equal(413)
    const item = `{"lon":116,"lat":36.4,"time":"2026-01-01T00:00:00Z","pad":"${'x'.repeat(10_000)}"}`
    const huge = `{"positions":[${Array(1000).fill(item).join(',')}]}`
    const tooBig = await client.post('/api/v1/positions', huge, { 'x-device-token': a.token })
    expect(tooBig.statusCode, tooBig.body.slice(0, 300)).to.equal(413)
    expect((await client.post('/api/v1/positions', '{"positions": [', { 'x-device-token': a.token })).statusCode).to.equal(400)
    const analyst = await loginAs(client, 'analyst')
    expect((await client.post('/api/v1/positions', one(a.identifier), analyst)).statusCode).to.equal(403)
  })

  it('raises enter and exit for a segment crossing a fence although neither fix lies inside', async () => {
    const m = await memberOf(knex, '990102001001', 2)
    const { token } = await registerDevice(client, command, { memberId: m.id })
    const fence = await insertFence(knex, squareAround(base.lon, base.lat, 40), { memberIds: [m.id] })
    const t0 = Date.now() - 120_000
    const [w, e] = [offset(base.lon, base.lat, -150, 0), offset(base.lon, base.lat, 150, 0)]
    const res = await client.post('/api/v1/positions', { positions: [
      { lon: w[0], lat: w[1], time: iso(t0), accuracy: 5 },
      { lon: e[0], lat: e[1], time: iso(t0 + 60_000), accuracy: 5 },
    ] }, { 'x-device-token': token })
    expect(res.json().accepted).to.equal(2)
    const alerts = await knex('fence_alert').where({ fence_id: fence }).orderBy('at').select('kind', 'at', 'member_id', 'community_code')
    expect(alerts.map((a) => a.kind)).to.deep.equal(['enter', 'exit'])
    // the crossings lie 110 m and 190 m along a 300 m segment walked in 60 s
    expect(Math.abs(alerts[0].at.getTime() - (t0 + 22_000))).to.be.below(1500)
    expect(Math.abs(alerts[1].at.getTime() - (t0 + 38_000))).to.be.below(1500)
    expect(alerts[0]).to.include({ member_id: m.id, community_code: '990102001001' })
    const state = await knex('fence_state').where({ fence_id: fence }).first('inside')
    expect(state.inside).to.equal(false)
  })

  describe('OsmAnd / Traccar Client protocol', () => {
    it('takes query parameters (speed in knots, unix seconds) and form posts', async () => {
      const { identifier } = await registerDevice(client, command)
      const ts = Math.floor(Date.now() / 1000) - 60
      const q = new URLSearchParams({ id: identifier, lat: String(base.lat), lon: String(base.lon), timestamp: String(ts), speed: '10', bearing: '90', altitude: '30', accuracy: '7', batt: '81' })
      const res = await client.get(`/api/v1/positions/osmand?${q}`)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.headers['x-position-status']).to.equal('accepted')
      const form = new URLSearchParams({ deviceid: identifier, lat: String(base.lat + 0.0001), lon: String(base.lon), timestamp: new Date((ts + 15) * 1000).toISOString() })
      const posted = await client.request({ method: 'POST', url: '/api/v1/positions/osmand', payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(posted.statusCode, posted.body).to.equal(200)
      const rows = await stored(identifier)
      expect(rows).to.have.length(2)
      expect(rows[0].fixed_at.getTime()).to.equal(ts * 1000)
      expect(rows[0].speed).to.be.closeTo(5.14444, 1e-3)
    })

    it('takes Traccar Client\'s JSON body', async () => {
      const { identifier } = await registerDevice(client, command)
      const body = { device_id: identifier, location: { timestamp: iso(Date.now() - 5000), coords: { latitude: base.lat, longitude: base.lon, accuracy: 12, speed: 1.5, heading: -1, altitude: 40 },
        is_moving: true, odometer: 0, battery: { level: 0.55, is_charging: false } } }
      const res = await client.post('/api/v1/positions/osmand', body)
      expect(res.statusCode, res.body).to.equal(200)
      const row = await knex('position as p').join('device as d', 'd.id', 'p.device_id').where('d.identifier', identifier).first('p.speed', 'p.battery', 'p.bearing', 'p.accuracy')
      expect(row).to.deep.include({ speed: 1.5, battery: 55, bearing: null, accuracy: 12 })
    })

    it('answers unknown devices 404, missing or broken parameters 400 naming them, and devices requiring a token 401', async () => {
      const cases: [string, number, string][] = [
        ['id=nobody-here&lat=36.4&lon=116', 404, 'nobody-here'],
        ['lat=36.4&lon=116', 400, 'id'],
        ['id=x1x&lon=116', 400, 'lat'],
        ['id=x1x&lat=36.4', 400, 'lon'],
        ['id=x1x&lat=abc&lon=116', 400, 'lat,lon'],
        ['id=x1x&lat=36.4&lon=116&timestamp=soon', 400, 'timestamp'],
        ['id=x1x&lat=36.4&lon=116&speed=-3', 400, 'speed'],
        ['id=x1x&lat=136.4&lon=116', 400, 'lat,lon'],
      ]
      for (const [q, status, word] of cases) {
        const res = await client.get(`/api/v1/positions/osmand?${q}`)
        expect(res.statusCode, q).to.equal(status)
        expect(res.body, q).to.include(word)
      }
      const { identifier, token } = await registerDevice(client, command, { osmandRequiresToken: true })
      const q = `id=${identifier}&lat=${base.lat}&lon=${base.lon}`
      expect((await client.get(`/api/v1/positions/osmand?${q}`)).statusCode).to.equal(401)
      expect((await client.get(`/api/v1/positions/osmand?${q}&token=${encodeURIComponent(token)}`)).statusCode).to.equal(200)
    })
  })
})

describe('fence alerts to third-party platforms', () => {
  it('delivers an alert raised by ingest through the outbox to a subscribed platform, signed, without personal data', async () => {
    const client = await testClient()
    const knex = await getTestDb()
    const command = await loginAs(client, 'command')
    const receiver = await startReceiver()
    try {
      const platform = await makePlatform(knex, receiver.url, { actions: ['fence_alert'] })
      const base = await pointIn(knex, '990102001002', 3)
      const m = await memberOf(knex, '990102001002', 2)
      const { token } = await registerDevice(client, command, { memberId: m.id })
      const fence = await insertFence(knex, squareAround(base.lon, base.lat, 30), { memberIds: [m.id], name: '对接围栏' })
      const out = offset(base.lon, base.lat, 0, -120)
      const t0 = Date.now() - 60_000
      await client.post('/api/v1/positions', { positions: [
        { lon: out[0], lat: out[1], time: new Date(t0).toISOString(), accuracy: 5 },
        { lon: base.lon, lat: base.lat, time: new Date(t0 + 30_000).toISOString(), accuracy: 5 },
      ] }, { 'x-device-token': token })
      // other tests' platforms may hold messages too: deliver until ours arrived
      for (let i = 0; i < 20 && !receiver.received.length; i++) await deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, batch: 500 })
      const got = receiver.received.map((r) => r.json as { schema?: string; alert?: { fenceId?: number; kind?: string } })
      expect(got.some((j) => JSON.stringify(j).includes(`"kind":"enter"`) && JSON.stringify(j).includes(String(fence))), JSON.stringify(got)).to.equal(true)
      expect(receiver.received[0]!.headers['x-gridgov-signature']).to.be.a('string')
      const row = await knex('outbox').where({ platform_code: platform }).first('delivered_at', 'topic')
      expect(row).to.include({ topic: 'fence_alert' })
      expect(row.delivered_at).to.be.instanceOf(Date)
    } finally {
      await disableTestPlatforms(knex)
      await receiver.close()
    }
  })
})
