// Writes reach the tile caches through the database: statement triggers announce the extent
// they touched on gridgov_changes (migration 0009), and followChanges drops those tiles.
import { expect } from 'chai'
import pino from 'pino'
import { getTestContext, getTestDatabase } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { followChanges } from '../../tiles/changes.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { streetsMeetingPoint, tileAt, tileUrl } from './support.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'

const ID_SEQ = '999872' // beyond the demo generator's sequences


describe('change notifications → tile caches', () => {
  let client: Client
  let command: Record<string, string>
  let componentId: string
  let point: [number, number]
  const payloads: string[] = []
  let stopRaw: () => Promise<void>
  let stopFollowing: () => Promise<void>

  before(async () => {
    const { db } = await getTestDatabase()
    client = await testClient(await getTestContext())
    command = await loginAs(client, 'command')
    const [lon, lat] = await streetsMeetingPoint(client.context.knex)
    point = [lon - 0.0013, lat + 0.0009]
    const cls = await client.context.knex('component_class').orderBy('code').first('code')
    componentId = `990102${cls.code}${ID_SEQ}`
    stopRaw = await db.listen('gridgov_changes', (p) => payloads.push(p))
    stopFollowing = await followChanges(db.listen, pino({ level: 'silent' }))
  })

  after(async () => {
    await client.context.knex('component').where({ id: componentId }).delete()
    await stopFollowing()
    await stopRaw()
  })

  it('announces one extent per statement and drops exactly the touched cached tiles', async () => {
    const knex = client.context.knex
    const service = tileServiceOf(client.context)
    const near = tileAt(point[0], point[1], 16)
    const far = { ...near, x: near.x + 4 }
    for (const t of [near, far]) expect((await client.get(tileUrl('components', t), command)).statusCode).to.be.oneOf([200, 204])
    const key = (t: typeof near) => ({ layer: 'components', scope: '9901', ...t })
    expect(service.cache.get(key(near)), 'near tile cached').to.not.equal(undefined)
    const farBytes = service.cache.get(key(far))

    const community = await knex.raw("SELECT code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_Point(?, ?), 4490))", point)
    await knex('component').insert({
      id: componentId, class_code: componentId.slice(6, 10), name: '测试消防栓', community_code: community.rows[0].code,
      city_code: '990100', geom: knex.raw('ST_SetSRID(ST_Point(?, ?), 4490)', point),
    })
    expect(await until(() => service.cache.get(key(near)) === undefined), 'near tile dropped').to.equal(true)
    expect(service.cache.get(key(far)), 'far tile kept').to.equal(farBytes)

    // each listen() has its own connection on a real server: this one may hear it a moment later
    const componentPayload = () => payloads.map((p) => JSON.parse(p)).find((p) => p.table === 'component')
    expect(await until(() => componentPayload() !== undefined), 'component change announced').to.equal(true)
    const insert = componentPayload()
    expect(insert.bbox[0]).to.be.closeTo(point[0], 1e-9)
    expect(insert.bbox[1]).to.be.closeTo(point[1], 1e-9)

    payloads.length = 0
    await knex('component').whereIn('id', [componentId]).update({ state: '破损' })
    await knex('component').where({ id: componentId }).delete()
    expect(await until(() => payloads.length >= 2)).to.equal(true)
    expect(payloads.map((p) => JSON.parse(p).table)).to.deep.equal(['component', 'component'])
  })

  it('a statement that touches no rows says nothing', async () => {
    payloads.length = 0
    await client.context.knex('component').where({ id: 'no-such-id-0000' }).update({ state: '丢失' })
    // a sentinel on the same channel, sent after the statement committed: notifications arrive in
    // commit order, so once it is heard anything the statement had announced is already there
    const sentinel = JSON.stringify({ table: 'test_sentinel', bbox: [0, 0, 0, 0] })
    await client.context.knex.raw('SELECT pg_notify(?, ?)', ['gridgov_changes', sentinel])
    expect(await until(() => payloads.includes(sentinel)), 'the sentinel arrives').to.equal(true)
    expect(payloads).to.deep.equal([sentinel])
  })

  it('drops exactly the WMS images a write touches, and the next GetMap draws the change', async () => {
    const knex = client.context.knex
    const cache = imageCache(client.context)
    cache.clear()
    const getMap = (lon: number, lat: number) => client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=components&STYLES='
      + `&CRS=CRS:84&BBOX=${lon - 0.0005},${lat - 0.0005},${lon + 0.0005},${lat + 0.0005}&WIDTH=64&HEIGHT=64&FORMAT=image/png`, command)
    const spot: [number, number] = [point[0] + 0.0002, point[1] - 0.0001]
    const nearBefore = await getMap(...spot)
    const farBefore = await getMap(spot[0] + 0.01, spot[1])
    expect(nearBefore.statusCode).to.equal(200)
    expect(cache.size, 'both images cached').to.equal(2)

    const community = await knex.raw("SELECT code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_Point(?, ?), 4490))", spot)
    await knex('component').insert({
      id: componentId, class_code: componentId.slice(6, 10), name: '测试消防栓', community_code: community.rows[0].code,
      city_code: '990100', geom: knex.raw('ST_SetSRID(ST_Point(?, ?), 4490)', spot),
    })
    expect(await until(() => cache.size === 1), 'the near image dropped, the far one kept').to.equal(true)
    const farAgain = await getMap(spot[0] + 0.01, spot[1])
    expect(farAgain.headers.etag, 'far image served from the cache').to.equal(farBefore.headers.etag)
    const nearAfter = await getMap(...spot)
    expect(nearAfter.headers.etag, 'the near image is drawn again, with the new component').to.not.equal(nearBefore.headers.etag)
    await knex('component').where({ id: componentId }).delete()
  })
})
