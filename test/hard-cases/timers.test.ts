// Issue 18's timers: the background pass marks the rule's hard cases of every city without anyone
// asking for a scan (once: a second pass marks nothing), and an overdue meeting decision is told to
// its owner unit and the convener in the inbox once, however many passes run.
import { expect } from 'chai'
import { uniq } from '../events/helpers.ts'
import { world, type World } from '../fieldSteps/support.ts'
import { runHardCasePass } from '../../server/hard-cases/pass.ts'
import { tellOverdueDecisions } from '../../server/meetings/overdue.ts'

const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

describe('hard cases and meetings by the clock (the background passes)', function () {
  let w: World
  before(async () => { w = await world() })

  it('marks a long-overdue event as a hard case by itself, once', async () => {
    const e = await w.report({ description: uniq('井盖缺失长期无人处理') })
    const { id } = await w.knex('event').where('number', e.number).first('id')
    // far past the rule's overdue threshold, whatever the city's rule says (at most 8,760 h)
    await w.knex('event').where('id', id).update({ handle_due_at: w.knex.raw("now() - interval '20000 hours'") })
    expect(await runHardCasePass(w.knex)).to.be.at.least(1)
    const marks = await w.knex('event_hard_case').where({ event_id: id })
    expect(marks).to.have.length(1)
    expect(marks[0].source).to.equal('rule')
    expect(marks[0].reasons.map((r: { rule: string }) => r.rule)).to.include('overdue')
    await runHardCasePass(w.knex)
    expect(await w.knex('event_hard_case').where({ event_id: id })).to.have.length(1)
    expect((await w.history(e.number)).filter((x) => x.action === 'mark_hard_case')).to.have.length(1)
  })

  it('tells an overdue decision to its owner unit and the convener once', async () => {
    const res = await w.client.post('/api/v1/meetings', { kind: 'joint', title: uniq('积水点整治会办'), areaCode: '990102001000', startsAt: hours(-48),
      units: ['CGJ-990102'], decisions: [{ text: '疏通雨水口', owner: 'CGJ-990102', dueAt: hours(24) }] }, w.auth.district)
    expect(res.statusCode, res.body).to.equal(201)
    const m = res.json()
    const told = async () => w.knex('inbox_item as i').join('app_user as u', 'u.id', 'i.user_id').where('i.kind', 'meeting')
      .whereRaw("i.data->>'meetingId' = ? AND (i.data->>'overdue')::boolean", [String(m.id)]).pluck('u.username')
    await tellOverdueDecisions(w.knex)
    expect(await told(), 'not due yet').to.deep.equal([])
    await w.knex('meeting_decision').where({ meeting_id: m.id }).update({ due_at: new Date(Date.now() - 3_600_000) })
    expect(await tellOverdueDecisions(w.knex)).to.be.at.least(1)
    const first = await told()
    expect(first).to.include.members(['department', 'district'])
    await tellOverdueDecisions(w.knex)
    expect((await told()).length).to.equal(first.length)
  })
})
