// Positions and fence alerts on /api/v1/stream: each client hears only its jurisdiction's
// devices (the member's community), one message per device and batch.
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
import { pointIn } from '../events/helpers.ts'
import { insertFence, memberOf, offset, registerDevice, squareAround } from './helpers.ts'


describe('positions and fence alerts on the live stream', () => {
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
    for (const u of ['command', 'street1', 'street2']) auth[u] = await loginAs(client, u)
  })

  after(async () => {
    await streamHubOf(ctx).close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it('tells street1 (the member\'s street) of the position and the fence alert, and street2 nothing', async () => {
    const m = await memberOf(knex, '990102001001', 3)
    const { identifier, token } = await registerDevice(client, auth.command!, { memberId: m.id })
    const p = await pointIn(knex, '990102001001', 4)
    const fence = await insertFence(knex, squareAround(p.lon, p.lat, 30), { memberIds: [m.id], name: '流测围栏' })
    const s1 = await openStream(port, auth.street1!)
    const s2 = await openStream(port, auth.street2!)
    try {
      await until(() => streamHubOf(ctx).size >= 2)
      const out = offset(p.lon, p.lat, -100, 0)
      const t0 = Date.now() - 60_000
      const res = await client.post('/api/v1/positions', { positions: [
        { lon: out[0], lat: out[1], time: new Date(t0).toISOString(), accuracy: 5 },
        { lon: p.lon, lat: p.lat, time: new Date(t0 + 30_000).toISOString(), accuracy: 5 },
      ] }, { 'x-device-token': token })
      expect(res.json().accepted).to.equal(2)
      const mine = (s: Sse, type: string) => s.events.filter((e) => e.event === type && e.data.device === identifier)
      expect(await until(() => mine(s1, 'position').length === 1 && mine(s1, 'fence_alert').length === 1)).to.equal(true)
      const pos = mine(s1, 'position')[0]!.data
      expect(pos).to.include({ community: '990102001001', memberId: m.id, gridCode: p.grid })
      expect(pos.t).to.equal(new Date(t0 + 30_000).toISOString())
      expect(mine(s1, 'fence_alert')[0]!.data).to.include({ fenceId: fence, kind: 'enter' })
      // a sentinel instead of a pause: a position of a street2 member, sent after street1's; the
      // stream is ordered, so once street2 hears it a leak of street1's would already be there
      const m2 = await memberOf(knex, '990102002001', 0)
      const d2 = await registerDevice(client, auth.command!, { memberId: m2.id })
      const p2 = await pointIn(knex, '990102002001', 0)
      const sent = await client.post('/api/v1/positions', { positions: [{ lon: p2.lon, lat: p2.lat, time: new Date(t0 + 40_000).toISOString(), accuracy: 5 }] },
        { 'x-device-token': d2.token })
      expect(sent.json().accepted).to.equal(1)
      expect(await until(() => s2.events.some((e) => e.event === 'position' && e.data.device === d2.identifier)), 'street2 hears its member').to.equal(true)
      expect(mine(s2, 'position')).to.have.length(0)
      expect(mine(s2, 'fence_alert')).to.have.length(0)
    } finally {
      s1.close()
      s2.close()
    }
  })
})
