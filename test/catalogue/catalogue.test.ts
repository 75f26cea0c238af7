// The data catalogue and access applications (server/catalogue/, issue 20 item 6): every layer,
// operation and dataset listed and searchable; edits by the command centre; an application
// refused for a missing, unshared or out-of-area resource naming the field; an approved key
// reaches its operation, layer and area and nothing else (403 / unknown layer / 404), keeps its
// grant through rotation, is recorded request by request, and stops when revoked.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { openApiDocument } from '../../server/openapi/document.ts'
import { allRegisters } from '../../server/registers/registry.ts'
import { createApiKey, createUser } from '../../server/auth/users.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { grantOf } from '../../server/catalogue/applications.ts'
import { grantCovers } from '../../server/auth/grants.ts'
import type { CityEntry } from '../../server/catalogue/browse.ts'

const zh = { 'accept-language': 'zh-CN' }
const asKey = (key: string) => ({ 'x-api-key': key })
const enc = encodeURIComponent

describe('data catalogue and access applications', () => {
  let client: Client
  let admin: Record<string, string>
  /** two open events in different streets of the city; the key is granted the first street */
  let inside: { number: string; community: string }, outside: { number: string; community: string }
  let street: string
  before(async () => {
    client = await testClient()
    admin = await loginAs(client, 'command')
    // one open event in each of two streets, filed by the demo external system
    const file = async (community: string) => {
      const p = await pointIn(client.context.knex, community)
      const r = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
        description: uniq('资源目录测试 暴露垃圾'), location: { x: p.lon, y: p.lat } }, admin)
      expect(r.statusCode, r.body).to.equal(201)
      return { number: r.json().event.number as string, community: r.json().event.communityCode as string }
    }
    inside = await file('990102001001')
    outside = await file('990102002001')
    street = `${inside.community.slice(0, 9)}000`
  })

  it('lists every layer, API operation and dataset, and finds by Chinese words', async () => {
    const all = await client.get('/api/v1/catalogue?limit=500', admin)
    expect(all.statusCode, all.body).to.equal(200)
    // counted independently: the operations as the OpenAPI document's method keys, the layers as the catalogue's
    let operations = 0
    for (const item of Object.values(openApiDocument.paths as Record<string, Record<string, unknown>>)) {
      operations += Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).length
    }
    const layers = client.context.catalogue.layers.length
    expect(all.json().total).to.equal(operations + layers + allRegisters().length + 1)
    const byKind = (kind: string) => client.get(`/api/v1/catalogue?kind=${kind}&limit=500`, admin).then((r) => r.json().total as number)
    expect(await byKind('layer')).to.equal(layers)
    expect(await byKind('api')).to.equal(operations)
    const hits = (await client.get(`/api/v1/catalogue?q=${enc('在办 事件')}&limit=500`, admin)).json()
    const ids = hits.items.map((e: { id: string }) => e.id)
    expect(ids).to.include('layer:events')
    for (const e of hits.items) {
      const text = [e.id, e.title, e.description, e.owner, ...e.fields.flatMap((f: { name: string; title?: string }) => [f.name, f.title ?? ''])].join(' ')
      expect(text, e.id).to.include('在办').and.to.include('事件')
    }
    const entry = (await client.get(`/api/v1/catalogue/entries/${enc('dataset:residents')}`, admin)).json()
    expect(entry).to.include({ kind: 'dataset', classification: 'sensitive', sharing: 'none', sharingTitle: '不予共享' })
    expect(entry.fields.some((f: { personal?: boolean }) => f.personal)).to.equal(true)
    // the external system browses too; an unknown entry is a 404, bad input a 400 naming the field
    expect((await client.get('/api/v1/catalogue?kind=dataset', asKey(DEMO_API_KEY))).statusCode).to.equal(200)
    expect((await client.get(`/api/v1/catalogue/entries/${enc('layer:nope')}`, admin)).statusCode).to.equal(404)
    const bad = await client.get('/api/v1/catalogue?sharing=maybe', admin)
    expect(bad.statusCode).to.equal(400)
    expect(bad.json().errors[0].field).to.equal('sharing')
  })

  it('a granted template does not open the literal operations its shape would match', () => {
    const entry = { access: { operations: ['GET /api/v1/grids/{code}'], layers: [] } } as unknown as CityEntry
    const { grant, scopes } = grantOf([entry], ['990102001000'])
    expect(scopes).to.deep.equal(['reference:read'])
    expect(grant.paths).to.include.members(['GET /api/v1/grids/{code}', '!GET /api/v1/grids/export', '!GET /api/v1/grids/sizing'])
    expect(grantCovers(grant, 'GET', '/api/v1/grids/990102001001001')).to.equal(true)
    expect(grantCovers(grant, 'HEAD', '/api/v1/grids/990102001001001')).to.equal(true)
    for (const [m, p] of [['GET', '/api/v1/grids/export'], ['GET', '/api/v1/grids/sizing'], ['POST', '/api/v1/grids/990102001001001'],
      ['GET', '/api/v1/grids/990102001001001/versions'], ['GET', '/api/v1/grids'], ['GET', '/api/v1/grids/']]) {
      expect(grantCovers(grant, m!, p!), `${m} ${p}`).to.equal(false)
    }
    expect(grantCovers(grant, 'GET', '/api/v1/auth/me')).to.equal(true)
    expect(grantCovers(grant, 'GET', '/tiles/all.json')).to.equal(false) // no layer granted
  })

  it('the command centre edits an entry\'s metadata; others may not', async () => {
    const url = `/api/v1/catalogue/entries/${enc('layer:components')}`
    const res = await client.request({ method: 'PATCH', url, headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ owner: '市城管局', updateFrequency: '每日', sharing: 'unconditional' }) })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ owner: '市城管局', updateFrequency: '每日', sharing: 'unconditional', sharingTitle: '无条件共享', classification: 'internal' })
    expect(res.json().edited.by).to.equal('command')
    expect((await client.get(`/api/v1/catalogue?q=${enc('市城管局')}`, admin)).json().items.map((e: { id: string }) => e.id)).to.deep.equal(['layer:components'])
    const streetStaff = await loginAs(client, 'street1')
    const refused = await client.request({ method: 'PATCH', url, headers: { ...streetStaff, 'content-type': 'application/json' }, payload: '{"owner":"x"}' })
    expect(refused.statusCode).to.equal(403)
  })

  it('refuses an application for a missing or unshared resource or an area outside, naming the field', async () => {
    const apply = (body: unknown, headers = asKey(DEMO_API_KEY)) => client.post('/api/v1/catalogue/applications', body, { ...headers, ...zh })
    const { knex } = client.context
    const count = async () => Number((await knex('catalogue_application').count({ n: '*' }).first())!.n)
    const before = await count()
    const base = { systemName: '区应急平台', purpose: '应急联动查询事件', areas: [street] }
    const missing = await apply({ ...base, resources: ['layer:events', 'layer:no_such_layer'] })
    expect(missing.statusCode).to.equal(400)
    expect(missing.json()).to.include({ code: 'catalogue.unknown_resource' })
    expect(missing.json().params).to.include({ field: 'resources.1' })
    expect(missing.json().detail).to.include('resources.1')
    for (const resource of ['dataset:residents', 'api:GET /api/v1/audit', 'layer:special_groups']) {
      const r = await apply({ ...base, resources: [resource] })
      expect(r.statusCode, resource).to.equal(400)
      expect(r.json(), resource).to.include({ code: 'catalogue.not_shareable' })
      expect(r.json().params).to.include({ field: 'resources.0' })
    }
    // an external system of one street asks for another street
    const userId = await createUser(knex, { username: 'catalogue_sys_b', displayName: '街道系统', password: null, role: 'external_system',
      cityCode: '990100', adminCodes: [`${outside.community.slice(0, 9)}000`] })
    const { key } = await createApiKey(knex, userId, 'test')
    const away = await apply({ ...base, resources: ['layer:events'] }, asKey(key))
    expect(away.statusCode).to.equal(404)
    expect(away.json()).to.include({ code: 'catalogue.area_not_found' })
    expect(away.json().params).to.include({ field: 'areas.0', area: street })
    // only external systems apply; nothing was stored by the refusals
    expect((await client.post('/api/v1/catalogue/applications', { ...base, resources: ['layer:events'] }, admin)).statusCode).to.equal(403)
    expect(await count()).to.equal(before)
  })

  it('an approved key reaches its operation, layer and area and nothing else; its use is recorded; revocation ends it', async () => {
    const applied = await client.post('/api/v1/catalogue/applications', {
      systemName: '区应急平台', purpose: '应急联动：查看辖区在办事件', resources: ['layer:events', 'api:GET /api/v1/events/{number}'], areas: [street], validDays: 30,
    }, asKey(DEMO_API_KEY))
    expect(applied.statusCode, applied.body).to.equal(201)
    const id = applied.json().id
    expect(applied.json()).to.include({ state: 'submitted', applicant: 'system' })
    const approved = await client.post(`/api/v1/catalogue/applications/${id}/approve`, { comment: '同意' }, admin)
    expect(approved.statusCode, approved.body).to.equal(200)
    expect(approved.headers['cache-control']).to.equal('no-store')
    const { key, scopes, layers, operations } = approved.json().key
    expect(scopes).to.deep.equal(['events:read', 'ogc:read'])
    expect(layers).to.deep.equal(['events'])
    expect(operations).to.deep.equal(['GET /api/v1/events/{number}'])
    expect((await client.get(`/api/v1/catalogue/applications/${id}`, admin)).body).to.not.include(key.split('.')[1])
    const listed = (await client.get('/api/v1/auth/api-keys', admin)).json().items.find((k: { id: number }) => k.id === approved.json().key.id)
    expect(listed).to.include({ applicationId: id, username: 'system', state: 'active' })

    const made: { path: string; status: number }[] = []
    const use = async (path: string, headers: Record<string, string> = {}) => {
      const r = await client.get(path, { ...asKey(key), ...headers })
      made.push({ path: path.split('?')[0]!, status: r.statusCode })
      return r
    }
    expect((await use(`/api/v1/events/${inside.number}`)).statusCode).to.equal(200)
    expect((await use(`/api/v1/events/${outside.number}`)).statusCode).to.equal(404) // in the applicant's city, outside the grant
    const other = await use('/api/v1/admin-divisions', zh)
    expect(other.statusCode).to.equal(403)
    expect(other.json()).to.include({ code: 'auth.key_not_granted' })
    expect(other.json().detail).to.include('/api/v1/admin-divisions')
    expect((await use('/api/v1/events?limit=1')).statusCode).to.equal(403) // the list was not asked for
    // Open311 takes the key as a parameter too: held to the same grant
    const o311 = await client.get(`/open311/v2/requests.json?api_key=${enc(key)}`)
    expect(o311.statusCode).to.equal(403)
    made.push({ path: '/open311/v2/requests.json', status: 403 })
    // the map services know only the granted layer
    const collections = (await use('/ogc/features/collections?f=json')).json().collections.map((c: { id: string }) => c.id)
    expect(collections).to.deep.equal(['events'])
    expect((await use('/ogc/features/collections/base_grids/items?limit=1')).statusCode).to.equal(404)
    expect((await use('/tiles/base_grids.json')).statusCode).to.equal(404)
    // the layer's features: exactly the open events of the granted street, counted in SQL
    const items = (await use('/ogc/features/collections/events/items?limit=10000&f=json')).json()
    const expected = (await client.context.knex('event').whereRaw('event_is_open(status)').where('community_code', 'like', `${street.slice(0, 9)}%`).pluck('number')) as string[]
    expect(items.features.map((f: { properties: { number: string } }) => f.properties.number).sort()).to.deep.equal(expected.sort())

    // rotation keeps the grant
    const rotated = await client.post('/api/v1/auth/api-keys/self/rotate', { graceHours: 1 }, asKey(key))
    expect(rotated.statusCode, rotated.body).to.equal(201)
    const next = rotated.json().key as string
    expect((await client.get('/api/v1/admin-divisions', asKey(next))).statusCode).to.equal(403)
    expect((await client.get(`/api/v1/events/${outside.number}`, asKey(next))).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${inside.number}`, asKey(next))).statusCode).to.equal(200)
    made.push({ path: '/api/v1/auth/api-keys/self/rotate', status: 201 }, { path: '/api/v1/admin-divisions', status: 403 },
      { path: `/api/v1/events/${outside.number}`, status: 404 }, { path: `/api/v1/events/${inside.number}`, status: 200 })

    // every request recorded, refusals included, for the command centre and the applicant alike
    const seen = (await client.get(`/api/v1/catalogue/applications/${id}/usage`, admin)).json().items as { path: string; status: number; action: string }[]
    const own = seen.filter((u) => !(u as { personal?: boolean }).personal)
    expect(own.map((u) => `${u.path} ${u.status}`).sort()).to.deep.equal(made.map((u) => `${u.path} ${u.status}`).sort())
    expect((await client.get(`/api/v1/catalogue/applications/${id}/usage`, asKey(DEMO_API_KEY))).json().items).to.have.length(made.length)

    // revocation: both keys stop; a second decision is a conflict
    const revoked = await client.post(`/api/v1/catalogue/applications/${id}/revoke`, { comment: '合作到期' }, admin)
    expect(revoked.statusCode, revoked.body).to.equal(200)
    expect(revoked.json().keys.every((k: { revokedAt: string | null }) => k.revokedAt !== null)).to.equal(true)
    for (const k of [key, next]) expect((await client.get(`/api/v1/events/${inside.number}`, asKey(k))).statusCode).to.equal(401)
    const again = await client.post(`/api/v1/catalogue/applications/${id}/approve`, {}, { ...admin, ...zh })
    expect(again.statusCode).to.equal(409)
    expect(again.json().detail).to.include('已撤销')
  })

  it('a rejected application issues nothing; another system\'s application is not found', async () => {
    const applied = await client.post('/api/v1/catalogue/applications',
      { systemName: '测试系统', purpose: '查询网格', resources: ['layer:events'], areas: [street] }, asKey(DEMO_API_KEY))
    const id = applied.json().id
    expect((await client.post(`/api/v1/catalogue/applications/${id}/reject`, { comment: 'x' }, admin)).statusCode).to.equal(400) // a reason of 4+ characters
    const rejected = await client.post(`/api/v1/catalogue/applications/${id}/reject`, { comment: '用途不明确' }, admin)
    expect(rejected.json()).to.include({ state: 'rejected', reviewComment: '用途不明确' })
    expect(rejected.json().keys).to.deep.equal([])
    expect((await client.post(`/api/v1/catalogue/applications/${id}/approve`, {}, admin)).statusCode).to.equal(409)
    const { key } = await createApiKey(client.context.knex, Number((await client.context.knex('app_user').where({ username: 'catalogue_sys_b' }).first('id')).id), 'b')
    expect((await client.get(`/api/v1/catalogue/applications/${id}`, asKey(key))).statusCode).to.equal(404)
    expect((await client.get('/api/v1/catalogue/applications', asKey(key))).json().items.map((a: { id: number }) => a.id)).to.not.include(id)
    expect((await client.get('/api/v1/catalogue/applications?state=rejected', admin)).json().items.map((a: { id: number }) => a.id)).to.include(id)
  })
})
