// 调派指令: a resource sent to a point or into a grid moves sent -> en_route -> arrived from the
// positions its device reports (the order pass), or expires, or is cancelled; every change goes
// out on the live stream to the order's jurisdiction only. Arrival and the distances are checked
// against PostGIS (ST_DWithin / ST_Distance on geography, ST_Contains on the grid) and Node's
// geodesic metres, not against the service's own numbers.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { offset, registerDevice } from '../positions/helpers.ts'
import { metres } from '../../server/positions/filters.ts'
import { runOrderPass } from '../../server/orders/pass.ts'
import { fixes, placedDevice, readOrder, sendOrder, type OrderJson } from './helpers.ts'

describe('resource orders (调派指令): states from positions', () => {
  let ctx: AppContext
  let server: http.Server
  let port: number
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    ctx = await getTestContext()
    client = await testClient(ctx)
    knex = await getTestDb()
    server = http.createServer(createApp(ctx).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
    for (const u of ['command', 'street1', 'street2', 'district']) auth[u] = await loginAs(client, u)
  })

  after(async () => {
    await streamHubOf(ctx).close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  /** The geodesic metres PostGIS measures between two lon/lat points (CGCS2000). */
  async function postgisMetres(a: [number, number], b: [number, number]): Promise<number> {
    const { rows } = await knex.raw('SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS d', [...a, ...b])
    return Number(rows[0].d)
  }

  it('goes sent → en route → arrived at the first fix within the radius (PostGIS ST_DWithin), streamed to the street only', async () => {
    const p = await pointIn(knex, '990102001002', 0)
    const start = offset(p.lon, p.lat, 600, 0)
    const d = await placedDevice(client, knex, auth.command!, '990102001002', 0, start)
    const s1 = await openStream(port, auth.street1!)
    const s2 = await openStream(port, auth.street2!)
    try {
      await until(() => streamHubOf(ctx).size >= 2)
      const res = await sendOrder(client, auth.street1!, { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat], radiusM: 50 }, note: '前往核实' })
      expect(res.statusCode, res.body).to.equal(201)
      const sent = res.json() as OrderJson
      expect(sent).to.include({ status: 'sent', open: true, note: '前往核实', communityCode: '990102001002' })
      expect(res.headers.location).to.equal(`/api/v1/resource-orders/${sent.id}`)
      expect(sent.startDistanceM).to.be.closeTo(await postgisMetres(start, [p.lon, p.lat]), 0.1)
      expect(sent.startDistanceM).to.be.closeTo(metres(start[0], start[1], p.lon, p.lat), 2)

      const t0 = Date.now() + 1000
      const away = offset(p.lon, p.lat, 605, 0)
      await fixes(client, d.token, [[away[0], away[1], t0]])
      await runOrderPass(knex)
      expect((await readOrder(client, auth.street1!, sent.id)).status).to.equal('sent')

      const closer = offset(p.lon, p.lat, 500, 0)
      const outside = offset(p.lon, p.lat, 54, 0)
      const inside = offset(p.lon, p.lat, 46, 0)
      await fixes(client, d.token, [[closer[0], closer[1], t0 + 15_000], [outside[0], outside[1], t0 + 45_000]])
      await runOrderPass(knex)
      const going = await readOrder(client, auth.street1!, sent.id)
      expect(going.status).to.equal('en_route')
      expect(Date.parse(going.enRouteAt!)).to.equal(t0 + 15_000)
      // the distance left is from the live position (54 m out) to the point
      expect(going.distanceLeftM).to.be.closeTo(await postgisMetres(outside, [p.lon, p.lat]), 0.1)
      // the rough ETA: the distance left at the speed it closed in since sending (recounted here from PostGIS's distances)
      const closedIn = (sent.startDistanceM! - (await postgisMetres(outside, [p.lon, p.lat]))) / ((t0 + 45_000 - Date.parse(sent.sentAt)) / 1000)
      expect(going.etaS).to.be.closeTo(Math.round(going.distanceLeftM! / closedIn), 1)

      await fixes(client, d.token, [[inside[0], inside[1], t0 + 60_000], [p.lon, p.lat, t0 + 75_000]])
      const moved = await runOrderPass(knex)
      expect(moved.arrived).to.be.at.least(1)
      const done = await readOrder(client, auth.street1!, sent.id)
      // PostGIS's own answer: the first fix since sending within 50 m on the ellipsoid
      const { rows: [first] } = await knex.raw(`SELECT p.fixed_at, ST_Distance(p.geom::geography, o.target_geom::geography) AS d
        FROM resource_order o JOIN position p ON p.device_id = o.device_id AND p.fixed_at >= o.sent_at
        WHERE o.id = ? AND ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, 50) ORDER BY p.fixed_at LIMIT 1`, [sent.id, p.lon, p.lat])
      expect(done.status).to.equal('arrived')
      expect(done.open).to.equal(false)
      expect(Date.parse(done.arrivedAt!)).to.equal(first.fixed_at.getTime()).and.equal(t0 + 60_000)
      expect(done.arrival!.distanceM).to.be.closeTo(Number(first.d), 0.1)
      expect(done.arrival!.distanceM).to.be.closeTo(metres(inside[0], inside[1], p.lon, p.lat), 1)
      expect(done.etaS).to.equal(null)
      // the track from sending to arriving, in order (neither the fix before sending nor the one after arriving)
      expect(done.track!.coordinates).to.have.length(4)
      expect(done.track!.times.map(Date.parse)).to.deep.equal([t0, t0 + 15_000, t0 + 45_000, t0 + 60_000])
      expect(done.track!.coordinates[3]![0]).to.be.closeTo(inside[0], 1e-9)
      // a later pass changes nothing
      await runOrderPass(knex)
      expect((await readOrder(client, auth.street1!, sent.id)).arrivedAt).to.equal(done.arrivedAt)

      const mine = (s: Sse) => s.events.filter((e) => e.event === 'order' && e.data.id === sent.id).map((e) => e.data)
      expect(await until(() => mine(s1).length === 3)).to.equal(true)
      expect(mine(s1).map((m) => m.status)).to.deep.equal(['sent', 'en_route', 'arrived'])
      expect(mine(s1)[2]).to.include({ from: 'en_route', device: d.identifier, community: '990102001002', memberId: d.memberId, at: done.arrivedAt })
      // a sentinel instead of a pause: an order of street2's, sent after street1's order arrived;
      // the stream is ordered, so once street2 hears it a leak of street1's would already be there
      const d2 = await placedDevice(client, knex, auth.command!, '990102002001', 0, null)
      const p2 = await pointIn(knex, '990102002001', 0)
      const other = await sendOrder(client, auth.street2!, { deviceId: d2.identifier, target: { type: 'point', coordinates: [p2.lon, p2.lat], radiusM: 50 } })
      expect(other.statusCode, other.body).to.equal(201)
      const otherId = (other.json() as OrderJson).id
      expect(await until(() => s2.events.some((e) => e.event === 'order' && e.data.id === otherId)), 'street2 hears its own order').to.equal(true)
      expect(mine(s2)).to.have.length(0)
    } finally {
      s1.close()
      s2.close()
    }
  })

  it('arrives in a grid at the first fix the grid contains (PostGIS ST_Contains), not at one just outside it', async () => {
    const p = await pointIn(knex, '990102001001', 1)
    const far = offset(p.lon, p.lat, 2000, 0)
    // a point 5 m outside the grid's boundary, on the way from far away (PostGIS picks the boundary point)
    const { rows: [b] } = await knex.raw(`SELECT ST_X(q) AS lon, ST_Y(q) AS lat FROM grid g,
      LATERAL (SELECT ST_ClosestPoint(g.geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) AS q) x WHERE g.code = ? AND g.valid_to IS NULL`, [far[0], far[1], p.grid])
    const toFar = metres(b.lon, b.lat, far[0], far[1])
    const near: [number, number] = [b.lon + (far[0] - b.lon) * (5 / toFar), b.lat + (far[1] - b.lat) * (5 / toFar)]
    const contains = async (pt: [number, number]) => (await knex.raw('SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) AS c FROM grid WHERE code = ? AND valid_to IS NULL', [...pt, p.grid])).rows[0].c as boolean
    expect(await contains(near)).to.equal(false)
    expect(await contains([p.lon, p.lat])).to.equal(true)

    const d = await placedDevice(client, knex, auth.command!, '990102001001', 1, far)
    const res = await sendOrder(client, auth.command!, { deviceId: d.identifier, target: { type: 'grid', gridCode: p.grid } })
    expect(res.statusCode, res.body).to.equal(201)
    const o = res.json() as OrderJson
    expect(o.target).to.include({ type: 'grid', gridCode: p.grid })
    expect(await contains(o.target.coordinates)).to.equal(true)
    const { rows: [g] } = await knex.raw('SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, geom::geography) AS d FROM grid WHERE code = ? AND valid_to IS NULL', [...far, p.grid])
    expect(o.startDistanceM).to.be.closeTo(Number(g.d), 0.1)

    const t0 = Date.now() + 1000
    await fixes(client, d.token, [[near[0], near[1], t0 + 60_000]])
    await runOrderPass(knex)
    const going = await readOrder(client, auth.command!, o.id)
    expect(going.status).to.equal('en_route')
    expect(going.distanceLeftM).to.be.closeTo(5, 0.6)
    await fixes(client, d.token, [[p.lon, p.lat, t0 + 120_000]])
    await runOrderPass(knex)
    const done = await readOrder(client, auth.command!, o.id)
    expect(done.status).to.equal('arrived')
    expect(Date.parse(done.arrivedAt!)).to.equal(t0 + 120_000)
    expect(done.distanceLeftM).to.equal(0)
    expect(done.arrival!.distanceM).to.equal(0)
  })

  it('records an arrival once when two instances run the pass at the same time', async () => {
    const p = await pointIn(knex, '990102001003', 1)
    const d = await placedDevice(client, knex, auth.command!, '990102001003', 2, offset(p.lon, p.lat, 300, 0))
    const res = await sendOrder(client, auth.command!, { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] } })
    expect(res.statusCode, res.body).to.equal(201)
    const s1 = await openStream(port, auth.command!)
    try {
      await until(() => streamHubOf(ctx).size >= 1)
      await fixes(client, d.token, [[p.lon, p.lat, Date.now() + 1000]])
      const [a, b] = await Promise.all([runOrderPass(knex), runOrderPass(knex)])
      expect((await readOrder(client, auth.command!, res.json().id)).status).to.equal('arrived')
      const mine = () => s1.events.filter((e) => e.event === 'order' && e.data.id === res.json().id && e.data.status === 'arrived')
      expect(await until(() => mine().length === 1)).to.equal(true)
      await new Promise((r) => setTimeout(r, 200))
      expect(mine()).to.have.length(1)
      expect(a.arrived + b.arrived).to.be.at.least(1)
    } finally {
      s1.close()
    }
  })

  it('expires when the deadline passes first; a fix inside after the deadline does not count', async () => {
    const p = await pointIn(knex, '990102001002', 2)
    const d = await placedDevice(client, knex, auth.command!, '990102001002', 2, offset(p.lon, p.lat, 300, 0))
    const res = await sendOrder(client, auth.district!, { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] }, expiresInMinutes: 5 })
    expect(res.statusCode, res.body).to.equal(201)
    const o = res.json() as OrderJson
    expect(o.target.radiusM).to.equal(50)
    expect(Date.parse(o.deadline) - Date.parse(o.sentAt)).to.equal(5 * 60_000)
    // the order was sent ten minutes ago and its five minutes are over
    await knex('resource_order').where('id', o.id).update({ sent_at: new Date(Date.now() - 600_000), deadline: new Date(Date.now() - 300_000) })
    await fixes(client, d.token, [[p.lon, p.lat, Date.now() + 1000]])
    const r = await runOrderPass(knex)
    expect(r.expired).to.be.at.least(1)
    const done = await readOrder(client, auth.district!, o.id)
    expect(done).to.include({ status: 'expired', open: false, arrivedAt: null })
    const cancel = await client.post(`/api/v1/resource-orders/${o.id}/cancel`, {}, auth.district!)
    expect(cancel.statusCode).to.equal(409)
    expect(cancel.json().type).to.match(/order_closed/)
  })

  it('cancels an open order (then positions change nothing); one open order per device', async () => {
    const p = await pointIn(knex, '990102001002', 3)
    const d = await placedDevice(client, knex, auth.command!, '990102001002', 3, offset(p.lon, p.lat, 400, 0))
    const body = { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat], radiusM: 30 } }
    const first = await sendOrder(client, auth.street1!, body)
    expect(first.statusCode, first.body).to.equal(201)
    const again = await sendOrder(client, auth.command!, body)
    expect(again.statusCode).to.equal(409)
    expect(again.json()).to.include({ orderId: first.json().id })
    const cancel = await client.post(`/api/v1/resource-orders/${first.json().id}/cancel`, { reason: '改派他人' }, auth.street1!)
    expect(cancel.statusCode, cancel.body).to.equal(200)
    expect(cancel.json()).to.include({ status: 'cancelled', cancelReason: '改派他人', open: false })
    await fixes(client, d.token, [[p.lon, p.lat, Date.now() + 1000]])
    await runOrderPass(knex)
    expect((await readOrder(client, auth.street1!, first.json().id)).status).to.equal('cancelled')
    expect((await client.post(`/api/v1/resource-orders/${first.json().id}/cancel`, {}, auth.street1!)).statusCode).to.equal(409)
    // after the cancel the device can be sent again
    const next = await sendOrder(client, auth.street1!, body)
    expect(next.statusCode, next.body).to.equal(201)
    expect((await client.post(`/api/v1/resource-orders/${next.json().id}/cancel`, {}, auth.street1!)).statusCode).to.equal(200)
  })

  it('sends a member by id (their freshest device) and to an event (its location by default), listed as open', async () => {
    const p = await pointIn(knex, '990102001001', 2)
    const d = await placedDevice(client, knex, auth.command!, '990102001001', 4, offset(p.lon, p.lat, 200, 0))
    // a second device of the member, last heard from ten minutes ago: not the one sent
    const old = await registerDevice(client, auth.command!, { memberId: d.memberId, adminCode: '990102001001' })
    await fixes(client, old.token, [[p.lon, p.lat, Date.now() - 600_000]])
    const ev = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0601', description: uniq('占道经营'),
      location: { x: p.lon, y: p.lat } }, auth.command!)
    expect(ev.statusCode, ev.body).to.equal(201)
    const number = ev.json().event.number as string
    const res = await sendOrder(client, auth.street1!, { memberId: d.memberId, eventNumber: number })
    expect(res.statusCode, res.body).to.equal(201)
    const o = res.json() as OrderJson
    expect(o.resource.device.identifier).to.equal(d.identifier)
    expect(o.resource.member!.id).to.equal(d.memberId)
    expect(o.eventNumber).to.equal(number)
    expect(o.target.type).to.equal('point')
    expect(o.target.radiusM).to.equal(50)
    expect(o.target.coordinates[0]).to.be.closeTo(p.lon, 1e-9)
    expect(o.target.coordinates[1]).to.be.closeTo(p.lat, 1e-9)
    const list = await client.get(`/api/v1/resource-orders?eventNumber=${number}`, auth.street1!)
    expect(list.statusCode).to.equal(200)
    expect(list.json().items.map((x: OrderJson) => x.id)).to.deep.equal([o.id])
    const open = await client.get('/api/v1/resource-orders?status=open&limit=200', auth.command!)
    expect(open.json().items.every((x: OrderJson) => x.open)).to.equal(true)
    expect(open.json().items.map((x: OrderJson) => x.id)).to.include(o.id)
    await client.post(`/api/v1/resource-orders/${o.id}/cancel`, {}, auth.street1!)
  })
})
