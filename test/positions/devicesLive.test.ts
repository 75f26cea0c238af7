// /api/v1/devices/live (the map's first load of the field force) and
// /api/v1/devices/{identifier}/assigned-events (the card's open events): fields, status from the
// clock, jurisdiction, paging and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { memberOf, registerDevice } from './helpers.ts'

interface LiveItem { identifier: string; kind: string; memberId: number | null; memberName: string | null; communityCode: string; communityName: string | null; lon: number; lat: number; time: string; stillSince: string; battery: number | null; status: string }

describe('/api/v1/devices/live', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'analyst']) auth[u] = await loginAs(client, u)
  })

  async function allLive(who: string): Promise<LiveItem[]> {
    const items: LiveItem[] = []
    let url: string | null = '/api/v1/devices/live?limit=500'
    while (url) {
      const res = await client.get(url, auth[who])
      expect(res.statusCode, res.body).to.equal(200)
      items.push(...res.json().items)
      url = res.json().next
    }
    return items
  }

  it('lists a device at its last fix with member, community, battery and its status from the clock', async () => {
    const m = await memberOf(knex, '990102001001')
    const d = await registerDevice(client, auth.street1!, { memberId: m.id, kind: 'patrol_car' })
    const time = new Date(Date.now() - 30_000).toISOString()
    const res = await client.post('/api/v1/positions', { positions: [{ lon: 116.0, lat: 36.45, time, accuracy: 5, battery: 61 }] }, { 'x-device-token': d.token })
    expect(res.json().accepted).to.equal(1)
    const item = (await allLive('street1')).find((i) => i.identifier === d.identifier)
    expect(item).to.include({ kind: 'patrol_car', memberId: m.id, communityCode: '990102001001', battery: 61, status: 'online', time })
    const community = await knex('admin_division').where({ code: '990102001001' }).first('name')
    expect(item!.communityName).to.equal(community.name)
    expect(item!.lon).to.be.closeTo(116.0, 1e-7)
    expect(item!.stillSince).to.equal(time)
    // ten minutes later by the database's clock the same row is offline (device_status)
    await knex('device_live').whereIn('device_id', knex('device').where({ identifier: d.identifier }).select('id'))
      .update({ fixed_at: new Date(Date.now() - 600_000), still_since: new Date(Date.now() - 600_000) })
    expect((await allLive('command')).find((i) => i.identifier === d.identifier)?.status).to.equal('offline')
  })

  it('keeps to the jurisdiction: street2 does not see street1\'s devices, the city sees every live one', async () => {
    const d = await registerDevice(client, auth.street1!, { memberId: (await memberOf(knex, '990102001001')).id })
    await client.post('/api/v1/positions', { positions: [{ lon: 116.0, lat: 36.45, time: new Date().toISOString() }] }, { 'x-device-token': d.token })
    const two = await allLive('street2')
    expect(two.map((i) => i.identifier)).to.not.include(d.identifier)
    expect(two.every((i) => i.communityCode.startsWith('990102002'))).to.equal(true)
    const city = await allLive('analyst')
    expect(city.map((i) => i.identifier)).to.include(d.identifier)
    // an independent count: every enabled device with a live row in the city
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM device_live l JOIN device d ON d.id = l.device_id
      WHERE NOT d.disabled AND l.community_code LIKE '9901%'`)
    expect(city.length).to.equal((rows as { n: number }[])[0]!.n)
    expect(new Set(city.map((i) => i.identifier)).size, 'pages never repeat a device').to.equal(city.length)
  })

  it('refuses broken and hostile queries naming the field', async () => {
    for (const [q, field] of [['limit=0', 'limit'], ['limit=5001', 'limit'], ['limit=abc', 'limit'], ['after=%27%3B%20drop', 'after'],
      [`after=${'x'.repeat(500)}`, 'after'], ['color=red', '']] as const) {
      const res = await client.get(`/api/v1/devices/live?${q}`, auth.command)
      expect(res.statusCode, q).to.equal(400)
      if (field) expect(res.body, q).to.include(field)
    }
    expect((await client.get('/api/v1/devices/live')).statusCode).to.equal(401)
  })
})

describe('/api/v1/devices/{identifier}/assigned-events', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2']) auth[u] = await loginAs(client, u)
  })

  it('answers the open events assigned to the device\'s member, as the events table counts them', async () => {
    // the member of the demo city with the most open events assigned, or any member
    const { rows } = await knex.raw(`SELECT m.id, m.community_code, count(e.id)::int AS n FROM grid_member m
      LEFT JOIN event e ON e.assignee_member_id = m.id AND e.status IN ('dispatched', 'signed', 'handling')
      WHERE m.community_code LIKE '990102001%' AND m.active GROUP BY m.id ORDER BY n DESC, m.id LIMIT 1`)
    const m = rows[0] as { id: string; community_code: string; n: number }
    const d = await registerDevice(client, auth.command!, { memberId: Number(m.id), adminCode: m.community_code })
    const res = await client.get(`/api/v1/devices/${d.identifier}/assigned-events`, auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().memberId).to.equal(Number(m.id))
    expect(res.json().items).to.have.length(Math.min(m.n, 100))
    for (const e of res.json().items) expect(e.number).to.match(/^E\d{12,}$/)
    // outside the jurisdiction the device does not exist
    expect((await client.get(`/api/v1/devices/${d.identifier}/assigned-events`, auth.street2)).statusCode).to.equal(404)
  })

  it('is empty for a device nobody carries, 404 for an unknown or malformed identifier', async () => {
    const d = await registerDevice(client, auth.street1!)
    const res = await client.get(`/api/v1/devices/${d.identifier}/assigned-events`, auth.street1)
    expect(res.json()).to.deep.include({ memberId: null, items: [] })
    expect((await client.get('/api/v1/devices/no-such-device/assigned-events', auth.command)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/devices/${'%27'.repeat(30)}/assigned-events`, auth.command)).statusCode).to.equal(404)
  })
})
