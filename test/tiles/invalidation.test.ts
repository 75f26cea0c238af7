// A changed feature reaches its tiles through invalidateFeature, at every zoom, while the
// cached tiles it does not touch stay cached.
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { invalidateFeature } from '../../tiles/service.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { decode, features, streetsMeetingPoint, tileAt, tileUrl } from './support.ts'
import type { TileCoord } from '../../tiles/tilemath.ts'

// a sequence number the demo generator never reaches, so no other test's rows collide
const ID_SEQ = '999871'

describe('tile cache invalidation through the service', () => {
  let client: Client
  let command: Record<string, string>
  let point: [number, number]
  let componentId: string

  before(async function () {
    this.timeout(600_000) // the first file to run creates the shared test database (embedded: minutes on a busy machine)
    client = await testClient(await getTestContext())
    command = await loginAs(client, 'command')
    const [lon, lat] = await streetsMeetingPoint(client.context.knex)
    point = [lon + 0.0011, lat + 0.0007]
    const cls = await client.context.knex('component_class').first('code')
    componentId = `990102${cls.code}${ID_SEQ}`
    await client.context.knex('component').where({ id: componentId }).delete()
  })

  after(async () => {
    await client.context.knex('component').where({ id: componentId }).delete()
  })

  const ids = async (t: TileCoord) =>
    features(decode((await client.get(tileUrl('components', t), command)).rawPayload), 'components').map((f) => f.properties.id)
  const counts = async (t: TileCoord) =>
    features(decode((await client.get(tileUrl('components', t), command)).rawPayload), 'components')
      .reduce((n, f) => n + Number(f.properties.point_count), 0)

  it('shows a new feature in every tile it touches after invalidateFeature, and only those are rebuilt', async () => {
    const knex = client.context.knex
    const service = tileServiceOf(client.context)
    const featureTiles = [14, 16, 18].map((z) => tileAt(point[0], point[1], z))
    const clusterTile = tileAt(point[0], point[1], 12)
    const far = { ...featureTiles[1]!, x: featureTiles[1]!.x + 3 } // same zoom, three tiles east
    for (const t of featureTiles) expect(await ids(t)).to.not.include(componentId)
    const countBefore = await counts(clusterTile)
    await ids(far)
    const farCached = service.cache.get({ layer: 'components', scope: '9901', ...far })
    expect(farCached, 'far tile cached').to.not.equal(undefined)

    const cls = componentId.slice(6, 10)
    const community = await knex.raw(
      "SELECT code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_Point(?, ?), 4490)) LIMIT 1", point)
    await knex.raw(`INSERT INTO component (id, class_code, name, community_code, city_code, geom)
      VALUES (?, ?, '测试井盖', ?, '990100', ST_SetSRID(ST_Point(?, ?), 4490))`, [componentId, cls, community.rows[0].code, ...point])
    // without invalidation the cache still answers with the old tile
    expect(await ids(featureTiles[0]!)).to.not.include(componentId)

    const dropped = invalidateFeature('components', [point[0], point[1], point[0], point[1]])
    expect(dropped).to.be.at.least(featureTiles.length + 1)
    for (const t of featureTiles) expect(await ids(t), `z${t.z}`).to.include(componentId)
    expect(await counts(clusterTile)).to.equal(countBefore + 1)
    expect(service.cache.get({ layer: 'components', scope: '9901', ...far })).to.equal(farCached) // same bytes object: not rebuilt
  })
})
