// Who may read and write grids: jurisdiction-filtered reads, editing roles only, 403 for a
// write naming a community outside the jurisdiction, 404 for a grid outside it; members,
// the admin tree and the export follow the same rules.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, B, gridFeature, insertGrid, polygon, setUp, tearDown } from './fixture.ts'

describe('grids: jurisdiction, roles, members, tree, export', () => {
  let client: Client
  let knex: Knex
  const h: Record<string, Record<string, string>> = {}
  let memberA1: number
  let memberA2: number
  let memberB: number

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    await insertGrid(knex, { code: `${A}001`, community: A, box: [116.1, 36.5, 116.105, 36.51] })
    await insertGrid(knex, { code: `${B}001`, community: B, box: [116.11, 36.5, 116.115, 36.51] })
    const ids = await knex('grid_member').insert([
      { name: '测试网格员甲一', community_code: A, city_code: '990100' },
      { name: '测试网格员甲二', community_code: A, city_code: '990100' },
      { name: '测试网格员乙', community_code: B, city_code: '990100' },
    ]).returning('id')
    ;[memberA1, memberA2, memberB] = ids.map((r: { id: number }) => Number(r.id)) as [number, number, number]
    for (const u of ['street1', 'street2', 'analyst', 'inspector', 'command', 'department']) h[u] = await loginAs(client, u)
  })
  after(async () => tearDown(knex))

  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload: unknown, headers: Record<string, string> = {}) =>
    client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) })

  it('reads are filtered by jurisdiction: another street sees 404 and an empty list', async () => {
    expect((await client.get(`/api/v1/grids/${A}001`, h.street1)).statusCode).to.equal(200)
    expect((await client.get(`/api/v1/grids/${B}001`, h.street1)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/grids/${A}001`, h.street2)).statusCode).to.equal(404)
    const list = await client.get('/api/v1/grids?bbox=116.1,36.5,116.12,36.51', h.street1)
    expect(list.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${A}001`])
    const all = await client.get('/api/v1/grids?bbox=116.1,36.5,116.12,36.51', h.command)
    expect(all.json().features).to.have.length(2)
  })

  it('anonymous callers get 401', async () => {
    expect((await client.get('/api/v1/grids')).statusCode).to.equal(401)
    expect((await send('POST', '/api/v1/grids', {})).statusCode).to.equal(401)
  })

  it('inspectors and departments read but may not write (403)', async () => {
    const f = gridFeature({ name: 'x', communityCode: A }, polygon(116.105, 36.5, 116.11, 36.51))
    expect((await client.get(`/api/v1/grids/${A}001`, h.inspector)).statusCode).to.equal(404) // inspector sees community 001 only
    expect((await send('POST', '/api/v1/grids', f, h.inspector)).statusCode).to.equal(403)
    expect((await send('POST', '/api/v1/grids', f, h.department)).statusCode).to.equal(403)
    expect((await client.request({ method: 'DELETE', url: `/api/v1/grids/${A}001`, headers: h.department })).statusCode).to.equal(403)
  })

  it('a street user cannot create a grid in another street (403) nor change one there (404)', async () => {
    const f = gridFeature({ name: 'x', communityCode: B }, polygon(116.115, 36.5, 116.12, 36.51))
    const res = await send('POST', '/api/v1/grids', f, h.street1)
    expect(res.statusCode).to.equal(403)
    expect(res.json().detail).to.match(/outside your jurisdiction/)
    expect((await send('PATCH', `/api/v1/grids/${B}001`, { type: 'Feature', properties: { name: 'y' } }, h.street1)).statusCode).to.equal(404)
    expect((await client.request({ method: 'DELETE', url: `/api/v1/grids/${B}001`, headers: h.street1 })).statusCode).to.equal(404)
    expect((await send('POST', `/api/v1/grids/${B}001/split`, { line: { type: 'LineString', coordinates: [[116.11, 36.505], [116.116, 36.505]] } }, h.street1)).statusCode).to.equal(404)
    expect((await send('POST', '/api/v1/grids/merge', { codes: [`${A}001`, `${B}001`] }, h.street1)).statusCode).to.equal(404)
    // the city-wide analyst may
    expect((await send('POST', '/api/v1/grids', f, h.analyst)).statusCode).to.equal(201)
  })

  it('assigns members: PUT replaces the set, one primary at most, members in jurisdiction only', async () => {
    const url = `/api/v1/grids/${A}001/members`
    let res = await send('PUT', url, { members: [{ memberId: memberA1, isPrimary: true }, { memberId: memberA2 }] }, h.street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().items.map((m: { memberId: number; isPrimary: boolean }) => [m.memberId, m.isPrimary])).to.deep.equal([[memberA1, true], [memberA2, false]])
    res = await send('PUT', url, { members: [{ memberId: memberA2, isPrimary: true }] }, h.street1)
    expect(res.json().items.map((m: { memberId: number }) => m.memberId)).to.deep.equal([memberA2])
    const closed = await knex('grid_assignment').where({ grid_code: `${A}001`, member_id: memberA1 }).whereNotNull('valid_to')
    expect(closed).to.have.length(1)
    expect((await send('PUT', url, { members: [{ memberId: memberA1, isPrimary: true }, { memberId: memberA2, isPrimary: true }] }, h.street1)).statusCode).to.equal(400)
    const foreign = await send('PUT', url, { members: [{ memberId: memberB }] }, h.street1)
    expect(foreign.statusCode).to.equal(400)
    expect(foreign.json().members).to.deep.equal([memberB])
    expect((await send('PUT', url, { members: [{ memberId: memberA1 }] }, h.inspector)).statusCode).to.equal(403)
    expect((await send('PUT', url, { members: 'all' }, h.street1)).statusCode).to.equal(400)
    const del = await client.request({ method: 'DELETE', url: `${url}/${memberA2}`, headers: h.street1 })
    expect(del.statusCode).to.equal(204)
    expect((await client.get(url, h.street1)).json().items).to.deep.equal([])
    expect((await client.request({ method: 'DELETE', url: `${url}/${memberA2}`, headers: h.street1 })).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/grids/${B}001/members`, h.street1)).statusCode).to.equal(404)
  })

  it('retiring a grid ends its member assignments', async () => {
    await send('PUT', `/api/v1/grids/${B}001/members`, { members: [{ memberId: memberB, isPrimary: true }] }, h.analyst)
    const res = await client.request({ method: 'DELETE', url: `/api/v1/grids/${B}001`, headers: h.analyst })
    expect(res.json().closedAssignments).to.equal(1)
    expect(await knex('grid_assignment').where({ grid_code: `${B}001` }).whereNull('valid_to')).to.deep.equal([])
  })

  it('the admin tree shows only the jurisdiction, with grid counts', async () => {
    const res = await client.get('/api/v1/admin-divisions/tree', h.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const roots = res.json().items
    expect(roots.map((n: { code: string }) => n.code)).to.deep.equal(['990102001000'])
    const test = roots[0].children.find((n: { code: string }) => n.code === A)
    expect(test).to.include({ level: 'community', baseGrids: 1 })
    expect(roots[0].baseGrids).to.be.greaterThan(1)
    const city = (await client.get('/api/v1/admin-divisions/tree?depth=2', h.command)).json().items
    expect(city.map((n: { level: string }) => n.level)).to.deep.equal(['city'])
    expect(city[0].children[0].children).to.deep.equal([])
    expect((await client.get('/api/v1/admin-divisions/tree?depth=9', h.command)).statusCode).to.equal(400)
    expect((await client.get('/api/v1/admin-divisions/tree')).statusCode).to.equal(401)
  })

  it('exports GeoJSON within the jurisdiction', async () => {
    const res = await client.get(`/api/v1/grids/export?community=${A}`, h.street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-disposition']).to.match(/attachment/)
    expect(res.json().features.map((f: { id: string }) => f.id)).to.deep.equal([`${A}001`])
    const other = await client.get(`/api/v1/grids/export?community=${B}`, h.street1)
    expect(other.json().features).to.deep.equal([])
    expect((await client.get('/api/v1/grids/export?bbox=1,2,3', h.street1)).statusCode).to.equal(400)
  })

  it('documents every grid path in the OpenAPI file', async () => {
    const doc = (await client.get('/api/v1/openapi.json', h.street1)).json()
    for (const p of ['/api/v1/grids', '/api/v1/grids/{code}', '/api/v1/grids/{code}/split', '/api/v1/grids/merge',
      '/api/v1/grids/{code}/members', '/api/v1/communities/{code}/coverage', '/api/v1/admin-divisions/tree', '/api/v1/import', '/api/v1/grids/export']) {
      expect(doc.paths, p).to.have.property(p)
    }
  })
})
