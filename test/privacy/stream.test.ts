// The stream's event messages carry the event number, action, status and community, never the
// reporter: checked by content on the raw bytes each role's stream received, after the messages
// about the event (the sentinel) arrived.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext, getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { pointIn } from '../events/helpers.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { expectNoFull, newReporter, reportWith, signIn } from './support.ts'

describe('privacy: the stream carries no reporter field', () => {
  let ctx: AppContext
  let server: http.Server
  let port: number
  let client: Client
  let auth: Record<string, Record<string, string>>

  before(async () => {
    ctx = await getTestContext()
    client = await testClient(ctx)
    server = http.createServer(createApp(ctx).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
    auth = await signIn(client, await getTestDb())
  })

  after(async () => {
    await streamHubOf(ctx).close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it('for every role whose stream covers the event, on intake and on a transition', async () => {
    const streams: [string, Sse][] = []
    for (const who of ['command', 'district', 'street1', 'community', 'department', 'otherDept', 'analyst', 'system']) {
      const s = await openStream(port, auth[who]!)
      if (s.status === 200) streams.push([who, s])
      else s.close()
    }
    try {
      expect(streams.map(([w]) => w)).to.include.members(['command', 'street1', 'department'])
      const r = newReporter()
      const number = (await reportWith(client, auth.command!, await pointIn((await getTestDb()), '990102001001', 5), r)).json().event.number as string
      const sign = await client.post(`/api/v1/events/${number}/transitions`, { action: 'sign', comment: '已签收' }, auth.department)
      expect(sign.statusCode, sign.body).to.equal(200)
      const heard = (s: Sse) => s.events.filter((e) => e.data.event === number).map((e) => e.data.action)
      for (const [who, s] of streams) {
        expect(await until(() => heard(s).includes('sign')), `${who} hears the sign`).to.equal(true)
        expectNoFull(s.raw, r, `${who} stream`)
        for (const masked of [r.maskedPhone, r.maskedName]) expect(s.raw, who).to.not.include(masked)
      }
    } finally {
      for (const [, s] of streams) s.close()
    }
  })
})
