// The live stream over a real port: changes made through the API arrive as Server-Sent Events,
// each client sees only its jurisdiction, and bad credentials are refused before streaming.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { streamHubOf } from '../../server/stream/routes.ts'



describe('/api/v1/stream (Server-Sent Events)', () => {
  let ctx: AppContext
  let server: http.Server
  let port: number
  let client: Client
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    ctx = await getTestContext()
    client = await testClient(ctx)
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

  it('refuses anonymous and forged callers before streaming', async () => {
    const anon = await openStream(port, {})
    expect(anon.status).to.equal(401)
    const forged = await openStream(port, { authorization: 'Bearer not.a.token' })
    expect(forged.status).to.equal(401)
    expect(forged.type).to.match(/problem\+json/)
  })

  it('delivers intake and transitions to clients whose jurisdiction covers the event, only', async () => {
    const knex = await getTestDb()
    const s1 = await openStream(port, auth.street1!)
    const s2 = await openStream(port, auth.street2!)
    const city = await openStream(port, auth.command!)
    try {
      expect(s1.status).to.equal(200)
      expect(s1.type).to.match(/^text\/event-stream/)
      const p1 = await pointIn(knex, '990102001001')
      const res = await client.post('/api/v1/events', {
        channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('流测试暴露垃圾'),
        location: { x: p1.lon, y: p1.lat, crs: 'EPSG:4490' },
      }, auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      const number = res.json().event.number as string
      const mine = (s: Sse) => s.events.filter((e) => e.data.event === number)
      expect(await until(() => mine(s1).length >= 1 && mine(city).length >= 1), 'street1 and the city hear the report').to.equal(true)
      expect(mine(s1)[0]).to.deep.include({ event: 'event' })
      expect(mine(s1)[0]!.data).to.include({ action: 'report', community: '990102001001' })

      const accept = await client.post(`/api/v1/events/${number}/transitions`, { action: 'accept', comment: '立案' }, auth.command)
      expect(accept.statusCode, accept.body).to.equal(200)
      expect(await until(() => mine(s1).length >= 2 && mine(city).length >= 2)).to.equal(true)
      expect(mine(s1)[1]!.data).to.include({ action: 'accept', status: 'accepted' })
      // a sentinel instead of a pause: an event in street2's jurisdiction, reported after street1's
      // report and accept; the stream is ordered, so once street2 hears the sentinel a leak would
      // already have arrived before it
      const p2 = await pointIn(knex, '990102002001')
      const sentinel = await client.post('/api/v1/events', {
        channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('流测试哨兵'),
        location: { x: p2.lon, y: p2.lat, crs: 'EPSG:4490' },
      }, auth.command)
      expect(sentinel.statusCode, sentinel.body).to.equal(201)
      const sentinelNumber = sentinel.json().event.number as string
      expect(await until(() => s2.events.some((e) => e.data.event === sentinelNumber)), 'street2 hears its own event').to.equal(true)
      expect(mine(s2), 'street2 never hears of street1 events').to.deep.equal([])
      expect(s1.raw).to.match(/^retry: 5000/)
    } finally {
      for (const s of [s1, s2, city]) s.close()
    }
    expect(await until(() => streamHubOf(ctx).size === 0), 'closed clients are unsubscribed').to.equal(true)
  })
})
