// The rest of the closed loop over HTTP: automatic close after an inspector's verification with
// a photo, multi-level forwarding (转派/回报), primary and assisting units (主办/协办), supervision
// orders and their answers, the appeal that makes a linked event, and the SLA table.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { photoRow, pointIn, uniq } from './helpers.ts'
import { runDueTimers } from '../../server/events/scheduler.ts'
import { invalidateReference } from '../../server/events/reference.ts'
import { configSnapshot } from '../config/restore.ts'

interface EventView { number: string; status: string; assignee: { department: { code: string }; member: { id: number } | null } }

describe('events: the rest of the loop', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p1: { lon: number; lat: number }

  const report = async (over: Record<string, unknown> = {}) => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'),
      location: { x: p1.lon, y: p1.lat }, ...over,
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().event as EventView
  }
  const fire = (number: string, who: string | Record<string, string>, body: Record<string, unknown>) =>
    client.post(`/api/v1/events/${number}/transitions`, body, typeof who === 'string' ? auth[who] : who)
  const ok = async (number: string, who: string | Record<string, string>, body: Record<string, unknown>) => {
    const res = await fire(number, who, body)
    expect(res.statusCode, `${typeof who === 'string' ? who : 'member'} ${body.action}: ${res.body}`).to.equal(200)
    return res.json()
  }
  const refused = async (number: string, who: string | Record<string, string>, body: Record<string, unknown>, status: number, type: RegExp) => {
    const res = await fire(number, who, body)
    expect(res.statusCode, `${body.action}: ${res.body}`).to.equal(status)
    expect(res.json().type).to.match(type)
    return res.json()
  }
  const history = async (number: string) =>
    (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items as { action: string; actor: { role: string }; explanation: Record<string, unknown> }[]
  /** A token for the grid member an event was pushed to. */
  const asMember = async (e: EventView) => {
    const m = await knex('grid_member').where('id', e.assignee.member!.id).first('user_id')
    const { token } = await client.context.tokens.issue(Number(m.user_id))
    return { authorization: `Bearer ${token}` }
  }
  /** An event handled in its grid: pushed to the inspector, signed, handled, fed back. */
  const handledInGrid = async () => {
    const e = await report({ classCode: '0601', description: uniq('邻里纠纷') })
    expect(e.assignee.member).to.not.equal(null)
    const member = await asMember(e)
    for (const action of ['sign', 'handle', 'feedback']) await ok(e.number, member, { action, comment: action })
    return { e, member }
  }

  const put = (body: unknown, headers: Record<string, string> = {}) =>
    client.request({ method: 'PUT', url: '/api/v1/sla', payload: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } })

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'department', 'community', 'district']) auth[u] = await loginAs(client, u)
    p1 = await pointIn(knex, '990102001001')
  })

  it('GET /events/{number} says which actions the caller may fire now', async () => {
    const e = await report()
    const as = async (who: string) => (await client.get(`/api/v1/events/${e.number}`, auth[who])).json().allowed as string[]
    expect(await as('department')).to.include.members(['sign', 'return', 'escalate']).and.not.include('reassign')
    expect(await as('command')).to.include.members(['reassign', 'escalate', 'void', 'supervise']).and.not.include('sign')
    await ok(e.number, 'department', { action: 'sign' })
    expect(await as('department')).to.include.members(['handle', 'feedback', 'forward']).and.not.include('sign')
  })

  describe('verification and automatic close', () => {
    it('an inspector verifies with a photo, and an event handled in its grid closes itself', async () => {
      const { e, member } = await handledInGrid()
      await refused(e.number, member, { action: 'verify' }, 422, /photo_required/)
      // the inspector's app uploads the photo through the attachments endpoint
      const upload = (stage: string) => client.request({ method: 'POST', url: `/api/v1/events/${e.number}/attachments?stage=${stage}&name=现场.jpg`,
        headers: { ...member, 'content-type': 'image/jpeg' }, payload: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]) })
      const early = await upload('handling') // a photo of another stage does not count
      expect(early.statusCode, early.body).to.equal(201)
      await refused(e.number, member, { action: 'verify' }, 422, /photo_required/)
      expect((await upload('verify')).statusCode).to.equal(201)
      const r = await ok(e.number, member, { action: 'verify', comment: '现场已处理' })
      expect(r.event.status).to.equal('closed')
      const h = await history(e.number)
      expect(h.slice(-2).map((x) => [x.action, x.actor.role])).to.deep.equal([['verify', 'grid_inspector'], ['close', 'system']])
      expect(h.at(-1)!.explanation).to.deep.include({ auto: true })
    })

    it('attachments named by a step must belong to the event', async () => {
      const { e, member } = await handledInGrid()
      const other = await report()
      const foreign = await photoRow(knex, other.number)
      const res = await refused(e.number, member, { action: 'verify', attachments: [foreign] }, 422, /unknown_attachment/)
      expect(res.unknown).to.deep.equal([foreign])
      await refused(e.number, member, { action: 'verify', attachments: ['1'] }, 400, /validation/)
    })

    it('staff verification needs no photo and does not close by itself', async () => {
      const e = await report()
      for (const action of ['sign', 'handle', 'feedback']) await ok(e.number, 'department', { action })
      const r = await ok(e.number, 'street1', { action: 'verify' })
      expect(r.event.status).to.equal('verified')
    })
  })

  describe('multi-level dispatch (转派 / 回报)', () => {
    const toStreet = async () => {
      const e = await report()
      await ok(e.number, 'command', { action: 'reassign', departmentCode: 'JD-990102001000' })
      await ok(e.number, 'street1', { action: 'sign' })
      return e
    }

    it('a street office hands the event down to a community, which reports back; then the street feeds back', async () => {
      const e = await toStreet()
      const f = await ok(e.number, 'street1', { action: 'forward', departmentCode: 'SQ-990102001001', comment: '请社区协调' })
      expect(f.event.status).to.equal('dispatched')
      expect(f.event.assignee.department.code).to.equal('SQ-990102001001')
      await refused(e.number, 'street1', { action: 'feedback' }, 409, /illegal_transition/)
      await ok(e.number, 'community', { action: 'sign' })
      await ok(e.number, 'community', { action: 'handle' })
      const fb = await refused(e.number, 'community', { action: 'feedback' }, 409, /illegal_transition/)
      expect(fb.detail).to.match(/report_back/)
      expect(fb.allowed).to.include('report_back')
      const back = await ok(e.number, 'community', { action: 'report_back', comment: '已协调完毕' })
      expect(back.event.status).to.equal('handling')
      expect(back.event.assignee.department.code).to.equal('JD-990102001000')
      const done = await ok(e.number, 'street1', { action: 'feedback', comment: '处置完毕' })
      expect(done.event.status).to.equal('handled')
      const rows = await knex('event_forward').join('event', 'event.id', 'event_forward.event_id').where('event.number', e.number).select('outcome')
      expect(rows.map((r) => r.outcome)).to.deep.equal(['reported_back'])
    })

    it('a sub-unit that refuses returns the event, signed, to the unit that forwarded it', async () => {
      const e = await toStreet()
      await ok(e.number, 'street1', { action: 'forward', departmentCode: 'SQ-990102001001' })
      const r = await ok(e.number, 'community', { action: 'return', comment: '不属于社区职责' })
      expect(r.event.status).to.equal('signed')
      expect(r.event.assignee.department.code).to.equal('JD-990102001000')
      // the street's own clock is back: a fresh forward is possible again
      await ok(e.number, 'street1', { action: 'forward', departmentCode: 'SQ-990102001002' })
    })

    it('only to a sub-unit of the assignee, and only by the assignee', async () => {
      const e = await toStreet()
      await refused(e.number, 'street1', { action: 'forward', departmentCode: 'SQ-990102002001' }, 422, /not_a_sub_unit/)
      await refused(e.number, 'street1', { action: 'forward', departmentCode: 'NOPE-1' }, 422, /unknown_unit/)
      await refused(e.number, 'street1', { action: 'forward' }, 400, /bad_request|validation/)
      await refused(e.number, 'department', { action: 'forward', departmentCode: 'SQ-990102001001' }, 403, /forbidden/)
    })

    it('a reassignment by the centre ends the hand-downs', async () => {
      const e = await toStreet()
      await ok(e.number, 'street1', { action: 'forward', departmentCode: 'SQ-990102001001' })
      await ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102' })
      const rows = await knex('event_forward').join('event', 'event.id', 'event_forward.event_id').where('event.number', e.number).select('outcome')
      expect(rows.map((r) => r.outcome)).to.deep.equal(['superseded'])
      for (const action of ['sign', 'handle', 'feedback']) await ok(e.number, 'department', { action })
    })
  })

  describe('primary and assisting units (主办 / 协办)', () => {
    it('the primary unit feeds back once every assisting unit has given its opinion', async () => {
      const e = await report()
      await ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', assistingCodes: ['SQ-990102001001'] })
      const dispatched = (await history(e.number)).at(-1)!
      expect(dispatched.explanation.assisting).to.deep.equal([{ code: 'SQ-990102001001', name: (await knex('department').where('code', 'SQ-990102001001').first('name')).name }])
      await ok(e.number, 'department', { action: 'sign' })
      await ok(e.number, 'department', { action: 'handle' })
      const fb = await refused(e.number, 'department', { action: 'feedback' }, 409, /illegal_transition/)
      expect(fb.detail).to.match(/1 assisting unit/)
      await refused(e.number, 'department', { action: 'assist_sign' }, 403, /forbidden/)
      await refused(e.number, 'street2', { action: 'assist_sign' }, 404, /not_found/)
      await ok(e.number, 'community', { action: 'assist_sign' })
      await refused(e.number, 'community', { action: 'assist_sign' }, 409, /already_signed/)
      await refused(e.number, 'community', { action: 'assist_feedback' }, 400, /bad_request/)
      await ok(e.number, 'community', { action: 'assist_feedback', comment: '社区已配合入户宣传' })
      await refused(e.number, 'community', { action: 'assist_feedback', comment: 'again' }, 409, /already_done/)
      const done = await ok(e.number, 'department', { action: 'feedback' })
      expect(done.event.status).to.equal('handled')
      const opinions = await knex('event_assist').join('event', 'event.id', 'event_assist.event_id').where('event.number', e.number).select('state', 'opinion')
      expect(opinions).to.deep.equal([{ state: 'done', opinion: '社区已配合入户宣传' }])
    })

    it('unknown assisting units and the primary unit itself are refused, and nothing changes', async () => {
      const e = await report()
      const res = await refused(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', assistingCodes: ['SQ-990102001001', 'NOPE-9'] }, 422, /unknown_unit/)
      expect(res.unknown).to.deep.equal(['NOPE-9'])
      await refused(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', assistingCodes: ['CGJ-990102'] }, 422, /assisting_is_primary/)
      await refused(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', assistingCodes: Array(9).fill('SQ-990102001001') }, 400, /validation/)
      await refused(e.number, 'department', { action: 'sign', assistingCodes: ['SQ-990102001001'] }, 400, /bad_request/)
      const rows = await knex('event_assist').join('event', 'event.id', 'event_assist.event_id').where('event.number', e.number)
      expect(rows).to.have.length(0)
    })

    it('a new assignment cancels the open assisting tasks', async () => {
      const e = await report()
      await ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102', assistingCodes: ['SQ-990102001001'] })
      await ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102' })
      await refused(e.number, 'community', { action: 'assist_sign' }, 403, /forbidden/)
      for (const action of ['sign', 'handle', 'feedback']) await ok(e.number, 'department', { action })
    })
  })

  describe('supervision orders (督办)', () => {
    it('a supervisor issues an order, the assignee answers it; an unanswered order earns a red card', async () => {
      const e = await report()
      await refused(e.number, 'street1', { action: 'supervise' }, 400, /bad_request/)
      const s1 = await ok(e.number, 'street1', { action: 'supervise', comment: '请加快处置', card: 'yellow' })
      expect(s1.allowed).to.not.include('answer_supervision') // street1 is not the assignee
      await refused(e.number, 'department', { action: 'answer_supervision' }, 400, /bad_request/)
      const wrong = await refused(e.number, 'department', { action: 'answer_supervision', comment: '答复', supervisionId: 999_999 }, 422, /unknown_supervision/)
      expect(wrong.detail).to.include('999999')
      const a = await ok(e.number, 'department', { action: 'answer_supervision', comment: '已安排人员今日处置' })
      const answered = (await history(e.number)).at(-1)!
      expect(answered.action).to.equal('answer_supervision')
      expect(answered.explanation).to.deep.include({ late: false })
      expect(a.allowed).to.not.include('answer_supervision')
      await refused(e.number, 'department', { action: 'answer_supervision', comment: 'again' }, 409, /illegal_transition/)

      await ok(e.number, 'street1', { action: 'supervise', comment: '再次督办', card: 'red' })
      const ev = await knex('event').where('number', e.number).first('id')
      // the answer timer fires after the answer time (24 h by default): a red card that needs no answer
      const later = new Date(Date.now() + 25 * 3600_000)
      let guard = 0
      while ((await knex('event_timer').where({ event_id: ev.id, kind: 'answer', state: 'pending' }).where('due_at', '<=', later)).length && guard++ < 20) {
        await runDueTimers(knex, later)
      }
      const orders = await knex('event_supervision').where('event_id', ev.id).orderBy('id').select('kind', 'card', 'answered_at', 'answer_due_at')
      expect(orders.map((o) => o.kind)).to.include.members(['manual', 'answer_overdue'])
      const overdue = orders.find((o) => o.kind === 'answer_overdue')!
      expect(overdue).to.deep.include({ card: 'red', answer_due_at: null })
      expect(orders.filter((o) => o.kind === 'manual')[0].answered_at).to.be.an.instanceOf(Date)
    })
  })

  describe('appeal (申诉)', () => {
    const closedEvent = async () => {
      const { e, member } = await handledInGrid()
      await photoRow(knex, e.number, 'verify')
      await ok(e.number, member, { action: 'verify' })
      return e
    }

    it('creates a linked new event pushed to the inspector, once', async () => {
      const e = await closedEvent()
      await refused(e.number, 'command', { action: 'appeal' }, 400, /bad_request/)
      const r = await ok(e.number, 'command', { action: 'appeal', comment: '垃圾仍未清理' })
      expect(r.event.status).to.equal('closed')
      const child = (await history(e.number)).at(-1)!.explanation.appeal as string
      expect(child).to.match(/^E\d{12}$/)
      const c = (await client.get(`/api/v1/events/${child}`, auth.command)).json()
      expect(c.status).to.equal('dispatched')
      expect(c.description).to.include(e.number)
      expect(c.assignee.member).to.not.equal(null)
      expect(c.deadlines.signDueAt).to.be.a('string')
      const rows = await knex('event AS c').join('event AS o', 'o.id', 'c.parent_event_id').where('c.number', child).select('o.number', 'c.grid_code', 'o.grid_code AS og')
      expect(rows[0]).to.deep.include({ number: e.number })
      expect(rows[0].grid_code).to.equal(rows[0].og)
      const ch = await history(child)
      expect(ch.map((h) => h.action)).to.deep.equal(['report', 'dispatch'])
      await refused(e.number, 'command', { action: 'appeal', comment: '再申诉' }, 409, /illegal_transition/)
      // the linked event runs its own loop
      await ok(child, await asMember(c), { action: 'sign' })
    })

    it('is refused after the appeal window', async () => {
      const e = await closedEvent()
      await knex('event').where('number', e.number).update({ closed_at: new Date(Date.now() - 40 * 86_400_000) })
      const res = await refused(e.number, 'command', { action: 'appeal', comment: '太晚了' }, 409, /appeal_window_closed/)
      expect(res.detail).to.match(/15 days/)
    })

    it('a dissatisfied evaluation raises a petition (信访) order', async () => {
      const e = await closedEvent()
      await ok(e.number, 'command', { action: 'evaluate', satisfaction: 'dissatisfied' })
      const ev = await knex('event').where('number', e.number).first('id')
      const orders = await knex('event_supervision').where({ event_id: ev.id, kind: 'petition' }).select('reason', 'department_id')
      expect(orders).to.have.length(1)
      expect(orders[0].reason).to.include(e.number)
      expect(orders[0].department_id).to.be.a('number')
    })
  })

  describe('time limits as data: /api/v1/sla', () => {
    // PUT /api/v1/sla writes a time-limits version (migration 0050): put them back too
    let restoreConfig: () => Promise<void>
    before(async () => { restoreConfig = await configSnapshot(knex, 'time_limits') })
    after(async () => {
      await restoreConfig()
      await knex('event_sla').where('city_code', '990100').delete()
      invalidateReference(knex)
      invalidateReference(client.context.knex)
    })

    it('reads the national defaults, and only the command centre changes them', async () => {
      const r = await client.get('/api/v1/sla', auth.street1)
      expect(r.statusCode).to.equal(200)
      expect(r.json()).to.deep.include({ city: '990100', source: 'national' })
      expect(r.json().sla).to.deep.include({ signWorkHours: 4, signRestDayHours: 48, planHours: 24, answerHours: 24, appealDays: 15 })
      const body = { ...r.json().sla, escalateAfterHours: { community: 24, street: 48 } }
      expect((await put(body, auth.street1)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/sla')).statusCode).to.equal(401)
    })

    it('refuses bad values naming them, and keeps the old ones', async () => {
      const good = (await client.get('/api/v1/sla', auth.command)).json().sla
      for (const bad of [{ signWorkHours: -1 }, { signWorkHours: 'four' }, { appealDays: 0 }, { appealDays: 1.5 }, { answerHours: 1e9 }, { extra: 1 }, { escalateAfterHours: { community: 0, street: 48 } }]) {
        const res = await put({ ...good, escalateAfterHours: { community: 24, street: 48 }, ...bad }, auth.command)
        expect(res.statusCode, JSON.stringify(bad)).to.equal(400)
        expect(res.body).to.include(Object.keys(bad)[0]!)
      }
      expect((await client.get('/api/v1/sla', auth.command)).json().source).to.equal('national')
    })

    it('a city value applies to the next dispatch', async () => {
      const cur = (await client.get('/api/v1/sla', auth.command)).json().sla
      const res = await put({ ...cur, escalateAfterHours: { community: 24, street: 48 }, planHours: 2, districtPlanHours: 3, answerHours: 1 }, auth.command)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.deep.include({ source: 'city' })
      expect(res.json().sla).to.deep.include({ planHours: 2, answerHours: 1 })
      const e = await report()
      const ev = await knex('event').where('number', e.number).first('id', 'dispatched_at')
      const plan = await knex('event_timer').where({ event_id: ev.id, kind: 'plan', state: 'pending' }).first('due_at')
      // CGJ-990102 is a district-level unit: its plan is due after districtPlanHours
      expect(plan.due_at.getTime() - ev.dispatched_at.getTime()).to.equal(3 * 3600_000)
    })
  })
})
