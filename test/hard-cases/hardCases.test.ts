// 疑难 (hard cases): the rule's measures against an independent count of the history, marking by
// rule and by hand (history, inbox), clearing, leader instructions (批示), the bounced orders with
// their look-alikes, jurisdiction (404) and bad input naming the field.
import { expect } from 'chai'
import { uniq } from '../events/helpers.ts'
import { fieldOf, world, type World } from '../fieldSteps/support.ts'

describe('hard cases (/api/v1/hard-cases)', function () {
  let w: World
  /** PUT and PATCH: the test client has get and post only */
  const send = (method: 'PUT' | 'PATCH', url: string, body: unknown, headers: Record<string, string> | undefined) =>
    w.client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
  const get = async (who: string, path: string) => {
    const res = await w.client.get(`/api/v1/hard-cases${path}`, w.auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json()
  }
  /** an event passed between units twice: reassigned to the community, then back to the department */
  const bounced = async (text = '暴露垃圾堆放无人清理') => {
    const e = await w.report({ description: uniq(text) })
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', comment: '改派社区' })
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', comment: '改派城管' })
    return e
  }
  before(async () => {
    w = await world()
    const res = await send('PUT', '/api/v1/hard-cases/rule', { bounces: 2, overdueHours: 5000, units: 5, reason: '测试：两次流转即为疑难' }, w.auth.command)
    expect(res.statusCode, res.body).to.equal(200)
  })

  it('the rule is read back; a bad threshold is a 400 naming it; only the centre sets it', async () => {
    const r = await get('district', '/rule')
    expect(r).to.include({ bounces: 2, overdueHours: 5000, units: 5, reason: '测试：两次流转即为疑难' })
    const bad = await send('PUT', '/api/v1/hard-cases/rule', { bounces: 0, overdueHours: 1, units: 2, reason: 'x' }, w.auth.command)
    expect(bad.statusCode).to.equal(400)
    expect(fieldOf(bad.body)).to.equal('bounces')
    expect((await send('PUT', '/api/v1/hard-cases/rule', { bounces: 2, overdueHours: 1, units: 2, reason: 'x' }, w.auth.street1)).statusCode).to.equal(403)
  })

  it('candidates count the passes as the history does; a scan marks them once, in the history and the inbox', async () => {
    const e = await bounced()
    const plain = await w.report()
    const c = await get('command', '/candidates?limit=500')
    const item = c.items.find((i: { number: string }) => i.number === e.number)
    const id = (await w.knex('event').where('number', e.number).first('id')).id
    const passes = await w.knex('event_history').where({ event_id: id }).whereIn('action', ['return', 'reassign', 'transfer']).count<{ n: string }[]>('* as n')
    expect(item.bounces).to.equal(Number(passes[0]!.n)).and.to.equal(2)
    expect(item.reasons).to.deep.equal([{ rule: 'bounces', value: 2, threshold: 2 }])
    expect(c.items.map((i: { number: string }) => i.number)).to.not.include(plain.number)
    const before = Number((await w.knex('inbox_item').where({ kind: 'hard_case', event_ref: e.number }).count<{ n: string }[]>('* as n'))[0]!.n)
    const s = await w.client.post('/api/v1/hard-cases/scan', {}, w.auth.command)
    expect(s.statusCode, s.body).to.equal(200)
    expect(s.json().marked).to.include(e.number)
    const again = await w.client.post('/api/v1/hard-cases/scan', {}, w.auth.command)
    expect(again.json().marked).to.not.include(e.number)
    const marks = await w.knex('event_hard_case').where({ event_id: id })
    expect(marks).to.have.length(1)
    expect(marks[0].source).to.equal('rule')
    const h = await w.history(e.number)
    expect(h.filter((x) => x.action === 'mark_hard_case')).to.have.length(1)
    // the desks whose area covers the event are told: the centre, the district and the first street
    const told = await w.knex('inbox_item as i').join('app_user as u', 'u.id', 'i.user_id').where({ 'i.kind': 'hard_case', 'i.event_ref': e.number }).pluck('u.username')
    expect(told.length).to.be.greaterThan(before)
    expect(told).to.include.members(['command', 'district', 'street1'])
    expect(told).to.not.include('street2')
    const list = await get('street1', '/?state=open&limit=500')
    expect(list.items.map((i: { number: string }) => i.number)).to.include(e.number)
  })

  it('overdue and units: the hours past the handling deadline and the units involved, as the table says', async () => {
    const e = await w.report()
    const id = (await w.knex('event').where('number', e.number).first('id')).id
    await w.knex('event').where('id', id).update({ handle_due_at: w.knex.raw("now() - interval '5000 hours 30 minutes'") })
    await w.knex('event_assist').insert(['SQ-990102001001', 'JD-990102001000'].map((code) => ({ event_id: id, assignment_at: new Date(), city_code: '990100',
      department_id: w.knex('department').where('code', code).select('id') })))
    const d = await get('command', `/events/${e.number}`)
    const { rows: [x] } = await w.knex.raw('SELECT floor(extract(epoch FROM now() - handle_due_at) / 3600)::int AS h FROM event WHERE id = ?', [id])
    expect(d.measures.overdueHours).to.be.within(x.h - 1, x.h)
    expect(d.measures.units).to.equal(3)
    expect(d.measures.reasons.map((r: { rule: string }) => r.rule)).to.deep.equal(['overdue'])
  })

  it('by hand: marked with a note, twice is a 409, cleared, and the history says both', async () => {
    const e = await w.report()
    const m = await w.client.post(`/api/v1/hard-cases/events/${e.number}/mark`, { note: '涉及多部门职责，需会商' }, w.auth.district)
    expect(m.statusCode, m.body).to.equal(201)
    expect(m.json()).to.include({ source: 'manual', open: true, note: '涉及多部门职责，需会商' })
    expect(m.json().reasons[0]).to.deep.equal({ rule: 'manual' })
    const twice = await w.client.post(`/api/v1/hard-cases/events/${e.number}/mark`, { note: '再次' }, w.auth.district)
    expect(twice.statusCode).to.equal(409)
    expect(twice.json().code).to.equal('hard_cases.already_marked')
    const empty = await w.client.post(`/api/v1/hard-cases/events/${e.number}/mark`, {}, w.auth.district)
    expect(empty.statusCode).to.equal(400)
    expect(fieldOf(empty.body)).to.equal('note')
    const c = await w.client.post(`/api/v1/hard-cases/events/${e.number}/clear`, { note: '已明确责任单位' }, w.auth.command)
    expect(c.statusCode, c.body).to.equal(200)
    expect((await w.client.post(`/api/v1/hard-cases/events/${e.number}/clear`, { note: 'x' }, w.auth.command)).statusCode).to.equal(409)
    expect((await w.history(e.number)).map((x) => x.action)).to.include.members(['mark_hard_case', 'clear_hard_case'])
    const d = await get('command', `/events/${e.number}`)
    expect(d.marking).to.include({ open: false, clearNote: '已明确责任单位' })
  })

  it('a leader instruction (批示) is in the history and the detail, and reaches the unit holding the event', async () => {
    const e = await w.report()
    const res = await w.client.post(`/api/v1/hard-cases/events/${e.number}/instructions`,
      { text: '请城管局牵头，三日内拿出处置方案', leaderTitle: '副区长', leaderName: '王某', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }, w.auth.district)
    expect(res.statusCode, res.body).to.equal(201)
    const h = await w.history(e.number)
    const row = h.find((x) => x.action === 'instruction')!
    expect(row.comment).to.equal('副区长王某批示：请城管局牵头，三日内拿出处置方案')
    expect(row.explanation).to.include({ leader: '王某', title: '副区长' })
    const d = await get('command', `/events/${e.number}`)
    expect(d.instructions.map((i: { text: string }) => i.text)).to.deep.equal(['请城管局牵头，三日内拿出处置方案'])
    const told = await w.knex('inbox_item as i').join('app_user as u', 'u.id', 'i.user_id').where({ 'i.event_ref': e.number, 'i.kind': 'hard_case' }).pluck('u.username')
    expect(told).to.include('department')
    const blank = await w.client.post(`/api/v1/hard-cases/events/${e.number}/instructions`, { text: ' ' }, w.auth.district)
    expect(blank.statusCode).to.equal(400)
    expect(fieldOf(blank.body)).to.equal('text')
    expect((await w.client.post(`/api/v1/hard-cases/events/${e.number}/instructions`, { text: '批示' }, w.auth.department)).statusCode).to.equal(403)
  })

  it('bounced orders are linked with their look-alikes: same class and street, similar text', async () => {
    const a = await bounced('小区门口垃圾桶满溢无人清运')
    const alike = await w.report({ description: uniq('小区门口垃圾桶满溢无人清运') })
    const other = await w.report({ description: uniq('路灯不亮影响夜间出行') })
    const b = await get('command', '/bounced?limit=200&similarity=0.5')
    const item = b.items.find((i: { number: string }) => i.number === a.number)
    expect(item.bounces).to.equal(2)
    const linked = item.similar.map((s: { number: string }) => s.number)
    expect(linked).to.include(alike.number)
    expect(linked).to.not.include(other.number)
    expect(item.similar.every((s: { similarity: number }) => s.similarity >= 0.5 && s.similarity <= 1)).to.equal(true)
  })

  it('outside the jurisdiction an event answers 404; a department may not read the register', async () => {
    const e = await w.report()
    expect((await w.client.get(`/api/v1/hard-cases/events/${e.number}`, w.auth.street2)).statusCode).to.equal(404)
    expect((await w.client.post(`/api/v1/hard-cases/events/${e.number}/instructions`, { text: '批示' }, w.auth.street2)).statusCode).to.equal(404)
    expect((await w.client.get('/api/v1/hard-cases', w.auth.department)).statusCode).to.equal(403)
    expect((await w.client.get('/api/v1/hard-cases/events/E1', w.auth.command)).statusCode).to.equal(404)
  })
})
