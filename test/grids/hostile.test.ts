// Hostile input to the grid API, and concurrent writes: two overlapping creates at once must
// not both pass (the community advisory lock serialises them).
import { expectRefusal } from '../support/problem.ts'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, gridFeature, polygon, setUp, tearDown } from './fixture.ts'

describe('grids: hostile input and concurrency', () => {
  let client: Client
  let knex: Knex
  let auth: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    auth = await loginAs(client, 'street1')
  })
  after(async () => tearDown(knex))

  const post = (url: string, payload: string) =>
    client.request({ method: 'POST', url, headers: { 'content-type': 'application/json', ...auth }, payload })

  it('refuses malformed JSON with 400', async () => {
    const res = await post('/api/v1/grids', '{"type":"Feature","geometry":')
    expect(res.statusCode).to.equal(400)
  })

  it('refuses more than 10,000 vertices, naming the limit', async () => {
    const ring: number[][] = []
    for (let i = 0; i < 10_050; i++) {
      const a = (2 * Math.PI * i) / 10_050
      ring.push([116.105 + 0.002 * Math.cos(a), 36.505 + 0.002 * Math.sin(a)])
    }
    ring.push(ring[0]!)
    const res = await post('/api/v1/grids', JSON.stringify(gridFeature({ name: 'huge', communityCode: A }, { type: 'Polygon', coordinates: [ring] })))
    expect(res.statusCode).to.equal(400)
    expect(res.json().detail).to.match(/more than 10000 vertices/)
  })

  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify(gridFeature({ name: 'x'.repeat(3 * 1024 * 1024), communityCode: A }, polygon(116.1, 36.5, 116.101, 36.501)))
    const res = await post('/api/v1/grids', big)
    expect(res.statusCode).to.equal(413)
  })

  it('refuses bad codes in URLs, bad query parameters and unknown query keys', async () => {
    const badCode = await client.get("/api/v1/grids/1'--", auth)
    expectRefusal(badCode, '(root)')
    expect(badCode.json().detail).to.match(/^invalid grid code: .*15-digit/)
    expectRefusal(await client.get('/api/v1/grids?bbox=200,0,201,1', auth), 'bbox')
    expectRefusal(await client.get('/api/v1/grids?at=yesterday', auth), 'at')
    expectRefusal(await client.get('/api/v1/grids?limit=100000', auth), 'limit')
    expectRefusal(await client.get('/api/v1/grids?colour=red', auth), '(root)')
    const badCommunity = await client.get('/api/v1/communities/12/coverage', auth)
    expectRefusal(badCommunity, '(root)')
    expect(badCommunity.json().detail).to.match(/^invalid community code: .*12-digit/)
  })

  it('refuses a GeometryCollection, a MultiPolygon with an empty part and NaN ordinates', async () => {
    const gc = await post('/api/v1/grids', JSON.stringify(gridFeature({ name: 'g', communityCode: A }, { type: 'GeometryCollection', geometries: [] })))
    expect(gc.statusCode).to.equal(400)
    expect(gc.json().problems).to.deep.equal([{ feature: 0, message: 'geometry type "GeometryCollection" is not accepted: a grid is a Polygon or MultiPolygon' }])
    const mp = await post('/api/v1/grids', JSON.stringify(gridFeature({ name: 'g', communityCode: A }, { type: 'MultiPolygon', coordinates: [[]] })))
    expect(mp.statusCode).to.equal(400)
    expect(mp.json().problems).to.deep.equal([{ feature: 0, message: 'polygon 0 is empty' }])
    const nan = await post('/api/v1/grids', '{"type":"Feature","properties":{"name":"n","communityCode":"990102001190"},"geometry":{"type":"Polygon","coordinates":[[["a",1],[2,2],[3,3],["a",1]]]}}')
    expect(nan.statusCode).to.equal(400)
    expect(nan.json().detail).to.match(/non-numeric/)
  })

  it('a self-intersecting ring is a 422 naming the reason and the point', async () => {
    const bowtie = { type: 'Polygon', coordinates: [[[116.105, 36.5], [116.11, 36.51], [116.11, 36.5], [116.105, 36.51], [116.105, 36.5]]] }
    const res = await post('/api/v1/grids', JSON.stringify(gridFeature({ name: 'b', communityCode: A }, bowtie)))
    expect(res.statusCode).to.equal(422)
    const [v] = res.json().violations
    expect(v.rule).to.equal('invalid_geometry')
    expect(v.message).to.match(/Self-intersection/)
    expect(v.location.type).to.equal('Point')
  })

  it('of two concurrent overlapping creates exactly one wins', async () => {
    const a = gridFeature({ name: '并发甲', communityCode: A }, polygon(116.1, 36.5, 116.106, 36.51))
    const b = gridFeature({ name: '并发乙', communityCode: A }, polygon(116.104, 36.5, 116.11, 36.51))
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([post('/api/v1/grids', JSON.stringify(a)), post('/api/v1/grids', JSON.stringify(b))])
      const statuses = results.map((r) => r.statusCode).sort()
      expect(statuses, results.map((r) => r.body).join('\n')).to.deep.equal([201, 422])
      const loser = results.find((r) => r.statusCode === 422)!
      expect(loser.json().violations.map((v: { rule: string }) => v.rule)).to.deep.equal(['base_overlap'])
      await knex('grid').where('community_code', A).delete()
    }
  })
})
