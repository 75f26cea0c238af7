// A client that leaves cancels its query (style habit 9, server/db/cancel.ts): a request whose
// SQL sleeps (a test-only catalogue entry whose static predicate waits 20 s) is aborted by the
// client over a real socket; pg_stat_activity shows the backend's query gone long before the
// sleep would have ended, and the next requests (and the pool) work.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import { canCancel } from '../../server/db/cancel.ts'
import type { AppContext } from '../../server/context.ts'
import { Catalogue } from '../../tiles/catalogue.ts'
import { getTestContext } from '../support/db.ts'
import { basic } from './wfs-support.ts'

const SLEEP = 'pg_sleep(20.0017)'
const analyst = basic('analyst')

async function until(what: string, f: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < ms) {
    if (await f()) return Date.now() - start
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${what} within ${ms} ms`)
}

describe('query cancelled when the client disconnects', function () {
  this.timeout(120_000)
  let context: AppContext
  let server: http.Server
  let port: number
  const sleeping = async (knex: Knex) => {
    // the query text is cut at track_activity_query_size: the sleep is told by its wait event
    const { rows } = await knex.raw("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND wait_event = 'PgSleep' AND datname = current_database() AND pid <> pg_backend_pid()")
    return Number(rows[0].n)
  }

  before(async function () {
    const base = await getTestContext()
    // one connection, one query stream: a cancel would queue behind the query it cancels
    if (!canCancel(base.knexRead)) this.skip()
    const admin = base.catalogue.get('admin_divisions')!
    const slow = { ...admin, id: 'test_slow', where: `(SELECT true FROM ${SLEEP})` }
    context = { ...base, catalogue: new Catalogue([...base.catalogue.layers, slow]) }
    server = http.createServer(createApp(context).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  after(async () => {
    await new Promise((r) => server?.close(r))
  })

  const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: analyst }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }))
    }).on('error', reject)
  })

  for (const [name, path] of [
    ['OGC API items', '/ogc/features/collections/test_slow/items?limit=5'],
    ['WFS GetFeature', '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=test_slow&COUNT=5'],
  ] as const) {
    it(`${name}: the backend stops when the client leaves; the next request works`, async () => {
      const knex = context.knex
      expect(await sleeping(knex)).to.equal(0)
      const req = http.get({ host: '127.0.0.1', port, path, headers: analyst })
      req.on('error', () => undefined)
      await until('the slow query running', async () => (await sleeping(knex)) > 0, 10_000)
      req.destroy()
      // the sleep lasts 20 s; gone well before that is the cancel's doing
      const ms = await until('the query cancelled', async () => (await sleeping(knex)) === 0, 5_000)
      console.log(`      (${name}: gone ${ms} ms after the client left)`)
      const next = await get('/ogc/features/collections/roads/items?limit=3')
      expect(next.status).to.equal(200)
      expect(JSON.parse(next.body).numberReturned).to.equal(3)
      // the pool's connections are healthy: as many parallel reads as the pool holds all answer
      const n = Math.min(4, context.config.dbPoolMax)
      const answers = await Promise.all(Array.from({ length: n }, () => context.knexRead.raw('SELECT 1 AS one')))
      expect(answers.map((a) => a.rows[0].one)).to.deep.equal(Array(n).fill(1))
    })
  }

  describe('shared map renders (WMS GetMap, WMTS and vector tiles)', () => {
    let centre: [number, number]
    before(async () => {
      const { rows } = await context.knex.raw("SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM admin_division WHERE level = 'community' ORDER BY code LIMIT 1")
      centre = [Number(rows[0].x), Number(rows[0].y)]
    })
    const tileOf = (z: number) => {
      const n = 2 ** z, r = (centre[1] * Math.PI) / 180
      return { z, x: Math.floor(((centre[0] + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) }
    }
    const paths: [string, () => string][] = [
      ['WMS GetMap', () => `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=test_slow&STYLES=&CRS=CRS:84&BBOX=${centre[0] - 0.01},${centre[1] - 0.01},${centre[0] + 0.01},${centre[1] + 0.01}&WIDTH=64&HEIGHT=64&FORMAT=image/png`],
      ['WMTS GetTile', () => { const t = tileOf(13); return `/ogc/wmts/1.0.0/test_slow/default/GoogleMapsCompatible/${t.z}/${t.y}/${t.x}.png` }],
      ['vector tile', () => { const t = tileOf(13); return `/tiles/test_slow/${t.z}/${t.x}/${t.y}.mvt` }],
    ]
    for (const [name, path] of paths) {
      it(`${name}: the render goes on while one of two clients waits, and stops when the last one leaves`, async () => {
        const knex = context.knex
        expect(await sleeping(knex)).to.equal(0)
        const first = http.get({ host: '127.0.0.1', port, path: path(), headers: analyst })
        first.on('error', () => undefined)
        await until('the slow query running', async () => (await sleeping(knex)) > 0, 10_000)
        const second = http.get({ host: '127.0.0.1', port, path: path(), headers: analyst })
        second.on('error', () => undefined)
        await new Promise((r) => setTimeout(r, 300)) // the second request joins the render in flight
        expect(await sleeping(knex), 'one render for both clients').to.equal(1)
        first.destroy()
        await new Promise((r) => setTimeout(r, 1_000))
        expect(await sleeping(knex), 'still rendering for the second client').to.equal(1)
        second.destroy()
        const ms = await until('the query cancelled', async () => (await sleeping(knex)) === 0, 5_000)
        console.log(`      (${name}: gone ${ms} ms after the last client left)`)
        const next = await get('/ogc/features/collections/roads/items?limit=3')
        expect(next.status).to.equal(200)
      })
    }
  })

  it('a request that completes is not cancelled (the close after finish is no abort)', async () => {
    const res = await get('/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=roads&COUNT=2&OUTPUTFORMAT=application/json')
    expect(res.status).to.equal(200)
    expect(JSON.parse(res.body).numberReturned).to.equal(2)
  })
})
