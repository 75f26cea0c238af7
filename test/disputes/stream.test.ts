// A high-risk dispute's warning on the live stream (event "warning", as the pass's warnings): the
// street and community staff of its community hear it when the registration commits; the other
// street does not; a low-risk dispute sends nothing (the positive control is the high one).
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { disputeBody, pointIn } from './support.ts'

describe('dispute warnings on the live stream', () => {
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
    for (const u of ['command', 'street1', 'street2', 'community']) auth[u] = await loginAs(client, u)
  })

  after(async () => {
    await streamHubOf(ctx).close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it('pushes the warning of a critical dispute to its jurisdiction only', async () => {
    const s: Record<string, Sse> = {}
    for (const u of ['street1', 'street2', 'community']) s[u] = await openStream(port, auth[u]!)
    try {
      await until(() => streamHubOf(ctx).size >= 3)
      const at = await pointIn(ctx.knex, '990102001001')
      const low = await client.post('/api/v1/disputes', disputeBody(at), auth.command)
      expect(low.statusCode, low.body).to.equal(201)
      const res = await client.post('/api/v1/disputes', disputeBody(at, { riskLevel: 'critical', riskReasons: ['聚集苗头'] }), auth.command)
      expect(res.statusCode, res.body).to.equal(201)
      const number = res.json().number as string
      const heard = (x: Sse) => x.events.filter((e) => e.event === 'warning' && e.data.kind === 'dispute_risk')
      await until(() => heard(s.street1!).length > 0 && heard(s.community!).length > 0)
      for (const u of ['street1', 'community']) {
        const ws = heard(s[u]!)
        expect(ws, u).to.have.length(1)
        expect(ws[0]!.data).to.deep.include({ level: 1, community: res.json().communityCode, kindName: '矛盾纠纷高风险' })
        expect(String(ws[0]!.data.title)).to.include(number)
      }
      expect(heard(s.street2!)).to.have.length(0)
    } finally {
      for (const x of Object.values(s)) x.close()
    }
  })
})
