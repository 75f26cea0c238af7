// The answer cache in front of the middleware chain (server/http/frontCache.ts): a repeated map
// image or tile is answered from it with the same bytes and headers, only while the route's own
// cache holds those bytes, only to the same credential, and only while that credential passed the
// full authentication within PRINCIPAL_FRESH_MS.
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { frontCacheOf, PRINCIPAL_FRESH_MS } from '../../server/http/frontCache.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'
import { announceChange } from '../../tiles/changes.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { googleTileUrl } from '../../server/ogc/wmts/matrixSets.ts'
import { streetsMeetingPoint, tileAt, tileUrl } from './support.ts'

const basic = (user: string, password = DEMO_PASSWORD) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

describe('the front cache of repeated map answers', () => {
  let client: Client
  let centre: [number, number]
  const getMap = (lon: number, lat: number, who: Record<string, string>, extra: Record<string, string> = {}) =>
    client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&STYLES=&CRS=CRS:84'
      + `&BBOX=${lon - 0.004},${lat - 0.004},${lon + 0.004},${lat + 0.004}&WIDTH=128&HEIGHT=128&FORMAT=image/png`, { ...who, ...extra })

  before(async () => {
    client = await testClient(await getTestContext())
    centre = await streetsMeetingPoint(client.context.knex)
  })

  beforeEach(() => {
    frontCacheOf(client.context).clear()
    imageCache(client.context).clear()
    tileServiceOf(client.context).cache.clear()
  })

  it('answers a repeated GetMap with the same bytes and headers, and a 304 to its ETag', async () => {
    const front = frontCacheOf(client.context)
    const first = await getMap(...centre, basic('command'))
    expect(first.statusCode).to.equal(200)
    const before = front.hits
    const again = await getMap(...centre, basic('command'))
    expect(front.hits, 'the second answer came from the front cache').to.equal(before + 1)
    expect(again.rawPayload.equals(first.rawPayload)).to.equal(true)
    for (const h of ['content-type', 'etag', 'cache-control', 'vary', 'x-content-type-options']) expect(again.headers[h], h).to.equal(first.headers[h])
    expect(again.headers['x-request-id'], 'each answer has its own request id').to.not.equal(first.headers['x-request-id'])
    const notModified = await getMap(...centre, basic('command'), { 'if-none-match': String(first.headers.etag) })
    expect(notModified.statusCode).to.equal(304)
    expect(front.hits).to.equal(before + 2)
  })

  it('never hands one credential\'s picture to another: a street user gets its own, cut to its street', async () => {
    const command = await getMap(...centre, basic('command'))
    await getMap(...centre, basic('command'))
    const hits = frontCacheOf(client.context).hits
    const street = await getMap(...centre, basic('street1'))
    expect(frontCacheOf(client.context).hits, 'not served from the command centre\'s entry').to.equal(hits)
    expect(street.statusCode).to.equal(200)
    expect(street.headers.etag).to.not.equal(command.headers.etag)
    const wrong = await getMap(...centre, basic('command', 'not-the-password'))
    expect(wrong.statusCode).to.equal(401)
  })

  it('stops answering once the image cache drops the picture (a change notification)', async () => {
    const front = frontCacheOf(client.context)
    const first = await getMap(...centre, basic('command'))
    await getMap(...centre, basic('command'))
    const hits = front.hits
    expect(announceChange('grid', [centre[0] - 0.001, centre[1] - 0.001, centre[0] + 0.001, centre[1] + 0.001])).to.be.greaterThan(0)
    const after = await getMap(...centre, basic('command'))
    expect(front.hits, 'drawn again, not taken from the front cache').to.equal(hits)
    expect(after.rawPayload.equals(first.rawPayload), 'same data, same picture').to.equal(true)
  })

  it('answers repeated tiles until their layer tiles are dropped', async () => {
    const front = frontCacheOf(client.context)
    const t = tileAt(centre[0], centre[1], 15)
    const url = tileUrl('base_grids,components', t)
    const first = await client.get(url, basic('command'))
    expect(first.statusCode).to.equal(200)
    const hits = front.hits
    const again = await client.get(url, basic('command'))
    expect(front.hits).to.equal(hits + 1)
    expect(again.rawPayload.equals(first.rawPayload)).to.equal(true)
    expect(again.headers.etag).to.equal(first.headers.etag)
    announceChange('component', [centre[0] - 0.0001, centre[1] - 0.0001, centre[0] + 0.0001, centre[1] + 0.0001])
    await client.get(url, basic('command'))
    expect(front.hits, 'a dropped component tile is rendered again').to.equal(hits + 1)
  })

  it('answers repeated WMTS tiles too', async () => {
    const front = frontCacheOf(client.context)
    const t = tileAt(centre[0], centre[1], 15)
    const url = googleTileUrl('', 'base_grids', t.z, t.x, t.y)
    const first = await client.get(url, basic('command'))
    expect(first.statusCode).to.equal(200)
    const hits = front.hits
    const again = await client.get(url, basic('command'))
    expect(front.hits).to.equal(hits + 1)
    expect(again.rawPayload.equals(first.rawPayload)).to.equal(true)
  })

  it('lets a disabled user go within PRINCIPAL_FRESH_MS: the real authentication is asked again', async function () {
    this.timeout(PRINCIPAL_FRESH_MS + 20_000)
    const knex = client.context.knex
    await getMap(...centre, basic('analyst'))
    expect((await getMap(...centre, basic('analyst'))).statusCode).to.equal(200)
    await knex('app_user').where({ username: 'analyst' }).update({ disabled: true })
    try {
      await new Promise((r) => setTimeout(r, PRINCIPAL_FRESH_MS + 200))
      expect((await getMap(...centre, basic('analyst'))).statusCode).to.equal(401)
    } finally {
      await knex('app_user').where({ username: 'analyst' }).update({ disabled: false })
    }
  })
})
