// /api/v1/special-groups: create, read, edit, unmask; roles, jurisdiction, masking, and the access
// audit of every delivered record (the membership is the sensitive fact); broken, hostile and
// oversized input answered with a 400 naming the field.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEFAULT_INTERVAL_DAYS } from '../../server/special-groups/plan.ts'
import { auditRowsOf, baseGridOf, ownCommunity, OWN_GRID, plantResident, rid, type PlantedResident, removeOwnCommunities } from './support.ts'

describe('special groups: records, roles, masking and audit', function () {
  after(async () => removeOwnCommunities(await getTestDb()))
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let inside: PlantedResident // community 990102001001, the demo inspector's grid
  let other: PlantedResident // street 990102002 (street2's)
  let own: PlantedResident // the tests' community under street 1
  let recordId: number

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'community', 'inspector', 'analyst', 'department', 'auditor']) auth[u] = await loginAs(client, u)
    await ownCommunity(knex)
    inside = await plantResident(knex, await baseGridOf(knex, '990102001001'), { name: '欧阳测试' })
    const street2Community = (await knex('admin_division').where('code', 'like', '990102002%').where({ level: 'community' }).orderBy('code').first('code')).code
    other = await plantResident(knex, await baseGridOf(knex, street2Community))
    own = await plantResident(knex, OWN_GRID)
  })

  const create = (body: Record<string, unknown>, who = 'community', id?: string) =>
    client.post('/api/v1/special-groups', body, { ...auth[who]!, ...(id ? { 'x-request-id': id } : {}) })

  it('creates a record where its resident lives, with the default plan of its kind and risk', async () => {
    const res = await create({ residentIdNumber: inside.idNumber, kind: 'community_correction', riskLevel: 'high', since: '2026-06-01',
      guardianName: '王监护', guardianPhone: '13800001111', responsibleMemberId: null })
    expect(res.statusCode, res.body).to.equal(201)
    const b = res.json()
    recordId = b.id
    expect(res.headers.location).to.equal(`/api/v1/special-groups/${b.id}`)
    expect(b).to.include({ residentId: inside.id, kind: 'community_correction', kindTitle: '社区矫正对象', riskLevel: 'high', communityCode: inside.community, gridCode: inside.grid, version: 1 })
    expect(b.plan).to.include({ intervalDays: DEFAULT_INTERVAL_DAYS.community_correction.high, source: 'default' })
    expect(b.plan.intervalDays).to.equal(7)
    expect([b.lon, b.lat]).to.deep.equal([inside.lon, inside.lat])
    // never visited: due 7 days after the start
    expect(b.dueOn).to.equal('2026-06-08')
    // community staff do not hold the record: names and phone masked, the ID number always masked
    expect(b.residentName).to.equal('欧***')
    expect(b.guardianName).to.equal('王**')
    expect(b.guardianPhone).to.equal('138****1111')
    expect(b.residentIdNumber).to.equal(`${inside.idNumber.slice(0, 4)}**********${inside.idNumber.slice(-4)}`)
    expect(res.body).not.to.include(inside.idNumber)
  })

  it('shows names in full to the command centre and to the inspector serving the grid, masked to others', async () => {
    const full = (await client.get(`/api/v1/special-groups/${recordId}`, auth.command)).json()
    expect(full).to.include({ residentName: '欧阳测试', guardianName: '王监护', guardianPhone: '13800001111', access: 'full' })
    const inspector = await client.get(`/api/v1/special-groups/${recordId}`, auth.inspector)
    expect(inspector.statusCode, inspector.body).to.equal(200)
    expect(inspector.json()).to.include({ residentName: '欧阳测试', access: 'full' })
    // a record in another grid of the same community: the inspector does not hold it
    const elsewhere = await plantResident(knex, await baseGridOf(knex, '990102001001', 1), { name: '司马另格' })
    const made = await create({ residentId: elsewhere.id, kind: 'released', riskLevel: 'low', since: '2025-01-01' }, 'command')
    expect(made.statusCode, made.body).to.equal(201)
    const masked = (await client.get(`/api/v1/special-groups/${made.json().id}`, auth.inspector)).json()
    expect(masked).to.include({ residentName: '司***', access: 'masked' })
  })

  it('writes every delivered record to the access audit, masked or not, and nothing for counts', async () => {
    const id = rid('list')
    const res = await client.get(`/api/v1/special-groups?community=990102001001&limit=200`, { ...auth.community, 'x-request-id': id })
    expect(res.statusCode, res.body).to.equal(200)
    const items = res.json().items as { id: number; residentName: string }[]
    expect(items.map((i) => i.id)).to.include(recordId)
    expect(items.every((i) => /\*/.test(i.residentName))).to.equal(true) // all masked for community staff
    const rows = await auditRowsOf(knex, id)
    expect(rows.filter((r) => r.resource_type === 'special-groups').map((r) => Number(r.resource_id)).sort((a, b) => a - b))
      .to.deep.equal(items.map((i) => i.id).sort((a, b) => a - b))
    expect(rows.every((r) => r.fields.includes('kind') && r.personal && r.username === 'community')).to.equal(true)
    // full names add their fields to the same row
    const full = rid('full')
    await client.get(`/api/v1/special-groups/${recordId}`, { ...auth.command, 'x-request-id': full })
    expect((await auditRowsOf(knex, full))[0]!.fields).to.deep.equal(['guardianName', 'guardianPhone', 'kind', 'residentName'])
    // the auditor finds them through the audit API
    const byApi = await client.get(`/api/v1/audit?resourceType=special-groups&resourceId=${recordId}&limit=50`, auth.auditor)
    expect(byApi.statusCode, byApi.body).to.equal(200)
    expect(byApi.json().items.length).to.be.at.least(3)
    // counts deliver no record: no special-groups rows
    const counts = rid('counts')
    expect((await client.get('/api/v1/special-groups/summary', { ...auth.community, 'x-request-id': counts })).statusCode).to.equal(200)
    expect((await auditRowsOf(knex, counts)).filter((r) => r.resource_type === 'special-groups')).to.deep.equal([])
  })

  it('is for the people roles only', async () => {
    for (const who of ['analyst', 'department', 'auditor']) {
      const res = await client.get('/api/v1/special-groups', auth[who])
      expect(res.statusCode, `${who} ${res.body}`).to.equal(403)
      expect((await client.get(`/api/v1/special-groups/${recordId}`, auth[who])).statusCode).to.equal(403)
    }
    expect((await client.get('/api/v1/special-groups')).statusCode).to.equal(401)
    expect((await client.get('/api/v1/special-groups', { 'x-api-key': 'gridgov-demo-api-key' })).statusCode).to.be.oneOf([401, 403])
  })

  it('keeps to the jurisdiction: outside answers 404, a resident outside is refused (403)', async () => {
    expect((await client.get(`/api/v1/special-groups/${recordId}`, auth.street2)).statusCode).to.equal(404)
    const list = await client.get('/api/v1/special-groups?limit=200', auth.street2)
    expect(list.json().items.map((i: { id: number }) => i.id)).not.to.include(recordId)
    const res = await create({ residentId: other.id, kind: 'drug', riskLevel: 'low', since: '2026-01-01' }, 'street1')
    expect(res.statusCode, res.body).to.equal(403)
    expect(await knex('special_group').where({ resident_id: other.id })).to.have.length(0)
    // the positive control: street2 may
    expect((await create({ residentId: other.id, kind: 'drug', riskLevel: 'low', since: '2026-01-01' }, 'street2')).statusCode).to.equal(201)
    // community staff do not see the tests' community of the same street
    expect((await create({ residentId: own.id, kind: 'drug', riskLevel: 'low', since: '2026-01-01' }, 'community')).statusCode).to.equal(403)
    const patch = await client.request({ method: 'PATCH', url: `/api/v1/special-groups/${recordId}`, payload: { version: 1, riskLevel: 'low' }, headers: auth.street2 })
    expect(patch.statusCode).to.equal(404)
  })

  it('refuses broken, hostile and oversized input with a 400 naming the field', async () => {
    const base = { residentId: inside.id, kind: 'mental_risk', riskLevel: 'medium', since: '2026-01-01' }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, kind: undefined }, 'kind'],
      [{ ...base, kind: 'gangster' }, 'kind'],
      [{ ...base, riskLevel: 'extreme' }, 'riskLevel'],
      [{ ...base, since: '2026-02-30' }, 'since'],
      [{ ...base, until: '2025-12-31' }, 'until'],
      [{ ...base, guardianPhone: '12345' }, 'guardianPhone'],
      [{ ...base, guardianPhone: '1381234567x' }, 'guardianPhone'],
      [{ ...base, guardianName: 'x'.repeat(51) }, 'guardianName'],
      [{ ...base, note: '注'.repeat(2001) }, 'note'],
      [{ ...base, residentId: 'one' }, 'residentId'],
      [{ ...base, residentId: undefined, residentIdNumber: `${inside.idNumber.slice(0, 17)}${inside.idNumber[17] === '0' ? '1' : '0'}` }, 'residentIdNumber'],
      [{ ...base, residentId: undefined }, 'residentId'],
      [{ ...base, residentIdNumber: inside.idNumber }, 'residentId'],
      [{ ...base, residentId: 9_000_000_000 }, 'residentId'],
      [{ ...base, extra: "'; DROP TABLE special_group; --" }, '(root)'],
      [{ ...base, responsibleMemberId: 9_000_000 }, 'responsibleMemberId'],
    ]
    for (const [body, field] of cases) {
      const res = await create(body)
      expect(res.statusCode, `${field}: ${res.body}`).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), `${field}: ${res.body}`).to.include(field)
    }
    const check = await create({ ...base, residentId: undefined, residentIdNumber: `${inside.idNumber.slice(0, 17)}${inside.idNumber[17] === '0' ? '1' : '0'}` })
    expect(check.json().errors[0].message).to.match(/check digit/)
    expect((await client.request({ method: 'POST', url: '/api/v1/special-groups', payload: '{"kind":', headers: { ...auth.community, 'content-type': 'application/json' } })).statusCode).to.equal(400)
    for (const [q, field] of [['limit=100000', 'limit'], ['limit=-1', 'limit'], ['cursor=AAAA', 'cursor'], ['kind=x', 'kind'], ['community=99', 'community'],
      ['overdue=yes', 'overdue'], ['q=' + 'x'.repeat(51), 'q'], ['status=gone', 'status'], ['bogus=1', '(root)']] as const) {
      const res = await client.get(`/api/v1/special-groups?${q}`, auth.community)
      expect(res.statusCode, q).to.equal(400)
      expect(JSON.stringify(res.json().errors ?? []), q).to.include(field)
    }
    for (const path of ['abc', '0', '99999999999999999']) expect((await client.get(`/api/v1/special-groups/${path}`, auth.command)).statusCode, path).to.be.oneOf([400, 404])
    // hostile text in q finds nothing and breaks nothing
    const hostile = await client.get(`/api/v1/special-groups?q=${encodeURIComponent("%' OR 1=1 --")}`, auth.command)
    expect(hostile.statusCode).to.equal(200)
    expect(hostile.json().items).to.deep.equal([])
    // nothing was half-written
    expect(await knex('special_group').where({ resident_id: inside.id })).to.have.length(1)
  })

  it('refuses a second record of the same kind (409) and finds a record by the exact ID number', async () => {
    const again = await create({ residentId: inside.id, kind: 'community_correction', riskLevel: 'low', since: '2026-01-01' })
    expect(again.statusCode).to.equal(409)
    expect(again.json().code ?? again.json().type).to.be.a('string')
    const found = await client.get(`/api/v1/special-groups?q=${inside.idNumber}`, auth.command)
    expect(found.json().items.map((i: { id: number }) => i.id)).to.deep.equal([recordId])
    const byName = await client.get(`/api/v1/special-groups?q=${encodeURIComponent('欧阳测')}`, auth.command)
    expect(byName.json().items.map((i: { id: number }) => i.id)).to.include(recordId)
  })

  it('edits at the version read: stale versions get 409, a risk change moves a default plan but not a manual one', async () => {
    const patch = (body: Record<string, unknown>, who = 'community') => client.request({ method: 'PATCH', url: `/api/v1/special-groups/${recordId}`, payload: body, headers: auth[who]! })
    const ok = await patch({ version: 1, riskLevel: 'medium', guardianPhone: null, verified: true })
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ version: 2, riskLevel: 'medium', guardianPhone: null, stale: false })
    expect(ok.json().plan).to.include({ intervalDays: 14, source: 'default' })
    const stale = await patch({ version: 1, riskLevel: 'high' })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('registers.version_conflict')
    const plan = await client.request({ method: 'PUT', url: `/api/v1/special-groups/${recordId}/plan`, payload: { intervalDays: 10, reason: '近期情绪不稳定' }, headers: auth.community })
    expect(plan.statusCode, plan.body).to.equal(200)
    expect(plan.json().plan).to.include({ intervalDays: 10, source: 'manual' })
    const risk = await patch({ version: 2, riskLevel: 'low' })
    expect(risk.json().plan).to.include({ intervalDays: 10, source: 'manual' })
    const back = await client.request({ method: 'PUT', url: `/api/v1/special-groups/${recordId}/plan`, payload: { intervalDays: null, reason: '恢复默认频次' }, headers: auth.community })
    expect(back.json().plan).to.include({ intervalDays: 30, source: 'default' })
    for (const [body, field] of [[{ riskLevel: 'low' }, 'version'], [{ version: 3, until: '2000-01-01' }, 'until'], [{ version: 3, kind: 'drug' }, '(root)']] as const) {
      const res = await patch(body)
      expect(res.statusCode, res.body).to.equal(400)
      expect(JSON.stringify(res.json().errors), field).to.include(field)
    }
    const badPlan = await client.request({ method: 'PUT', url: `/api/v1/special-groups/${recordId}/plan`, payload: { intervalDays: 400, reason: '' }, headers: auth.community })
    expect(badPlan.statusCode).to.equal(400)
    expect(JSON.stringify(badPlan.json().errors)).to.include('intervalDays').and.include('reason')
  })

  it('unmasks for a role with the right, recorded with its reason first; refuses the others', async () => {
    const id = rid('unmask')
    const res = await client.post(`/api/v1/special-groups/${recordId}/unmask`, { reason: '核实帮教对象身份' }, { ...auth.community, 'x-request-id': id })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ residentName: '欧阳测试', residentIdNumber: inside.idNumber, residentPhone: '13912345678' })
    const rows = await auditRowsOf(knex, id)
    expect(rows).to.have.length(1)
    expect(rows[0]).to.include({ action: 'unmask', resource_type: 'special-groups', resource_id: String(recordId), reason: '核实帮教对象身份' })
    expect(rows[0]!.fields).to.include.members(['kind', 'residentName', 'residentIdNumber'])
    // an inspector who does not serve the record's grid has no unmask (masked); analysts never reach it
    const elsewhere = (await client.get('/api/v1/special-groups?q=' + encodeURIComponent('司马另格'), auth.command)).json().items[0].id
    expect((await client.post(`/api/v1/special-groups/${elsewhere}/unmask`, { reason: '想看看是谁' }, auth.inspector)).statusCode).to.equal(403)
    expect((await client.post(`/api/v1/special-groups/${recordId}/unmask`, { reason: '想看看是谁' }, auth.analyst)).statusCode).to.equal(403)
    expect((await client.post(`/api/v1/special-groups/${recordId}/unmask`, { reason: 'x' }, auth.community)).statusCode).to.equal(400)
    expect((await client.post(`/api/v1/special-groups/${recordId}/unmask`, { reason: '核实身份信息' }, auth.street2)).statusCode).to.equal(404)
  })
})
