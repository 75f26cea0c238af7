// /api/v1/disputes (矛盾纠纷调处): registration with sealed parties located by the geocoder's rule
// (checked against PostGIS), the assignment rule (nearest level, domain, least loaded, ties by id:
// checked against a simulation), the state machine with its coded 409s, revisit and performance
// (overdue), the high-risk warning read back from /api/v1/warnings, jurisdiction, the mediator's
// own account, masking and the audited unmask.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { disputeBody, pointIn, signIn } from './support.ts'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('disputes (矛盾纠纷调处)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  const C1 = '990102001001'
  const post = (url: string, body: unknown, who = 'command') => client.post(url, body, auth[who])
  const get = (url: string, who = 'command') => client.get(url, auth[who])
  const register = async (body: Record<string, unknown>, who = 'command') => {
    const res = await post('/api/v1/disputes', body, who)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json() as Json
  }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    auth = await signIn(client)
  })

  it('has demo bodies, mediators and disputes in every state', async () => {
    const states = await knex('dispute').groupBy('status').select('status', knex.raw('count(*)::int AS n')) as { status: string; n: number }[]
    expect(states.map((s) => s.status).sort()).to.deep.equal(['agreed', 'assigned', 'failed', 'mediating', 'registered', 'transferred'])
    expect(states.reduce((a, s) => a + s.n, 0)).to.be.within(150, 1000)
    expect(await knex('mediation_body').where({ kind: 'people_committee' }).count('* as n').first()).to.have.property('n').that.satisfies((n: string) => Number(n) >= 8)
    const kinds = await knex('mediation_body').where({ kind: 'industry' }).pluck('name') as string[]
    for (const w of ['物业', '医疗', '劳动', '交通']) expect(kinds.some((k) => k.includes(w)), w).to.equal(true)
  })

  it('registers a dispute: numbered, placed in the grid PostGIS finds, parties sealed, assigned with a reason', async () => {
    const at = await pointIn(knex, C1)
    const body = disputeBody(at)
    const d = await register(body)
    expect(d.number).to.match(/^D\d{8}\d{4,}$/)
    expect(d.number.slice(1, 9)).to.equal(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', ''))
    // independent: the base grid and the community polygon containing the point, by PostGIS
    const { rows: [ref] } = await knex.raw(`SELECT (SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) ORDER BY code LIMIT 1) AS grid,
      (SELECT code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) ORDER BY code LIMIT 1) AS community`, [at.lon, at.lat, at.lon, at.lat])
    expect(d).to.deep.include({ gridCode: ref.grid, communityCode: ref.community, status: 'assigned', riskLevel: 'low', amount: 3000 })
    expect(d.parties).to.have.length(2)
    expect(d.parties[0]).to.deep.include({ role: 'applicant', name: '欧阳娜娜', phone: '13912345678', idNumber: (body.parties as Json[])[0]!.idNumber })
    expect(d.mediator.id).to.be.a('number')
    expect(d.assignReason).to.include({ rule: 'auto' })
    expect(d.log.map((l: Json) => l.action)).to.deep.equal(['register', 'assign'])
    // stored sealed: the clear number appears nowhere in the row
    const stored = await knex('dispute_party').where({ dispute_id: d.id }).orderBy('seq')
    expect(JSON.stringify(stored)).to.not.include((body.parties as Json[])[0]!.idNumber)
    expect(stored[0].id_number_masked).to.match(/^3701\*+\d{3}[\dX]$/)
    // street staff of the territory: masked (unmaskable); the search by the exact ID number finds it
    const asStreet = (await get(`/api/v1/disputes/${d.id}`, 'street1')).json()
    expect(asStreet.parties[0]).to.deep.include({ name: '欧***', phone: '139****5678' })
    expect(asStreet.parties[0].idNumber).to.equal(stored[0].id_number_masked)
    const found = (await get(`/api/v1/disputes?q=${(body.parties as Json[])[1]!.idNumber}`, 'street1')).json()
    expect(found.items.map((i: Json) => i.id)).to.deep.equal([d.id])
    // the unmask: audited before the answer
    const un = await post(`/api/v1/disputes/${d.id}/unmask`, { reason: '调解需要联系当事人' }, 'street1')
    expect(un.statusCode, un.body).to.equal(200)
    expect(un.json().parties[1]).to.deep.include({ name: '张三', idNumber: (body.parties as Json[])[1]!.idNumber })
    expect(await knex('access_audit').where({ action: 'unmask', resource_type: 'disputes', resource_id: d.number, username: 'street1' }).first()).to.not.equal(undefined)
    // a department reads no disputes; an inspector not serving the grid sees them masked and may not unmask
    expect((await get(`/api/v1/disputes/${d.id}`, 'department')).statusCode).to.equal(403)
  })

  it('assigns by area (nearest level first), domain and load (open ÷ capacity), ties by id, as a simulation predicts', async () => {
    const C = '990102002001'
    const b = await post('/api/v1/mediators/bodies', { name: `测试征迁调解委员会${Date.now()}`, kind: 'administrative', communityCode: C, areas: [C], domains: ['land_demolition'] })
    expect(b.statusCode, b.body).to.equal(201)
    const mk = async (name: string, capacity: number) => {
      const r = await post('/api/v1/mediators', { bodyId: b.json().id, name, phone: '13700000000', domains: ['land_demolition'], areas: [C], capacity })
      expect(r.statusCode, r.body).to.equal(201)
      return r.json().id as number
    }
    const m1 = await mk('甲调解员', 2)
    const m2 = await mk('乙调解员', 4)
    const at = await pointIn(knex, C)
    // the simulation: community-level candidates only (they beat the street committee), with room first, least open/capacity, then id
    const sim = [{ id: m1, cap: 2, open: 0 }, { id: m2, cap: 4, open: 0 }]
    const expected: number[] = []
    for (let i = 0; i < 6; i++) {
      const pick = [...sim].sort((x, y) => Number(x.open >= x.cap) - Number(y.open >= y.cap) || x.open / x.cap - y.open / y.cap || x.id - y.id)[0]!
      pick.open++
      expected.push(pick.id)
    }
    const got: number[] = []
    for (let i = 0; i < 6; i++) {
      const d = await register(disputeBody(at, { type: 'land_demolition' }))
      got.push(d.mediator.id)
      if (i === 0) expect(d.assignReason).to.deep.include({ rule: 'auto', level: 'community', open: 0, capacity: 2 })
    }
    expect(got).to.deep.equal(expected)
    expect(new Set(got)).to.deep.equal(new Set([m1, m2]))
    // positive control of the level rule: a type the test body does not take goes to the street's committee
    const other = await register(disputeBody(at, { type: 'contract' }))
    expect(other.assignReason.level).to.equal('street')
    // manual reassignment with a reason, logged; the same mediator again is a 409
    const d = await register(disputeBody(at, { type: 'land_demolition' }))
    const target = d.mediator.id === m1 ? m2 : m1
    const re = await post(`/api/v1/disputes/${d.id}/assign`, { mediatorId: target, reason: '原调解员回避' })
    expect(re.statusCode, re.body).to.equal(200)
    expect(re.json().mediator.id).to.equal(target)
    expect(re.json().log.at(-1)).to.deep.include({ action: 'reassign', reason: '原调解员回避' })
    const again = await post(`/api/v1/disputes/${d.id}/assign`, { mediatorId: target, reason: '再次指派' })
    expect(again.statusCode).to.equal(409)
    expect(again.json().code).to.equal('disputes.same_mediator')
    const load = (await get(`/api/v1/mediators/${m1}`)).json()
    expect(load.open).to.equal(Number((await knex('dispute').where({ mediator_id: m1 }).whereIn('status', ['assigned', 'mediating']).count('* as n').first())!.n))
    await knex('mediator').whereIn('id', [m1, m2]).update({ active: false })
  })

  it('keeps the load rule when registrations arrive at once (the city\'s assignment lock)', async () => {
    const C = (await knex('admin_division').where({ level: 'community' }).orderBy('code', 'desc').first('code')).code as string
    const b = await post('/api/v1/mediators/bodies', { name: `并发测试调解室${Date.now()}`, kind: 'other', communityCode: C, areas: [C], domains: ['land_demolition'] })
    expect(b.statusCode, b.body).to.equal(201)
    const ids: number[] = []
    for (const capacity of [1, 2]) {
      const r = await post('/api/v1/mediators', { bodyId: b.json().id, name: '并发调解员', domains: ['land_demolition'], areas: [C], capacity })
      ids.push(r.json().id)
    }
    const at = await pointIn(knex, C)
    const all = await Promise.all([0, 1, 2].map(() => post('/api/v1/disputes', disputeBody(at, { type: 'land_demolition' }))))
    expect(all.map((r) => r.statusCode)).to.deep.equal([201, 201, 201])
    // whatever the order, least-loaded picks fill capacities 1 and 2 exactly
    const counts = ids.map((id) => all.filter((r) => r.json().mediator.id === id).length)
    expect(counts).to.deep.equal([1, 2])
    await knex('mediator').whereIn('id', ids).update({ active: false })
  })

  it('walks the state machine with a coded 409 for every illegal step', async () => {
    const at = await pointIn(knex, C1)
    const code = async (url: string, body: unknown, expected: string, who = 'command') => {
      const r = await post(url, body, who)
      expect(r.statusCode, `${url} ${r.body}`).to.equal(409)
      expect(r.json().code).to.equal(expected)
    }
    const session = { heldAt: new Date(Date.now() - 3_600_000).toISOString(), place: '社区调解室', attendees: ['欧阳娜娜', '张三'], summary: '听取双方意见' }
    const agreement = { outcome: 'agreement', terms: ['赔偿 2000 元', '一周内修复'], amount: 2000, performanceDue: '2020-01-31' }
    const d = await register(disputeBody(at))
    await code(`/api/v1/disputes/${d.id}/conclude`, agreement, 'disputes.no_session')
    await code(`/api/v1/disputes/${d.id}/revisit`, { satisfaction: 'satisfied' }, 'disputes.not_concluded')
    const s = await post(`/api/v1/disputes/${d.id}/sessions`, session)
    expect(s.statusCode, s.body).to.equal(201)
    expect(s.json()).to.deep.include({ status: 'mediating' })
    expect(s.json().sessions[0]).to.deep.include({ place: '社区调解室' })
    const c = await post(`/api/v1/disputes/${d.id}/conclude`, agreement)
    expect(c.statusCode, c.body).to.equal(200)
    // due in the past and not performed: overdue
    expect(c.json()).to.deep.include({ status: 'agreed', outcome: 'agreement' })
    expect(c.json().agreement).to.deep.include({ performance: 'pending', overdue: true, amount: 2000, performanceDue: '2020-01-31' })
    await code(`/api/v1/disputes/${d.id}/sessions`, session, 'disputes.concluded')
    await code(`/api/v1/disputes/${d.id}/conclude`, agreement, 'disputes.concluded')
    await code(`/api/v1/disputes/${d.id}/assign`, { reason: '重新分派一下' }, 'disputes.concluded')
    await code(`/api/v1/disputes/${d.id}/risk`, { level: 'high', reasons: ['情绪激动'] }, 'disputes.concluded')
    const part = await post(`/api/v1/disputes/${d.id}/performance`, { state: 'partly', note: '已付一半' }, 'community')
    expect(part.json().agreement).to.deep.include({ performance: 'partly', overdue: true })
    expect((await get('/api/v1/disputes?overdue=true&limit=200')).json().items.map((i: Json) => i.id)).to.include(d.id)
    const done = await post(`/api/v1/disputes/${d.id}/performance`, { state: 'performed' })
    expect(done.json().agreement).to.deep.include({ performance: 'performed', overdue: false })
    await code(`/api/v1/disputes/${d.id}/performance`, { state: 'not' }, 'disputes.performed')
    const rv = await post(`/api/v1/disputes/${d.id}/revisit`, { satisfaction: 'satisfied', notes: '双方满意' }, 'inspector')
    expect(rv.statusCode, rv.body).to.equal(200)
    expect(rv.json().revisit).to.deep.include({ satisfaction: 'satisfied', satisfactionName: '满意' })
    await code(`/api/v1/disputes/${d.id}/revisit`, { satisfaction: 'basic' }, 'disputes.revisited')
    // positive control of overdue: a future due day is not overdue
    const d2 = await register(disputeBody(at))
    await post(`/api/v1/disputes/${d2.id}/sessions`, session)
    const c2 = await post(`/api/v1/disputes/${d2.id}/conclude`, { ...agreement, performanceDue: '2099-12-31' })
    expect(c2.json().agreement.overdue).to.equal(false)
    // transferred without a session; then no performance to follow
    const d3 = await register(disputeBody(at))
    const t = await post(`/api/v1/disputes/${d3.id}/conclude`, { outcome: 'transferred', to: 'court', body: '示范市人民法院', reason: '当事人要求诉讼' })
    expect(t.json()).to.deep.include({ status: 'transferred', outcome: 'transferred' })
    expect(t.json().transfer).to.deep.equal({ to: 'court', toName: '法院', body: '示范市人民法院' })
    await code(`/api/v1/disputes/${d3.id}/performance`, { state: 'performed' }, 'disputes.no_agreement')
    // a dispute nobody could take: no session before an assignment
    const d4 = await register(disputeBody(at))
    await knex('dispute').where({ id: d4.id }).update({ status: 'registered', mediator_id: null })
    await code(`/api/v1/disputes/${d4.id}/sessions`, session, 'disputes.not_assigned')
    await code(`/api/v1/disputes/${d4.id}/risk`, { level: 'low', reasons: ['复核'] }, 'disputes.risk_unchanged')
    const auto = await post(`/api/v1/disputes/${d4.id}/assign`, { reason: '恢复自动分派' })
    expect(auto.statusCode, auto.body).to.equal(200)
    expect(auto.json().status).to.equal('assigned')
  })

  it('warns the command centre of a high-risk dispute, at registration and when raised, on GET /api/v1/warnings', async () => {
    const at = await pointIn(knex, C1)
    const warningsOf = async (number: string, who = 'command') => ((await get('/api/v1/warnings?kind=dispute_risk&limit=500', who)).json().items as Json[])
      .filter((w) => w.detail.number === number)
    const low = await register(disputeBody(at))
    expect(await warningsOf(low.number)).to.have.length(0)
    const high = await register(disputeBody(at, { riskLevel: 'high', riskReasons: ['扬言上访，联系电话 13912345678'] }))
    const w = (await warningsOf(high.number))[0] as Json
    expect(w).to.deep.include({ kind: 'dispute_risk', kindName: '矛盾纠纷高风险', level: 2, areaCode: high.communityCode })
    expect(w.title).to.include(high.number)
    expect(w.detail.reasons[0]).to.include('139****5678')
    expect(JSON.stringify(w)).to.not.include('欧阳娜娜')
    expect(await warningsOf(high.number, 'community')).to.have.length(1)
    expect(await warningsOf(high.number, 'street2')).to.have.length(0)
    const up = await post(`/api/v1/disputes/${low.id}/risk`, { level: 'critical', reasons: ['聚集苗头'] }, 'inspector')
    expect(up.statusCode, up.body).to.equal(200)
    const raised = await warningsOf(low.number)
    expect(raised.map((x) => x.level)).to.deep.equal([1])
    const filtered = await get('/api/v1/warnings?kind=nope')
    expect(filtered.statusCode).to.equal(400)
  })

  it('keeps disputes inside the jurisdiction (404 outside, 403 registering outside) and lets the mediator\'s account handle its own', async () => {
    const at2 = await pointIn(knex, '990102002001')
    const d = await register(disputeBody(at2, { type: 'contract' }))
    expect((await get(`/api/v1/disputes/${d.id}`, 'street1')).statusCode).to.equal(404)
    expect((await post(`/api/v1/disputes/${d.id}/sessions`, { heldAt: new Date().toISOString(), place: 'x', attendees: ['a'], summary: 's' }, 'street1')).statusCode).to.equal(404)
    const outside = await post('/api/v1/disputes', disputeBody(at2), 'community')
    expect(outside.statusCode, outside.body).to.equal(403)
    expect(outside.json().errors[0].field).to.equal('location')
    const mine = await post('/api/v1/disputes', disputeBody(await pointIn(knex, C1)), 'inspector')
    expect(mine.statusCode, mine.body).to.equal(201)
    // the mediator's own account (street1 here) sees and handles its dispute outside its jurisdiction, in full
    const user = await knex('app_user').where({ username: 'street1' }).first('id')
    const med = await knex('mediator').where({ id: d.mediator.id }).first('user_id')
    expect(med.user_id).to.equal(null)
    await knex('mediator').where({ id: d.mediator.id }).update({ user_id: user.id })
    try {
      const seen = await get(`/api/v1/disputes/${d.id}`, 'street1')
      expect(seen.statusCode, seen.body).to.equal(200)
      // the one rule: a holder outside its own jurisdiction still reads the parties masked
      expect(seen.json().parties[0].name).to.equal('欧***')
      expect((await get('/api/v1/disputes?mine=true', 'street1')).json().items.map((i: Json) => i.id)).to.include(d.id)
      expect((await get('/api/v1/mediators/me', 'street1')).json().id).to.equal(d.mediator.id)
      const s = await post(`/api/v1/disputes/${d.id}/sessions`, { heldAt: new Date().toISOString(), place: '街道调解室', attendees: ['欧阳娜娜'], summary: '首次调解' }, 'street1')
      expect(s.statusCode, s.body).to.equal(201)
      const re = await post(`/api/v1/disputes/${d.id}/assign`, { reason: '自己改派自己' }, 'street1')
      expect(re.statusCode).to.equal(403)
      expect(re.json().code).to.equal('disputes.step_forbidden')
    } finally {
      await knex('mediator').where({ id: d.mediator.id }).update({ user_id: null })
    }
    expect((await get(`/api/v1/disputes/${d.id}`, 'street1')).statusCode).to.equal(404)
    expect((await get('/api/v1/mediators/me', 'street1')).json().code).to.equal('mediators.not_linked')
  })

  it('shows the parties in full to the mediator\'s account that holds the dispute (the rule\'s holder), masked before', async () => {
    const d = await register(disputeBody(await pointIn(knex, C1)))
    expect((await get(`/api/v1/disputes/${d.id}`, 'community')).json().parties[0].name).to.equal('欧***')
    const user = await knex('app_user').where({ username: 'community' }).first('id')
    await knex('mediator').where({ id: d.mediator.id }).update({ user_id: user.id })
    try {
      expect((await get(`/api/v1/disputes/${d.id}`, 'community')).json().parties[0]).to.deep.include({ name: '欧阳娜娜', phone: '13912345678' })
      expect((await get(`/api/v1/mediators/${d.mediator.id}`, 'community')).json().phone).to.not.include('*')
    } finally {
      await knex('mediator').where({ id: d.mediator.id }).update({ user_id: null })
    }
  })

  it('describes its paths in the OpenAPI document', async () => {
    const doc = (await get('/api/v1/openapi.json')).json()
    for (const p of ['/api/v1/disputes', '/api/v1/disputes/{id}/conclude', '/api/v1/disputes/stats', '/api/v1/mediators', '/api/v1/mediators/bodies']) expect(doc.paths, p).to.have.property(p)
  })
})
