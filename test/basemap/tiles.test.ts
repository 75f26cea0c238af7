// /tiles/basemap: water, waterways, roads and place names in one public tile, generalised by
// zoom. Each layer's content is checked against a PostGIS recount of the stored rows that share
// nothing with the tile SQL but ST_TileEnvelope; invalidation goes through the database's change
// notifications; both encoders give the same features.
import { expect } from 'chai'
import pino from 'pino'
import type { Knex } from 'knex'
import { getTestContext, getTestDatabase } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { decode, features, tileAt } from '../tiles/support.ts'
import { followChanges } from '../../tiles/changes.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { basemapTilesOf } from '../../server/basemap/routes.ts'
import { maxPlaceRankAt, roadKindsAt } from '../../server/basemap/generalise.ts'
import type { TileCoord } from '../../tiles/tilemath.ts'

const url = (t: TileCoord) => `/tiles/basemap/${t.z}/${t.x}/${t.y}.mvt`
const names = (bytes: Buffer, layer: string) => new Set(features(decode(bytes), layer).map((f) => String(f.properties.name)))

const RECOUNT = {
  roads: 'SELECT DISTINCT name FROM road WHERE kind = ANY (?) AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?))',
  places: 'SELECT DISTINCT name FROM place_name WHERE ? AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?))',
}

/** Names of a table's rows whose geometry meets the tile (margin: share of a tile around it). */
async function namesInTile(knex: Knex, what: keyof typeof RECOUNT, t: TileCoord, margin: number, first: string[] | boolean): Promise<Set<string>> {
  const { rows } = await knex.raw(RECOUNT[what], [first, t.z, t.x, t.y, margin])
  return new Set(rows.map((r: { name: string }) => r.name))
}

