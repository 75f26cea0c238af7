// The resource-order API's edges: who may send, read and cancel (roles), what each caller sees
// (jurisdiction: a street sees its street's resources and orders only, and cannot send into
// another street's grid or for its events), and broken, hostile and oversized input (400 naming
// the field, 413 for a body too large).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { offset } from '../positions/helpers.ts'
import { placedDevice, sendOrder, type OrderJson, type Placed } from './helpers.ts'

describe('resource orders (调派指令): roles, jurisdiction and bad input', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let d: Placed
  let p: { lon: number; lat: number; grid: string }
  let orderId: number

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'analyst', 'department']) auth[u] = await loginAs(client, u)
    p = await pointIn(knex, '990102001003', 0)
    d = await placedDevice(client, knex, auth.command!, '990102001003', 0, offset(p.lon, p.lat, 300, 0))
    const res = await sendOrder(client, auth.street1!, { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] } })
    expect(res.statusCode, res.body).to.equal(201)
    orderId = res.json().id
  })

  after(async () => {
    await client.post(`/api/v1/resource-orders/${orderId}/cancel`, {}, auth.command!)
  })

  const problem = (res: { statusCode: number; json(): unknown }) => res.json() as { type: string; detail: string; errors?: { field: string }[] }
  const fields = (res: { json(): unknown }) => (problem(res as never).errors ?? []).map((e) => e.field)

  describe('roles', () => {
    for (const u of ['inspector', 'analyst', 'department']) {
      it(`refuses ${u} (403) to send, list, read or cancel`, async () => {
        expect((await sendOrder(client, auth[u]!, { deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] } })).statusCode).to.equal(403)
        expect((await client.get('/api/v1/resource-orders', auth[u]!)).statusCode).to.equal(403)
        expect((await client.get(`/api/v1/resource-orders/${orderId}`, auth[u]!)).statusCode).to.equal(403)
        expect((await client.post(`/api/v1/resource-orders/${orderId}/cancel`, {}, auth[u]!)).statusCode).to.equal(403)
      })
    }
    it('asks anonymous callers to sign in (401)', async () => {
      expect((await client.get('/api/v1/resource-orders')).statusCode).to.equal(401)
      expect((await sendOrder(client, {}, { deviceId: d.identifier })).statusCode).to.equal(401)
    })
    it('lets the command centre, the district, the street and the community read it', async () => {
      for (const u of ['command', 'district', 'street1', 'community']) {
        const res = await client.get(`/api/v1/resource-orders/${orderId}`, auth[u]!)
        // the community user's area is 990102001001; the device's member is in 990102001003
        expect(res.statusCode, u).to.equal(u === 'community' ? 404 : 200)
      }
    })
  })

  describe('jurisdiction', () => {
    it('hides the order from another street: 404 to read or cancel, absent from its list', async () => {
      expect((await client.get(`/api/v1/resource-orders/${orderId}`, auth.street2!)).statusCode).to.equal(404)
      expect((await client.post(`/api/v1/resource-orders/${orderId}/cancel`, {}, auth.street2!)).statusCode).to.equal(404)
      const list = await client.get('/api/v1/resource-orders?status=all&limit=200', auth.street2!)
      expect(list.statusCode).to.equal(200)
      const items = list.json().items as OrderJson[]
      expect(items.map((o) => o.id)).to.not.include(orderId)
      expect(items.every((o) => o.communityCode.startsWith('990102002'))).to.equal(true)
      const mine = await client.get('/api/v1/resource-orders?status=all&limit=200', auth.street1!)
      expect((mine.json().items as OrderJson[]).every((o) => o.communityCode.startsWith('990102001'))).to.equal(true)
      expect((mine.json().items as OrderJson[]).map((o) => o.id)).to.include(orderId)
    })

    it('refuses to send another street\'s device, into its grid or for its event (404 naming the field)', async () => {
      const other = await placedDevice(client, knex, auth.command!, '990102002001', 0, null)
      const dev = await sendOrder(client, auth.street1!, { deviceId: other.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] } })
      expect(dev.statusCode).to.equal(404)
      expect(fields(dev)).to.deep.equal(['deviceId'])
      const member = await sendOrder(client, auth.street1!, { memberId: other.memberId, target: { type: 'point', coordinates: [p.lon, p.lat] } })
      expect(member.statusCode).to.equal(404)
      expect(fields(member)).to.deep.equal(['memberId'])
      const q = await pointIn(knex, '990102002001', 0)
      const grid = await sendOrder(client, auth.street1!, { deviceId: d.identifier, target: { type: 'grid', gridCode: q.grid } })
      expect(grid.statusCode).to.equal(404)
      expect(fields(grid)).to.deep.equal(['target.gridCode'])
      const ev = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0601', description: uniq('乱堆物料'),
        location: { x: q.lon, y: q.lat } }, auth.command!)
      expect(ev.statusCode, ev.body).to.equal(201)
      const forEvent = await sendOrder(client, auth.street1!, { deviceId: d.identifier, eventNumber: ev.json().event.number })
      expect(forEvent.statusCode).to.equal(404)
      expect(fields(forEvent)).to.deep.equal(['eventNumber'])
    })
  })

  describe('bad input', () => {
    const point = () => ({ type: 'point', coordinates: [p.lon, p.lat] })
    const cases: [string, () => unknown, string][] = [
      ['neither deviceId nor memberId', () => ({ target: point() }), 'deviceId'],
      ['both deviceId and memberId', () => ({ deviceId: d.identifier, memberId: d.memberId, target: point() }), 'deviceId'],
      ['no target and no event', () => ({ deviceId: d.identifier }), 'target'],
      ['swapped coordinates', () => ({ deviceId: d.identifier, target: { type: 'point', coordinates: [p.lat, p.lon] } }), 'target.coordinates.0'],
      ['projected metres', () => ({ deviceId: d.identifier, target: { type: 'point', coordinates: [500000, 4000000] } }), 'target.coordinates.0'],
      ['three coordinates', () => ({ deviceId: d.identifier, target: { type: 'point', coordinates: [p.lon, p.lat, 9] } }), 'target.coordinates'],
      ['coordinates as text', () => ({ deviceId: d.identifier, target: { type: 'point', coordinates: ['116', '36'] } }), 'target.coordinates.0'],
      ['a radius of 0', () => ({ deviceId: d.identifier, target: { ...point(), radiusM: 0 } }), 'target.radiusM'],
      ['a radius of 100 km', () => ({ deviceId: d.identifier, target: { ...point(), radiusM: 100_000 } }), 'target.radiusM'],
      ['an unknown target type', () => ({ deviceId: d.identifier, target: { type: 'polygon', coordinates: [] } }), 'target.type'],
      ['a grid code with SQL in it', () => ({ deviceId: d.identifier, target: { type: 'grid', gridCode: "1' OR '1'='1" } }), 'target.gridCode'],
      ['a device id with SQL in it', () => ({ deviceId: "x' OR 1=1 --", target: point() }), 'deviceId'],
      ['a member id as text', () => ({ memberId: '12', target: point() }), 'memberId'],
      ['a negative member id', () => ({ memberId: -3, target: point() }), 'memberId'],
      ['a bad event number', () => ({ deviceId: d.identifier, eventNumber: 'E1; DROP TABLE event' }), 'eventNumber'],
      ['a note of 501 characters', () => ({ deviceId: d.identifier, target: point(), note: '注'.repeat(501) }), 'note'],
      ['an expiry of 2 minutes', () => ({ deviceId: d.identifier, target: point(), expiresInMinutes: 2 }), 'expiresInMinutes'],
      ['an expiry of two days', () => ({ deviceId: d.identifier, target: point(), expiresInMinutes: 2880 }), 'expiresInMinutes'],
      ['an unknown field', () => ({ deviceId: d.identifier, target: point(), priority: 1 }), '(root)'],
      ['an array body', () => [], '(root)'],
    ]
    for (const [what, body, field] of cases) {
      it(`refuses ${what} (400 naming ${field})`, async () => {
        const res = await sendOrder(client, auth.command!, body() as Record<string, unknown>)
        expect(res.statusCode, res.body).to.equal(400)
        expect(fields(res)).to.include(field)
      })
    }

    it('refuses a body of 3 MB (413) and one that is not JSON (400)', async () => {
      const big = await sendOrder(client, auth.command!, { deviceId: d.identifier, target: point(), note: 'x'.repeat(3_000_000) })
      expect(big.statusCode).to.equal(413)
      const broken = await client.request({ method: 'POST', url: '/api/v1/resource-orders', headers: { ...auth.command!, 'content-type': 'application/json' }, payload: '{"deviceId": ' })
      expect(broken.statusCode).to.equal(400)
    })

    const queries: [string, string][] = [
      ['status=bogus', 'status'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=abc', 'limit'], ['before=-1', 'before'],
      ['memberId=1e3', 'memberId'], ['eventNumber=E1', 'eventNumber'], ['device=%27%3B--', 'device'], ['colour=red', '(root)'], ['limit=5&limit=6', 'limit'],
    ]
    for (const [q, field] of queries) {
      it(`refuses the list query ${q} (400 naming ${field})`, async () => {
        const res = await client.get(`/api/v1/resource-orders?${q}`, auth.command!)
        expect(res.statusCode, res.body).to.equal(400)
        expect([...fields(res), problem(res).detail].join(' ')).to.contain(field)
      })
    }

    for (const id of ['abc', '0', '1e3', '-4', '9999999999999999999']) {
      it(`answers the order id ${id} with 400 naming id`, async () => {
        const res = await client.get(`/api/v1/resource-orders/${id}`, auth.command!)
        expect(res.statusCode).to.equal(400)
        expect(fields(res)).to.include('id')
      })
    }

    it('answers an order that does not exist with 404, and refuses a cancel reason of 501 characters', async () => {
      expect((await client.get('/api/v1/resource-orders/999999999', auth.command!)).statusCode).to.equal(404)
      const long = await client.post(`/api/v1/resource-orders/${orderId}/cancel`, { reason: '因'.repeat(501) }, auth.command!)
      expect(long.statusCode).to.equal(400)
      expect(fields(long)).to.include('reason')
    })

    it('pages the list with next (before), newest first', async () => {
      const other = await placedDevice(client, knex, auth.command!, '990102001003', 1, null)
      const newer = await sendOrder(client, auth.command!, { deviceId: other.identifier, target: { type: 'point', coordinates: [p.lon, p.lat] } })
      expect(newer.statusCode, newer.body).to.equal(201)
      const first = await client.get('/api/v1/resource-orders?status=all&limit=1', auth.command!)
      expect(first.statusCode).to.equal(200)
      const next = first.json().next as string
      expect(next).to.match(/before=\d+/)
      const second = await client.get(next, auth.command!)
      expect(second.json().items[0].id).to.be.below(first.json().items[0].id)
      await client.post(`/api/v1/resource-orders/${newer.json().id}/cancel`, {}, auth.command!)
    })
  })
})
