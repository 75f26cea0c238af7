// POST /api/v1/import?kind=water|place: a city brings its own base map water and place names,
// replacing the demo's; city-wide rights only; every bad feature named in a 400; dry runs write nothing.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { decode, features, tileAt } from '../tiles/support.ts'

const fc = (...f: object[]) => ({ type: 'FeatureCollection', features: f })
const feature = (geometry: object, properties: object) => ({ type: 'Feature', geometry, properties })
const square = (lon: number, lat: number, d: number) => ({ type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] })

describe('base map import (kind=water, kind=place)', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let saved: { water: object; places: object }
  let at: [number, number]

  before(async () => {
    client = await testClient(await getTestContext())
    knex = client.context.knex
    command = await loginAs(client, 'command')
    const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_division WHERE level = 'city') s`)
    at = [rows[0].lon, rows[0].lat]
    // the demo's base map, to put back afterwards (through the same import)
    const w = await knex.raw(`SELECT name, kind, ST_AsGeoJSON(geom)::json AS g FROM water_area UNION ALL SELECT name, kind, ST_AsGeoJSON(geom)::json FROM water_line`)
    const p = await knex.raw('SELECT name, kind, rank, ST_AsGeoJSON(geom)::json AS g FROM place_name ORDER BY id')
    saved = {
      water: fc(...w.rows.map((r: { name: string; kind: string; g: object }) => feature(r.g, { name: r.name, kind: r.kind }))),
      places: fc(...p.rows.map((r: { name: string; kind: string; rank: number; g: object }) => feature(r.g, { name: r.name, kind: r.kind, rank: r.rank }))),
    }
  })

  after(async () => {
    expect((await client.post('/api/v1/import?kind=water', saved.water, command)).statusCode).to.equal(200)
    expect((await client.post('/api/v1/import?kind=place', saved.places, command)).statusCode).to.equal(200)
  })

  it('replaces the city\'s water with an imported lake and river, areas as PostGIS measures the input', async () => {
    const lake = square(at[0], at[1], 0.002)
    const body = fc(feature(lake, { 名称: '试验湖', 类型: 'lake' }), feature({ type: 'LineString', coordinates: [[at[0] - 0.01, at[1]], [at[0] + 0.01, at[1] + 0.001]] }, { name: '试验河' }))
    const dry = await client.post('/api/v1/import?kind=water&dryRun=true', body, command)
    expect(dry.statusCode, dry.body).to.equal(200)
    expect(dry.json()).to.deep.include({ kind: 'water', dryRun: true, features: 2, written: 0, valid: true })
    expect(await knex('water_area').where({ name: '试验湖' }).pluck('id')).to.deep.equal([])

    const res = await client.post('/api/v1/import?kind=water', body, command)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().written).to.equal(2)
    expect(await knex('water_area').orderBy('id').pluck('name')).to.deep.equal(['试验湖'])
    expect(await knex('water_line').pluck('kind')).to.deep.equal(['river'])
    const { rows: [a] } = await knex.raw(`SELECT ST_Area(w.geom::geography) AS stored, ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)::geography) AS input
      FROM water_area w WHERE w.name = '试验湖'`, [JSON.stringify(lake)])
    expect(Math.abs(a.stored - a.input)).to.be.below(0.01)
  })

  it('replaces the place names and the public tiles show them', async () => {
    const res = await client.post('/api/v1/import?kind=place', fc(feature({ type: 'Point', coordinates: at }, { name: '市民广场', kind: 'landmark' })), command)
    expect(res.statusCode, res.body).to.equal(200)
    expect(await knex('place_name').select('name', 'kind', 'rank')).to.deep.equal([{ name: '市民广场', kind: 'landmark', rank: 4 }])
    const tile = decode((await client.get(`/tiles/basemap/${Object.values(tileAt(at[0], at[1], 15)).join('/')}.mvt`)).rawPayload)
    expect(features(tile, 'places').map((f) => f.properties.name)).to.deep.equal(['市民广场'])
  })

  it('names every broken feature in a 400 and writes nothing', async () => {
    const before = await knex('place_name').count<{ n: string }[]>({ n: '*' })
    const res = await client.post('/api/v1/import?kind=place', fc(
      feature({ type: 'Point', coordinates: at }, { kind: 'landmark' }),
      feature({ type: 'Point', coordinates: at }, { name: '甲', kind: 'castle' }),
      feature({ type: 'Point', coordinates: at }, { name: '乙', kind: 'estate', rank: 12 }),
      feature({ type: 'LineString', coordinates: [at, at] }, { name: '丙', kind: 'estate' }),
      feature({ type: 'Point', coordinates: [at[0], 'x'] }, { name: '丁', kind: 'estate' }),
      feature({ type: 'Point', coordinates: at }, { name: '名'.repeat(101), kind: 'estate' }),
    ), command)
    expect(res.statusCode).to.equal(400)
    expect(res.json().problems.map((p: { feature: number }) => p.feature)).to.deep.equal([0, 1, 2, 3, 4, 5])
    expect(await knex('place_name').count<{ n: string }[]>({ n: '*' })).to.deep.equal(before)
    const water = await client.post('/api/v1/import?kind=water', fc(feature({ type: 'Point', coordinates: at }, { name: '井' }),
      feature(square(at[0], at[1], 0.001), { kind: 'ocean' })), command)
    expect(water.statusCode).to.equal(400)
    expect(water.json().problems.map((p: { message: string }) => p.message).join(' ')).to.match(/Polygon or \(Multi\)LineString.*kind of a water area/)
  })

  it('asks for city-wide rights: a street officer gets 403, anonymous 401', async () => {
    const body = fc(feature({ type: 'Point', coordinates: at }, { name: '甲', kind: 'landmark' }))
    expect((await client.post('/api/v1/import?kind=place', body, await loginAs(client, 'street1'))).statusCode).to.equal(403)
    expect((await client.post('/api/v1/import?kind=place', body)).statusCode).to.equal(401)
    expect(await knex('place_name').where({ name: '甲' }).pluck('id')).to.deep.equal([])
  })
})
