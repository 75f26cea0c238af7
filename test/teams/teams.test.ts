// The team register (队伍信息): the demo chart, writes placed by PostGIS, optimistic edits, the
// organisation chart's cycle refusal, masking by the one rule with an audited unmask, members,
// grids, roles and jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { code, ensureDemo, fields, newTeam, patch, put, signIn, type User } from './helpers.ts'

interface Node { id: number; parentId: number | null; children: Node[]; communityCode: string; kind: string }

describe('teams (队伍信息): register, chart, masking', () => {
  let client: Client
  let knex: Knex
  let auth: Record<User, Record<string, string>>

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    await ensureDemo(knex)
    auth = await signIn(client, loginAs)
  })

  describe('the demo chart', () => {
    it('nests every team of the jurisdiction under its parent, city centre at the root', async () => {
      const res = await client.get('/api/v1/teams/tree', auth.command)
      expect(res.statusCode, res.body).to.equal(200)
      const roots = res.json().items as Node[]
      const flat: Node[] = []
      const walk = (n: Node, parent: Node | null) => {
        expect(n.parentId).to.equal(parent?.id ?? n.parentId)
        flat.push(n)
        n.children.forEach((c) => walk(c, n))
      }
      roots.forEach((r) => walk(r, null))
      const [{ n }] = await knex('team').where('community_code', 'like', '9901%').count({ n: '*' }) as [{ n: number }]
      expect(flat.length).to.equal(Number(n))
      const [{ p }] = await knex('team').whereNotNull('parent_id').count({ p: '*' }) as [{ p: number }]
      expect(flat.filter((x) => x.parentId !== null).length).to.equal(Number(p))
      expect(roots.some((r) => r.communityCode === '990100000000' && r.kind === 'org' && r.children.length > 0)).to.equal(true)
    })

    it('shows a street its own part of the chart only', async () => {
      const res = await client.get('/api/v1/teams/tree', auth.street1)
      const all: Node[] = []
      const walk = (n: Node) => { all.push(n); n.children.forEach(walk) }
      ;(res.json().items as Node[]).forEach(walk)
      expect(all.length).to.be.greaterThan(3)
      expect(all.every((x) => x.communityCode.startsWith('990102001'))).to.equal(true)
    })
  })

  describe('writes', () => {
    it('places a team in the base grid PostGIS finds for its point, in the community of that grid', async () => {
      const p = await pointIn(knex, '990102001001', 1)
      const t = await newTeam(client, auth.community, { lon: p.lon, lat: p.lat, leaderName: '王建国', leaderPhone: '13912345678', specialties: ['repair'] })
      const { rows } = await knex.raw(`SELECT g.code FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL
        AND ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) ORDER BY g.code LIMIT 1`, [p.lon, p.lat])
      expect(t.gridCode).to.equal(rows[0].code)
      expect(t.communityCode).to.equal('990102001001')
      // community staff have the right over their area but hold no grid: masked, open to an unmask
      expect(t.leaderName).to.equal('王**')
    })

    it('refuses a stale version with 409 registers.version_conflict and applies the current one', async () => {
      const t = await newTeam(client, auth.street1, { communityCode: '990102001002' })
      const ok = await patch(client, `/api/v1/teams/${t.id}`, { version: t.version, note: '夜间巡逻为主' }, auth.street1)
      expect(ok.statusCode, ok.body).to.equal(200)
      expect(ok.json().version).to.equal(t.version + 1)
      const stale = await patch(client, `/api/v1/teams/${t.id}`, { version: t.version, note: '覆盖' }, auth.street1)
      expect(stale.statusCode).to.equal(409)
      expect(code(stale)).to.equal('registers.version_conflict')
      expect((await client.get(`/api/v1/teams/${t.id}`, auth.street1)).json().note).to.equal('夜间巡逻为主')
    })

    it('refuses a chart cycle with 422 naming parentId, and a parent outside the area with 400', async () => {
      const a = await newTeam(client, auth.street1, { communityCode: '990102001000', kind: 'org' })
      const b = await newTeam(client, auth.street1, { communityCode: '990102001003', kind: 'org', parentId: a.id })
      const c = await newTeam(client, auth.street1, { communityCode: '990102001003', parentId: b.id })
      expect(c.parentId).to.equal(b.id)
      for (const parentId of [c.id, b.id, a.id]) {
        const res = await patch(client, `/api/v1/teams/${a.id}`, { version: 1, parentId }, auth.street1)
        expect(res.statusCode, res.body).to.equal(422)
        expect(fields(res)).to.deep.equal(['parentId'])
        expect(code(res)).to.equal('teams.chart_cycle')
      }
      // positive control: a legal re-parenting passes
      const d = await newTeam(client, auth.street1, { communityCode: '990102001003', kind: 'org' })
      expect((await patch(client, `/api/v1/teams/${c.id}`, { version: 1, parentId: d.id }, auth.street1)).statusCode).to.equal(200)
      const across = await patch(client, `/api/v1/teams/${a.id}`, { version: 1, parentId: d.id }, auth.street1)
      expect(across.statusCode).to.equal(400)
      expect(code(across)).to.equal('teams.parent_outside_area')
      const missing = await client.post('/api/v1/teams', { name: '无上级', kind: 'org', communityCode: '990102001003', parentId: 999999999 }, auth.street1)
      expect(missing.statusCode).to.equal(400)
      expect(fields(missing)).to.deep.equal(['parentId'])
    })

    it('refuses a team placed outside the jurisdiction (403) and hides other streets\' teams (404)', async () => {
      const out = await client.post('/api/v1/teams', { name: '越界队伍', kind: 'org', communityCode: '990102002001' }, auth.street1)
      expect(out.statusCode).to.equal(403)
      expect(fields(out)).to.deep.equal(['communityCode'])
      const p = await pointIn(knex, '990102002001', 0)
      const byPoint = await client.post('/api/v1/teams', { name: '越界队伍2', kind: 'org', lon: p.lon, lat: p.lat }, auth.street1)
      expect(byPoint.statusCode).to.equal(403)
      const other = await newTeam(client, auth.street2, { communityCode: '990102002001' })
      expect((await client.get(`/api/v1/teams/${other.id}`, auth.street1)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/teams/${other.id}`, auth.street2)).statusCode).to.equal(200)
      const list = (await client.get('/api/v1/teams?limit=500', auth.street1)).json().items as { communityCode: string }[]
      expect(list.length).to.be.greaterThan(0)
      expect(list.every((t) => t.communityCode.startsWith('990102001'))).to.equal(true)
    })
  })

  describe('personal fields', () => {
    let id: number
    let memberId: number
    before(async () => {
      const t = await newTeam(client, auth.street1, { communityCode: '990102001002', leaderName: '欧阳娜娜', leaderPhone: '13812345678' })
      id = t.id
      const m = await client.post(`/api/v1/teams/${id}/members`, { name: '李小龙', phone: '0531-86001234' }, auth.street1)
      expect(m.statusCode, m.body).to.equal(201)
      memberId = m.json().memberId
    })

    it('shows the command centre everything, departments and street staff masked', async () => {
      const full = (await client.get(`/api/v1/teams/${id}`, auth.command)).json()
      expect([full.leaderName, full.leaderPhone, full.members[0].name]).to.deep.equal(['欧阳娜娜', '13812345678', '李小龙'])
      for (const u of ['department', 'street1', 'analyst'] as const) {
        const t = (await client.get(`/api/v1/teams/${id}`, auth[u])).json()
        expect([t.leaderName, t.leaderPhone, t.members[0].name, t.members[0].phone], u).to.deep.equal(['欧***', '138****5678', '李**', '053*****1234'])
      }
      const listed = (await client.get('/api/v1/teams?q=' + encodeURIComponent('测试队伍') + '&limit=500', auth.department)).json().items as { leaderName: string | null }[]
      expect(listed.some((t) => t.leaderName === '欧***')).to.equal(true)
      expect(listed.some((t) => t.leaderName === '欧阳娜娜')).to.equal(false)
    })

    it('unmasks for street staff with a reason, recorded in the access audit; never for analysts', async () => {
      const res = await client.post(`/api/v1/teams/${id}/unmask`, { reason: '联系队长安排巡逻' }, auth.street1)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().leaderName).to.equal('欧阳娜娜')
      expect(res.json().members[0]).to.deep.include({ id: memberId, name: '李小龙', phone: '0531-86001234' })
      const row = await knex('access_audit').where({ id: res.json().audit.id }).first()
      expect(row).to.deep.include({ action: 'unmask', resource_type: 'teams', resource_id: String(id), reason: '联系队长安排巡逻' })
      expect((await client.post(`/api/v1/teams/${id}/unmask`, { reason: '想看看' }, auth.analyst)).statusCode).to.equal(403)
      expect(fields(await client.post(`/api/v1/teams/${id}/unmask`, { reason: 'x' }, auth.street1))).to.deep.equal(['reason'])
    })

    it('keeps names and phones out of the map layer', async () => {
      const layer = client.context.catalogue.get('teams')!
      expect(layer.attributes.map((a) => a.sql).join(' ')).to.not.match(/leader|phone|team_member\.name|m\.name/)
      expect(client.context.catalogue.get('party_positions')!.attributes.map((a) => a.sql).join(' ')).to.not.match(/secretary|phone/)
    })
  })

  describe('members and grids', () => {
    it('sets the grids a team serves: grids of its area only, all or none', async () => {
      const t = await newTeam(client, auth.street1, { communityCode: '990102001001' })
      const own = await knex('grid').where({ community_code: '990102001001', kind: 'base' }).whereNull('valid_to').orderBy('code').limit(2).pluck('code') as string[]
      const foreign = await knex('grid').where({ community_code: '990102001002', kind: 'base' }).whereNull('valid_to').first('code')
      const bad = await put(client, `/api/v1/teams/${t.id}/grids`, { gridCodes: [...own, foreign.code] }, auth.street1)
      expect(bad.statusCode).to.equal(400)
      expect(fields(bad)).to.deep.equal(['gridCodes.2'])
      expect((await client.get(`/api/v1/teams/${t.id}`, auth.street1)).json().gridCodes).to.deep.equal([])
      const ok = await put(client, `/api/v1/teams/${t.id}/grids`, { gridCodes: own }, auth.street1)
      expect(ok.statusCode, ok.body).to.equal(200)
      expect(ok.json().gridCodes).to.deep.equal(own)
      const byGrid = (await client.get(`/api/v1/teams?grid=${own[0]}`, auth.street1)).json().items as { id: number }[]
      expect(byGrid.length).to.be.greaterThan(0)
    })

    it('retires a member (not listed any more) and 404s another team\'s member', async () => {
      const t = await newTeam(client, auth.street1, { communityCode: '990102001001' })
      const m = (await client.post(`/api/v1/teams/${t.id}/members`, { name: '赵六', duty: 'leader' }, auth.street1)).json().memberId
      expect((await patch(client, `/api/v1/teams/${t.id}/members/${m}`, { active: false }, auth.street1)).json().members).to.deep.equal([])
      expect((await patch(client, `/api/v1/teams/1/members/${m}`, { active: true }, auth.command)).statusCode).to.equal(404)
    })
  })

  describe('roles', () => {
    it('lets analysts and departments read but not write; the auditor and anonymous callers nothing', async () => {
      expect((await client.get('/api/v1/teams', auth.analyst)).statusCode).to.equal(200)
      expect((await client.post('/api/v1/teams', { name: 'x', kind: 'org', communityCode: '990102001001' }, auth.analyst)).statusCode).to.equal(403)
      expect((await client.post('/api/v1/teams', { name: 'x', kind: 'org', communityCode: '990102001001' }, auth.department)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/teams', auth.auditor)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/teams')).statusCode).to.equal(401)
    })
  })
})
