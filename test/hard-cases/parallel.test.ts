// 并联办 (/api/v1/parallel): one event to several units at once, each part with its own deadline;
// the primary unit's feedback waits until every part is done; the part's own unit closes it;
// bad input names the field.
import { expect } from 'chai'
import { fieldOf, world, type World } from '../fieldSteps/support.ts'

const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

describe('parallel handling (/api/v1/parallel)', function () {
  let w: World
  before(async () => { w = await world() })

  it('the event is fed back only when every part is done, each by its own unit', async () => {
    const e = await w.report()
    expect(e.assignee!.department.code).to.equal('CGJ-990102')
    const due = [hours(24), hours(48)]
    const res = await w.client.post(`/api/v1/parallel/${e.number}/parts`, { parts: [
      { departmentCode: 'SQ-990102001001', task: '社区入户劝导', dueAt: due[0] },
      { departmentCode: 'JD-990102001000', task: '街道协调物业', dueAt: due[1] },
    ] }, w.auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const started = res.json()
    expect(started.open).to.equal(2)
    // each part keeps its own deadline
    expect(started.parts.map((p: { unit: { code: string }; dueAt: string }) => [p.unit.code, p.dueAt]))
      .to.deep.equal([['SQ-990102001001', due[0]], ['JD-990102001000', due[1]]])
    const [sq, jd] = started.parts as { id: number }[]
    // the community and the street are told in their inbox
    const told = await w.knex('inbox_item as i').join('app_user as u', 'u.id', 'i.user_id').where({ 'i.kind': 'todo', 'i.event_ref': e.number }).pluck('u.username')
    expect(told).to.include.members(['community', 'street1'])
    await w.ok(e.number, 'department', { action: 'sign' })
    const early = await w.fire(e.number, 'department', { action: 'feedback', comment: '已处置' })
    expect(early.statusCode).to.equal(409)
    expect(early.json().code).to.equal('transition.parts_open')
    expect(early.json().params).to.include({ count: 2 })
    // a unit closes only its own part
    const wrong = await w.client.post(`/api/v1/parallel/${e.number}/parts/${sq!.id}/done`, { result: '已劝导' }, w.auth.department)
    expect(wrong.statusCode).to.equal(403)
    const one = await w.client.post(`/api/v1/parallel/${e.number}/parts/${sq!.id}/done`, { result: '已入户劝导' }, w.auth.community)
    expect(one.statusCode, one.body).to.equal(200)
    expect(one.json().open).to.equal(1)
    expect((await w.fire(e.number, 'department', { action: 'feedback', comment: '已处置' })).statusCode).to.equal(409)
    const two = await w.client.post(`/api/v1/parallel/${e.number}/parts/${jd!.id}/done`, { result: '物业已整改' }, w.auth.street1)
    expect(two.statusCode, two.body).to.equal(200)
    expect(two.json().open).to.equal(0)
    expect((await w.client.post(`/api/v1/parallel/${e.number}/parts/${jd!.id}/done`, { result: 'x' }, w.auth.street1)).statusCode).to.equal(409)
    await w.ok(e.number, 'department', { action: 'feedback', comment: '已处置，并联各方均已办结' })
    const h = (await w.history(e.number)).map((x) => x.action)
    expect(h.filter((a) => a === 'parallel_done')).to.have.length(2)
    expect(h.indexOf('feedback')).to.be.greaterThan(h.lastIndexOf('parallel_done'))
    // the parts agree with the table
    const rows = await w.knex('event_part as p').join('event as e', 'e.id', 'p.event_id').where('e.number', e.number).pluck('p.state')
    expect(rows).to.deep.equal(['done', 'done'])
  })

  it('the unit sees its open parts, overdue flagged; a desk withdraws a part', async () => {
    const e = await w.report()
    const res = await w.client.post(`/api/v1/parallel/${e.number}/parts`, { parts: [{ departmentCode: 'SQ-990102001001', task: '核实住户情况', dueAt: hours(0.01) }] }, w.auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    const id = res.json().parts[0].id as number
    await w.knex('event_part').where('id', id).update({ due_at: new Date(Date.now() - 60_000) })
    const mine = await w.client.get('/api/v1/parallel?limit=500', w.auth.community)
    const item = mine.json().items.find((i: { id: number }) => i.id === id)
    expect(item).to.include({ number: e.number, overdue: true, state: 'open' })
    expect((await w.client.get('/api/v1/parallel?limit=500', w.auth.department)).json().items.map((i: { id: number }) => i.id)).to.not.include(id)
    const wd = await w.client.post(`/api/v1/parallel/${e.number}/parts/${id}/withdraw`, { reason: '已由街道统一处理' }, w.auth.street1)
    expect(wd.statusCode, wd.body).to.equal(200)
    expect(wd.json().open).to.equal(0)
  })

  it('bad input names the field; an event not being handled is a 409; outside the area, 404', async () => {
    const e = await w.report()
    const post = (parts: unknown[], who = 'command', number = e.number) => w.client.post(`/api/v1/parallel/${number}/parts`, { parts }, w.auth[who])
    const primary = await post([{ departmentCode: 'CGJ-990102', task: '主办', dueAt: hours(5) }])
    expect(primary.statusCode).to.equal(400)
    expect(fieldOf(primary.body)).to.equal('parts.0.departmentCode')
    const past = await post([{ departmentCode: 'SQ-990102001001', task: '过期', dueAt: hours(-1) }])
    expect(fieldOf(past.body)).to.equal('parts.0.dueAt')
    const twice = await post([{ departmentCode: 'SQ-990102001001', task: 'a', dueAt: hours(5) }, { departmentCode: 'SQ-990102001001', task: 'b', dueAt: hours(5) }])
    expect(fieldOf(twice.body)).to.equal('parts.1.departmentCode')
    const noTask = await post([{ departmentCode: 'SQ-990102001001', dueAt: hours(5) }])
    expect(fieldOf(noTask.body)).to.equal('parts.0.task')
    expect((await post([{ departmentCode: 'SQ-990102001001', task: 'a', dueAt: hours(5) }], 'street2')).statusCode).to.equal(404)
    await w.ok(e.number, 'department', { action: 'return', comment: '非本单位职责' })
    const idle = await post([{ departmentCode: 'SQ-990102001001', task: 'a', dueAt: hours(5) }])
    expect(idle.statusCode).to.equal(409)
  })
})
