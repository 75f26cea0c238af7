// /api/v1/mediators and /api/v1/mediators/bodies: jurisdiction by the seat (a street's committee is
// not a community's to see), the mediators' names and phones through the one masking rule and an
// audited unmask, optimistic edits, the load figure against a plain count.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { signIn } from './support.ts'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('mediators and mediation bodies (调解员 · 调解机构)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  const get = (url: string, who = 'command') => client.get(url, auth[who])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    auth = await signIn(client)
  })

  it('lists bodies inside the jurisdiction by their seat, with filters', async () => {
    const all = (await get('/api/v1/mediators/bodies?limit=200')).json().items as Json[]
    expect(all.length).to.equal(Number((await knex('mediation_body').count('* as n').first())!.n))
    const street = (await get('/api/v1/mediators/bodies?limit=200', 'street1')).json().items as Json[]
    expect(street.length).to.be.above(0).and.below(all.length)
    expect(street.every((b) => b.communityCode.startsWith('990102001'))).to.equal(true)
    const committee = all.find((b) => b.communityCode === '990102001000')!
    expect(committee).to.deep.include({ kind: 'people_committee', kindName: '人民调解委员会' })
    expect((await get(`/api/v1/mediators/bodies/${committee.id}`, 'community')).statusCode).to.equal(404)
    expect((await get(`/api/v1/mediators/bodies/${committee.id}`, 'street1')).statusCode).to.equal(200)
    const medical = (await get('/api/v1/mediators/bodies?domain=medical')).json().items as Json[]
    expect(medical.length).to.be.above(0)
    expect(medical.every((b) => b.domains.includes('medical'))).to.equal(true)
    // paging: two pages of 3 are the first 6
    const p1 = (await get('/api/v1/mediators/bodies?limit=3')).json()
    const p2 = (await get(p1.next)).json()
    expect([...p1.items, ...p2.items].map((b: Json) => b.id)).to.deep.equal(all.slice(0, 6).map((b) => b.id))
    expect((await get('/api/v1/mediators/bodies', 'department')).statusCode).to.equal(403)
  })

  it('masks mediators by the one rule, unmasks with a reason (audited), and counts their load', async () => {
    const m = (await get('/api/v1/mediators?limit=200')).json().items.find((x: Json) => x.communityCode === '990102001000') as Json
    expect(m.name).to.not.include('*')
    const row = await knex('mediator').where({ id: m.id }).first()
    expect(m).to.deep.include({ name: row.name, phone: row.phone })
    const open = Number((await knex('dispute').where({ mediator_id: m.id }).whereIn('status', ['assigned', 'mediating']).count('* as n').first())!.n)
    expect(m.open).to.equal(open)
    expect(m.load).to.be.closeTo(open / m.capacity, 0.001)
    const masked = (await get(`/api/v1/mediators/${m.id}`, 'street1')).json()
    expect(masked.name).to.equal(`${[...row.name][0]}${'*'.repeat([...row.name].length - 1)}`)
    const un = await client.post(`/api/v1/mediators/${m.id}/unmask`, { reason: '联系调解员' }, auth.street1)
    expect(un.statusCode, un.body).to.equal(200)
    expect(un.json()).to.deep.include({ name: row.name, phone: row.phone })
    expect(await knex('access_audit').where({ action: 'unmask', resource_type: 'mediators', resource_id: String(m.id), username: 'street1' }).first()).to.not.equal(undefined)
    // an inspector holds no mediator's record: masked, no unmask (inside its community); outside it: 404
    const local = (await get('/api/v1/mediators?limit=200', 'inspector')).json().items as Json[]
    expect(local.length).to.be.above(0)
    expect(local.every((x) => x.communityCode === '990102001001' && x.name.includes('*'))).to.equal(true)
    const refused = await client.post(`/api/v1/mediators/${local[0]!.id}/unmask`, { reason: '联系调解员' }, auth.inspector)
    expect(refused.statusCode).to.equal(403)
    expect(refused.json().code).to.equal('mediators.unmask_forbidden')
    expect((await client.post(`/api/v1/mediators/${m.id}/unmask`, { reason: '联系调解员' }, auth.inspector)).statusCode).to.equal(404)
  })

  it('creates and edits with versions; community staff may not write', async () => {
    const body = await client.post('/api/v1/mediators/bodies', { name: `朝阳街道测试调解室${Date.now()}`, kind: 'other', communityCode: '990102001000', areas: ['990102001001'], domains: ['neighbour'] }, auth.street1)
    expect(body.statusCode, body.body).to.equal(201)
    const b = body.json()
    const patch = (url: string, payload: unknown, who = 'street1') => client.request({ method: 'PATCH', url, headers: { ...auth[who], 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    const ok = await patch(`/api/v1/mediators/bodies/${b.id}`, { version: 1, domains: ['neighbour', 'other'] })
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.deep.include({ version: 2, domains: ['neighbour', 'other'] })
    expect((await patch(`/api/v1/mediators/bodies/${b.id}`, { version: 1, active: false })).statusCode).to.equal(409)
    const m = await client.post('/api/v1/mediators', { bodyId: b.id, name: '测试调解员', domains: ['neighbour'], areas: ['990102001001'], capacity: 3 }, auth.street1)
    expect(m.statusCode, m.body).to.equal(201)
    expect(m.json()).to.deep.include({ bodyId: b.id, open: 0, load: 0, communityCode: '990102001000' })
    const off = await patch(`/api/v1/mediators/${m.json().id}`, { version: 1, active: false })
    expect(off.json()).to.deep.include({ active: false, version: 2 })
    expect((await client.post('/api/v1/mediators', { bodyId: b.id, name: '甲', domains: ['neighbour'], areas: ['990102001001'], capacity: 3 }, auth.community)).statusCode).to.equal(403)
    await patch(`/api/v1/mediators/bodies/${b.id}`, { version: 2, active: false })
  })
})
