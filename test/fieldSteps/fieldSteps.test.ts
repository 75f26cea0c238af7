// The inspector's own steps over HTTP (issue 18 part 4): on-site verification before acceptance,
// transfer to another inspector or a 落格 unit, the supervision request to the grid leader, the
// centre's direct reply, and the duty chief's coordinated dispatch.
import { expect } from 'chai'
import { photoRow, uniq } from '../events/helpers.ts'
import { fieldOf, world, type World } from './support.ts'

describe('field steps: verification, transfer, supervision request, direct reply, duty chief', function () {
  let w: World
  before(async () => { w = await world() })

  /** An event assigned to the demo inspector, signed by them. */
  const atInspector = async () => {
    const e = await w.report()
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: w.me })
    await w.ok(e.number, 'inspector', { action: 'sign' })
    return e
  }

  describe('事件核实 (verify_on_site)', () => {
    it('holds a resident demand of a class that asks for it until a confirmed verification with photo and position', async () => {
      const e = await w.report({ channel: 'resident', classCode: '0101', description: uniq('私搭乱建 违建') })
      expect(e.status).to.equal('reported')
      expect((await w.history(e.number)).map((h) => h.action)).to.deep.equal(['report', 'verify_required'])
      const early = await w.fire(e.number, 'command', { action: 'accept' })
      expect(early.statusCode).to.equal(409)
      expect(early.json().code).to.equal('transition.verification_pending')

      // no photo: 422 naming attachments
      const noPhoto = await w.fire(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: w.p1.lat } })
      expect(noPhoto.statusCode).to.equal(422)
      expect(fieldOf(noPhoto.body)).to.equal('attachments')
      const photo = await photoRow(w.knex, e.number, 'verify')
      // about 0.01° of latitude away (over a kilometre): not on site
      const far = await w.fire(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: w.p1.lat + 0.01 } })
      expect(far.statusCode).to.equal(422)
      expect(fieldOf(far.body)).to.equal('location')
      expect(far.json().code).to.equal('transition.verify_too_far')
      const noOutcome = await w.fire(e.number, 'inspector', { action: 'verify_on_site', location: { x: w.p1.lon, y: w.p1.lat } })
      expect(noOutcome.statusCode).to.equal(400)
      expect(fieldOf(noOutcome.body)).to.equal('outcome')

      // 20 m north of the reported point
      const lat = w.p1.lat + 20 / 111_000
      const done = await w.ok(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: lat } })
      expect(done.event.status).to.equal('reported')
      const { rows: [d] } = await w.knex.raw(`SELECT ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS m`,
        [w.p1.lon, lat, w.p1.lon, w.p1.lat])
      const row = await w.knex('event_verification as v').join('event as e', 'e.id', 'v.event_id').where('e.number', e.number).first('v.metres', 'v.outcome', 'v.attachment_ids', 'v.position_source')
      expect(row.outcome).to.equal('confirmed')
      expect(row.position_source).to.equal('reported')
      expect(row.attachment_ids.map(Number)).to.deep.equal([photo])
      expect(row.metres).to.be.closeTo(Number(d.m), 0.1)
      expect(row.metres).to.be.within(18, 22)
      const hist = await w.history(e.number)
      expect(hist.at(-1)!.action).to.equal('verify_on_site')
      expect(hist.at(-1)!.explanation).to.deep.include({ outcome: 'confirmed', photos: [photo] })
      expect(done.allowed).to.not.include('verify_on_site')
      await w.ok(e.number, 'command', { action: 'accept' })
    })

    it('holds a hotline demand that its channel would file at once; an unconfirmed one can only be rejected', async () => {
      const e = await w.report({ channel: 'hotline_12345', classCode: '0103', description: uniq('积存垃圾渣土') }, 'system')
      expect(e.status, 'hotline files automatically, but not this class').to.equal('reported')
      await photoRow(w.knex, e.number, 'verify')
      await w.ok(e.number, 'inspector', { action: 'verify_on_site', outcome: 'unconfirmed', location: { x: w.p1.lon, y: w.p1.lat } })
      const accept = await w.fire(e.number, 'command', { action: 'accept' })
      expect(accept.statusCode).to.equal(409)
      expect(accept.json().code).to.equal('transition.verification_unconfirmed')
      await w.ok(e.number, 'command', { action: 'reject', comment: '现场核实不属实' })
    })

    it('a class without the rule, or a channel of the field force, is filed as before', async () => {
      const plain = await w.report({ channel: 'resident', classCode: '0102' })
      const res = await w.fire(plain.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: w.p1.lat } })
      expect(res.statusCode).to.equal(409)
      expect(res.json().code).to.equal('transition.verification_not_required')
      const own = await w.report({ channel: 'superior', classCode: '0101', description: uniq('私搭乱建') })
      expect(own.status).to.equal('dispatched')
    })

    it('without a location, the inspector needs a recent device fix, and then that fix is the position', async () => {
      const e = await w.report({ channel: 'resident', classCode: '0101', description: uniq('私搭乱建') })
      await photoRow(w.knex, e.number, 'verify')
      const res = await w.fire(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed' })
      expect(res.statusCode).to.equal(422)
      expect(fieldOf(res.body)).to.equal('location')
      // the demo inspector's device reports 50 m east of the point: a good fix of a minute ago
      const device = await w.knex('device_binding').where({ member_id: w.me }).first('device_id')
      const lon = w.p1.lon + 50 / (111_320 * Math.cos((w.p1.lat * Math.PI) / 180))
      await w.knex('position').insert({ city_code: '990100', device_id: device.device_id, member_id: w.me, fixed_at: new Date(Date.now() - 60_000),
        geom: w.knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, w.p1.lat]) })
      await w.ok(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed' })
      const row = await w.knex('event_verification as v').join('event as e', 'e.id', 'v.event_id').where('e.number', e.number).first('v.position_source', 'v.metres', 'v.member_id')
      expect(row.position_source).to.equal('device_fix')
      expect(Number(row.member_id)).to.equal(w.me)
      expect(row.metres).to.be.within(45, 55)
    })
  })

  describe('移交 (transfer)', () => {
    it('a transfer to a member outside the area is a 422 naming memberId; the event stays', async () => {
      const e = await atInspector()
      const res = await w.fire(e.number, 'inspector', { action: 'transfer', memberId: w.outsider, comment: '不属本网格' })
      expect(res.statusCode).to.equal(422)
      expect(fieldOf(res.body)).to.equal('memberId')
      expect(res.json().code).to.equal('transition.member_outside_area')
      const noReason = await w.fire(e.number, 'inspector', { action: 'transfer', memberId: w.neighbour })
      expect(noReason.statusCode).to.equal(400)
      expect(fieldOf(noReason.body)).to.equal('comment')
      const other = await w.fire(e.number, 'inspector', { action: 'transfer', departmentCode: 'JD-990102002000', comment: '移交' })
      expect(other.statusCode).to.equal(422)
      expect(fieldOf(other.body)).to.equal('departmentCode')
      const still = (await w.client.get(`/api/v1/events/${e.number}`, w.auth.command)).json()
      expect(still.status).to.equal('signed')
      expect(still.assignee.member.id).to.equal(w.me)
    })

    it('to another inspector: the receiver signs within the sign time and plans within 24 h', async () => {
      const e = await atInspector()
      const before = await w.knex('event').where('number', e.number).first('handle_due_at')
      const r = await w.ok(e.number, 'inspector', { action: 'transfer', memberId: w.neighbour, comment: '移交相邻网格员处理' })
      expect(r.event.status).to.equal('dispatched')
      expect((r.event.assignee as { member: { id: number } }).member.id).to.equal(w.neighbour)
      const t = await w.knex('event_transfer as t').join('event as e', 'e.id', 't.event_id').where('e.number', e.number)
        .first('t.transferred_at', 't.sign_due_at', 't.plan_due_at', 't.to_member_id', 't.from_member_id')
      expect(Number(t.to_member_id)).to.equal(w.neighbour)
      expect(Number(t.from_member_id)).to.equal(w.me)
      // plan: 24 natural hours after the transfer (the demo city's planHours)
      const sla = (await w.client.get('/api/v1/sla', w.auth.command)).json()
      const planHours = Number(sla.planHours ?? sla.sla?.planHours ?? 24)
      expect(t.plan_due_at.getTime() - t.transferred_at.getTime()).to.equal(planHours * 3_600_000)
      expect(new Date((r.event.deadlines as { signDueAt: string }).signDueAt).getTime()).to.equal(t.sign_due_at.getTime())
      const timers = await w.knex('event_timer as t').join('event as e', 'e.id', 't.event_id').where({ 'e.number': e.number, 't.state': 'pending' }).select('t.kind', 't.due_at')
      expect(timers.find((x) => x.kind === 'plan')!.due_at.getTime()).to.equal(t.plan_due_at.getTime())
      expect(timers.find((x) => x.kind === 'sign')!.due_at.getTime()).to.equal(t.sign_due_at.getTime())
      const after = await w.knex('event').where('number', e.number).first('handle_due_at')
      expect(after.handle_due_at?.getTime(), 'the handling deadline runs on').to.equal(before.handle_due_at?.getTime())
      // the demo inspector no longer holds it
      const gone = await w.fire(e.number, 'inspector', { action: 'sign' })
      expect(gone.statusCode).to.equal(403)
    })

    it('to a 落格 unit whose area holds the event', async () => {
      const e = await atInspector()
      const r = await w.ok(e.number, 'inspector', { action: 'transfer', departmentCode: 'CGJ-990102', comment: '属城管职责，移交落格城管' })
      expect((r.event.assignee as { department: { code: string }; member: unknown }).department.code).to.equal('CGJ-990102')
      await w.ok(e.number, 'department', { action: 'sign' })
    })
  })

  describe('督办申请 (request_supervision) and its review', () => {
    it('the inspector asks, the grid leader grants: a supervision order the assignee must answer', async () => {
      const e = await w.report()
      expect(e.assignee!.department.code).to.equal('CGJ-990102')
      const noReason = await w.fire(e.number, 'inspector', { action: 'request_supervision' })
      expect(noReason.statusCode).to.equal(400)
      expect(fieldOf(noReason.body)).to.equal('comment')
      await w.ok(e.number, 'inspector', { action: 'request_supervision', comment: '超过一周未处置，申请督办' })
      const again = await w.fire(e.number, 'inspector', { action: 'request_supervision', comment: '再次申请' })
      expect(again.statusCode).to.equal(409)
      expect(again.json().code).to.equal('transition.supervision_request_pending')
      const noGrant = await w.fire(e.number, 'community', { action: 'review_supervision_request' })
      expect(noGrant.statusCode).to.equal(400)
      expect(fieldOf(noGrant.body)).to.equal('grant')
      const r = await w.ok(e.number, 'community', { action: 'review_supervision_request', grant: true, comment: '同意督办' })
      expect(r.event.status).to.equal('dispatched')
      const req = await w.knex('event_supervision_request as r').join('event as e', 'e.id', 'r.event_id').where('e.number', e.number).first('r.state', 'r.supervision_id')
      expect(req.state).to.equal('granted')
      const order = await w.knex('event_supervision').where('id', req.supervision_id).first('kind', 'reason', 'answered_at')
      expect(order).to.deep.include({ kind: 'manual', reason: '同意督办', answered_at: null })
      const dept = (await w.client.get(`/api/v1/events/${e.number}`, w.auth.department)).json()
      expect(dept.allowed).to.include('answer_supervision')
    })

    it('a declined request issues no order', async () => {
      const e = await w.report()
      await w.ok(e.number, 'inspector', { action: 'request_supervision', comment: '申请督办' })
      await w.ok(e.number, 'street1', { action: 'review_supervision_request', grant: false, comment: '已在处置中' })
      const orders = await w.knex('event_supervision as s').join('event as e', 'e.id', 's.event_id').where('e.number', e.number).count('* as n').first()
      expect(Number(orders!.n)).to.equal(0)
    })
  })

  describe('直接答复 (direct_reply)', () => {
    it('the desk answers a consultation and closes it without dispatch; the reply is the history comment', async () => {
      const e = await w.report({ channel: 'resident', demandType: '咨询', description: uniq('咨询垃圾分类投放时间') })
      expect(e.status).to.equal('reported')
      const empty = await w.fire(e.number, 'command', { action: 'direct_reply' })
      expect(empty.statusCode).to.equal(400)
      expect(fieldOf(empty.body)).to.equal('comment')
      const r = await w.ok(e.number, 'command', { action: 'direct_reply', comment: '每日 7:00-9:00、18:00-20:00 定时投放' })
      expect(r.event.status).to.equal('closed')
      expect(r.event.assignee).to.equal(null)
      expect(r.allowed).to.include('evaluate')
      const last = (await w.history(e.number)).at(-1)!
      expect(last).to.deep.include({ action: 'direct_reply', from: 'reported', to: 'closed', comment: '每日 7:00-9:00、18:00-20:00 定时投放' })
      const closed = await w.knex('event').where('number', e.number).first('closed_at')
      expect(closed.closed_at).to.be.instanceOf(Date)
    })
  })

  describe('值班长 (duty shifts and coordinate_dispatch)', () => {
    it('only the duty chief on shift coordinates dispatch, with assisting units', async () => {
      const e = await w.report()
      const before = await w.fire(e.number, 'command', { action: 'coordinate_dispatch', departmentCode: 'SQ-990102001001', comment: '协调' })
      expect(before.statusCode).to.equal(403)
      expect(before.json().code).to.equal('transition.not_duty_chief')

      const now = Date.now()
      const shift = { username: 'command', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() }
      const bad = await w.client.post('/api/v1/duty', { ...shift, username: 'department' }, w.auth.command)
      expect(bad.statusCode).to.equal(422)
      expect(fieldOf(bad.body)).to.equal('username')
      const backwards = await w.client.post('/api/v1/duty', { ...shift, endsAt: shift.startsAt }, w.auth.command)
      expect(backwards.statusCode).to.equal(400)
      expect(fieldOf(backwards.body)).to.equal('endsAt')
      expect((await w.client.post('/api/v1/duty', shift, w.auth.street1)).statusCode).to.equal(403)
      const made = await w.client.post('/api/v1/duty', shift, w.auth.command)
      expect(made.statusCode, made.body).to.equal(201)
      const clash = await w.client.post('/api/v1/duty', { ...shift, username: 'district' }, w.auth.command)
      expect(clash.statusCode).to.equal(409)
      expect(fieldOf(clash.body)).to.equal('startsAt')
      const list = (await w.client.get('/api/v1/duty', w.auth.inspector)).json().items
      expect(list.find((s: { id: number }) => s.id === made.json().id)).to.deep.include({ username: 'command', onDuty: true })

      const noComment = await w.fire(e.number, 'command', { action: 'coordinate_dispatch', departmentCode: 'SQ-990102001001' })
      expect(noComment.statusCode).to.equal(400)
      expect(fieldOf(noComment.body)).to.equal('comment')
      const r = await w.ok(e.number, 'command', { action: 'coordinate_dispatch', departmentCode: 'SQ-990102001001', assistingCodes: ['CGJ-990102'], comment: '社区主办、城管协办' })
      expect(r.event.status).to.equal('dispatched')
      expect((r.event.assignee as { department: { code: string } }).department.code).to.equal('SQ-990102001001')
      const assists = await w.knex('event_assist as a').join('event as e', 'e.id', 'a.event_id').join('department as d', 'd.id', 'a.department_id')
        .where('e.number', e.number).where('a.state', 'pending').pluck('d.code')
      expect(assists).to.deep.equal(['CGJ-990102'])
      // another desk user without a shift still may not
      const other = await w.fire(e.number, 'district', { action: 'coordinate_dispatch', departmentCode: 'CGJ-990102', comment: '改由城管' })
      expect(other.statusCode).to.equal(403)
    })
  })
})
