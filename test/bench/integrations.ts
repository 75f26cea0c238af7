// Bench: what the outbox costs event intake, and how fast the deliverer drains it.
//
// 1. Intake over HTTP (POST /api/v1/events, superior channel: 3 history rows per event) with
//    the outbox trigger on event_history disabled (baseline) against the trigger enabled with no
//    subscriber in the city (the common case: one index probe), and with one subscribed platform
//    (3 outbox rows per event, payload built in SQL). Interleaved rounds, median.
// 2. Delivery: the deliverer draining the queued messages to a local receiver against posting
//    the same payloads straight to the same receiver with the same concurrency (the HTTP floor).
// Throwaway database (test/support/db.ts): each run inserts thousands of events.
import http from 'node:http'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { closeTestDatabase, getTestContext } from '../support/db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { listenLoopback, median, pooled, timed } from './support.ts'

const CLIENTS = 16
const ROWS = 400
const ROUNDS = 3
const PLATFORM = 'bench_szcg'

interface Point { lon: number; lat: number }

async function points(knex: Knex, n: number, salt: number): Promise<Point[]> {
  const { rows } = await knex.raw(`SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY code`) as { rows: Point[] }
  return Array.from({ length: n }, (_, i) => rows[(i * 7 + salt) % rows.length]!)
}

export async function benchIntegrations(results: BenchResult[]): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('the integrations bench needs DATABASE_URL (a PostGIS server)')
  const context = await getTestContext()
  const knex = context.knex
  const server = http.createServer(createApp(context).callback())
  const base = `http://127.0.0.1:${await listenLoopback(server)}`
  let received = 0
  const receiver = http.createServer((req, res) => { req.resume(); req.on('end', () => { received++; res.writeHead(204).end() }) })
  const hook = `http://127.0.0.1:${await listenLoopback(receiver)}/hook`
  try {
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const { token } = await login.json() as { token: string }
    let errors = 0
    let firstError = ''
    let seq = 0
    const post = async (p: Point) => {
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `对接压测 ${++seq} ${Math.random()}`,
          location: { x: p.lon, y: p.lat } }),
      })
      if (res.status !== 201) { errors++; firstError ||= `${res.status} ${await res.text()}` } else await res.arrayBuffer()
    }
    await knex('integration_platform').insert({ code: PLATFORM, name: '数字城管（压测）', city_code: '990100', endpoint: hook, enabled: false })
    const mode = async (m: 'off' | 'idle' | 'subscribed') => {
      await knex.raw(m === 'off' ? 'ALTER TABLE event_history DISABLE TRIGGER event_history_outbox'
        : 'ALTER TABLE event_history ENABLE TRIGGER event_history_outbox')
      await knex('integration_platform').where({ code: PLATFORM }).update({ enabled: m === 'subscribed' })
    }
    const rate = async (m: 'off' | 'idle' | 'subscribed', salt: number) => {
      await mode(m)
      const pts = await points(knex, ROWS, salt)
      return pts.length / await timed(() => pooled(pts, CLIENTS, post))
    }
    for (const m of ['off', 'idle', 'subscribed'] as const) await rate(m, 0) // warm-up
    // the order rotates every round: the tables grow as rounds go, which must not favour one mode
    const by = { off: [] as number[], idle: [] as number[], subscribed: [] as number[] }
    const modes = ['off', 'idle', 'subscribed'] as const
    for (let i = 1; i <= ROUNDS; i++) {
      for (let k = 0; k < modes.length; k++) { const m = modes[(i + k) % modes.length]!; by[m].push(await rate(m, i)) }
    }
    const { off, idle, subscribed: sub } = by
    await mode('subscribed')
    const note = `${ROWS} events × ${ROUNDS} rounds, ${CLIENTS} clients; errors ${errors}${firstError ? ` (first: ${firstError.slice(0, 200)})` : ''}`
    results.push({
      name: 'event intake with the outbox trigger, no subscriber', baseline: 'intake, trigger disabled', subject: 'intake, trigger enabled',
      metric: 'ops/s', baselineValue: median(off), subjectValue: median(idle), ratio: median(idle) / median(off),
      target: '≥ 0.95×, 0 errors', met: median(idle) / median(off) >= 0.95 && errors === 0, note,
    })
    results.push({
      name: 'event intake with one subscribed platform', baseline: 'intake, trigger disabled', subject: 'intake + 3 outbox rows/event',
      metric: 'ops/s', baselineValue: median(off), subjectValue: median(sub), ratio: median(sub) / median(off),
      target: '≥ 0.8×, 0 errors', met: median(sub) / median(off) >= 0.8 && errors === 0, note,
    })

    // delivery: drain what the subscribed rounds queued, then the same payloads posted directly
    const pending = await knex('outbox').where({ platform_code: PLATFORM }).whereNull('delivered_at').count<{ n: string }[]>('* as n')
    const n = Number(pending[0]!.n)
    const payloads = (await knex('outbox').where({ platform_code: PLATFORM }).select('payload')).map((r) => JSON.stringify(r.payload))
    received = 0
    const drain = await timed(async () => {
      const later = () => new Date(Date.now() + 1000)
      while ((await deliverDue(knex, { allowedNetworks: ['127.0.0.0/8'], now: later, batch: 200, concurrency: CLIENTS })).claimed > 0) { /* next batch */ }
    })
    const delivered = received
    const direct = await timed(() => pooled(payloads.slice(0, n), CLIENTS, async (body) => {
      const res = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.arrayBuffer()
    }))
    results.push({
      name: 'outbox delivery to a local webhook', baseline: `direct POSTs, ${CLIENTS} concurrent`, subject: `deliverer, concurrency ${CLIENTS}`,
      metric: 'ops/s', baselineValue: n / direct, subjectValue: delivered / drain, ratio: (delivered / drain) / (n / direct),
      target: '≥ 0.3×, all delivered', met: (delivered / drain) / (n / direct) >= 0.3 && delivered === n,
      note: `${n} messages (per-event order: an event's 3 messages go one after another); delivered ${delivered}`,
    })
  } finally {
    await new Promise((r) => server.close(r))
    receiver.closeAllConnections()
    await new Promise((r) => receiver.close(r))
    await closeTestDatabase()
  }
}
