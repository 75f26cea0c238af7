// Grid REST API: create, read, list filters, versioning, split, merge, retire, coverage, tree,
// export, and who may do what.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, B, CHENGGUAN, gridFeature, polygon, setUp, tearDown } from './fixture.ts'

describe('grids API', () => {
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let analyst: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    street1 = await loginAs(client, 'street1')
    analyst = await loginAs(client, 'analyst')
  })
  after(async () => tearDown(knex))

  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload: unknown, headers: Record<string, string>) =>
    client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) })

  describe('create and read', () => {
    it('creates a base grid with the next free code and reads it back as GeoJSON', async () => {
      const res = await send('POST', '/api/v1/grids', gridFeature({ name: '甲一', communityCode: A, households: 320 }, polygon(116.1, 36.5, 116.105, 36.51)), street1)
      expect(res.statusCode, res.body).to.equal(201)
      const f = res.json()
      expect(f.id).to.equal(`${A}001`)
      expect(res.headers.location).to.equal(`/api/v1/grids/${A}001`)
      expect(f.properties).to.include({ version: 1, kind: 'base', communityCode: A, households: 320, validTo: null })
      expect(f.geometry.type).to.equal('MultiPolygon')
      expect(f.properties.areaM2).to.be.within(490_000, 500_000)
      const read = await client.get(`/api/v1/grids/${A}001`, street1)
      expect(read.statusCode).to.equal(200)
      expect(read.headers['content-type']).to.match(/geo\+json/)
      expect(read.json().properties.name).to.equal('甲一')
    })

    it('normalises clockwise input to counter-clockwise exterior rings', async () => {
      const cw = { type: 'Polygon', coordinates: [[[116.105, 36.5], [116.105, 36.51], [116.11, 36.51], [116.11, 36.5], [116.105, 36.5]]] }
      const res = await send('POST', '/api/v1/grids', gridFeature({ name: '甲二', code: `${A}002` }, cw), street1)
      expect(res.statusCode, res.body).to.equal(201)
      const ring = res.json().geometry.coordinates[0][0] as number[][]
      let twice = 0
      for (let i = 0; i < ring.length - 1; i++) twice += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
      expect(twice).to.be.greaterThan(0)
    })

    it('lists by community, kind, bbox and validity date', async () => {
      const list = await client.get(`/api/v1/grids?community=${A}&kind=base`, street1)
      expect(list.statusCode).to.equal(200)
      expect(list.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${A}001`, `${A}002`])
      const west = await client.get('/api/v1/grids?bbox=116.1001,36.501,116.1002,36.502', street1)
      expect(west.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${A}001`])
      const past = await client.get(`/api/v1/grids?community=${A}&at=2001-01-01`, street1)
      expect(past.json().features).to.deep.equal([])
      const paged = await client.get(`/api/v1/grids?community=${A}&limit=1&offset=1`, street1)
      expect(paged.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${A}002`])
    })

    it('creates an industry grid with a 20-digit code that may overlap base grids', async () => {
      const res = await send('POST', '/api/v1/grids', gridFeature({ name: '城管甲', industryType: 'chengguan', communityCode: A }, polygon(116.1, 36.5, 116.11, 36.51)), street1)
      expect(res.statusCode, res.body).to.equal(201)
      expect(res.json().id).to.equal(`${CHENGGUAN}${A}01`)
      const byType = await client.get('/api/v1/grids?industryType=chengguan&bbox=116.1,36.5,116.11,36.51', street1)
      expect(byType.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${CHENGGUAN}${A}01`])
    })
  })

  describe('versioning', () => {
    it('a boundary change closes version 1 and opens version 2; history keeps both', async () => {
      const before = new Date().toISOString()
      await new Promise((r) => setTimeout(r, 20))
      const res = await send('PATCH', `/api/v1/grids/${A}002`, { type: 'Feature', geometry: polygon(116.105, 36.5, 116.11, 36.509), properties: { name: '甲二(改)' } }, street1)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().properties).to.include({ version: 2, name: '甲二(改)', validTo: null })
      const history = (await client.get(`/api/v1/grids/${A}002/versions`, street1)).json().features
      expect(history.map((f: { properties: { version: number } }) => f.properties.version)).to.deep.equal([1, 2])
      expect(history[0].properties.validTo).to.be.a('string')
      expect(history[0].properties.validTo).to.equal(history[1].properties.validFrom)
      const v1 = await client.get(`/api/v1/grids/${A}002?version=1`, street1)
      expect(v1.json().properties.name).to.equal('甲二')
      // the validity date selects the version a past event was geocoded against
      const then = await client.get(`/api/v1/grids?community=${A}&kind=base&at=${encodeURIComponent(before)}`, street1)
      expect(then.json().features.find((f: { id: string }) => f.id === `${A}002`).properties.version).to.equal(1)
    })

    it('an attribute-only change stays on the same version', async () => {
      const res = await send('PATCH', `/api/v1/grids/${A}002`, { type: 'Feature', properties: { households: 410 } }, street1)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().properties).to.include({ version: 2, households: 410 })
    })

    it('refuses to change what defines a grid (code, kind, community)', async () => {
      const res = await send('PATCH', `/api/v1/grids/${A}002`, { type: 'Feature', properties: { communityCode: B } }, street1)
      expect(res.statusCode).to.equal(400)
    })

    it('a boundary change that breaks a rule changes nothing', async () => {
      const res = await send('PATCH', `/api/v1/grids/${A}002`, { type: 'Feature', geometry: polygon(116.103, 36.5, 116.11, 36.509) }, street1)
      expect(res.statusCode).to.equal(422)
      expect(res.json().violations.map((v: { rule: string }) => v.rule)).to.deep.equal(['base_overlap'])
      const cur = await client.get(`/api/v1/grids/${A}002`, street1)
      expect(cur.json().properties.version).to.equal(2)
    })
  })

  describe('split, merge, retire', () => {
    it('splits a grid by a line into two new codes and retires the old one', async () => {
      const line = { type: 'LineString', coordinates: [[116.0995, 36.505], [116.1055, 36.505]] }
      const res = await send('POST', `/api/v1/grids/${A}001/split`, { line, names: ['甲一北', '甲一南'] }, street1)
      expect(res.statusCode, res.body).to.equal(200)
      const body = res.json()
      expect(body.retired).to.deep.equal([`${A}001`])
      expect(body.grids.map((f: { id: string }) => f.id)).to.deep.equal([`${A}003`, `${A}004`])
      const areas = body.grids.map((f: { properties: { areaM2: number } }) => f.properties.areaM2)
      expect(Math.abs(areas[0] - areas[1])).to.be.lessThan(50)
      const gone = await client.get(`/api/v1/grids/${A}001`, street1)
      expect(gone.statusCode).to.equal(404)
      const old = await client.get(`/api/v1/grids/${A}001?version=1`, street1)
      expect(old.json().properties.validTo).to.be.a('string')
    })

    it('refuses a line that does not cut the grid in two', async () => {
      const line = { type: 'LineString', coordinates: [[116.1, 36.5051], [116.102, 36.5051]] }
      const res = await send('POST', `/api/v1/grids/${A}003/split`, { line }, street1)
      expect(res.statusCode).to.equal(422)
      expect(res.json().violations[0].rule).to.equal('split_line')
    })

    it('splits by two polygons that make up the grid, and refuses parts that do not', async () => {
      const bad = await send('POST', `/api/v1/grids/${A}003/split`, { parts: [polygon(116.1, 36.5, 116.102, 36.505), polygon(116.102, 36.5, 116.105, 36.5049)] }, street1)
      expect(bad.statusCode).to.equal(422)
      expect(bad.json().violations[0].rule).to.equal('split_parts')
    })

    it('merges neighbours into one new grid and refuses grids that do not share an edge', async () => {
      const res = await send('POST', '/api/v1/grids/merge', { codes: [`${A}003`, `${A}004`], name: '甲一(合)' }, street1)
      expect(res.statusCode, res.body).to.equal(200)
      const merged = res.json().grids[0]
      expect(merged.id).to.equal(`${A}005`)
      expect(merged.geometry.coordinates).to.have.length(1)
      expect(res.json().retired).to.deep.equal([`${A}003`, `${A}004`])
      const far = await send('POST', '/api/v1/grids', gridFeature({ name: '孤岛', code: `${A}009` }, polygon(116.107, 36.5095, 116.108, 36.51)), street1)
      expect(far.statusCode, far.body).to.equal(201)
      const notAdjacent = await send('POST', '/api/v1/grids/merge', { codes: [`${A}005`, `${A}009`] }, street1)
      expect(notAdjacent.statusCode).to.equal(422)
      expect(notAdjacent.json().violations[0].rule).to.equal('merge_not_adjacent')
    })

    it('retires a grid', async () => {
      const res = await client.request({ method: 'DELETE', url: `/api/v1/grids/${A}009`, headers: street1 })
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().retired).to.deep.equal([`${A}009`])
      expect((await client.get(`/api/v1/grids/${A}009`, street1)).statusCode).to.equal(404)
    })
  })

  describe('coverage', () => {
    it('reports the gaps of a community with their areas', async () => {
      const res = await client.get(`/api/v1/communities/${A}/coverage`, street1)
      expect(res.statusCode, res.body).to.equal(200)
      const r = res.json()
      // A005 covers the west half, A002 v2 the east half minus a 0.001° strip at the top
      expect(r.gridCount).to.equal(2)
      expect(r.gaps.features).to.have.length(1)
      expect(r.gaps.features[0].properties.areaM2).to.be.within(40_000, 50_000)
      expect(r.overlaps.features).to.deep.equal([])
      expect(r.coveredShare).to.be.within(0.949, 0.951)
    })

    it('is 404 outside the jurisdiction', async () => {
      expect((await client.get(`/api/v1/communities/${B}/coverage`, street1)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/communities/${B}/coverage`, analyst)).statusCode).to.equal(200)
    })
  })
})
