// A platform down for minutes: the receiving platform first answers 503 (maintenance), then is
// gone altogether (connection refused), then comes back on the same port. The deliverer runs
// with its production back-off (5 s doubling, jitter from a seeded generator) on a clock the test
// moves from one due time to the next, so a quarter of an hour of outage takes a second of test
// time. After the platform returns every message arrives exactly once (the receiver counts every
// 2xx it gave, it does not rely on its own de-duplication) and, per event, in the order of the
// event's history as the database holds it.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { defaultBackoff } from '../../server/integrations/backoff.ts'
import { LOCAL_RECEIVERS, disableTestPlatforms, makePlatform, outboxOf, reportEvent, type OutboxRow } from '../integrations/helpers.ts'

type Mode = 'maintenance' | 'down' | 'up'

/** A platform on a fixed loopback port: 503 in maintenance, no listener when down, 200 when up. */
async function platform() {
  const accepted: { key: string; number: string; seq: number; action: string }[] = []
  const refused: string[] = []
  let mode: Mode = 'maintenance'
  let port = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const key = String(req.headers['idempotency-key'])
      if (mode !== 'up') {
        refused.push(key)
        res.writeHead(503, { 'retry-after': '120' }).end('maintenance')
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: { number: string }; change: { seq: number; action: string } }
      accepted.push({ key, number: body.event.number, seq: body.change.seq, action: body.change.action })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}')
    })
  })
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => {
    port = (server.address() as AddressInfo).port
    resolve()
  }))
  const close = () => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  }
  await listen()
  return {
    url: () => `http://127.0.0.1:${port}/hook`, accepted, refused, mode: () => mode,
    async set(next: Mode) {
      if (next === 'down' && mode !== 'down') await close()
      if (next !== 'down' && mode === 'down') await listen()
      mode = next
    },
    close: () => (mode === 'down' ? Promise.resolve() : close()),
  }
}

/** A seeded generator in [0, 1) (mulberry32): the jitter varies between messages but not between runs. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const MIN = 60_000

describe('faults: a platform down for minutes gets every message once and in order after it returns', function () {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let receiver: Awaited<ReturnType<typeof platform>> | undefined

  before(async () => {
    client = await testClient(await getTestContext())
    knex = await getTestDb()
    command = await loginAs(client, 'command')
  })
  after(async () => {
    await disableTestPlatforms(knex)
    await receiver?.close()
  })

  it('survives 5 minutes of 503 and 10 of connection refused: 0 lost, 0 doubled, per-event order kept', async () => {
    receiver = await platform()
    // a timeout far above a loopback answer: every refusal is seen as the platform gave it
    const code = await makePlatform(knex, receiver.url(), { timeout_ms: 10_000 })
    // 12 events; every other one is reassigned too (a fourth message in its chain)
    const numbers: string[] = []
    for (let i = 0; i < 12; i++) {
      const e = await reportEvent(client, knex, command)
      numbers.push(e.number)
      if (i % 2) {
        const res = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'reassign', departmentCode: 'CGJ-990102' }, command)
        expect(res.statusCode, res.body).to.equal(200)
      }
    }
    const queued = await outboxOf(knex, code)
    expect(queued).to.have.length(12 * 3 + 6)

    // the outage on the deliverer's clock: maintenance, then gone, then back
    const t0 = Math.max(...queued.map((r) => r.available_at.getTime())) + 1
    const downAt = t0 + 5 * MIN
    const upAt = t0 + 15 * MIN
    let now = t0
    const opts = { allowedNetworks: LOCAL_RECEIVERS, now: () => new Date(now), random: seeded(13), backoff: defaultBackoff }
    let passes = 0
    const pending = (rows: OutboxRow[]) => rows.filter((r) => !r.delivered_at && !r.dead_at)
    for (; passes < 400; passes++) {
      await receiver.set(now >= upAt ? 'up' : now >= downAt ? 'down' : 'maintenance')
      await deliverDue(knex, { ...opts, batch: 100 })
      const left = pending(await outboxOf(knex, code))
      if (!left.length) break
      // the next due time among the heads of the chains (a later message waits for its predecessor)
      const heads = new Map<string, OutboxRow>()
      for (const r of left) if (!heads.has(r.payload.event.number)) heads.set(r.payload.event.number, r)
      now = Math.max(now + 1, Math.min(...[...heads.values()].map((r) => r.available_at.getTime())))
    }
    const rows = await outboxOf(knex, code)
    expect(pending(rows), 'everything delivered').to.have.length(0)
    expect(rows.every((r) => r.delivered_at!.getTime() >= upAt), 'nothing counted as delivered while the platform was away').to.equal(true)

    // the outage was real: refusals in both phases, in the log with their reasons
    const log = await knex('outbox_delivery').where({ platform_code: code }).orderBy(['at', 'id'])
    const by = (f: (x: { outcome: string; status_code: number | null; error: string | null }) => boolean) => log.filter(f).length
    const maintenance = by((x) => x.status_code === 503)
    const refusedConn = by((x) => x.status_code === null && /ECONNREFUSED/.test(x.error ?? ''))
    expect(maintenance).to.be.greaterThan(0)
    expect(maintenance).to.equal(receiver.refused.length)
    expect(refusedConn).to.be.greaterThan(0)
    expect(by((x) => x.outcome === 'delivered')).to.equal(rows.length)
    expect(log.length).to.equal(maintenance + refusedConn + rows.length)

    // exactly once: every 2xx the platform gave, counted per key
    const counts = new Map<string, number>()
    for (const a of receiver.accepted) counts.set(a.key, (counts.get(a.key) ?? 0) + 1)
    const lost = rows.filter((r) => !counts.has(r.key)).length
    const doubled = [...counts.values()].filter((n) => n > 1).length
    expect(lost, 'lost').to.equal(0)
    expect(doubled, 'doubled').to.equal(0)
    expect(receiver.accepted).to.have.length(rows.length)

    // in order, against the event's history as the database holds it (not the outbox's own seq)
    for (const number of numbers) {
      const history = await knex('event_history as h').join('event as e', 'e.id', 'h.event_id')
        .where('e.number', number).orderBy('h.seq').select('h.seq', 'h.action')
      const got = receiver.accepted.filter((a) => a.number === number).map((a) => ({ seq: a.seq, action: a.action }))
      expect(got, number).to.deep.equal(history.map((h) => ({ seq: h.seq, action: h.action })))
    }
    const minutes = (upAt - t0) / MIN
    process.stdout.write(`      platform down ${minutes} min on the deliverer's clock: ${rows.length} messages, ${log.length - rows.length} refused attempts, ` +
      `${passes + 1} passes, lost ${lost}, doubled ${doubled}\n`)
  })
})
