// The database restarted under load (issue 13 item 6): PostgreSQL is stopped (fast, then
// immediate: a crash for PostgreSQL) and started again while clients keep calling, WITHOUT a
// restart of gridgov. During the outage every request answers 503 problem JSON coded
// db.unavailable with Retry-After (not a hang, not a 500, not a crash); afterwards intake and reads
// succeed, every acknowledged report is stored exactly once, and the LISTEN-based stream hears
// changes again.
import { expect } from 'chai'
import crypto from 'node:crypto'
import { freePort } from '../../server/cli/cluster/postgres.ts'
import { startInstance, type Instance } from '../../server/cli/cluster/instance.ts'
import { call, signIn, type Answer } from './support.ts'
import { clusterSkipReason, seededPrimary, type SeededPrimary } from './pgSupport.ts'
import { openStream, type Sse } from '../support/sse.ts'
import { until } from '../support/wait.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { PRINCIPAL_FRESH_MS } from '../../server/http/frontCache.ts'

const WFS_HITS = '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:events_all&RESULTTYPE=hits'

const skipReason = clusterSkipReason()
const describeIfCluster = skipReason ? describe.skip : describe

describeIfCluster(`database restarted under load: gridgov recovers without a restart of its own${skipReason ? ` (skipped: ${skipReason})` : ''}`, function () {
  this.timeout(600_000)
  let seeded: SeededPrimary
  let app: Instance
  let auth: Record<string, string>
  let stream: Sse
  let point: { lon: number; lat: number }
  const acknowledged: string[] = []
  const statuses = new Map<number, number>()
  const unexpected: string[] = []

  before(async () => {
    seeded = await seededPrimary()
    app = await startInstance({
      name: 'restart-test', port: await freePort(), databaseUrl: seeded.primary.url(),
      authSecret: crypto.randomBytes(32).toString('hex'), env: { LOG_LEVEL: 'info' },
    })
    auth = await signIn(app.origin, 'command')
    point = await pointIn(seeded.knex, '990102001001')
    stream = await openStream(app.port, auth)
    expect(stream.status).to.equal(200)
  })

  after(async () => {
    if (process.env.GRIDGOV_FIGURES) console.log(`      answers by status ${JSON.stringify(Object.fromEntries(statuses))}, ${acknowledged.length} reports acknowledged`)
    stream?.close()
    if (app && !app.exited) await app.stop()
    await seeded?.close()
  })

  const report = (tag: string) => call(app.origin, '/api/v1/events', {
    headers: auth,
    body: { channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq(tag), location: { x: point.lon, y: point.lat, crs: 'EPSG:4490' } },
  })
  const numberOf = (res: Answer) => res.json<{ event: { number: string } }>().event.number
  const heard = (number: string) => stream.events.some((e) => e.data.event === number)

  const isProblemUnavailable = (res: Answer) => /application\/problem\+json/.test(res.headers.get('content-type') ?? '') &&
    res.json<{ status: number; code: string }>().code === 'db.unavailable' && res.json<{ status: number }>().status === 503
  // OGC clients get their exception report, saying what is wrong (not "internal error")
  const isOgcUnavailable = (res: Answer) => /text\/xml/.test(res.headers.get('content-type') ?? '') &&
    /<ows:ExceptionReport[\s\S]*exceptionCode="NoApplicableCode"[\s\S]*database is not reachable/.test(res.body)

  /** Checks one answer: 2xx, or the coded 503; anything else (a 500, a timeout) is recorded. */
  const judge = (what: string, res: Answer) => {
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
    if (res.status < 300) return
    if (res.status === 503 && res.headers.get('retry-after') === '5' && (what === 'wfs' ? isOgcUnavailable(res) : isProblemUnavailable(res))) return
    unexpected.push(`${what}: ${res.status} ${res.body.slice(0, 200)}`)
  }

  /** Eight clients: intake, event reads, WFS and tiles, until `stop` is set. */
  const load = (state: { stop: boolean }) => Array.from({ length: 8 }, async (_, i) => {
    while (!state.stop) {
      try {
        if (i % 4 === 0) {
          const res = await report(`重启负载${i}`)
          judge('intake', res)
          if (res.status === 201) acknowledged.push(numberOf(res))
        } else if (i % 4 === 1) {
          judge('list', await call(app.origin, '/api/v1/events?limit=5', { headers: auth }))
        } else if (i % 4 === 2) {
          judge('wfs', await call(app.origin, WFS_HITS, { headers: auth }))
        } else {
          judge('tile', await call(app.origin, '/tiles/events/14/13479/6400.mvt', { headers: auth }))
        }
      } catch (err) {
        unexpected.push(`request failed: ${(err as Error).message}`) // a hang (30 s timeout) or a dropped connection
      }
    }
  })

  for (const mode of ['fast', 'immediate'] as const) {
    it(`PostgreSQL stopped (${mode}) and started under load: 503 with Retry-After meanwhile, then intake, reads and the stream work again`, async () => {
      // positive control before the outage: intake answers and the stream hears it
      const first = await report('重启前')
      expect(first.status, first.body).to.equal(201)
      expect(await until(() => heard(numberOf(first)), 10_000), 'stream before the restart').to.equal(true)

      const logsBefore = app.logs.length
      const state = { stop: false }
      const clients = load(state)
      await new Promise((r) => setTimeout(r, 1500)) // let the load run a while before the outage
      await seeded.primary.stop(mode)
      try {
        // during the outage: each kind of request answers the coded 503, promptly. A tile the load
        // just fetched may still come from the front cache (server/http/frontCache.ts) for as long
        // as its credential's last full authentication vouches for it: asked after that, it is a 503.
        const stoppedAt = Date.now()
        for (const path of ['/api/v1/events?limit=5', WFS_HITS, '/tiles/events/14/13479/6400.mvt', `/api/v1/events/${numberOf(first)}`]) {
          if (path.startsWith('/tiles/')) await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + PRINCIPAL_FRESH_MS + 200 - Date.now())))
          const res = await call(app.origin, path, { headers: auth })
          expect(res.status, `${path}: ${res.body}`).to.equal(503)
          expect(res.headers.get('retry-after')).to.equal('5')
          expect(path.startsWith('/ogc/') ? isOgcUnavailable(res) : isProblemUnavailable(res), res.body).to.equal(true)
        }
        const intake = await report('停库期间')
        expect(intake.status, intake.body).to.equal(503)
        const zh = await call(app.origin, '/api/v1/events?limit=1', { headers: { ...auth, 'accept-language': 'zh-CN' } })
        expect(zh.json<{ detail: string }>().detail).to.equal('数据库暂时无法连接，请 5 秒后重试')
        const health = await call(app.origin, '/health')
        expect(health.status).to.equal(503)
        expect(app.exited, 'gridgov is still running').to.equal(false)
      } finally {
        await seeded.primary.start()
      }
      // after: intake succeeds again within a bounded number of tries (the pool reconnects)
      let after: Answer | undefined
      for (let i = 0; i < 60 && after?.status !== 201; i++) {
        after = await report('重启后')
        if (after.status !== 201) await new Promise((r) => setTimeout(r, 500))
      }
      expect(after!.status, after!.body).to.equal(201)
      state.stop = true
      await Promise.all(clients)
      const read = await call(app.origin, `/api/v1/events/${numberOf(after!)}`, { headers: auth })
      expect(read.status, read.body).to.equal(200)
      expect((await call(app.origin, WFS_HITS, { headers: auth })).status).to.equal(200)
      // the stream: LISTEN reconnects; a change made after the restart reaches the open client
      let streamed = false
      for (let i = 0; i < 20 && !streamed; i++) {
        const change = await report('重启后流')
        expect(change.status, change.body).to.equal(201)
        streamed = await until(() => heard(numberOf(change)), 2000)
      }
      expect(streamed, 'the stream hears a change made after the restart').to.equal(true)
      // changes announced while LISTEN was away are unknown: the tile caches were dropped on reconnect
      expect(app.logs.slice(logsBefore).some((l) => l.msg === 'change notifications may have been missed: cached map pictures dropped')).to.equal(true)
      expect(unexpected, unexpected.join('\n')).to.deep.equal([])
      expect(statuses.get(503) ?? 0, 'the load met the outage').to.be.greaterThan(0)
      expect(app.exited).to.equal(false)
    })
  }

  it('every report acknowledged under load is stored exactly once', async () => {
    expect(acknowledged.length).to.be.greaterThan(0)
    const { rows } = await seeded.knex.raw('SELECT number, count(*)::int AS n FROM event WHERE number = ANY(?) GROUP BY number', [acknowledged])
    expect(rows.length).to.equal(new Set(acknowledged).size)
    expect(rows.every((r: { n: number }) => r.n === 1)).to.equal(true)
    expect(new Set(acknowledged).size).to.equal(acknowledged.length)
  })
})
