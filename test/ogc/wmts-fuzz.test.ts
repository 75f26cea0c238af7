// The WMTS targets of the fuzz (test/fuzz/targets.ts), aimed at alone and longer than their share
// of the whole-service run: hostile KVP values and path segments get a 4xx or a tile, never a
// 5xx, a hang or a leak; and the routes the WMTS registers are all among the fuzz targets.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { createApp } from '../../server/app.ts'
import { getTestContext } from '../support/db.ts'
import type { AppContext } from '../../server/context.ts'
import { wmtsRoutes } from '../../server/ogc/wmts/routes.ts'
import { fuzzTargets, uncovered } from '../fuzz/targets.ts'
import { buildRequest, type Seeds } from '../fuzz/requests.ts'
import { Prng, seedFromEnv } from '../fuzz/prng.ts'
import { send } from '../fuzz/client.ts'
import { leakIn, passwdSentinel } from '../fuzz/checks.ts'
import { basic } from './wfs-support.ts'

describe('WMTS under hostile input', function () {
  this.timeout(300_000)
  let context: AppContext
  let server: http.Server
  let port: number

  before(async () => {
    context = await getTestContext()
    server = http.createServer(createApp(context).callback())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  after(() => new Promise((resolve) => server.close(resolve)))

  it('fuzzes every route the WMTS registers', () => {
    const router = wmtsRoutes(context)
    const routes = router.stack.flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(l.path) })))
    expect(routes.length).to.equal(3)
    expect(uncovered(routes, fuzzTargets())).to.deep.equal([])
  })

  it('answers 600 hostile requests with a tile or a 4xx, never a 5xx, a hang or a leak', async () => {
    const { rows } = await context.knex.raw("SELECT ST_X(geom) lon, ST_Y(geom) lat FROM component WHERE community_code LIKE '9901%' ORDER BY id LIMIT 1")
    const lon = Number(rows[0].lon), lat = Number(rows[0].lat)
    const z = 16, n = 2 ** z, phi = (lat * Math.PI) / 180
    const tile = { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n) }
    const seeds: Seeds = { lon, lat, community: '990102001001', gridCode: 'g', eventNumber: 'e', typeName: 'gridgov:base_grids', collection: 'base_grids',
      featureId: 'f', tile, asset: 'index.js', serviceCode: 's' }
    const targets = fuzzTargets().filter((t) => t.path.startsWith('/ogc/wmts'))
    expect(targets.length).to.equal(3)
    const r = new Prng(seedFromEnv())
    const sentinel = passwdSentinel()
    const statuses: Record<number, number> = {}
    const failures: string[] = []
    for (let i = 0; i < 600; i++) {
      const req = buildRequest(r.pick(targets), r, seeds, { depthScale: 0.01 })
      const res = await send(port, { ...req, headers: { ...req.headers, ...(r.chance(0.9) ? basic('command') : {}) } }, 15_000)
      const status = res.status ?? 0
      statuses[status] = (statuses[status] ?? 0) + 1
      if (res.hang || status === 0 || status >= 500) failures.push(`${req.path.slice(0, 200)} → ${status} ${res.body.toString('utf8').slice(0, 200)}`)
      const leak = status >= 300 ? leakIn(status, res.body, sentinel) : undefined
      if (leak) failures.push(`${req.path.slice(0, 200)} leaks ${leak}`)
    }
    expect(failures).to.deep.equal([])
    // the controls: some requests drew tiles, many were refused for their content
    expect(statuses[200] ?? 0, JSON.stringify(statuses)).to.be.above(30)
    expect(statuses[400] ?? 0, JSON.stringify(statuses)).to.be.above(150)
  })
})