describe('base map tiles (/tiles/basemap)', function () {
  let client: Client
  let knex: Knex
  let centre: [number, number]
  let lake: [number, number]

  before(async () => {
    client = await testClient(await getTestContext())
    knex = client.context.knex
    const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_division WHERE level = 'city') s`)
    centre = [rows[0].lon, rows[0].lat]
    const l = await knex.raw(`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_Centroid(geom) AS c FROM water_area WHERE kind = 'lake' ORDER BY id LIMIT 1) s`)
    lake = [l.rows[0].lon, l.rows[0].lat]
  })

  it('answers without sign-in: one tile with the layers water, waterway, roads and places, public and cacheable', async () => {
    const t = tileAt(...centre, 13)
    const res = await client.get(url(t))
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-type']).to.equal('application/vnd.mapbox-vector-tile')
    expect(res.headers['cache-control']).to.match(/^public, max-age=\d+$/)
    const tile = decode(res.rawPayload)
    expect(Object.keys(tile.layers).sort()).to.include.members(['places', 'roads'])
    // only base geography: a name and a kind (and a rank for places), no admin code or id
    for (const [layer, keys] of Object.entries({ roads: ['kind', 'name'], places: ['kind', 'name', 'rank'] })) {
      for (const f of features(tile, layer)) expect(Object.keys(f.properties).sort(), layer).to.deep.equal(keys)
    }
    // the same bytes for a signed-in street officer: the base map is not cut to a jurisdiction
    const street = await client.get(url(t), await loginAs(client, 'street1'))
    expect(Buffer.compare(street.rawPayload, res.rawPayload)).to.equal(0)
    // while the catalogue's roads layer still asks for a sign-in
    expect((await client.get(`/tiles/roads/${t.z}/${t.x}/${t.y}.mvt`)).statusCode).to.equal(401)
  })

  it('holds each layer\'s rows that meet the tile, by a PostGIS recount (z15 at the city centre)', async () => {
    const t = tileAt(...centre, 15)
    const bytes = (await client.get(url(t))).rawPayload
    // features clipped to the 64/4096 buffer: every row meeting the tile itself is there, none beyond the buffer
    const roadsIn = await namesInTile(knex, 'roads', t, 0, roadKindsAt(15))
    const roadsNear = await namesInTile(knex, 'roads', t, 64 / 4096, roadKindsAt(15))
    const got = names(bytes, 'roads')
    expect(roadsIn.size).to.be.greaterThan(0)
    for (const n of roadsIn) expect(got, `road ${n}`).to.include(n)
    for (const n of got) expect(roadsNear, `road ${n}`).to.include(n)
    // one feature per road name and kind (pieces cut at community boundaries merged)
    expect(features(decode(bytes), 'roads').length).to.equal(got.size)
    // places: those inside the tile itself (no buffer), every rank at z15
    const placesIn = await namesInTile(knex, 'places', t, 0, true)
    expect([...names(bytes, 'places')].sort()).to.deep.equal([...placesIn].sort())
  })

  it('generalises by zoom: arterials and the big names only at low zoom, streets and estates when close', async () => {
    const low = decode((await client.get(url(tileAt(...centre, 11)))).rawPayload)
    expect(new Set(features(low, 'roads').map((f) => f.properties.kind))).to.deep.equal(new Set(['main']))
    expect(Math.max(...features(low, 'places').map((f) => Number(f.properties.rank)))).to.be.at.most(maxPlaceRankAt(11))
    const lowPlaces = features(low, 'places').map((f) => f.properties.kind)
    expect(lowPlaces).to.not.include('estate')
    const high = decode((await client.get(url(tileAt(...centre, 14)))).rawPayload)
    expect(new Set(features(high, 'roads').map((f) => f.properties.kind))).to.include('street')
    // the river at every zoom, a small lake only once it is more than a few pixels across
    const lakeName = (await knex('water_area').where({ kind: 'lake' }).orderBy('id').first('name')).name as string
    for (const z of [10, 14]) {
      const tile = decode((await client.get(url(tileAt(...lake, z)))).rawPayload)
      expect(names(Buffer.from((await client.get(url(tileAt(...lake, z)))).rawPayload), 'water').has(lakeName), `lake at z${z}`).to.equal(z === 14)
      expect(tile.layers.water ?? tile.layers.waterway, `water at z${z}`).to.not.equal(undefined)
    }
  })

  it('keeps tiles small over the small city (z11-z14 under 64 KB, below z8 nothing)', async () => {
    for (const z of [11, 12, 13, 14]) {
      const res = await client.get(url(tileAt(...centre, z)))
      expect(res.rawPayload.length, `z${z}`).to.be.within(1, 64 * 1024)
    }
    expect((await client.get('/tiles/basemap/7/105/50.mvt')).statusCode).to.equal(204)
  })

  it('answers 304 to its ETag', async () => {
    const t = tileAt(...centre, 12)
    const first = await client.get(url(t))
    const again = await client.get(url(t), { 'if-none-match': String(first.headers.etag) })
    expect(again.statusCode).to.equal(304)
  })

  it('refuses broken, hostile and oversized z/x/y with a 400 naming the parameter', async () => {
    for (const [path, parameter] of [
      ['/tiles/basemap/23/0/0.mvt', 'z'], ['/tiles/basemap/10/1024/0.mvt', 'x'], ['/tiles/basemap/10/0/1024.mvt', 'y'],
      ['/tiles/basemap/abc/0/0.mvt', 'z'], ['/tiles/basemap/10/-1/0.mvt', 'x'], ['/tiles/basemap/10/0/1e3.mvt', 'y'],
      [`/tiles/basemap/10/${'9'.repeat(400)}/0.mvt`, 'x'], ["/tiles/basemap/10/0/0'%3B%20DROP%20TABLE%20road.mvt", 'y'],
    ] as const) {
      const res = await client.get(path)
      expect(res.statusCode, path).to.equal(400)
      expect(res.json().detail, path).to.match(new RegExp(`^${parameter} must be`))
    }
  })

  it('serves a public TileJSON with the four layers and the city in its bounds', async () => {
    const res = await client.get('/tiles/basemap.json')
    expect(res.statusCode).to.equal(200)
    const tj = res.json()
    expect(tj.tiles[0]).to.match(/\/tiles\/basemap\/\{z\}\/\{x\}\/\{y\}\.mvt$/)
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).to.deep.equal(['water', 'waterway', 'roads', 'places'])
    expect(tj.bounds[0]).to.be.below(centre[0])
    expect(tj.bounds[2]).to.be.above(centre[0])
  })

  it('gives the same features from ST_AsMVT and the Node encoder', async function () {
    const hasMvt = (await tileServiceOf(client.context).encoder()) === 'postgis'
    if (!hasMvt) this.skip()
    const tiles = basemapTilesOf(client.context)
    for (const z of [11, 14, 16]) {
      const t = tileAt(...centre, z)
      const a = decode(await tiles.render(t, 'postgis'))
      const b = decode(await tiles.render(t, 'node'))
      for (const layer of ['water', 'waterway', 'roads', 'places']) {
        const key = (tile: typeof a) => features(tile, layer).map((f) => `${f.properties.name}|${f.properties.kind}|${f.type}`).sort()
        expect(key(b), `${layer} z${z}`).to.deep.equal(key(a))
      }
    }
  })

  describe('invalidation through the change notifications', () => {
    let stop: () => Promise<void>
    before(async () => {
      stop = await followChanges((await getTestDatabase()).db.listen, pino({ level: 'silent' }))
    })
    after(async () => {
      await knex('place_name').where({ name: '测试地名' }).delete()
      await stop()
    })

    it('drops the cached tile a new place name falls in, and the next tile carries it', async () => {
      const t = tileAt(...centre, 15)
      const tiles = basemapTilesOf(client.context)
      const before = await client.get(url(t))
      const key = { layer: 'basemap', scope: 'public', ...t }
      expect(tiles.cache.has(key)).to.equal(true)
      await knex.raw(`INSERT INTO place_name (city_code, name, kind, rank, geom) VALUES ('990100', '测试地名', 'landmark', 4, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, centre)
      expect(await until(() => !tiles.cache.has(key)), 'tile dropped').to.equal(true)
      const after = await client.get(url(t))
      expect(names(after.rawPayload, 'places')).to.include('测试地名')
      expect(after.headers.etag).to.not.equal(before.headers.etag)
    })
  })
})
