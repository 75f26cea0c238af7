// Broken, hostile and oversized input on every endpoint of /api/v1/disputes and /api/v1/mediators:
// a clear 4xx naming the field, and nothing half-written (the tables counted before and after).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'
import { badIdOf, disputeBody, pointIn, signIn } from './support.ts'

describe('disputes and mediators: bad input', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  let at: { lon: number; lat: number }
  let disputeId = 0
  const TABLES = ['dispute', 'dispute_party', 'dispute_session', 'dispute_log', 'dispute_number_counter', 'mediation_body', 'mediator', 'warning']
  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await knex(t).count('* as n').first())!.n)])))
  const post = (url: string, body: unknown, who = 'command') => client.post(url, body, auth[who])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    auth = await signIn(client)
    at = await pointIn(knex, '990102001001')
    const d = await post('/api/v1/disputes', disputeBody(at))
    disputeId = d.json().id
  })

  it('refuses a dispute without parties, with bad parties, a negative amount, an unknown risk, naming the field; writes nothing', async () => {
    const before = await counts()
    const base = disputeBody(at)
    const { parties: _p, ...noParties } = base
    const cases: [Record<string, unknown>, string][] = [
      [noParties, 'parties'],
      [{ ...base, parties: [] }, 'parties'],
      [{ ...base, parties: [(base.parties as unknown[])[0]] }, 'parties'],
      [{ ...base, parties: 'everyone' }, 'parties'],
      [{ ...base, parties: [...(base.parties as unknown[]), { role: 'applicant', name: '李四', idNumber: badIdOf('37010219800101123') }] }, 'parties.2.idNumber'],
      [{ ...base, parties: [{ ...(base.parties as Record<string, unknown>[])[0], idNumber: badIdOf('37010219800101123') }, (base.parties as unknown[])[1]] }, 'parties.0.idNumber'],
      [{ ...base, parties: [{ ...(base.parties as Record<string, unknown>[])[0], phone: '12345' }, (base.parties as unknown[])[1]] }, 'parties.0.phone'],
      [{ ...base, parties: [{ ...(base.parties as Record<string, unknown>[])[0], role: 'judge' }, (base.parties as unknown[])[1]] }, 'parties.0.role'],
      [{ ...base, parties: Array.from({ length: 51 }, (_, i) => ({ role: i ? 'respondent' : 'applicant', name: `人${i}` })) }, 'parties'],
      [{ ...base, amount: -1 }, 'amount'],
      [{ ...base, amount: 1.234 }, 'amount'],
      [{ ...base, amount: '100' }, 'amount'],
      [{ ...base, riskLevel: 'extreme' }, 'riskLevel'],
      [{ ...base, riskLevel: 'high' }, 'riskReasons'],
      [{ ...base, type: '纠纷' }, 'type'],
      [{ ...base, description: 'x'.repeat(2001) }, 'description'],
      [{ ...base, title: '' }, 'title'],
      [{ ...base, location: { lon: 'east', lat: 36 } }, 'location.lon'],
      [{ ...base, location: { lon: 116, lat: 95 } }, 'location.lat'],
      [{ ...base, number: 'D202001010001' }, '(root)'],
      [{ ...base, riskReasons: Array.from({ length: 11 }, () => '原因') }, 'riskReasons'],
    ]
    for (const [body, field] of cases) expectRefusal(await post('/api/v1/disputes', body), field, field)
    const far = await post('/api/v1/disputes', { ...base, location: { lon: 100, lat: 30 } })
    expect(far.statusCode, far.body).to.equal(422)
    expect(far.json().errors[0].field).to.equal('location')
    expect((await post('/api/v1/disputes', '{"title": "broken')).statusCode).to.equal(400)
    expect((await post('/api/v1/disputes', [base])).statusCode).to.equal(400)
    expect((await post('/api/v1/disputes', { ...base, __proto__: { admin: true }, constructor: { prototype: {} } })).statusCode).to.equal(400)
    expect((await post('/api/v1/disputes', { ...base, title: 'a\u0000b' })).statusCode).to.equal(400)
    const huge = await post('/api/v1/disputes', { ...base, description: 'x'.repeat(3_000_000) })
    expect(huge.statusCode).to.be.oneOf([400, 413])
    expect(await counts()).to.deep.equal(before)
  })

  it('accepts hostile text as text: SQL and script stay inert', async () => {
    const res = await post('/api/v1/disputes', disputeBody(at, { title: "'; DROP TABLE dispute; --", description: '<script>alert(1)</script>' }))
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json().title).to.equal("'; DROP TABLE dispute; --")
    expect(res.headers['content-type']).to.match(/json/)
    const q = await client.get(`/api/v1/disputes?q=${encodeURIComponent("%' OR 1=1 --")}`, auth.command)
    expect(q.statusCode).to.equal(200)
    expect(q.json().items).to.have.length(0)
  })

  it('refuses bad steps naming the field, and writes nothing', async () => {
    const before = await counts()
    const u = (s: string) => `/api/v1/disputes/${disputeId}/${s}`
    const cases: [string, unknown, string][] = [
      [u('sessions'), { heldAt: 'yesterday', place: '室', attendees: ['a'], summary: 's' }, 'heldAt'],
      [u('sessions'), { heldAt: new Date().toISOString(), place: '室', attendees: [], summary: 's' }, 'attendees'],
      [u('sessions'), { heldAt: new Date(Date.now() + 86_400_000).toISOString(), place: '室', attendees: ['a'], summary: 's' }, 'heldAt'],
      [u('sessions'), { heldAt: new Date().toISOString(), place: '室', attendees: ['a'], summary: 'x'.repeat(2001) }, 'summary'],
      [u('conclude'), { outcome: 'peace' }, 'outcome'],
      [u('conclude'), { outcome: 'agreement', terms: [], performanceDue: '2026-01-01' }, 'terms'],
      [u('conclude'), { outcome: 'agreement', terms: ['a'], amount: -5, performanceDue: '2026-01-01' }, 'amount'],
      [u('conclude'), { outcome: 'agreement', terms: ['a'], performanceDue: '2026-02-30' }, 'performanceDue'],
      [u('conclude'), { outcome: 'transferred', to: 'army', body: '某部' }, 'to'],
      [u('conclude'), { outcome: 'transferred', to: 'court' }, 'body'],
      [u('revisit'), { satisfaction: 'happy' }, 'satisfaction'],
      [u('performance'), { state: 'pending' }, 'state'],
      [u('risk'), { level: 'extreme', reasons: ['x'] }, 'level'],
      [u('risk'), { level: 'high', reasons: [] }, 'reasons'],
      [u('assign'), { mediatorId: 5 }, 'reason'],
      [u('assign'), { mediatorId: -1, reason: '改派理由' }, 'mediatorId'],
      [u('assign'), { mediatorId: 99_999_999, reason: '改派理由' }, 'mediatorId'],
      [u('unmask'), { reason: 'x' }, 'reason'],
      ['/api/v1/disputes/abc/sessions', { heldAt: new Date().toISOString(), place: '室', attendees: ['a'], summary: 's' }, 'id'],
    ]
    for (const [url, body, field] of cases) expectRefusal(await post(url, body), field, `${url} ${field}`)
    expect((await post(u('conclude'), '{"outcome":')).statusCode).to.equal(400)
    expect(await counts()).to.deep.equal(before)
  })

  it('refuses bad queries naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/v1/disputes?limit=0', 'limit'], ['/api/v1/disputes?limit=201', 'limit'], ['/api/v1/disputes?status=open', 'status'],
      ['/api/v1/disputes?risk=extreme', 'risk'], ['/api/v1/disputes?community=99', 'community'], ['/api/v1/disputes?cursor=nope', 'cursor'],
      ['/api/v1/disputes?limit=1&limit=2', 'limit'], ['/api/v1/disputes?q=' + 'x'.repeat(51), 'q'], ['/api/v1/disputes?nope=1', '(root)'],
      ['/api/v1/disputes/stats?from=tomorrow', 'from'], ['/api/v1/disputes/stats?from=2026-02-01&to=2026-01-01', 'to'],
      ['/api/v1/disputes/stats?area=abc', 'area'], ['/api/v1/disputes/0', 'id'], ['/api/v1/disputes/99999999999999999999', 'id'],
      ['/api/v1/mediators?limit=x', 'limit'], ['/api/v1/mediators?domain=war', 'domain'], ['/api/v1/mediators/bodies?kind=court', 'kind'],
      ['/api/v1/mediators/bodies?cursor=-1', 'cursor'], ['/api/v1/mediators/abc', 'id'],
    ]
    for (const [url, field] of cases) expectRefusal(await client.get(url, auth.command), field, url)
  })

  it('refuses bad bodies and mediators naming the field (403 for areas outside the jurisdiction), writing nothing', async () => {
    const before = await counts()
    const body = { name: '测试调解委员会', kind: 'people_committee', communityCode: '990102001000', areas: ['990102001000'], domains: ['neighbour'] }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...body, kind: 'court' }, 'kind'], [{ ...body, areas: [] }, 'areas'], [{ ...body, areas: ['12345'] }, 'areas.0'],
      [{ ...body, areas: ['990102001000', '990102001000'] }, 'areas'], [{ ...body, domains: ['war'] }, 'domains.0'],
      [{ ...body, areas: ['990102099000'] }, 'areas.0'], [{ ...body, communityCode: '990199000000' }, 'communityCode'], [{ ...body, name: 'x'.repeat(101) }, 'name'],
      [{ ...body, phone: '110' }, 'phone'],
    ]
    for (const [b, field] of cases) expectRefusal(await post('/api/v1/mediators/bodies', b), field, field)
    const outside = await post('/api/v1/mediators/bodies', { ...body, communityCode: '990102001000', areas: ['990102002000'] }, 'street1')
    expect(outside.statusCode, outside.body).to.equal(403)
    expect(outside.json().errors[0].field).to.equal('areas.0')
    expect((await post('/api/v1/mediators/bodies', body, 'community')).statusCode).to.equal(403)
    const bodyId = Number((await knex('mediation_body').orderBy('id').first('id')).id)
    const m = { bodyId, name: '王调解', domains: ['neighbour'], areas: ['990102001001'], capacity: 5 }
    const mcases: [Record<string, unknown>, string][] = [
      [{ ...m, capacity: 0 }, 'capacity'], [{ ...m, capacity: 1.5 }, 'capacity'], [{ ...m, capacity: 201 }, 'capacity'], [{ ...m, bodyId: 99_999_999 }, 'bodyId'],
      [{ ...m, phone: 'abc' }, 'phone'], [{ ...m, userId: 99_999_999 }, 'userId'], [{ ...m, domains: [] }, 'domains'], [{ ...m, name: '' }, 'name'],
    ]
    for (const [b, field] of mcases) expectRefusal(await post('/api/v1/mediators', b), field, field)
    const stale = await client.request({ method: 'PATCH', url: `/api/v1/mediators/bodies/${bodyId}`, headers: { ...auth.command, 'content-type': 'application/json' }, payload: JSON.stringify({ version: 999, name: '改名' }) })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('registers.version_conflict')
    const medId = Number((await knex('mediator').orderBy('id').first('id')).id)
    const patchM = (payload: unknown) => client.request({ method: 'PATCH', url: `/api/v1/mediators/${medId}`, headers: { ...auth.command, 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    expectRefusal(await patchM({ version: 'one' }), 'version')
    expectRefusal(await patchM({ version: 1, capacity: -1 }), 'capacity')
    expectRefusal(await patchM({ version: 1, areas: ['x'.repeat(5000)] }), 'areas.0')
    expectRefusal(await post(`/api/v1/mediators/${medId}/unmask`, { reason: '' }), 'reason')
    expectRefusal(await post(`/api/v1/mediators/${medId}/unmask`, { reason: '理由充分', extra: 1 }), '(root)')
    expect(await counts()).to.deep.equal(before)
  })

  it('words every refusal in Chinese', async () => {
    const res = await client.post('/api/v1/disputes', { ...disputeBody(at), riskLevel: 'extreme' }, { ...auth.command, 'accept-language': 'zh-CN' })
    expect(res.json().detail).to.match(/riskLevel/)
    expect(res.json().detail).to.match(/[\u4e00-\u9fff]/)
    const illegal = await client.post(`/api/v1/disputes/${disputeId}/revisit`, { satisfaction: 'satisfied' }, { ...auth.command, 'accept-language': 'zh-CN' })
    expect(illegal.statusCode).to.equal(409)
    expect(illegal.json().detail).to.include('尚未办结')
  })
})
