// New warnings on /api/v1/stream (event "warning"), streamed by the pass in its transaction: each
// client hears those of its jurisdiction by the area code, so community staff do not hear a
// street-level warning; acknowledgements follow on the same event name.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { runWarningPass } from '../../server/warnings/pass.ts'
import { cleanup, insertEvents, only, pointIn, warningsAt } from './support.ts'

const C1 = '990102001001'
const C1B = '990102001002'
const DAY = 86_400_000

describe('warnings on the live stream', () => {
  let ctx: AppContext
  let server: http.Server
  let port: number
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}

  before(async () => {
    ctx = await getTestContext()
    client = await testClient(ctx)
    knex = ctx.knex
    await cleanup(knex)
    server = http.createServer(createApp(ctx).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
    for (const u of ['street1', 'street2', 'community']) auth[u] = await loginAs(client, u)
  })

  after(async () => {
    await streamHubOf(ctx).close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
    await cleanup(knex)
  })

  it('street1 hears the community and the street-level warning, the community only its own, street2 nothing', async () => {
    await only(knex, ['near_deadline', 'repeat_reporter'])
    const now = new Date('2025-03-04T10:00:00+08:00')
    const p = await pointIn(knex, C1, 6)
    await insertEvents(knex, [
      { community: C1, ...p, at: new Date(now.getTime() - DAY), status: 'handling', handleDueAt: new Date(now.getTime() + 45 * 60_000) },
      ...[1, 2, 3].map((d) => ({ community: d === 2 ? C1B : C1, ...p, at: new Date(now.getTime() - d * DAY), reporterPhone: '13912345678' })),
    ])
    const s: Record<string, Sse> = {}
    for (const u of ['street1', 'street2', 'community']) s[u] = await openStream(port, auth[u]!)
    try {
      await until(() => streamHubOf(ctx).size >= 3)
      const r = await runWarningPass(knex, now, { ignoreSchedule: true })
      expect(r).to.include({ near_deadline: 1, repeat_reporter: 1 })
      const warnings = (x: Sse) => x.events.filter((e) => e.event === 'warning')
      expect(await until(() => warnings(s.street1!).length === 2 && warnings(s.community!).length === 1)).to.equal(true)
      const [due] = await warningsAt(knex, 'near_deadline', now)
      const [rep] = await warningsAt(knex, 'repeat_reporter', now)
      const byKind = Object.fromEntries(warnings(s.street1!).map((e) => [e.data.kind, e.data]))
      expect(byKind.near_deadline).to.deep.equal({
        community: C1, id: due!.id, kind: 'near_deadline', kindName: '临期', level: 2, title: due!.title, lon: due!.lon, lat: due!.lat, raisedAt: now.toISOString(),
      })
      expect(byKind.repeat_reporter).to.include({ community: '990102001000', id: rep!.id, kind: 'repeat_reporter' })
      expect(JSON.stringify(byKind.repeat_reporter)).to.not.include('13912345678')
      expect(warnings(s.community!)[0]!.data.id).to.equal(due!.id)
      // acknowledged by the community: street1 hears the change too
      const ack = await client.post(`/api/v1/warnings/${due!.id}/acknowledge`, { comment: '已督办' }, auth.community)
      expect(ack.statusCode, ack.body).to.equal(200)
      expect(await until(() => warnings(s.street1!).some((e) => e.data.change === 'acknowledged'))).to.equal(true)
      expect(warnings(s.street2!)).to.have.length(0)
    } finally {
      for (const x of Object.values(s)) x.close()
    }
  })
})
