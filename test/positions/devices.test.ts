// /api/v1/devices: registration with a token shown once, jurisdiction, roles, hand-over history,
// token rotation and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { memberOf, registerDevice } from './helpers.ts'

describe('/api/v1/devices', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'inspector', 'analyst']) auth[u] = await loginAs(client, u)
  })

  it('registers a device bound to a member, answers its token once and lists it', async () => {
    const m = await memberOf(knex, '990102001001')
    const identifier = `dev-${Date.now()}`
    const res = await client.post('/api/v1/devices', { identifier, kind: 'phone', name: '一号终端', adminCode: '990102001001', memberId: m.id }, auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    const body = res.json()
    expect(body.token).to.match(/^[a-z0-9]{12}\.[A-Za-z0-9_-]{32}$/)
    expect(body).to.include({ identifier, kind: 'phone', memberId: m.id, status: 'never', hasToken: true })
    const read = await client.get(`/api/v1/devices/${identifier}`, auth.command)
    expect(read.statusCode).to.equal(200)
    expect(read.json()).to.not.have.property('token')
    const list = await client.get(`/api/v1/devices?memberId=${m.id}`, auth.analyst)
    expect(list.json().items.map((d: { identifier: string }) => d.identifier)).to.include(identifier)
    const row = await knex('device').where({ identifier }).first('token_hash')
    expect(row.token_hash).to.not.include(body.token.split('.')[1])
  })

  it('hides devices outside the jurisdiction (404) and refuses roles that may not register (403)', async () => {
    const { identifier } = await registerDevice(client, auth.command!)
    expect((await client.get(`/api/v1/devices/${identifier}`, auth.street2)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/devices', auth.street2)).json().items.map((d: { identifier: string }) => d.identifier)).to.not.include(identifier)
    const res = await client.post('/api/v1/devices', { identifier: 'inspector-own', kind: 'phone', name: 'x' }, auth.inspector)
    expect(res.statusCode).to.equal(403)
    const outside = await client.post('/api/v1/devices', { identifier: 'street2-area', kind: 'phone', name: 'x', adminCode: '990102002001' }, auth.street1)
    expect(outside.statusCode).to.equal(403)
    expect(outside.json().detail).to.include('990102002001')
    expect((await client.get('/api/v1/devices')).statusCode).to.equal(401)
  })

  it('keeps who carried a device when it changes hands', async () => {
    const a = await memberOf(knex, '990102001001', 0)
    const b = await memberOf(knex, '990102001001', 1)
    const { identifier } = await registerDevice(client, auth.command!, { memberId: a.id })
    const moved = await client.request({ method: 'PUT', url: `/api/v1/devices/${identifier}/member`, payload: { memberId: b.id }, headers: auth.command })
    expect(moved.statusCode, moved.body).to.equal(200)
    expect(moved.json().memberId).to.equal(b.id)
    const freed = await client.request({ method: 'PUT', url: `/api/v1/devices/${identifier}/member`, payload: { memberId: null }, headers: auth.command })
    expect(freed.json().memberId).to.equal(null)
    const hist = (await client.get(`/api/v1/devices/${identifier}/bindings`, auth.command)).json().items
    expect(hist.map((h: { memberId: number }) => h.memberId)).to.deep.equal([b.id, a.id])
    expect(hist.every((h: { to: string | null }) => h.to !== null)).to.equal(true)
    expect(hist[1].to).to.equal(hist[0].from)
  })

  it('rotates the token: the old one stops working at once', async () => {
    const { identifier, token } = await registerDevice(client, auth.command!)
    const fix = { positions: [{ lon: 116.0, lat: 36.45, time: new Date().toISOString() }] }
    expect((await client.post('/api/v1/positions', fix, { 'x-device-token': token })).statusCode).to.equal(200)
    const rotated = await client.post(`/api/v1/devices/${identifier}/token`, {}, auth.command)
    expect(rotated.statusCode).to.equal(200)
    expect((await client.post('/api/v1/positions', fix, { 'x-device-token': token })).statusCode).to.equal(401)
    const again = { positions: [{ lon: 116.0, lat: 36.45, time: new Date(Date.now() + 1000).toISOString() }] }
    expect((await client.post('/api/v1/positions', again, { 'x-device-token': rotated.json().token })).statusCode).to.equal(200)
  })

  it('answers hostile input with a 4xx naming the field', async () => {
    const cases: [unknown, number, string][] = [
      [{ identifier: 'a b', kind: 'phone', name: 'x' }, 400, 'identifier'],
      [{ identifier: 'x'.repeat(65), kind: 'phone', name: 'x' }, 400, 'identifier'],
      [{ identifier: 'okay-id', kind: 'tank', name: 'x' }, 400, 'kind'],
      [{ identifier: 'okay-id', kind: 'phone', name: '' }, 400, 'name'],
      [{ identifier: 'okay-id', kind: 'phone', name: 'x', memberId: 999999999 }, 404, 'member'],
      [{ identifier: 'okay-id', kind: 'phone', name: 'x', adminCode: "'; DROP TABLE device;--" }, 400, 'adminCode'],
      [{ identifier: 'okay-id', kind: 'phone', name: 'x', extra: 1 }, 400, 'extra'],
      ['not json object', 400, 'device'],
    ]
    for (const [body, status, word] of cases) {
      const res = await client.post('/api/v1/devices', body, auth.command)
      expect(res.statusCode, JSON.stringify(body)).to.equal(status)
      expect(res.body, JSON.stringify(body)).to.include(word)
    }
    const { identifier } = await registerDevice(client, auth.command!)
    const dup = await client.post('/api/v1/devices', { identifier, kind: 'phone', name: 'x', adminCode: '990102001001' }, auth.command)
    expect(dup.statusCode).to.equal(409)
    expect((await client.get('/api/v1/devices/..%2F..%2Fetc', auth.command)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/devices?limit=100000', auth.command)).statusCode).to.equal(400)
  })
})
