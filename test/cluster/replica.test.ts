// Scale-out of the reads (issue 13 item 9): a streaming replica of our own serves the reads that
// tolerate lag (WFS, OGC API Features, analytics, tiles) while writes and read-your-writes stay on
// the primary. Proven by content: with the replica's replay paused, an event reported through the
// API is readable at once through the event API (the primary) but missing from WFS and OGC API
// Features counts (the replica); once replay resumes, the counts include it (positive control).
import { expect } from 'chai'
import crypto from 'node:crypto'
import type { PgCluster } from '../../server/cli/cluster/postgres.ts'
import { freePort } from '../../server/cli/cluster/postgres.ts'
import { startInstance, type Instance } from '../../server/cli/cluster/instance.ts'
import { call, signIn } from './support.ts'
import { caughtUpReplica, clusterSkipReason, seededPrimary, waitForReplay, type SeededPrimary } from './pgSupport.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { decode, features, tileAt, tileUrl } from '../tiles/support.ts'

const WFS_HITS = '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:events_all&RESULTTYPE=hits'
const FEATURES = '/ogc/features/collections/events_all/items?limit=1&f=json'

const skipReason = clusterSkipReason()
const describeIfCluster = skipReason ? describe.skip : describe

describeIfCluster(`read replica: lag-tolerant reads on the replica, writes and read-your-writes on the primary${skipReason ? ` (skipped: ${skipReason})` : ''}`, function () {
  this.timeout(300_000)
  let seeded: SeededPrimary
  let replica: PgCluster
  let app: Instance
  let auth: Record<string, string>
  let street: Record<string, string>

  before(async () => {
    seeded = await seededPrimary()
    replica = await caughtUpReplica(seeded.primary)
    app = await startInstance({
      name: 'replica-test', port: await freePort(), databaseUrl: seeded.primary.url(),
      authSecret: crypto.randomBytes(32).toString('hex'), env: { DATABASE_READ_URL: replica.url(), LOG_LEVEL: 'warn' },
    })
    auth = await signIn(app.origin, 'command')
    street = await signIn(app.origin, 'street1')
  })

  after(async () => {
    if (app && !app.exited) await app.stop()
    await replica?.destroy()
    await seeded?.close()
  })

  const wfsHits = async (headers = auth) => {
    const res = await call(app.origin, WFS_HITS, { headers })
    expect(res.status, res.body).to.equal(200)
    return Number(/numberMatched="(\d+)"/.exec(res.body)?.[1])
  }
  const featureCount = async () => {
    const res = await call(app.origin, FEATURES, { headers: auth })
    expect(res.status, res.body).to.equal(200)
    return res.json<{ numberMatched: number }>().numberMatched
  }
  /** The event numbers drawn in a vector tile of the events layer, as one user sees it. */
  const tileNumbers = async (url: string, headers: Record<string, string>) => {
    const res = await fetch(app.origin + url, { headers, signal: AbortSignal.timeout(30_000) })
    expect(res.status).to.equal(200)
    return features(decode(Buffer.from(await res.arrayBuffer())), 'events').map((f) => String(f.properties.number))
  }
  const lagBytes = async () => Number(await replica.psql(`SELECT pg_wal_lsn_diff('${await seeded.primary.psql('SELECT pg_current_wal_lsn()')}', pg_last_wal_replay_lsn())`))

  it('health reports the replica: in recovery, with its lag in bytes', async () => {
    const res = await call(app.origin, '/health')
    expect(res.status).to.equal(200)
    const replicaState = res.json<{ database: { replica: Record<string, unknown> } }>().database.replica
    expect(replicaState).to.include({ ready: true, inRecovery: true, replayPaused: false })
    expect(replicaState.lagBytes).to.be.a('number').and.at.least(0)
  })

  it('with replay paused: the new event is read back at once from the primary, the WFS/OGC counts come from the replica; after resume they include it', async () => {
    const [hits0, features0] = [await wfsHits(), await featureCount()]
    // the counts the map services answer are those of the database (independent count on the replica)
    const direct = Number(await replica.psql('SELECT count(*) FROM event', 'gridgov_ci'))
    expect(hits0).to.equal(direct)
    expect(features0).to.equal(direct)

    const p = await pointIn(seeded.knex, '990102001001')
    const tile = tileUrl('events', tileAt(p.lon, p.lat, 16))
    const cityTile0 = await tileNumbers(tile, auth) // cached for the city's scope from now on
    let number: string
    await replica.psql('SELECT pg_wal_replay_pause()')
    try {
      const description = uniq('副本读写一致性测试')
      const created = await call(app.origin, '/api/v1/events', {
        headers: auth,
        body: { channel: 'resident', demandType: '投诉举报', classCode: '0102', description, location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } },
      })
      expect(created.status, created.body).to.equal(201)
      number = created.json<{ event: { number: string } }>().event.number
      // read-your-writes: the event API reads the primary
      const read = await call(app.origin, `/api/v1/events/${number}`, { headers: auth })
      expect(read.status, read.body).to.equal(200)
      expect(read.body).to.include(description)
      // the row is on the primary and not (yet) on the paused replica
      expect(Number(await seeded.primary.psql(`SELECT count(*) FROM event WHERE number = '${number}'`, 'gridgov_ci'))).to.equal(1)
      expect(Number(await replica.psql(`SELECT count(*) FROM event WHERE number = '${number}'`, 'gridgov_ci'))).to.equal(0)
      // lag-tolerant reads: answered by the replica, so without the new event
      expect(await wfsHits()).to.equal(hits0)
      expect(await featureCount()).to.equal(features0)
      // tiles: the street's first request of this tile is rendered now, from the replica: without
      // the event; the city's cached tile is kept until the replica has replayed the change
      expect(await tileNumbers(tile, street)).to.not.include(number)
      expect(await tileNumbers(tile, auth)).to.deep.equal(cityTile0)
      // health's lag lies between two independent measurements taken around it, and is above 0
      const before = await lagBytes()
      const health = (await call(app.origin, '/health')).json<{ database: { replica: { lagBytes: number; replayPaused: boolean } } }>().database.replica
      const afterLag = await lagBytes()
      expect(before).to.be.greaterThan(0)
      expect(health.replayPaused).to.equal(true)
      expect(health.lagBytes).to.be.at.least(before).and.at.most(afterLag)
    } finally {
      await replica.psql('SELECT pg_wal_replay_resume()')
    }
    await waitForReplay(seeded.primary, replica)
    // positive control: the same requests now count the new event
    expect(await wfsHits()).to.equal(hits0 + 1)
    expect(await featureCount()).to.equal(features0 + 1)
    // the replica's answers keep the jurisdiction: each street counts its own street's events only
    const inStreet = async (code: string) => Number(await replica.psql(`SELECT count(*) FROM event WHERE community_code LIKE '${code}%'`, 'gridgov_ci'))
    const street1Hits = await wfsHits(street)
    expect(street1Hits).to.equal(await inStreet('990102001')).and.to.be.greaterThan(0) // the new event is there
    const street2Hits = await wfsHits(await signIn(app.origin, 'street2'))
    expect(street2Hits).to.equal(await inStreet('990102002')).and.to.be.lessThan(hits0 + 1)
    // the change notification was handed to the tile cache after the replay: both scopes' tiles
    // are drawn again, from the replica that now has the event (none stays stale)
    let seen = { city: [] as string[], street: [] as string[] }
    for (let i = 0; i < 100 && !(seen.city.includes(number) && seen.street.includes(number)); i++) {
      if (i) await new Promise((r) => setTimeout(r, 100))
      seen = { city: await tileNumbers(tile, auth), street: await tileNumbers(tile, street) }
    }
    expect(seen.city, 'city tile').to.include(number)
    expect(seen.street, 'street tile').to.include(number)
  })

  it('the read pool is the only one connected to the replica, the others to the primary', async () => {
    await wfsHits()
    const onReplica = await replica.psql("SELECT string_agg(DISTINCT application_name, ',' ORDER BY application_name) FROM pg_stat_activity WHERE datname = 'gridgov_ci' AND application_name LIKE 'gridgov%'")
    expect(onReplica).to.equal('gridgov-read')
    const onPrimary = await seeded.primary.psql("SELECT string_agg(DISTINCT application_name, ',' ORDER BY application_name) FROM pg_stat_activity WHERE datname = 'gridgov_ci' AND application_name LIKE 'gridgov%'")
    expect(onPrimary.split(',')).to.include('gridgov').and.not.include('gridgov-read')
  })

  it('the replica away: /health says degraded (200), the map services answer 503 with Retry-After, intake and the event API still work', async () => {
    await replica.stop('immediate')
    try {
      const health = await call(app.origin, '/health')
      expect(health.status).to.equal(200)
      expect(health.json()).to.deep.include({ status: 'degraded' })
      expect(health.json<{ database: { ready: boolean; replica: { ready: boolean } } }>().database).to.deep.include({ ready: true, replica: { ready: false, error: 'read replica not reachable' } })
      const wfs = await call(app.origin, WFS_HITS, { headers: auth })
      expect(wfs.status).to.equal(503)
      expect(wfs.headers.get('retry-after')).to.equal('5')
      const p = await pointIn(seeded.knex, '990102001001')
      const created = await call(app.origin, '/api/v1/events', {
        headers: auth,
        body: { channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('副本停机期间上报'), location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } },
      })
      expect(created.status, created.body).to.equal(201)
      const read = await call(app.origin, `/api/v1/events/${created.json<{ event: { number: string } }>().event.number}`, { headers: auth })
      expect(read.status).to.equal(200)
    } finally {
      await replica.start()
    }
    // back: the read pool reconnects by itself
    let hits = 0
    for (let i = 0; i < 50 && hits === 0; i++) {
      const res = await call(app.origin, WFS_HITS, { headers: auth })
      if (res.status === 200) hits = Number(/numberMatched="(\d+)"/.exec(res.body)?.[1])
      else await new Promise((r) => setTimeout(r, 200))
    }
    expect(hits).to.be.greaterThan(0)
    expect((await call(app.origin, '/health')).json()).to.deep.include({ status: 'ok' })
  })

  it('a hostile or oversized read URL setting is refused at start, naming the key and hiding the value', async () => {
    const { loadConfig } = await import('../../server/config.ts')
    for (const bad of ['mysql://x', "postgres'; DROP TABLE event; --", 'x'.repeat(100_000)]) {
      expect(() => loadConfig({ DATABASE_URL: 'postgres://a@b/c', DATABASE_READ_URL: bad })).to.throw(/DATABASE_READ_URL/)
    }
    const message = (() => { try { loadConfig({ DATABASE_READ_URL: 'postgres://u:hunter2@h/d' }); return '' } catch (err) { return (err as Error).message } })()
    expect(message).to.include('DATABASE_READ_URL: needs DATABASE_URL').and.not.include('hunter2')
    const hidden = (() => { try { loadConfig({ DATABASE_URL: 'postgres://a@b/c', DATABASE_READ_URL: 'mysql://u:hunter2@h/d' }); return '' } catch (err) { return (err as Error).message } })()
    expect(hidden).to.include('DATABASE_READ_URL=(hidden)').and.not.include('hunter2')
    // positive control: a good pair loads
    expect(loadConfig({ DATABASE_URL: 'postgres://a@b/c', DATABASE_READ_URL: 'postgres://a@r/c' }).databaseReadUrl).to.equal('postgres://a@r/c')
  })
})
