// The outbox end to end against a real local HTTP receiver: rows written with the event change
// (and not without it), delivery through 500s, timeouts, garbage and resets with growing
// back-off, per-event order, dead letters, two deliverers at once, and a restart.
import crypto from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import type { AppContext } from '../../server/context.ts'
import { deliverDue, startDeliverer } from '../../server/integrations/deliverer.ts'
import { startReceiver, ok, type Receiver } from './receiver.ts'
import { LOCAL_RECEIVERS, SECRET, disableTestPlatforms, makePlatform, outboxOf, reportEvent } from './helpers.ts'

describe('integrations: outbox and deliverer', function () {
  let client: Client
  let knex: Knex
  let app: AppContext
  let command: Record<string, string>
  const receivers: Receiver[] = []
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args)
    receivers.push(r)
    return r
  }

  before(async () => {
    app = await getTestContext()
    client = await testClient(app)
    knex = await getTestDb()
    command = await loginAs(client, 'command')
  })
  afterEach(async () => {
    await disableTestPlatforms(knex)
    await Promise.all(receivers.splice(0).map((r) => r.close()))
  })

  /** A clock the test moves: deliverDue sees only this time. */
  const manualClock = () => {
    let t = new Date(Date.now() + 1000)
    return { now: () => t, set: (d: Date) => { t = d } }
  }

  it('writes one outbox row per history row of a subscribed platform, in the same transaction, without personal data', async () => {
    const r = await receiver()
    const code = await makePlatform(knex, r.url)
    const other = await makePlatform(knex, r.url, { actions: ['close'] })
    const e = await reportEvent(client, knex, command)
    const rows = await outboxOf(knex, code, e.number)
    expect(rows.map((x) => x.key)).to.deep.equal([1, 2, 3].map((s) => `${code}:${e.number}:${s}`))
    expect(rows.map((x) => x.payload.change.action)).to.deep.equal(['report', 'accept', 'dispatch'])
    const p = rows[2]!.payload as unknown as Record<string, Record<string, unknown>>
    expect(p.schema).to.equal('gridgov.event-change/1')
    expect(p.event).to.include({ number: e.number, cityCode: '990100', channel: 'superior', communityCode: '990102001001', status: 'dispatched' })
    expect((p.event!.class as Record<string, unknown>).code).to.equal('0102')
    expect(JSON.stringify(p)).not.to.match(/13800000000|张三/)
    // the other platform subscribes to 'close' only
    expect(await outboxOf(knex, other, e.number)).to.have.length(0)
    // a refused transition rolls back: no history row, no outbox row
    const refused = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'close' }, command)
    expect(refused.statusCode).to.equal(409)
    expect(await outboxOf(knex, code, e.number)).to.have.length(3)
    // a transition that happens adds its row
    const voided = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'reassign', departmentCode: 'CGJ-990102' }, command)
    expect(voided.statusCode, voided.body).to.equal(200)
    expect((await outboxOf(knex, code, e.number)).map((x) => x.payload.change.action)).to.deep.equal(['report', 'accept', 'dispatch', 'reassign'])
  })

  it('delivers through 500, garbage, reset, timeout and 503 with growing back-off, in order, signed, logged', async () => {
    const r = await receiver([
      { kind: 'status', status: 500, body: '<html>Internal Server Error</html>' },
      { kind: 'garbage' },
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'status', status: 503, body: 'maintenance' },
    ])
    const code = await makePlatform(knex, r.url)
    const e = await reportEvent(client, knex, command)
    const clock = manualClock()
    const opts = { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, random: () => 0.5, backoff: { baseMs: 1000, capMs: 60_000 } }
    const waits: number[] = []
    for (let pass = 0; pass < 20; pass++) {
      await deliverDue(knex, opts)
      const rows = await outboxOf(knex, code, e.number)
      if (rows.every((x) => x.delivered_at)) break
      const next = rows.find((x) => !x.delivered_at)!
      if (next.event_seq === 1) waits.push(next.available_at.getTime() - clock.now().getTime())
      clock.set(new Date(Math.max(next.available_at.getTime(), clock.now().getTime()) + 1))
    }
    const rows = await outboxOf(knex, code, e.number)
    expect(rows.every((x) => x.delivered_at !== null), 'all delivered').to.equal(true)
    expect(rows[0]!.attempts).to.equal(6)
    // back-off grows: 0.75 × 1 s × 2^(n-1) with the jitter pinned at 0.5
    expect(waits).to.deep.equal([750, 1500, 3000, 6000, 12000])
    // the receiver saw the first message six times with one key, then the others in order, once each
    const keys = r.received.map((x) => x.headers['x-gridgov-message-id'])
    expect(keys).to.deep.equal([...Array(6).fill(`${code}:${e.number}:1`), `${code}:${e.number}:2`, `${code}:${e.number}:3`])
    expect(r.received.map((x) => x.headers['x-gridgov-attempt'])).to.deep.equal(['1', '2', '3', '4', '5', '6', '1', '1'])
    for (const m of r.received) {
      const expected = 'sha256=' + crypto.createHmac('sha256', SECRET).update(`${m.headers['x-gridgov-timestamp']}.${m.body}`).digest('hex')
      expect(m.headers['x-gridgov-signature']).to.equal(expected)
      expect(m.headers['idempotency-key']).to.equal(m.headers['x-gridgov-message-id'])
    }
    expect((r.received[5]!.json as { change: { seq: number } }).change.seq).to.equal(1)
    // every attempt is in the log with a clear reason
    const log = await knex('outbox_delivery').where({ outbox_id: rows[0]!.id }).orderBy('attempt')
    expect(log.map((x) => x.outcome)).to.deep.equal(['retry', 'retry', 'retry', 'retry', 'retry', 'delivered'])
    expect(log.map((x) => x.status_code)).to.deep.equal([500, null, null, null, 503, 200])
    expect(log[0].error).to.equal('HTTP 500 Internal Server Error')
    expect(log[0].response).to.contain('Internal Server Error')
    expect(log[1].error).to.match(/fetch failed/)
    expect(log[2].error).to.match(/fetch failed.*(ECONNRESET|socket|other side closed)/i)
    expect(log[3].error).to.equal('timed out after 300 ms')
    expect(log[5].response).to.equal('{"accepted":true}')
    expect(log.every((x) => Number.isInteger(x.duration_ms) && x.duration_ms >= 0)).to.equal(true)
  })

  it('sends nothing to an internal address outside WEBHOOK_ALLOWED_NETWORKS, checked at every attempt', async () => {
    // the row bypasses PUT's check, as a platform configured before it (or a name re-pointed since) would
    const r = await receiver()
    const code = await makePlatform(knex, r.url, { actions: ['report'] })
    const e = await reportEvent(client, knex, command)
    const clock = manualClock()
    await deliverDue(knex, { now: clock.now, random: () => 0, backoff: { baseMs: 1000, capMs: 1000 } })
    const [refused] = await outboxOf(knex, code, e.number)
    expect(r.received, 'no request reached the receiver').to.have.length(0)
    expect(refused).to.include({ attempts: 1, delivered_at: null, dead_at: null })
    expect(refused!.last_error).to.match(/^not sent: 127\.0\.0\.1 resolves to 127\.0\.0\.1, an internal address/)
    const log = await knex('outbox_delivery').where({ outbox_id: refused!.id }).first('outcome', 'status_code')
    expect(log).to.deep.equal({ outcome: 'rejected', status_code: null })
    // the network allowed: the next attempt goes out
    clock.set(new Date(clock.now().getTime() + 2000))
    await deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, random: () => 0 })
    expect(r.received.map((x) => x.headers['x-gridgov-message-id'])).to.deep.equal([refused!.key])
    expect((await outboxOf(knex, code, e.number))[0]!.delivered_at).to.be.an.instanceOf(Date)
  })

  it('honours Retry-After up to the cap', async () => {
    const r = await receiver([{ kind: 'status', status: 429, headers: { 'retry-after': '40' } }])
    const code = await makePlatform(knex, r.url)
    const e = await reportEvent(client, knex, command)
    const clock = manualClock()
    await deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, random: () => 0, backoff: { baseMs: 1000, capMs: 30_000 } })
    const [first] = await outboxOf(knex, code, e.number)
    expect(first!.available_at.getTime() - clock.now().getTime()).to.equal(30_000)
    expect(first!.last_error).to.equal('HTTP 429 Too Many Requests')
  })

  it('dead-letters a message the platform keeps refusing, lets the next one through, and an operator can retry it', async () => {
    const r = await receiver([], { kind: 'status', status: 400, body: '{"error":"bad payload"}' })
    const code = await makePlatform(knex, r.url, { max_rejections: 2, actions: ['report', 'dispatch'] })
    const e = await reportEvent(client, knex, command)
    const clock = manualClock()
    const opts = { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, random: () => 0, backoff: { baseMs: 1000, capMs: 60_000 } }
    await deliverDue(knex, opts)
    clock.set(new Date(clock.now().getTime() + 2000))
    await deliverDue(knex, opts) // second refusal of seq 1: dead
    let rows = await outboxOf(knex, code, e.number)
    expect(rows[0]!.dead_at).to.be.instanceOf(Date)
    expect(rows[0]!.attempts).to.equal(2)
    r.fallback = ok
    await deliverDue(knex, opts) // seq 3 is no longer held back by the dead seq 1
    rows = await outboxOf(knex, code, e.number)
    expect(rows.map((x) => x.event_seq)).to.deep.equal([1, 3])
    expect(rows[1]!.delivered_at).to.be.instanceOf(Date)
    const log = await knex('outbox_delivery').where({ outbox_id: rows[0]!.id }).orderBy('attempt').pluck('outcome')
    expect(log).to.deep.equal(['rejected', 'dead'])

    const dead = await client.get(`/api/v1/integrations/${code}/outbox?state=dead`, command)
    expect(dead.statusCode, dead.body).to.equal(200)
    expect(dead.json().items.map((x: { id: number }) => x.id)).to.deep.equal([Number(rows[0]!.id)])
    const retry = await client.post(`/api/v1/integrations/${code}/outbox/${rows[0]!.id}/retry`, {}, command)
    expect(retry.statusCode, retry.body).to.equal(200)
    clock.set(new Date(Date.now() + 1000))
    await deliverDue(knex, opts)
    rows = await outboxOf(knex, code, e.number)
    expect(rows[0]!.delivered_at).to.be.instanceOf(Date)
    const again = await client.post(`/api/v1/integrations/${code}/outbox/${rows[0]!.id}/retry`, {}, command)
    expect(again.statusCode).to.equal(409)
  })

  it('two deliverers at the same time never send one message twice', async () => {
    const r = await receiver([], { kind: 'slow', ms: 150, status: 204 })
    const code = await makePlatform(knex, r.url, { actions: ['report'] })
    const numbers: string[] = []
    for (let i = 0; i < 6; i++) numbers.push((await reportEvent(client, knex, command)).number)
    const clock = manualClock()
    const [a, b] = await Promise.all([deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, batch: 3 }), deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: clock.now, batch: 3 })])
    expect([a.claimed, b.claimed]).to.deep.equal([3, 3])
    const keys = r.received.map((x) => x.headers['x-gridgov-message-id'])
    expect(keys).to.have.length(6)
    expect(new Set(keys).size).to.equal(6)
    expect((await outboxOf(knex, code)).every((x) => x.attempts === 1 && x.delivered_at)).to.equal(true)
  })

  it('survives a restart: a new deliverer carries on where the stopped one left off', async () => {
    const r = await receiver([{ kind: 'status', status: 502 }, { kind: 'status', status: 502 }, { kind: 'hang' }])
    const code = await makePlatform(knex, r.url, { timeout_ms: 5000 })
    const e = await reportEvent(client, knex, command)
    const opts = { allowedNetworks: LOCAL_RECEIVERS, intervalMs: 10, backoff: { baseMs: 20, capMs: 100 } }
    const first = startDeliverer(app, opts)
    // stop while the third attempt hangs: stop() aborts it and records the attempt
    expect(await until(() => r.received.length >= 3, 10_000)).to.equal(true)
    await first.stop()
    const mid = await outboxOf(knex, code, e.number)
    expect(mid[0]!.delivered_at).to.equal(null)
    const log = await knex('outbox_delivery').where({ outbox_id: mid[0]!.id }).orderBy('attempt')
    expect(log.map((x) => x.error)).to.deep.equal(['HTTP 502 Bad Gateway', 'HTTP 502 Bad Gateway', 'aborted: the deliverer is stopping'])
    const second = startDeliverer(app, opts)
    try {
      expect(await until(() => r.received.length >= 6, 10_000)).to.equal(true)
      const done = async () => (await outboxOf(knex, code, e.number)).every((x) => x.delivered_at)
      for (let i = 0; i < 100 && !(await done()); i++) await new Promise((res) => setTimeout(res, 20))
      expect(await done()).to.equal(true)
    } finally {
      await second.stop()
    }
    const keys = r.received.map((x) => x.headers['x-gridgov-message-id'])
    expect(keys.slice(-3)).to.deep.equal([1, 2, 3].map((s) => `${code}:${e.number}:${s}`))
  })
})
