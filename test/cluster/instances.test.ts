// Two gridgov instances (child processes running every background loop, fast and in small
// batches so they really compete) over one database, behind nginx (Debian's package, started by
// server/cli/cluster/nginx.ts). Proved by content:
// * a due timer fires once (an overdue event is escalated one level, one history row, one
//   supervision order) although both schedulers run, and both took part;
// * an outbox message reaches a local receiver once although both deliverers run, and both took part;
// * a stream client of instance A hears a change written through instance B (and through nginx);
// * nginx sets X-Forwarded-For: a client cannot choose the address the app logs and throttles;
// * SIGKILL of one instance under load (clients through nginx creating events with an
//   Idempotency-Key and retrying failures) loses no event and doubles none.
// Real server only: the embedded engine serves one connection to one process. The instances run
// over a database of their own (their loops must not change what other test files find).
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDatabase } from '../support/db.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { until } from '../support/wait.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { startReceiver, type Receiver } from '../integrations/receiver.ts'
import { disableTestPlatforms, makePlatform } from '../integrations/helpers.ts'
import { nginxAvailable } from '../../server/cli/cluster/nginx.ts'
import { call, clusterDatabase, logsOf, signIn, startCluster, type Cluster } from './support.ts'

describe('cluster: two instances behind nginx', function () {
  this.timeout(240_000)
  let cluster: Cluster
  let database: Awaited<ReturnType<typeof clusterDatabase>> | undefined
  let knex: Knex
  let command: Record<string, string>
  let point: { lon: number; lat: number }
  const streams: Sse[] = []
  const receivers: Receiver[] = []

  before(async function () {
    const { db, config } = await getTestDatabase()
    // skipped on the embedded engine (one connection, one process: no second instance can share it);
    // CI runs the real server, where this never skips
    if (db.mode === 'embedded') {
      console.log('      skipped: two instances need the real server (the embedded engine serves one connection to one process)')
      this.skip()
    }
    if (!nginxAvailable()) throw new Error('nginx is not installed: apt-get install nginx (.ci/run installs it)')
    database = await clusterDatabase(config.databaseUrl!)
    knex = database.knex
    point = await pointIn(knex, '990102001001')
    cluster = await startCluster(database.url)
    command = await signIn(cluster.nginx.origin, 'command')
  })

  afterEach(function () {
    // a failure shows what the instances logged as errors (a 500's cause is in its instance's log)
    if (this.currentTest?.state !== 'failed' || !cluster) return
    for (const i of [cluster.a, cluster.b]) {
      for (const l of i.logs.filter((x) => Number(x.level) >= 50).slice(-5)) console.error(`instance ${i.name}:`, JSON.stringify(l).slice(0, 2000))
    }
  })

  after(async () => {
    for (const s of streams) s.close()
    await Promise.all(receivers.map((r) => r.close()))
    if (knex) await disableTestPlatforms(knex)
    await cluster?.stop()
    await database?.drop()
  })

  const report = (origin: string, description: string, headers: Record<string, string> = {}) => call(origin, '/api/v1/events', {
    body: { channel: 'superior', demandType: '投诉举报', classCode: '0102', description, location: { x: point.lon, y: point.lat } },
    headers: { ...command, ...headers },
  })
  const created = async (origin: string, description: string) => {
    const res = await report(origin, description)
    expect(res.status, res.body).to.equal(201)
    return res.json<{ event: { number: string } }>().event.number
  }

  it('fires each due timer once: an overdue event is escalated one level, by one of the two schedulers', async () => {
    const TIMERS = 16
    // a resident's request dispatched to a community committee: it escalates to the street when overdue
    const numbers = await Promise.all(Array.from({ length: TIMERS }, async (_, i) => {
      const res = await call(cluster.nginx.origin, '/api/v1/events', { headers: command, body: {
        channel: 'resident', demandType: '求助', classCode: '9901', description: uniq(`集群定时 ${i}`), location: { x: point.lon, y: point.lat } } })
      expect(res.status, res.body).to.equal(201)
      const number = res.json<{ event: { number: string } }>().event.number
      for (const body of [{ action: 'accept' }, { action: 'dispatch', departmentCode: 'SQ-990102001001' }]) {
        const t = await call(cluster.nginx.origin, `/api/v1/events/${number}/transitions`, { headers: command, body })
        expect(t.status, t.body).to.equal(200)
      }
      return number
    }))
    const events = await knex('event').whereIn('number', numbers).select('id', 'number', 'escalation_level')
    expect(events.map((e) => e.escalation_level)).to.deep.equal(numbers.map(() => 'community'))
    const ids = events.map((e) => Number(e.id))
    const marks = [cluster.a.logs.length, cluster.b.logs.length]
    // the escalation timers become overdue; both schedulers pass every 20 ms, one timer a pass
    const moved = await knex('event_timer').whereIn('event_id', ids).where({ kind: 'escalate', state: 'pending' })
      .update({ due_at: knex.raw("now() - interval '1 minute'") }, ['id'])
    expect(moved).to.have.length(TIMERS)
    const timerIds = moved.map((t) => Number(t.id))
    const done = await pollDb(async () => Number((await knex('event_timer').whereIn('id', timerIds).where('state', 'pending').count<{ n: string }[]>('* as n'))[0]!.n) === 0)
    expect(done, 'every overdue timer was handled').to.equal(true)
    const timers = await knex('event_timer').whereIn('id', timerIds).select('state', 'outcome')
    expect(timers.map((t) => t.state)).to.deep.equal(timerIds.map(() => 'fired'))
    for (const t of timers) expect(t.outcome).to.match(/^escalated community → street/)
    const after = await knex('event').whereIn('id', ids).select('escalation_level')
    expect(after.map((e) => e.escalation_level)).to.deep.equal(ids.map(() => 'street'))
    const history = await knex('event_history').whereIn('event_id', ids).where('action', 'escalate').groupBy('event_id').select('event_id', knex.raw('count(*)::int AS n'))
    expect(history.map((h) => h.n)).to.deep.equal(ids.map(() => 1))
    const orders = await knex('event_supervision').whereIn('timer_id', timerIds).groupBy('timer_id').select(knex.raw('count(*)::int AS n'))
    expect(orders.map((o) => o.n)).to.deep.equal(timerIds.map(() => 1))
    // both schedulers took part: the once-only above is not one idle instance
    const fired = [cluster.a, cluster.b].map((i, k) => logsOf(i, 'event timers processed', marks[k]).reduce((s, l) => s + Number(l.fired), 0))
    // and their logs together report each firing once (this database has no other due timer)
    expect(fired[0]! + fired[1]!).to.equal(TIMERS)
    expect(fired[0], `instance a fired ${fired[0]}, b ${fired[1]}`).to.be.above(0)
    expect(fired[1], `instance a fired ${fired[0]}, b ${fired[1]}`).to.be.above(0)
  })

  it('delivers each outbox message once to a local receiver, with both deliverers running', async () => {
    // the receiver answers slowly, so one instance is still sending when the other claims the next message
    const r = await startReceiver([], { kind: 'slow', ms: 150, status: 200 })
    receivers.push(r)
    const platform = await makePlatform(knex, r.url, { timeout_ms: 5000 })
    const marks = [cluster.a.logs.length, cluster.b.logs.length]
    const numbers = await Promise.all(Array.from({ length: 6 }, (_, i) => created(cluster.nginx.origin, uniq(`集群外发 ${i}`))))
    const undelivered = async () => Number((await knex('outbox').where('platform_code', platform).whereNull('delivered_at').count<{ n: string }[]>('* as n'))[0]!.n)
    expect(await pollDb(async () => await undelivered() === 0), 'every message delivered').to.equal(true)
    const keys = (await knex('outbox').where('platform_code', platform).orderBy('key').select('key')).map((o) => o.key as string)
    // report, accept, dispatch: three messages an event
    expect(keys).to.have.length(numbers.length * 3)
    for (const n of numbers) expect(keys.filter((k) => k.startsWith(`${platform}:${n}:`))).to.have.length(3)
    const got = r.received.map((x) => String(x.headers['x-gridgov-message-id'])).sort()
    expect(got, 'each message received exactly once').to.deep.equal([...keys].sort())
    const delivered = [cluster.a, cluster.b].map((i, k) => logsOf(i, 'outbox messages sent', marks[k]).reduce((s, l) => s + Number(l.delivered), 0))
    expect(delivered[0], `a delivered ${delivered[0]}, b ${delivered[1]}`).to.be.above(0)
    expect(delivered[1], `a delivered ${delivered[0]}, b ${delivered[1]}`).to.be.above(0)
  })

  it('streams a change written through instance B to clients of instance A and of nginx', async () => {
    const [sa, sb, sn] = await Promise.all([openStream(cluster.a.port, command), openStream(cluster.b.port, command), openStream(cluster.nginx.port, command)])
    streams.push(sa, sb, sn)
    for (const s of [sa, sb, sn]) expect([s.status, s.type]).to.deep.equal([200, 'text/event-stream; charset=utf-8'])
    expect(await until(() => [sa, sb, sn].every((s) => s.raw.includes(': connected as command')), 10_000)).to.equal(true)
    const number = await created(cluster.b.origin, uniq('集群推送'))
    const heard = (s: Sse) => s.events.some((e) => e.event === 'event' && e.data.event === number)
    expect(await until(() => heard(sa) && heard(sb) && heard(sn), 15_000), 'A, B and nginx clients hear the change').to.equal(true)
    // positive control of the matcher: a number nobody wrote is not heard
    expect(sa.events.some((e) => e.data.event === `${number}x`)).to.equal(false)
  })

  it('sets X-Forwarded-For at nginx: a forged header does not choose the address the app sees', async () => {
    const forged = { 'x-forwarded-for': '203.0.113.66' }
    const ids = ['xff-nginx', 'xff-direct'].map((p) => `${p}-${Date.now()}`)
    expect((await call(cluster.nginx.origin, '/health', { headers: { ...forged, 'x-request-id': ids[0]! } })).status).to.equal(200)
    // positive control: straight to an instance (TRUST_PROXY=true) the header is believed
    expect((await call(cluster.a.origin, '/health', { headers: { ...forged, 'x-request-id': ids[1]! } })).status).to.equal(200)
    const ipOf = (id: string) => [...cluster.a.logs, ...cluster.b.logs].find((l) => l.requestId === id && l.msg === 'request')?.ip
    expect(await until(() => ipOf(ids[0]!) !== undefined && ipOf(ids[1]!) !== undefined, 5000)).to.equal(true)
    expect(ipOf(ids[0]!)).to.equal('127.0.0.1')
    expect(ipOf(ids[1]!)).to.equal('203.0.113.66')
  })

  it('loses and doubles no event when one instance is killed (SIGKILL) under load', async () => {
    const TOTAL = 160
    const CLIENTS = 12
    const run = Date.now().toString(36)
    const tag = `集群断电 ${run}`
    const acked = new Map<number, string>()
    const stats = { attempts: 0, retried: 0, replays: 0, inFlightAtKill: -1 }
    let inFlight = 0
    let next = 0
    const bMark = cluster.b.logs.length
    let killing: Promise<void> | undefined
    const one = async (i: number) => {
      let last = ''
      for (let attempt = 1; attempt <= 40; attempt++) {
        stats.attempts++
        inFlight++
        let res: Awaited<ReturnType<typeof report>> | undefined
        try {
          res = await report(cluster.nginx.origin, `${tag} #${i}`, { 'idempotency-key': `kill-${run}-${i}` })
        } catch (err) {
          last = String(err) // connection reset or timeout: retried with the same key
        }
        inFlight--
        if (res && (res.status === 201 || res.status === 200)) {
          if (res.status === 200) stats.replays++
          acked.set(i, res.json<{ event: { number: string } }>().event.number)
          if (acked.size === 40 && !killing) {
            stats.inFlightAtKill = inFlight
            killing = cluster.b.kill()
          }
          return
        }
        if (res) last = `${res.status} ${res.body.slice(0, 300)}`
        if (res && res.status < 500) throw new Error(`event ${i}: ${res.status} ${res.body}`)
        stats.retried++
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`event ${i} never acknowledged: ${last}`)
    }
    await Promise.all(Array.from({ length: CLIENTS }, async () => { while (next < TOTAL) await one(next++) }))
    await killing
    console.log(`      kill -9 under load: ${TOTAL} events, ${stats.attempts} requests, ${stats.retried} failed and retried, ${stats.replays} answered by replay, ${stats.inFlightAtKill} in flight at the kill`)
    expect(cluster.b.exited, 'instance b was killed').to.equal(true)
    expect(acked.size).to.equal(TOTAL)
    // the kill happened under load, with instance b serving intake before it
    expect(stats.inFlightAtKill, JSON.stringify(stats)).to.be.above(0)
    const servedByB = logsOf(cluster.b, 'request', bMark).filter((l) => l.path === '/api/v1/events' && l.status === 201).length
    expect(servedByB, 'instance b created events before the kill').to.be.above(0)
    // by content: each description once, each acknowledged number is the stored one
    const rows = await knex('event').where('description', 'like', `${tag} #%`).select('number', 'description')
    const byDescription = new Map<string, string[]>()
    for (const r of rows) byDescription.set(r.description, [...byDescription.get(r.description) ?? [], r.number])
    const doubled = [...byDescription].filter(([, ns]) => ns.length > 1)
    expect(doubled, 'doubled events').to.deep.equal([])
    const lost = [...acked.keys()].filter((i) => !byDescription.has(`${tag} #${i}`))
    expect(lost, 'acknowledged but not stored').to.deep.equal([])
    expect(rows).to.have.length(TOTAL)
    for (const [i, number] of acked) expect(byDescription.get(`${tag} #${i}`)).to.deep.equal([number])
    // reads need no client retry: nginx resends an idempotent request that met the dead instance
    expect(await call(cluster.b.origin, '/health').then(() => 'answered', () => 'refused'), 'b is gone').to.equal('refused')
    const reads = await Promise.all(Array.from({ length: 20 }, () => call(cluster.nginx.origin, '/api/v1/events?limit=1', { headers: command })))
    expect(reads.map((r) => r.status)).to.deep.equal(reads.map(() => 200))
    // and nginx did meet it: its error log names the upstream failures it passed over (refused
    // connections after the kill, or a connection cut mid-request by it, whichever came first)
    expect(fs.readFileSync(path.join(cluster.nginx.prefix, 'error.log'), 'utf8'))
      .to.match(/(Connection refused|Connection reset by peer|prematurely closed connection)\)? while (connecting to|reading response header from|sending request to) upstream/)
  })
})

/** Polls a database condition (every 100 ms, at most 60 s). */
async function pollDb(check: () => Promise<boolean>, ms = 60_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true
  return check()
}
