// Party-building (党建引领 6.3.1): organisations and their chart, members linked to residents
// (names and phones masked by the one rule), members in difficulty and their care, positions on
// the map (the party_positions layer), activities and projects, and the statistics by area checked
// against an independent SQL count.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { code, ensureDemo, fields, patch, signIn, type User } from './helpers.ts'

describe('party-building (党建引领)', () => {
  let client: Client
  let knex: Knex
  let auth: Record<User, Record<string, string>>
  let branch: { id: number }
  const unique = () => `${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    await ensureDemo(knex)
    auth = await signIn(client, loginAs)
    const general = await knex('party_org').where({ community_code: '990102001002', kind: 'general_branch' }).first('id')
    const res = await client.post('/api/v1/party/orgs', { name: `测试第${unique()}党支部`, kind: 'branch', communityCode: '990102001002', parentId: general.id,
      secretaryName: '孙红梅', secretaryPhone: '13700001111' }, auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    branch = res.json()
  })

  it('nests the demo organisations: street committee → community general branch → branches', async () => {
    const tree = (await client.get('/api/v1/party/orgs/tree', auth.street1)).json().items as { kind: string; children: { kind: string; children: { kind: string }[] }[] }[]
    expect(tree.length).to.be.greaterThan(0)
    const committee = tree.find((o) => o.kind === 'committee')!
    expect(committee.children.length).to.be.greaterThan(0)
    expect(committee.children.every((c) => c.kind === 'general_branch' && c.children.every((b) => b.kind === 'branch'))).to.equal(true)
    const cyc = await patch(client, `/api/v1/party/orgs/${(await knex('party_org').where({ id: branch.id }).first('parent_id')).parent_id}`,
      { version: 1, parentId: branch.id }, auth.street1)
    expect(cyc.statusCode).to.equal(422)
    expect(fields(cyc)).to.deep.equal(['parentId'])
  })

  it('takes a member\'s name from the linked resident, masks it for departments, refuses a second link', async function () {
    const resident = await knex('resident').where('community_code', '990102001002').whereNotIn('id', knex('party_member').whereNotNull('resident_id').select('resident_id'))
      .orderBy('id').first('id', 'name').catch(() => undefined)
    if (!resident) return this.skip()
    const res = await client.post('/api/v1/party/members', { orgId: branch.id, residentId: Number(resident.id), joinedOn: '2001-07-01' }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.deep.include({ name: resident.name, residentId: Number(resident.id), communityCode: '990102001002', joinedOn: '2001-07-01' })
    const masked = (await client.get(`/api/v1/party/members/${res.json().id}`, auth.department)).json()
    expect(masked.name).to.equal([...resident.name][0] + '*'.repeat([...resident.name].length - 1))
    const again = await client.post('/api/v1/party/members', { orgId: branch.id, residentId: Number(resident.id) }, auth.command)
    expect(again.statusCode).to.equal(409)
    expect(fields(again)).to.deep.equal(['residentId'])
  })

  it('flags members in difficulty, records care for them, unmasks with a reason', async () => {
    const m = await client.post('/api/v1/party/members', { orgId: branch.id, name: '周大福', phone: '13600002222', inDifficulty: true, difficulty: 'illness',
      communityCode: '990102001002' }, auth.street1)
    expect(m.statusCode, m.body).to.equal(201)
    expect(m.json()).to.deep.include({ name: '周**', phone: '136****2222', inDifficulty: true, difficulty: 'illness' })
    const care = await client.post('/api/v1/party/care', { memberId: m.json().id, kind: 'subsidy', caredOn: '2026-11-30', amount: 800 }, auth.street1)
    expect(care.statusCode, care.body).to.equal(201)
    expect(care.json()).to.deep.include({ kind: 'subsidy', caredOn: '2026-11-30', amount: 800 })
    const listed = (await client.get(`/api/v1/party/members?orgId=${branch.id}&inDifficulty=true`, auth.street1)).json().items as { id: number; inDifficulty: boolean }[]
    expect(listed.map((x) => x.id)).to.deep.equal([m.json().id])
    const un = await client.post(`/api/v1/party/members/${m.json().id}/unmask`, { reason: '安排走访慰问' }, auth.street1)
    expect(un.json()).to.deep.include({ name: '周大福', phone: '13600002222' })
    const plain = (await client.post('/api/v1/party/members', { orgId: branch.id, name: '钱平', communityCode: '990102001002' }, auth.street1)).json()
    const half = await patch(client, `/api/v1/party/members/${plain.id}`, { version: plain.version, difficulty: 'poverty' }, auth.street1)
    expect(half.statusCode).to.equal(400)
    expect(fields(half)).to.deep.equal(['difficulty'])
    const flagLess = await client.post('/api/v1/party/members', { orgId: branch.id, name: '吴', difficulty: 'poverty', communityCode: '990102001002' }, auth.street1)
    expect(fields(flagLess)).to.deep.equal(['difficulty'])
    const elsewhere = await client.post('/api/v1/party/members', { orgId: branch.id, name: '郑', communityCode: '990102001001' }, auth.street1)
    expect(elsewhere.statusCode).to.equal(400)
    expect(code(elsewhere)).to.equal('party.org_outside_area')
  })

  it('puts a position (阵地) on the map, in the grid PostGIS finds, without personal attributes', async () => {
    const p = await pointIn(knex, '990102001002', 2)
    const name = `测试党员活动室${unique()}`
    const res = await client.post('/api/v1/party/positions', { name, kind: 'activity_room', orgId: branch.id, lon: p.lon, lat: p.lat, areaM2: 120 }, auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json().gridCode).to.equal(p.grid)
    const items = await client.get(`/ogc/features/collections/party_positions/items?bbox=${p.lon - 0.001},${p.lat - 0.001},${p.lon + 0.001},${p.lat + 0.001}&f=json`, auth.street1)
    expect(items.statusCode, items.body).to.equal(200)
    const f = (items.json().features as { properties: Record<string, unknown> }[]).find((x) => x.properties.name === name)
    expect(f?.properties).to.include({ kind: 'activity_room', area_m2: 120, grid_code: p.grid })
    expect(Object.keys(f!.properties).join(' ')).to.not.match(/secretary|phone|member/)
    expect(fields(await client.post('/api/v1/party/positions', { name: '无位置', kind: 'other' }, auth.street1))).to.include.members(['lon', 'lat'])
  })

  it('counts organisations, members, activities and care per community as an independent SQL count does', async () => {
    const a = await client.post('/api/v1/party/activities', { orgId: branch.id, kind: 'study', title: '党课', heldAt: new Date().toISOString(), hours: 2, participants: 15 }, auth.street1)
    expect(a.statusCode, a.body).to.equal(201)
    const pr = await client.post('/api/v1/party/projects', { orgId: branch.id, name: '红色网格', status: 'ongoing', startedOn: '2026-01-01', dueOn: '2026-12-31' }, auth.street1)
    expect(pr.statusCode, pr.body).to.equal(201)
    expect(code(await patch(client, `/api/v1/party/projects/${pr.json().id}`, { version: 9, status: 'done' }, auth.street1))).to.equal('registers.version_conflict')
    expect((await patch(client, `/api/v1/party/projects/${pr.json().id}`, { version: 1, status: 'done' }, auth.street1)).json().status).to.equal('done')
    expect(fields(await patch(client, `/api/v1/party/projects/${pr.json().id}`, { version: 2, dueOn: '2025-12-31' }, auth.street1))).to.deep.equal(['dueOn'])
    const stats = (await client.get('/api/v1/party/stats?area=990102001000', auth.street1)).json()
    const { rows } = await knex.raw(`SELECT c.code,
        (SELECT count(*) FROM party_org o WHERE o.community_code = c.code) AS orgs,
        (SELECT count(*) FROM party_member m WHERE m.community_code = c.code) AS members,
        (SELECT count(*) FROM party_member m WHERE m.community_code = c.code AND m.in_difficulty) AS difficult,
        (SELECT count(*) FROM party_activity x WHERE x.community_code = c.code) AS activities,
        (SELECT coalesce(sum(hours * participants), 0) FROM party_activity x WHERE x.community_code = c.code) AS person_hours,
        (SELECT count(*) FROM party_care x WHERE x.community_code = c.code) AS care
      FROM admin_division c WHERE c.code LIKE '990102001%' ORDER BY c.code`)
    const nonEmpty = (rows as Record<string, string>[]).filter((r) => Number(r.orgs) + Number(r.members) > 0)
    expect(nonEmpty.length).to.be.greaterThan(3)
    expect(stats.byArea.map((x: { code: string }) => x.code)).to.deep.equal(nonEmpty.map((r) => r.code))
    for (const r of nonEmpty) {
      const got = stats.byArea.find((x: { code: string }) => x.code === r.code)
      expect([got.orgs, got.members, got.inDifficulty, got.activities, got.care], r.code)
        .to.deep.equal([Number(r.orgs), Number(r.members), Number(r.difficult), Number(r.activities), Number(r.care)])
      expect(got.activityPersonHours).to.be.closeTo(Number(r.person_hours), 0.01)
    }
  })

  it('refuses broken and hostile input with 400 naming the field, and other roles with 403', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/party/orgs', { name: 'x', kind: 'cell', communityCode: '990102001002' }, 'kind'],
      ['/api/v1/party/orgs', { name: 'x', kind: 'branch', communityCode: '990102001002', secretaryPhone: '110' }, 'secretaryPhone'],
      ['/api/v1/party/orgs', { name: 'x', kind: 'branch', communityCode: '990102001002', foundedOn: '2026-02-30' }, 'foundedOn'],
      ['/api/v1/party/members', { orgId: branch.id }, 'name'],
      ['/api/v1/party/members', { orgId: -1, name: '甲' }, 'orgId'],
      ['/api/v1/party/members', { orgId: branch.id, name: '甲', gridCode: '99010200100' }, 'gridCode'],
      ['/api/v1/party/activities', { orgId: branch.id, kind: 'study', title: 'x', heldAt: 'now', hours: 1, participants: 1 }, 'heldAt'],
      ['/api/v1/party/activities', { orgId: branch.id, kind: 'party', title: 'x', heldAt: new Date().toISOString(), hours: 1, participants: 1 }, 'kind'],
      ['/api/v1/party/projects', { orgId: branch.id, name: 'x', startedOn: '2026-05-01', dueOn: '2026-04-01' }, 'dueOn'],
      ['/api/v1/party/care', { memberId: 1, kind: 'visit', caredOn: '昨天' }, 'caredOn'],
      ['/api/v1/party/care', { memberId: 999999999, kind: 'visit', caredOn: '2026-01-01' }, 'memberId'],
    ]
    for (const [url, body, field] of cases) {
      const res = await client.post(url, body, auth.street1)
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).to.be.oneOf([400, 404])
      expect(fields(res), `${url} ${JSON.stringify(body)}`).to.include(field)
    }
    for (const url of ['/api/v1/party/members?inDifficulty=yes', '/api/v1/party/orgs?limit=-1', '/api/v1/party/stats?area=1', '/api/v1/party/orgs/1e3']) {
      expect((await client.get(url, auth.street1)).statusCode, url).to.equal(400)
    }
    expect((await client.post('/api/v1/party/orgs', { name: 'x', kind: 'branch', communityCode: '990102001002' }, auth.analyst)).statusCode).to.equal(403)
    expect((await client.get('/api/v1/party/members', auth.auditor)).statusCode).to.equal(403)
    expect((await client.get(`/api/v1/party/orgs/${branch.id}`, auth.street2)).statusCode).to.equal(404)
  })
})
