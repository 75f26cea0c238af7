// kill -9 of the server during 32-client intake, then a restart: every acknowledged event is
// present exactly once. The real server (server/main.ts in a child process) takes reports from
// 32 concurrent clients, each report with its own Idempotency-Key and a marker in its text; at a
// random point the process is killed with SIGKILL (no shutdown code runs; requests and
// transactions are cut mid-way). It is started again on the same database and the clients send
// what was not acknowledged again, with the same key and body, as a mobile app does. Then the
// database is read directly (not through the API) and judged by content: each key's marker in
// exactly one event, with the number its acknowledgement named; no event the clients did not
// send; the counts add up. Several rounds. On the embedded engine (PGlite in DATA_DIR) the same,
// with the server's own data directory: a kill -9 must not lose or corrupt it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import knexFactory, { type Knex } from 'knex'
import { getTestDatabase } from '../support/db.ts'
import { createTestDatabaseFrom } from '../support/template.ts'
import { pointIn } from '../events/helpers.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { loadConfig } from '../../server/config.ts'
import { openDatabase, type Database } from '../../server/db/index.ts'
import { freePort, startServer, type ServerProcess } from './serverProcess.ts'

const CLIENTS = 32
const ROUNDS = 3
const AUTH_SECRET = 'faults-kill9-secret-0123456789abcdef'

interface Report { key: string; marker: string; body: string; round: number; ack?: { status: number; number: string }; beforeKill: boolean }

/** One POST with a per-request timeout (a hang is a failure, not a wait). */
async function post(origin: string, token: string, r: Report): Promise<{ status: number; number?: string } | undefined> {
  try {
    const res = await fetch(`${origin}/api/v1/events`, {
      method: 'POST', body: r.body, signal: AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': r.key },
    })
    const json = await res.json().catch(() => ({})) as { event?: { number?: string } }
    return { status: res.status, number: json.event?.number }
  } catch {
    return undefined // connection refused, reset, or cut by the kill
  }
}

