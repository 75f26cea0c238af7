// Joint meetings (/api/v1/meetings): a consult with invited units and decisions that have owners
// and deadlines, tracked like events (overdue counted against the table), closed by their owner;
// the 72-hour plan's rules; the event's history; jurisdiction; bad input naming the field.
import { expect } from 'chai'
import { fieldOf, world, type World } from '../fieldSteps/support.ts'

const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

describe('joint meetings (/api/v1/meetings)', function () {
  let w: World
  /** PUT and PATCH: the test client has get and post only */
  const send = (method: 'PUT' | 'PATCH', url: string, body: unknown, headers: Record<string, string> | undefined) =>
    w.client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
  before(async () => { w = await world() })
  const convene = (body: Record<string, unknown>, who = 'district') => w.client.post('/api/v1/meetings', body, w.auth[who])

  it('a consult about an event: units, decisions with owners, the event\'s history and the invited units\' inbox', async () => {
    const e = await w.report()
    const res = await convene({ kind: 'consult', title: '垃圾清运职责会商', eventNumber: e.number, startsAt: hours(1), place: '区网格中心三楼',
      units: ['CGJ-990102', 'JD-990102001000'], minutes: '城管局负责清运，街道负责宣传',
      decisions: [{ text: '三日内完成清运', owner: 'CGJ-990102', dueAt: hours(72) }, { text: '张贴告示', owner: 'JD-990102001000', dueAt: hours(24) }] })
    expect(res.statusCode, res.body).to.equal(201)
    const m = res.json()
    expect(m).to.include({ kind: 'consult', kindTitle: '会商', areaCode: '990102001001', eventNumber: e.number, minutes: '城管局负责清运，街道负责宣传' })
    expect(m.units.map((u: { code: string }) => u.code)).to.deep.equal(['CGJ-990102', 'JD-990102001000'])
    expect(m.decisions.map((d: { seq: number; owner: { code: string } }) => [d.seq, d.owner.code])).to.deep.equal([[1, 'CGJ-990102'], [2, 'JD-990102001000']])
    const h = (await w.history(e.number)).find((x) => x.action === 'meeting')!
    expect(h.explanation).to.include({ meeting: m.id, kind: 'consult', decisions: 2 })
    const told = await w.knex('inbox_item as i').join('app_user as u', 'u.id', 'i.user_id').where('i.kind', 'meeting').whereRaw("i.data->>'meeting' = ?", [String(m.id)]).pluck('u.username')
    expect(told).to.include.members(['department', 'street1'])
    // the department closes its own decision, not the street's
    const not = await w.client.post(`/api/v1/meetings/${m.id}/decisions/2/done`, { result: '已张贴' }, w.auth.department)
    expect(not.statusCode).to.equal(403)
    const done = await w.client.post(`/api/v1/meetings/${m.id}/decisions/1/done`, { result: '已清运完毕' }, w.auth.department)
    expect(done.statusCode, done.body).to.equal(200)
    expect(done.json().decisions[0]).to.include({ state: 'done', result: '已清运完毕' })
    expect((await w.client.post(`/api/v1/meetings/${m.id}/decisions/1/done`, { result: 'x' }, w.auth.department)).statusCode).to.equal(409)
    const minutes = await send('PATCH', `/api/v1/meetings/${m.id}`, { minutes: '补充：社区配合' }, w.auth.district)
    expect(minutes.statusCode, minutes.body).to.equal(200)
    expect(minutes.json().minutes).to.equal('补充：社区配合')
  })

  it('decisions are tracked like events: the overdue ones are those open past their deadline', async () => {
    const res = await convene({ kind: 'joint', title: '占道经营会办', areaCode: '990102001000', startsAt: hours(-48), units: ['CGJ-990102', 'JD-990102001000'],
      decisions: [{ text: '清理占道摊点', owner: 'CGJ-990102', dueAt: hours(-1) }, { text: '设置疏导点', owner: 'JD-990102001000', dueAt: hours(48) }] })
    expect(res.statusCode, res.body).to.equal(201)
    const m = res.json()
    expect(m.overdueDecisions).to.equal(1)
    const list = await w.client.get('/api/v1/meetings/decisions?overdue=true&limit=500', w.auth.command)
    expect(list.statusCode, list.body).to.equal(200)
    const items = list.json().items as { meetingId: number; seq: number; overdue: boolean }[]
    expect(items.every((d) => d.overdue)).to.equal(true)
    expect(items.filter((d) => d.meetingId === m.id).map((d) => d.seq)).to.deep.equal([1])
    // independent: every open decision past due in the table, all meetings being inside the centre's city
    const { rows: [n] } = await w.knex.raw("SELECT count(*)::int AS n FROM meeting_decision WHERE state = 'open' AND due_at < now()")
    expect(items.length).to.equal(n.n)
    const mine = await w.client.get('/api/v1/meetings/decisions?mine=true&limit=500', w.auth.department)
    expect(mine.json().items.every((d: { owner: { code: string } }) => d.owner.code === 'CGJ-990102')).to.equal(true)
    const more = await w.client.post(`/api/v1/meetings/${m.id}/decisions`, { decisions: [{ text: '复查', owner: 'CGJ-990102', dueAt: hours(96) }] }, w.auth.district)
    expect(more.statusCode, more.body).to.equal(200)
    expect(more.json().decisions.map((d: { seq: number }) => d.seq)).to.deep.equal([1, 2, 3])
  })

  it('a decision without an owner, or with one not invited, is a 400 naming it; the 72-hour plan keeps its hours', async () => {
    const e = await w.report()
    const base = { kind: 'consult', title: '会商', eventNumber: e.number, startsAt: hours(1), units: ['CGJ-990102'] }
    const noOwner = await convene({ ...base, decisions: [{ text: '清运', dueAt: hours(5) }] })
    expect(noOwner.statusCode).to.equal(400)
    expect(fieldOf(noOwner.body)).to.equal('decisions.0.owner')
    const stranger = await convene({ ...base, decisions: [{ text: '清运', owner: 'JD-990102001000', dueAt: hours(5) }] })
    expect(stranger.statusCode).to.equal(400)
    expect(fieldOf(stranger.body)).to.equal('decisions.0.owner')
    const noEvent = await convene({ kind: 'plan_72h', title: '72小时计划', areaCode: '990102001000', startsAt: hours(1), units: ['CGJ-990102'], decisions: [{ text: 'x', owner: 'CGJ-990102', dueAt: hours(5) }] })
    expect(fieldOf(noEvent.body)).to.equal('eventNumber')
    const beyond = await convene({ ...base, kind: 'plan_72h', decisions: [{ text: '先处置', owner: 'CGJ-990102', dueAt: hours(10) }, { text: '后续', owner: 'CGJ-990102', dueAt: hours(80) }] })
    expect(beyond.statusCode).to.equal(400)
    expect(fieldOf(beyond.body)).to.equal('decisions.1.dueAt')
    const plan = await convene({ ...base, kind: 'plan_72h', decisions: [{ text: '24小时内现场处置', owner: 'CGJ-990102', dueAt: hours(24) }] })
    expect(plan.statusCode, plan.body).to.equal(201)
    expect(plan.json().kindTitle).to.equal('72小时处置计划')
    const unknown = await convene({ ...base, units: ['NOPE-1'] })
    expect(fieldOf(unknown.body)).to.equal('units.0')
  })

  it('jurisdiction: another street sees neither the meeting nor the event; a department cannot convene', async () => {
    const e = await w.report()
    const res = await convene({ kind: 'escalated', title: '提级会商', eventNumber: e.number, startsAt: hours(2), units: ['CGJ-990102'] })
    expect(res.statusCode, res.body).to.equal(201)
    expect((await w.client.get(`/api/v1/meetings/${res.json().id}`, w.auth.street2)).statusCode).to.equal(404)
    expect((await convene({ kind: 'consult', title: 'x', eventNumber: e.number, startsAt: hours(2), units: ['CGJ-990102'] }, 'street2')).statusCode).to.equal(404)
    expect((await convene({ kind: 'consult', title: 'x', areaCode: '990102002000', startsAt: hours(2), units: ['CGJ-990102'] }, 'street1')).statusCode).to.equal(400)
    expect((await convene({ kind: 'consult', title: 'x', eventNumber: e.number, startsAt: hours(2), units: ['CGJ-990102'] }, 'department')).statusCode).to.equal(403)
    // the invited department reads it
    expect((await w.client.get(`/api/v1/meetings/${res.json().id}`, w.auth.department)).statusCode).to.equal(200)
  })
})
