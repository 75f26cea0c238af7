// What the field steps do inside the transition's transaction (the rules are in workflow.ts, the
// reads before the transaction in prepare.ts): 事件核实, 移交, 督办申请 and its review, 直接答复,
// and a declared 重大突发. Notices go to the inbox in the same transaction, so a refused step
// notifies nobody.
import type { Knex } from 'knex'
import { AppError } from '../../http/errors.ts'
import type { Principal } from '../../auth/users.ts'
import { deliver } from '../../inbox/deliver.ts'
import { signDeadline } from '../deadlines.ts'
import type { EventRow } from '../store.ts'
import type { Prepared, TransitionBody } from '../transitionInput.ts'
import { supervise } from '../supervisionAppeal.ts'
import { fieldError } from './prepare.ts'
import { alertEmergency } from './emergency.ts'

export const fieldActions = new Set(['verify_on_site', 'transfer', 'request_supervision', 'review_supervision_request', 'direct_reply', 'declare_emergency'])

export async function fieldEffect(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, set: Record<string, unknown>,
  now: Date, p: Principal): Promise<unknown> {
  switch (body.action) {
    case 'verify_on_site': return verifyOnSite(trx, e, body, prep, p, now)
    case 'transfer': return transfer(trx, e, body, prep, set, p, now)
    case 'request_supervision': return requestSupervision(trx, e, body, prep, p, now)
    case 'review_supervision_request': return reviewRequest(trx, e, body, prep, p, now)
    case 'direct_reply': {
      if (!body.comment) throw fieldError(400, 'validation_failed', 'comment', 'direct_reply needs comment: the answer given to the reporter').coded('transition.reply_needs_text')
      set.closed_at = now
      await trx('event_timer').where({ event_id: e.id, state: 'pending' }).update({ state: 'cancelled', outcome: 'closed by a direct reply' })
      return { directReply: true, demandType: e.demand_type }
    }
    case 'declare_emergency': {
      if (!body.comment) throw fieldError(400, 'validation_failed', 'comment', 'declare_emergency needs comment: why the event is a major emergency').coded('transition.emergency_needs_reason')
      const alerted = await alertEmergency(trx, { ...e, status: set.status as EventRow['status'] }, { source: 'manual', reason: body.comment, by: p.userId, now, alert: prep.field!.alert! })
      return { emergency: true, source: 'manual', alerted }
    }
    default: throw new Error(`fieldEffect: ${body.action} is not a field step`)
  }
}

/** 事件核实: the photos (named, or uploaded at stage verify since the report) and the position. */
async function verifyOnSite(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date) {
  const pos = prep.field!.position!
  const named = body.attachments?.length
    ? await trx('event_attachment').where('event_id', e.id).whereIn('id', body.attachments).whereLike('media_type', 'image/%').pluck('id')
    : await trx('event_attachment').where({ event_id: e.id, stage: 'verify' }).whereLike('media_type', 'image/%').where('uploaded_at', '>=', e.created_at).pluck('id')
  if (!named.length) throw fieldError(422, 'photo_required', 'attachments', 'an on-site verification needs a photo: upload one at stage=verify or name it in attachments').coded('transition.photo_required')
  const ids = named.map(Number)
  await trx('event_verification').insert({ event_id: e.id, city_code: e.city_code, user_id: p.userId, member_id: pos.memberId, outcome: body.outcome,
    attachment_ids: ids, geom: trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [pos.lon, pos.lat]), position_source: pos.source, metres: pos.metres, verified_at: now })
  return { outcome: body.outcome, position: { lon: pos.lon, lat: pos.lat, crs: 'EPSG:4490', source: pos.source }, metres: pos.metres, photos: ids }
}

/**
 * 移交 (Jinan 7.4.2): the receiver signs within the city's sign time and returns a plan within
 * its plan time, both from now; the event's handling deadline and escalation clock run on.
 */