async function login(origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }), signal: AbortSignal.timeout(30_000) })
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`)
  return (await res.json() as { token: string }).token
}

/** The events whose text carries a marker of this run, by marker (read from the database itself). */
async function byMarker(knex: Knex, run: string): Promise<Map<string, string[]>> {
  const rows = await knex('event').where('description', 'like', `%[${run}:%`).select('number', 'description') as { number: string; description: string }[]
  const out = new Map<string, string[]>()
  for (const r of rows) {
    const m = new RegExp(`\\[${run}:[^\\]]+\\]`).exec(r.description)![0]
    out.set(m, [...(out.get(m) ?? []), r.number])
  }
  return out
}

describe('faults: kill -9 during 32-client intake, then restart: every acknowledged event exactly once', function () {
  let server: ServerProcess | undefined
  let env: Record<string, string>
  let port: number
  let verify: () => Promise<{ knex: Knex; close(): Promise<void> }>
  let dataDir: string | undefined
  let dropDatabase = async () => undefined as void
  let location: { x: number; y: number }
  const run = `k9${Date.now().toString(36)}`

  before(async function () {
    this.timeout(10 * 60_000)
    const test = await getTestDatabase()
    port = await freePort()
    const p = await pointIn(test.db.knex, '990102001001', 3)
    location = { x: p.lon, y: p.lat }
    if (test.db.mode === 'external') {
      // a database of its own (a copy of the run's template, or else the server loads the demo
      // city at its first start), so the server's background loops never touch the other tests' rows
      const base = process.env.DATABASE_URL!
      const name = `gridgov_faults_${Date.now()}_${process.pid}`
      const admin = knexFactory({ client: 'pg', connection: base, pool: { min: 0, max: 1 } })
      await createTestDatabaseFrom(admin, name)
      const url = new URL(base)
      url.pathname = `/${name}`
      env = { DATABASE_URL: url.toString(), SEED_DEMO: 'true', AUTH_SECRET }
      verify = async () => {
        const knex = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 2 } })
        return { knex, close: () => knex.destroy() }
      }
      dropDatabase = async () => {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => undefined)
        await admin.destroy()
      }
    } else {
      // the embedded engine: the server's own PGlite data directory, seeded at its first start
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-kill9-'))
      env = { DATA_DIR: dataDir, AUTH_SECRET }
      verify = async () => {
        // PGlite is one process's: read it after the server has stopped
        await server?.stop()
        server = undefined
        const db: Database = await openDatabase(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }))
        return { knex: db.knex, close: () => db.close() }
      }
    }
    server = await startServer(port, env, 9 * 60_000)
  })

  after(async function () {
    this.timeout(60_000)
    await server?.stop()
    await dropDatabase()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it(`${ROUNDS} rounds: 0 lost, 0 doubled, every retry answered with the first number`, async function () {
    this.timeout(10 * 60_000)
    const reports: Report[] = []
    const figures: string[] = []
    const body = (marker: string) => JSON.stringify({ channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: `断电测试 占道经营 ${marker}`, location })
    for (let round = 1; round <= ROUNDS; round++) {
      let token = await login(server!.origin)
      let killed = false
      let acked = 0
      const mine: Report[] = []
      // kill after a random number of acknowledgements in this round (40-120)
      const killAfter = 40 + Math.floor(Math.random() * 80)
      let signal!: () => void
      const reached = new Promise<void>((resolve) => { signal = resolve })
      const client = async (c: number) => {
        for (let i = 0; !killed; i++) {
          const marker = `[${run}:r${round}:c${c}:n${i}]`
          const r: Report = { key: `${run}-${round}-${c}-${i}`, marker, body: body(marker), round, beforeKill: false }
          mine.push(r)
          const res = await post(server!.origin, token, r)
          if (res && (res.status === 201 || res.status === 200) && res.number) {
            r.ack = { status: res.status, number: res.number }
            r.beforeKill = true
            if (++acked >= killAfter) signal()
          } else {
            // not acknowledged (cut by the kill): kept for the retry after the restart
            if (!killed && res) throw new Error(`intake answered ${res.status} before the kill`)
            return
          }
        }
      }
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(c))
      await reached
      killed = true
      await server!.kill9()
      await Promise.all(clients)
      const inFlight = mine.filter((r) => !r.ack)
      server = await startServer(port, env, 5 * 60_000)
      token = await login(server.origin)
      // the clients send again what was not acknowledged: same key, same body
      await Promise.all(inFlight.map(async (r) => {
        for (let attempt = 0; attempt < 5 && !r.ack; attempt++) {
          const res = await post(server!.origin, token, r)
          if (res && (res.status === 201 || res.status === 200) && res.number) r.ack = { status: res.status, number: res.number }
        }
      }))
      reports.push(...mine)
      const replayed = inFlight.filter((r) => r.ack?.status === 200).length
      figures.push(`round ${round}: ${mine.length - inFlight.length} acknowledged before the kill, ${inFlight.length} cut by it ` +
        `(on retry: ${replayed} already stored → 200 with their number, ${inFlight.length - replayed} stored now → 201)`)
    }
    // a positive control of the judge below: the same report sent twice WITHOUT a key is stored twice
    const control: Report = { key: '', marker: `[${run}:control]`, body: body(`[${run}:control]`), round: 0, beforeKill: false }
    const token = await login(server!.origin)
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server!.origin}/api/v1/events`, { method: 'POST', body: control.body, signal: AbortSignal.timeout(30_000),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } })
      expect(res.status).to.equal(201)
    }

    const db = await verify()
    try {
      const stored = await byMarker(db.knex, run)
      expect(stored.get(control.marker), 'the control: two rows for one marker').to.have.length(2)
      stored.delete(control.marker)
      const acknowledged = reports.filter((r) => r.ack)
      const lost = acknowledged.filter((r) => !stored.has(r.marker))
      const doubled = reports.filter((r) => (stored.get(r.marker)?.length ?? 0) > 1)
      const wrongNumber = acknowledged.filter((r) => stored.get(r.marker)?.length === 1 && stored.get(r.marker)![0] !== r.ack!.number)
      const unknown = [...stored.keys()].filter((m) => !reports.some((r) => r.marker === m))
      const cut = reports.filter((r) => !r.beforeKill).length
      figures.push(`${ROUNDS} rounds, ${CLIENTS} clients: ${reports.length} reports, ${acknowledged.length} acknowledged, ` +
        `${cut} cut by a kill and sent again; lost ${lost.length}, doubled ${doubled.length}, stored ${stored.size}`)
      process.stdout.write(figures.map((f) => `      ${f}\n`).join(''))
      expect(cut, 'the kills cut requests in flight').to.be.greaterThan(0)
      expect(acknowledged.length, 'every report acknowledged in the end').to.equal(reports.length)
      expect(lost.map((r) => r.marker), 'lost').to.deep.equal([])
      expect(doubled.map((r) => r.marker), 'doubled').to.deep.equal([])
      expect(wrongNumber.map((r) => r.marker), 'acknowledged with another number').to.deep.equal([])
      expect(unknown, 'events nobody sent').to.deep.equal([])
      expect(stored.size).to.equal(reports.length)
      // one idempotency claim per key, naming the event stored under the marker
      const claims = await db.knex('event_idempotency as i').join('event as e', function () {
        this.on('e.id', 'i.event_id').andOn('e.created_at', 'i.event_created_at')
      }).where('i.key', 'like', `${run}-%`).select('i.key', 'e.number')
      expect(claims).to.have.length(reports.length)
      const byKey = new Map(reports.map((r) => [r.key, r]))
      expect(claims.filter((c) => byKey.get(c.key)?.ack?.number !== c.number)).to.deep.equal([])
    } finally {
      await db.close()
    }
  })
})
