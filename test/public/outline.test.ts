// GET /api/v1/public/outline: the city and district outlines the page draws before sign-in.
// Anonymous, cacheable (ETag → 304), only city and district boundaries, and each outline is the
// division's own shape: its area checked against PostGIS on the stored geometry.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'

interface OutlineFeature {
  type: 'Feature'; id: string; geometry: { type: string; coordinates: unknown }
  properties: { code: string; level: string; name: string; parentCode: string | null; label: [number, number] }
}

describe('public: city outline before sign-in', function () {
  let client: Client
  let knex: Knex

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
  })

  it('answers without authentication, as cacheable GeoJSON of the cities and districts with their names', async () => {
    const res = await client.get('/api/v1/public/outline')
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-type']).to.match(/^application\/geo\+json/)
    expect(res.headers['cache-control']).to.match(/^public, max-age=\d+$/)
    const fc = res.json() as { type: string; features: OutlineFeature[] }
    expect(fc.type).to.equal('FeatureCollection')
    const expected = await knex('admin_division').whereIn('level', ['city', 'district']).orderBy('code').select('code', 'level', 'name')
    expect(fc.features.map((f) => [f.properties.code, f.properties.level, f.properties.name]))
      .to.deep.equal(expected.map((d) => [d.code, d.level, d.name]))
    expect(fc.features.find((f) => f.properties.level === 'city')).to.not.equal(undefined)
    // public boundaries only: no street, community, grid, event or person
    expect(res.body).to.not.match(/"level":"(street|community)"/)
    expect(Object.keys(fc.features[0]!.properties).sort()).to.deep.equal(['code', 'label', 'level', 'name', 'parentCode'])
    // coarse: the whole city in a few kilobytes per area
    expect(res.body.length / fc.features.length).to.be.lessThan(40_000)
  })

  it('each outline keeps its division\'s shape: area within 2 % and label inside, by PostGIS on the stored geometry', async () => {
    const fc = (await client.get('/api/v1/public/outline')).json() as { features: OutlineFeature[] }
    for (const f of fc.features) {
      const { rows } = await knex.raw(`SELECT ST_Area(geom::geography) AS stored,
          ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(:g), 4490)::geography) AS outline,
          ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490)) AS inside,
          ST_NPoints(geom) AS stored_points
        FROM admin_division WHERE code = :code`, { g: JSON.stringify(f.geometry), lon: f.properties.label[0], lat: f.properties.label[1], code: f.properties.code })
      const r = rows[0]
      expect(Math.abs(r.outline - r.stored) / r.stored, f.properties.code).to.be.lessThan(0.02)
      expect(r.inside, `label of ${f.properties.code}`).to.equal(true)
      expect(JSON.stringify(f.geometry.coordinates).split('],[').length, 'no more points than stored').to.be.at.most(Number(r.stored_points))
    }
  })

  it('answers 304 to If-None-Match with its ETag, and refuses other methods', async () => {
    const first = await client.get('/api/v1/public/outline')
    const etag = String(first.headers.etag)
    expect(etag).to.match(/^"[A-Za-z0-9_-]+"$/)
    const again = await client.get('/api/v1/public/outline', { 'if-none-match': etag })
    expect(again.statusCode).to.equal(304)
    expect(again.body).to.equal('')
    expect((await client.get('/api/v1/public/outline', { 'if-none-match': '"stale"' })).statusCode).to.equal(200)
    expect((await client.post('/api/v1/public/outline', {})).statusCode).to.equal(405)
    expect((await client.get('/api/v1/public/outline/../../events')).statusCode).to.be.oneOf([401, 404])
    expect((await client.get('/api/v1/public/nothing')).statusCode).to.equal(404)
  })

  it('is described in the OpenAPI document as public', async () => {
    const doc = (await client.get('/api/v1/openapi.json')).json()
    expect(doc.paths['/api/v1/public/outline'].get.security).to.deep.equal([])
  })
})
