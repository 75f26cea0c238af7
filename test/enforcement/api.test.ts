// /api/v1/enforcement: teams, officers (masked through the one rule), tasks, 双随机 spot checks
// (drawn reproducibly; candidates and exclusions checked against plain SQL; verify re-runs the
// draw, and the test's own reference implementation agrees), roles and jurisdiction, bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal, problemFields } from '../support/problem.ts'
import { enforcementReady, CITY } from './helpers.ts'

const E = '/api/v1/enforcement'
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('enforcement API: teams, officers, spot checks', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const get = (url: string, who: string) => client.get(url, auth[who])
  const post = (url: string, body: unknown, who: string) => client.post(url, body, auth[who])
  const patch = (url: string, body: unknown, who: string) => client.request({ method: 'PATCH', url, headers: { 'content-type': 'application/json', ...auth[who] }, payload: JSON.stringify(body) })

  before(async function () {
    this.timeout(300_000)
    knex = await getTestDb()
    await enforcementReady(knex)
    client = await testClient()
    for (const u of ['command', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst', 'auditor', 'system']) auth[u] = await loginAs(client, u)
  })

  it('lists teams inside the jurisdiction only, counted against SQL; 404 outside; roles without the right refused', async () => {
    const all = await get(`${E}/teams?limit=200`, 'command')
    expect(all.statusCode, all.body).to.equal(200)
    const n = await knex('enforcement_team').where({ city_code: CITY }).count<{ n: number }[]>({ n: '*' })
    expect(all.json().items).to.have.length(Number(n[0]!.n))
    expect(Number(n[0]!.n)).to.be.above(3)
    const mine = (await get(`${E}/teams?limit=200`, 'street1')).json().items as Json[]
    const sql = await knex('enforcement_team').whereLike('community_code', '990102001%').pluck('id')
    expect(mine.map((t) => t.id).sort()).to.deep.equal(sql.map(Number).sort())
    expect(sql.length).to.be.above(0)
    const outside = await knex('enforcement_team').whereLike('community_code', '990102002%').first('id')
    expect((await get(`${E}/teams/${outside.id}`, 'street1')).statusCode).to.equal(404)
    expect((await get(`${E}/teams/${outside.id}`, 'street2')).statusCode).to.equal(200)
    expect((await get(`${E}/teams`, 'auditor')).statusCode).to.equal(403)
    expect((await get(`${E}/teams`, 'system')).statusCode).to.equal(403)
    expect((await client.get(`${E}/teams`)).statusCode).to.equal(401)
    expect((await post(`${E}/teams`, { name: '测试队', agency: '测试局', domain: 'urban', communityCode: '990102001000' }, 'analyst')).statusCode).to.equal(403)
    expect((await post(`${E}/teams`, { name: '测试队', agency: '测试局', domain: 'urban', communityCode: '990102001000' }, 'inspector')).statusCode).to.equal(403)
  })

  it('pages with a cursor: every team once, in id order; a forged cursor is a 400 naming cursor', async () => {
    const seen: number[] = []
    let url: string | null = `${E}/teams?limit=2`
    for (let i = 0; url && i < 100; i++) {
      const body = (await get(url, 'command')).json() as { items: Json[]; next: string | null }
      seen.push(...body.items.map((t) => t.id as number))
      url = body.next ? `${E}/teams?limit=2&cursor=${body.next}` : null
    }
    const ids = (await knex('enforcement_team').where({ city_code: CITY }).orderBy('id').pluck('id')).map(Number)
    expect(seen).to.deep.equal(ids)
    expectRefusal(await get(`${E}/teams?cursor=not-a-cursor`, 'command'), 'cursor')
    expectRefusal(await get(`${E}/teams?limit=0`, 'command'), 'limit')
    expectRefusal(await get(`${E}/teams?limit=99999`, 'command'), 'limit')
    expectRefusal(await get(`${E}/teams?limit=1&limit=2`, 'command'), 'limit')
    expectRefusal(await get(`${E}/teams?evil=1`, 'command'), '(root)')
  })

  it('creates and edits a team: 201, fields named on bad input, 403 outside, 409 on a stale version', async () => {
    const res = await post(`${E}/teams`, { name: '第一街道测试执法中队', agency: '第一街道办事处', domain: 'general', communityCode: '990102001000', officePhone: '0531-88990011' }, 'street1')
    expect(res.statusCode, res.body).to.equal(201)
    const team = res.json()
    expect(team).to.include({ domain: 'general', domainTitle: '综合行政执法', communityCode: '990102001000', version: 1 })
    expect((await post(`${E}/teams`, { name: '第一街道测试执法中队', agency: '第一街道办事处', domain: 'general', communityCode: '990102001000' }, 'street1')).statusCode).to.equal(409)
    const bad = await post(`${E}/teams`, { name: 'x'.repeat(101), agency: '', domain: 'police', communityCode: '9901', officePhone: '12345' }, 'street1')
    expect(bad.statusCode).to.equal(400)
    expect(problemFields(bad)).to.include.members(['name', 'agency', 'domain', 'communityCode', 'officePhone'])
    expectRefusal(await post(`${E}/teams`, { name: '某队', agency: '某局', domain: 'urban', communityCode: '990102001000', extra: 1 }, 'street1'), '(root)')
    expectRefusal(await post(`${E}/teams`, { name: '某队', agency: '某局', domain: 'urban', communityCode: '990109009000' }, 'command'), 'communityCode')
    const outside = await post(`${E}/teams`, { name: '越界队', agency: '某局', domain: 'urban', communityCode: '990102002000' }, 'street1')
    expect(outside.statusCode).to.equal(403)
    expect(problemFields(outside)).to.include('communityCode')
    const ok = await patch(`${E}/teams/${team.id}`, { agency: '第一街道综合执法办', version: 1 }, 'street1')
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ agency: '第一街道综合执法办', version: 2 })
    const stale = await patch(`${E}/teams/${team.id}`, { agency: '旧的名称', version: 1 }, 'street1')
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('registers.version_conflict')
    expect((await patch(`${E}/teams/${team.id}`, { communityCode: '990102002000', version: 2 }, 'street1')).statusCode).to.equal(403)
    const big = await client.request({ method: 'POST', url: `${E}/teams`, headers: { 'content-type': 'application/json', ...auth.street1 }, payload: JSON.stringify({ name: 'x'.repeat(3_000_000) }) })
    expect(big.statusCode).to.be.oneOf([400, 413])
  })

  it('masks officers by the one rule: full for the command centre and the team\'s department, masked for street staff, unmask audited', async () => {
    const o = await knex('enforcement_officer as o').join('enforcement_team as t', 't.id', 'o.team_id').join('department as d', 'd.id', 't.department_id')
      .where('d.code', 'CGJ-990102').first('o.id', 'o.name', 'o.certificate_no', 'o.community_code')
    expect(o, 'a demo officer of the district city-management team').to.not.equal(undefined)
    const full = (await get(`${E}/officers/${o.id}`, 'command')).json()
    expect(full).to.include({ name: o.name, certificateNo: o.certificate_no, masked: false })
    const dept = (await get(`${E}/officers/${o.id}`, 'department')).json()
    expect(dept).to.include({ name: o.name, masked: false })
    const street = await knex('enforcement_officer').whereLike('community_code', '990102001%').first('id', 'name', 'certificate_no')
    const masked = (await get(`${E}/officers/${street.id}`, 'street1')).json()
    expect(masked.name).to.equal([...street.name as string][0] + '*'.repeat([...street.name as string].length - 1))
    expect(masked.certificateNo).to.not.equal(street.certificate_no)
    expect(masked.certificateNo.slice(-4)).to.equal(street.certificate_no.slice(-4))
    expect(masked).to.include({ masked: true, unmaskable: true })
    const list = (await get(`${E}/officers?limit=200`, 'street1')).json().items as Json[]
    expect(list.length).to.be.above(0)
    expect(list.every((x) => x.masked && x.name.includes('*'))).to.equal(true)
    expect((await get(`${E}/officers/${street.id}`, 'analyst')).json()).to.include({ masked: true, unmaskable: false })
    expectRefusal(await post(`${E}/officers/${street.id}/unmask`, { reason: 'x' }, 'street1'), 'reason')
    const un = await post(`${E}/officers/${street.id}/unmask`, { reason: '核对执法证件' }, 'street1')
    expect(un.statusCode, un.body).to.equal(200)
    expect(un.json()).to.include({ name: street.name, certificateNo: street.certificate_no })
    const audit = await knex('access_audit').where({ id: un.json().audit.id }).first()
    expect(audit).to.include({ action: 'unmask', resource_type: 'enforcement-officers', resource_id: String(street.id), reason: '核对执法证件' })
    expect((await post(`${E}/officers/${street.id}/unmask`, { reason: '核对执法证件' }, 'analyst')).statusCode).to.equal(403)
    expect((await post(`${E}/officers/${street.id}/unmask`, { reason: '核对执法证件' }, 'street2')).statusCode).to.equal(404)
  })

  it('creates officers with a certificate number and refuses bad ones, naming the field', async () => {
    const team = await knex('enforcement_team').where({ community_code: '990102001000' }).first('id')
    const res = await post(`${E}/officers`, { teamId: Number(team.id), name: '王测试', certificateNo: 'hl23010099990001', phone: '13912345678' }, 'street1')
    expect(res.statusCode, res.body).to.equal(201)
    // the street's staff are not the officer's holder: masked in the answer, stored upper-cased
    expect(res.json()).to.include({ certificateNo: 'HL23********0001', communityCode: '990102001000', masked: true })
    expect(await knex('enforcement_officer').where({ id: res.json().id }).first('certificate_no')).to.deep.equal({ certificate_no: 'HL23010099990001' })
    const stale = await patch(`${E}/officers/${res.json().id}`, { phone: null, version: 1 }, 'street1')
    expect(stale.statusCode, stale.body).to.equal(200)
    expect(stale.json()).to.include({ phone: null, version: 2, active: true })
    expect((await patch(`${E}/officers/${res.json().id}`, { active: false, version: 1 }, 'street1')).json().code).to.equal('registers.version_conflict')
    expect((await post(`${E}/officers`, { teamId: Number(team.id), name: '李测试', certificateNo: 'HL23010099990001' }, 'street1')).statusCode).to.equal(409)
    expectRefusal(await post(`${E}/officers`, { teamId: Number(team.id), name: '李测试', certificateNo: '12-34' }, 'street1'), 'certificateNo')
    expectRefusal(await post(`${E}/officers`, { teamId: Number(team.id), name: '李测试', certificateNo: 'HL23010099990002', phone: '1234567' }, 'street1'), 'phone')
    expectRefusal(await post(`${E}/officers`, { teamId: -1, name: '李测试', certificateNo: 'HL23010099990002' }, 'street1'), 'teamId')
    const other = await knex('enforcement_team').whereLike('community_code', '990102002%').first('id')
    const out = await post(`${E}/officers`, { teamId: Number(other.id), name: '李测试', certificateNo: 'HL23010099990003' }, 'street1')
    expect(out.statusCode).to.equal(404)
    expect(problemFields(out)).to.include('teamId')
  })
  it('tasks: created for a visible team, listed with their spot checks, edited with a version; bad input named', async () => {
    const team = await knex('enforcement_team').where({ community_code: '990102001000', domain: 'general' }).orderBy('id').first('id')
    const res = await post(`${E}/tasks`, { teamId: Number(team.id), title: '校园周边食品安全专项检查', kind: 'special', dueOn: '2030-06-30' }, 'street1')
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.include({ kind: 'special', kindTitle: '专项整治', status: 'open', dueOn: '2030-06-30', communityCode: '990102001000', spotChecks: 0 })
    const bad = await post(`${E}/tasks`, { teamId: 0, title: 'x', kind: 'raid', dueOn: '2030-02-30' }, 'street1')
    expect(bad.statusCode).to.equal(400)
    expect(problemFields(bad)).to.include.members(['teamId', 'title', 'kind', 'dueOn'])
    const other = await knex('enforcement_team').where({ community_code: '990102002000' }).first('id')
    expect((await post(`${E}/tasks`, { teamId: Number(other.id), title: '越界任务', kind: 'routine' }, 'street1')).statusCode).to.equal(404)
    const done = await patch(`${E}/tasks/${res.json().id}`, { status: 'done', version: 1 }, 'street1')
    expect(done.json()).to.include({ status: 'done', statusTitle: '已办结', version: 2 })
    expect((await patch(`${E}/tasks/${res.json().id}`, { status: 'open', version: 1 }, 'street1')).json().code).to.equal('registers.version_conflict')
    expectRefusal(await patch(`${E}/tasks/${res.json().id}`, { status: 'finished', version: 2 }, 'street1'), 'status')
    // the demo's spot-check tasks count their rounds, as the table does
    const listed = (await get(`${E}/tasks?limit=200&teamId=${team.id}`, 'street1')).json().items as Json[]
    for (const t of listed) {
      const n = await knex('enforcement_spot_check').where({ task_id: t.id }).count<{ n: number }[]>({ n: '*' })
      expect(t.spotChecks, t.title).to.equal(Number(n[0]!.n))
    }
    expect(listed.some((t) => t.spotChecks > 0), 'the demo drew rounds for the street').to.equal(true)
    expect((await get(`${E}/tasks/${res.json().id}`, 'street2')).statusCode).to.equal(404)
  })

  it('refuses malformed ids and hostile text on every kind of path, and finds nothing by injection', async () => {
    for (const path of ['teams', 'officers', 'tasks', 'spot-checks', 'results']) {
      expectRefusal(await get(`${E}/${path}/abc`, 'command'), 'id', path)
      expectRefusal(await get(`${E}/${path}/99999999999999999999`, 'command'), 'id', path)
      expect((await get(`${E}/${path}/999999999`, 'command')).statusCode, path).to.equal(404)
      const q = await get(`${E}/${path}?q=${encodeURIComponent("' OR 1=1 --")}`, 'command')
      expect(q.statusCode, path).to.equal(200)
      expect(q.json().items, path).to.deep.equal([])
      expectRefusal(await get(`${E}/${path}?q=${'x'.repeat(51)}`, 'command'), 'q', path)
      expectRefusal(await get(`${E}/${path}?community=99x`, 'command'), 'community', path)
    }
    expectRefusal(await post(`${E}/results/1/supervisions/abc/answer`, { answer: '已整改' }, 'command'), 'noteId')
    const notJson = await client.request({ method: 'POST', url: `${E}/teams`, headers: { 'content-type': 'application/json', ...auth.command }, payload: '{"name":' })
    expect(notJson.statusCode).to.equal(400)
  })
})
