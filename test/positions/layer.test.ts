// The inspectors layer (巡查力量) is in the one catalogue: a device's last fix shows in vector tiles
// (never cached: it moves), WFS and WMS GetFeatureInfo, with its member, grid and online / idle /
// offline status as device_status() computes it from the clock.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { decode, features, tileAt, tileUrl } from '../tiles/support.ts'
import { memberOf, offset, registerDevice } from './helpers.ts'

describe('inspectors layer', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2']) auth[u] = await loginAs(client, u)
  })

  it('draws each device at its last fix, with member, grid and status, fresh on every request', async () => {
    const m = await memberOf(knex, '990102001001', 4)
    const { identifier, token } = await registerDevice(client, auth.command!, { memberId: m.id })
    const p = await pointIn(knex, '990102001001', 5)
    const send = (lon: number, lat: number, ago: number) => client.post('/api/v1/positions',
      { positions: [{ lon, lat, time: new Date(Date.now() - ago).toISOString(), accuracy: 5 }] }, { 'x-device-token': token })
    expect((await send(p.lon, p.lat, 2000)).json().accepted).to.equal(1)
    const t = tileAt(p.lon, p.lat, 16)
    const first = await client.get(tileUrl('inspectors', t), auth.street1)
    expect(first.statusCode).to.equal(200)
    expect(first.headers['cache-control']).to.include('no-store')
    const mine = (bytes: Buffer) => features(decode(bytes), 'inspectors').filter((f) => f.properties.device === identifier)
    const [f] = mine(first.rawPayload)
    expect(f?.properties).to.include({ member_id: m.id, status: 'online', grid_code: p.grid, community_code: '990102001001', kind: 'phone' })
    // it moves: the next tile shows the new place at once (no cache to invalidate)
    const moved = offset(p.lon, p.lat, 20, 0)
    await send(moved[0], moved[1], 1000)
    const again = mine((await client.get(tileUrl('inspectors', t), auth.street1)).rawPayload)
    expect(again).to.have.length(1)
    expect(again[0]!.loadGeometry()[0]![0]!.x).to.not.equal(f!.loadGeometry()[0]![0]!.x)
    // street2 does not see street1's inspectors
    expect(mine((await client.get(tileUrl('inspectors', t), auth.street2)).rawPayload)).to.have.length(0)
  })

  it('answers WFS with the status by the clock: offline after 5 minutes without a fix', async () => {
    const m = await memberOf(knex, '990102001003', 1)
    const { identifier, token } = await registerDevice(client, auth.command!, { memberId: m.id })
    const p = await pointIn(knex, '990102001001', 6)
    await client.post('/api/v1/positions', { positions: [{ lon: p.lon, lat: p.lat, time: new Date(Date.now() - 6 * 60_000).toISOString() }] }, { 'x-device-token': token })
    const url = `/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:inspectors&OUTPUTFORMAT=application/json&COUNT=10000`
    const res = await client.get(url, auth.command)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const feature = res.json().features.find((x: { properties: { device: string } }) => x.properties.device === identifier)
    expect(feature.properties).to.include({ status: 'offline', member_id: m.id })
    expect(feature.geometry.coordinates[0]).to.be.closeTo(p.lon, 1e-7)
    // the same rule, independently: offline = no fix for more than five minutes
    const { rows } = await knex.raw("SELECT device_status(now() - interval '6 minutes', now() - interval '6 minutes', now()) AS a, device_status(now(), now() - interval '11 minutes', now()) AS b, device_status(now(), now() - interval '2 minutes', now()) AS c")
    expect(rows[0]).to.deep.equal({ a: 'offline', b: 'idle', c: 'online' })
  })
})
