// Tracing ids through the outbox: the request id of an intake (and of a transition) is stored on
// the outbox rows it queues and arrives as X-Request-Id at a real local HTTP receiver; rows
// queued by no request carry none.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { startReceiver, type Receiver } from '../integrations/receiver.ts'
import { LOCAL_RECEIVERS, disableTestPlatforms, makePlatform, outboxOf, reportEvent } from '../integrations/helpers.ts'

describe('access audit: request ids reach the outbox deliveries', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let receiver: Receiver

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    receiver = await startReceiver()
  })
  after(async () => {
    await disableTestPlatforms(knex)
    await receiver.close()
  })

  it('stores the intake’s request id on its outbox rows and sends it as X-Request-Id', async () => {
    const code = await makePlatform(knex, receiver.url)
    const requestId = `trace-intake-${process.pid}`
    const e = await reportEvent(client, knex, { ...command, 'x-request-id': requestId })
    const rows = await outboxOf(knex, code, e.number) as unknown as { id: number; request_id: string | null }[]
    expect(rows).to.have.length(3)
    expect(rows.map((r) => r.request_id)).to.deep.equal([requestId, requestId, requestId])
    // a transition in another request: its own id on its own row
    const transitionId = `trace-transition-${process.pid}`
    const t = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'sign' }, { ...command, 'x-request-id': transitionId })
    const after = await outboxOf(knex, code, e.number) as unknown as { request_id: string | null }[]
    if (t.statusCode === 200) expect(after.slice(3).map((r) => r.request_id)).to.deep.equal(after.slice(3).map(() => transitionId))
    else expect(after).to.have.length(3)
    // deliver: every message arrives once, carrying the id of the request that queued it
    const clock = new Date(Date.now() + 1000)
    for (let i = 0; i < 10 && receiver.received.length < after.length; i++) await deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: () => clock })
    const mine = receiver.received.filter((m) => String((m.json as { platform?: string }).platform) === code)
    expect(mine.map((m) => m.headers['x-request-id'])).to.deep.equal(after.map((r) => r.request_id))
    expect(mine.map((m) => m.headers['x-request-id'])).to.include(requestId)
    // the audit row of that intake names the same request
    const audit = await knex('access_audit').where({ request_id: requestId, action: 'create' }).first()
    expect(audit).to.deep.include({ resource_type: 'events', resource_id: e.number })
  })

  it('leaves the id empty for a message queued outside any request', async () => {
    const code = await makePlatform(knex, receiver.url)
    const e = await reportEvent(client, knex, command)
    // a history row appended by the service itself, outside a request (like the scheduler's)
    const ev = await knex('event').where({ number: e.number }).first('id', 'city_code')
    // written as the scheduler writes it (comment and explanation), so the page can word its note
    await knex.raw(`INSERT INTO event_history (event_id, seq, city_code, action, from_status, to_status, actor_role, actor_name, comment, explanation, at)
      SELECT ?, max(seq) + 1, ?, 'supervise', 'dispatched', 'dispatched', 'system', '系统自动', '超时未签收，系统督办（黄牌）', ?::jsonb, now()
      FROM event_history WHERE event_id = ?`, [ev.id, ev.city_code, JSON.stringify({ kind: 'sign_overdue', dueAt: new Date().toISOString() }), ev.id])
    const rows = await outboxOf(knex, code, e.number) as unknown as { request_id: string | null }[]
    expect(rows.length).to.equal(4)
    expect(rows.slice(0, 3).every((r) => r.request_id !== null && r.request_id.length > 0)).to.equal(true)
    expect(rows[3]!.request_id).to.equal(null)
  })
})