async function transfer(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, set: Record<string, unknown>, p: Principal, now: Date) {
  const to = prep.field!.transferTo!
  const signDueAt = signDeadline(prep.cal, now)
  const planDueAt = prep.cal.addNaturalHours(now, prep.cal.sla.planHours)
  await trx('event_transfer').insert({ event_id: e.id, city_code: e.city_code, from_user_id: p.userId, from_member_id: to.fromMemberId,
    to_department_id: to.department.id, to_member_id: to.member?.id ?? null, reason: body.comment, transferred_at: now, sign_due_at: signDueAt, plan_due_at: planDueAt })
  Object.assign(set, { assignee_department_id: to.department.id, assignee_member_id: to.member?.id ?? null, dispatched_at: now,
    sign_due_at: signDueAt, signed_at: null, escalation_level: to.level })
  await trx('event_timer').where({ event_id: e.id, state: 'pending' }).whereIn('kind', ['sign', 'plan'])
    .update({ state: 'cancelled', outcome: 'superseded by a transfer' })
  await trx('event_timer').where({ event_id: e.id, state: 'pending' }).update({ assignment_at: now })
  await trx('event_timer').insert([
    { event_id: e.id, city_code: e.city_code, kind: 'sign', assignment_at: now, due_at: signDueAt, payload: JSON.stringify({ level: to.level, transferred: true }) },
    { event_id: e.id, city_code: e.city_code, kind: 'plan', assignment_at: now, due_at: planDueAt, payload: JSON.stringify({ level: to.level, transferred: true }) },
  ])
  const receivers = to.member
    ? await trx('grid_member').where('id', to.member.id).whereNotNull('user_id').pluck('user_id')
    : await trx('app_user').where({ department_id: to.department.id, disabled: false }).pluck('id')
  await deliver(trx, { kind: 'todo', title: `移交待签收：${e.number}`, body: body.comment, eventId: e.number, areaCode: e.community_code, link: `#/events/${e.number}`,
    data: { action: 'transfer', signDueAt: signDueAt.toISOString(), planDueAt: planDueAt.toISOString() } }, { userIds: receivers.map(Number) })
  return { to: { code: to.department.code, name: to.department.name, member: to.member?.name ?? null }, signDueAt: signDueAt.toISOString(), planDueAt: planDueAt.toISOString() }
}

/** 督办申请: the inspector's request waits for the grid leader, who is told at once. */
async function requestSupervision(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date) {
  if (!body.comment) throw fieldError(400, 'validation_failed', 'comment', 'request_supervision needs comment: what should be supervised and why').coded('transition.request_needs_reason')
  const [row] = await trx('event_supervision_request').insert({ event_id: e.id, city_code: e.city_code, community_code: e.community_code,
    requested_by: p.userId, reason: body.comment, requested_at: now }).returning('id')
  const leaders = prep.field!.leaders!.userIds
  const notified = await deliver(trx, { kind: 'supervision', title: `督办申请：${e.number}`, body: body.comment, eventId: e.number, areaCode: e.community_code,
    link: `#/events/${e.number}`, data: { request: Number(row.id), by: p.displayName } },
  { userIds: leaders, roles: ['community_staff'], areaCode: e.community_code })
  return { request: Number(row.id), leaders: leaders.length, notified }
}

/** The grid leader grants (a supervision order to the assignee) or declines the oldest open request. */
async function reviewRequest(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date) {
  if (body.grant === undefined) throw fieldError(400, 'validation_failed', 'grant', 'review_supervision_request needs grant: true (issue the order) or false (decline)').coded('transition.review_needs_grant')
  const req = await trx('event_supervision_request').where({ event_id: e.id, state: 'pending' }).orderBy('requested_at').orderBy('id').first('id', 'reason', 'requested_by')
  if (!req) throw new AppError(409, 'no_request', `no supervision request awaits a decision on ${e.number}`).coded('transition.no_supervision_request')
  let order: { supervision: number } | undefined
  if (body.grant) {
    if (e.assignee_department_id === null) throw new AppError(409, 'not_assigned', `event ${e.number} is not assigned: dispatch it before supervising`).coded('transition.supervise_unassigned', { number: e.number })
    order = await supervise(trx, e, { ...body, comment: body.comment ?? req.reason }, p, prep.cal, now)
  }
  await trx('event_supervision_request').where('id', req.id).update({ state: body.grant ? 'granted' : 'declined', reviewed_by: p.userId, reviewed_at: now,
    review_note: body.comment ?? null, supervision_id: order?.supervision ?? null })
  if (req.requested_by !== null) {
    await deliver(trx, { kind: 'supervision', title: `督办申请${body.grant ? '已同意' : '未同意'}：${e.number}`, body: body.comment, eventId: e.number,
      areaCode: e.community_code, link: `#/events/${e.number}`, data: { request: Number(req.id), granted: body.grant } }, { userIds: [Number(req.requested_by)] })
  }
  return { request: Number(req.id), granted: body.grant, supervision: order?.supervision ?? null }
}
