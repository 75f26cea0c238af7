// What an action does beyond the status, inside the transition's transaction: the assignment
// (assignee, deadlines, timers), hand-downs and report-backs, assisting units, extensions,
// parking. Supervision and appeal live in supervisionAppeal.ts.
import type { Knex } from 'knex'
import { AppError, badRequest } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { WorkCalendar } from './calendar.ts'
import { dispatchClock, extendDeadline, type ClassLimit } from './deadlines.ts'
import { escalationTarget, type Assignment, type DispatchExplanation } from './dispatch.ts'
import type { EventRow } from './store.ts'
import type { EscalationLevel } from './workflow.ts'
import { assistingUnitOf, type Extras } from './eventState.ts'
import type { Prepared, TransitionBody } from './transitionInput.ts'
import { answerSupervision, appeal, supervise } from './supervisionAppeal.ts'
import { fieldEffect } from './fieldSteps/effects.ts'
import { recheckAtAccept } from './fieldSteps/intakePolicy.ts'
import { acceptClass, classOnlyOnAccept } from '../classify/correction.ts'

/** Applies what an action does beyond the status; returns the explanation for the history row. */
export async function effects(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, set: Record<string, unknown>,
  now: Date, duplicate: EventRow | undefined, p: Principal, x: Extras): Promise<unknown> {
  const cls = prep.ref.classes.get(e.class_code)
  if (body.classCode !== undefined && body.action !== 'accept') throw classOnlyOnAccept()
  switch (body.action) {
    case 'dispatch': case 'reassign': case 'redispatch': case 'coordinate_dispatch': {
      const explanation = await assign(trx, e, prep.assignment!, prep.explanation!, prep.cal, cls?.limit ?? null, set, now)
      const assisting = prep.assisting ?? []
      set.assisting_department_ids = assisting.map((u) => u.id)
      if (assisting.length) {
        await trx('event_assist').insert(assisting.map((u) => ({ event_id: e.id, assignment_at: now, department_id: u.id, city_code: e.city_code })))
      }
      return assisting.length ? { ...(explanation as object), assisting: assisting.map((u) => ({ code: u.code, name: u.name })) } : explanation
    }
    case 'forward': return forward(trx, e, prep.forwardTo!, prep.cal, set, now)
    case 'report_back': return reportBack(trx, e, set, now, 'reported_back')
    case 'assist_sign': case 'assist_feedback': return assist(trx, e, body, assistingUnitOf(p, x)!.id, now)
    case 'supervise': return supervise(trx, e, body, p, prep.cal, now)
    case 'answer_supervision': return answerSupervision(trx, e, body, p, now)
    case 'appeal': return appeal(trx, e, body, prep, p, now)
    case 'escalate': {
      const level = set.escalation_level as EscalationLevel | undefined ?? nextOf(e.escalation_level)
      const unit = escalationTarget(level, e.community_code, prep.dir)
      if (!unit) throw new AppError(422, 'no_unit', `no ${level}-level unit above community ${e.community_code}`).coded('transition.escalate_no_unit', { level, community: e.community_code })
      const a: Assignment = { department: unit, member: null, level, basis: '属地', ruleId: null }
      return assign(trx, e, a, { mode: 'auto', rules: [], chosen: { ...a, why: `escalated (提级) from ${e.escalation_level} to ${level}` },
        escalation: { from: e.escalation_level, to: level } },
        prep.cal, cls?.limit ?? null, set, now)
    }
    case 'return':
      if (set.status === 'signed') return reportBack(trx, e, set, now, 'refused')
      await supersedeForwards(trx, e, now)
      await cancelTimers(trx, e.id)
      Object.assign(set, { assignee_department_id: null, assignee_member_id: null, dispatched_at: null, sign_due_at: null, handle_due_at: null })
      return { returnedBy: e.assignee_department_code }
    case 'sign': set.signed_at = now; return null
    case 'feedback': set.handled_at = now; await cancelTimers(trx, e.id); return null
    case 'rework': set.handled_at = null; return null
    case 'close': set.closed_at = now; return null
    case 'void': set.duplicate_of = duplicate!.id; await cancelTimers(trx, e.id); return { duplicateOf: duplicate!.number }
    case 'evaluate':
      if (!body.satisfaction) throw badRequest('evaluate needs satisfaction').coded('transition.evaluate_needs_satisfaction')
      set.satisfaction = body.satisfaction
      return { satisfaction: body.satisfaction }
    case 'request_extension':
      if (!body.extension) throw badRequest('request_extension needs extension {value, unit}').coded('transition.extension_needs_amount')
      return { requested: body.extension }
    case 'approve_extension': return approveExtension(trx, e, body.extension, prep.cal, set)
    case 'park': set.parked_at = now; await cancelTimers(trx, e.id); return null
    // field steps and emergencies (fieldSteps/effects.ts)
    case 'verify_on_site': case 'transfer': case 'request_supervision': case 'review_supervision_request': case 'direct_reply': case 'declare_emergency':
      return fieldEffect(trx, e, body, prep, set, now, p)
    case 'unpark': return unpark(trx, e, prep.cal, set, now)
    // smart intake classification: the operator's class, kept as a correction (server/classify/correction.ts)
    // a class changed at accept is re-checked against on-site verification (fieldSteps/intakePolicy.ts)
    case 'accept': {
      const explanation = await acceptClass(trx, e, body.classCode, p.userId, set, now)
      const held = await recheckAtAccept(trx, e, body.classCode, x.verification, set)
      return held ? { ...(explanation as object), ...held } : explanation
    }
    default: return null
  }
}

const nextOf = (l: EscalationLevel): EscalationLevel => (['grid', 'community', 'street', 'district', 'city'] as const)[['grid', 'community', 'street', 'district', 'city'].indexOf(l) + 1]!

async function assign(trx: Knex.Transaction, e: EventRow, a: Assignment, explanation: DispatchExplanation, cal: WorkCalendar,
  limit: ClassLimit | null, set: Record<string, unknown>, now: Date): Promise<unknown> {
  const clock = dispatchClock(cal, now, limit, a.level, a.member !== null)
  Object.assign(set, {
    assignee_department_id: a.department.id, assignee_member_id: a.member?.id ?? null, escalation_level: a.level,
    dispatched_at: now, sign_due_at: clock.signDueAt, handle_due_at: clock.handleDueAt, signed_at: null, handled_at: null,
    assisting_department_ids: [],
  })
  await supersedeForwards(trx, e, now)
  await cancelTimers(trx, e.id)
  if (clock.timers.length) {
    await trx('event_timer').insert(clock.timers.map((t) => ({
      event_id: e.id, city_code: e.city_code, kind: t.kind, assignment_at: now, due_at: t.dueAt, payload: JSON.stringify(t.payload),
    })))
  }
  return explanation
}

async function cancelTimers(trx: Knex.Transaction, eventId: number): Promise<void> {
  await trx('event_timer').where({ event_id: eventId, state: 'pending' }).update({ state: 'cancelled', outcome: 'superseded by a transition' })
}

async function approveExtension(trx: Knex.Transaction, e: EventRow, granted: ClassLimit | undefined, cal: WorkCalendar, set: Record<string, unknown>) {
  const req = await trx('event_history').where({ event_id: e.id, action: 'request_extension' }).orderBy('seq', 'desc').first('explanation')
  const by = granted ?? (req?.explanation?.requested as ClassLimit | undefined)
  if (!by) throw badRequest('approve_extension needs extension {value, unit}: the request named none').coded('transition.approve_needs_amount')
  if (!e.handle_due_at) throw new AppError(409, 'no_deadline', 'the event has no handling deadline to extend').coded('transition.no_deadline')
  const due = extendDeadline(cal, e.handle_due_at, by)
  set.handle_due_at = due
  await trx('event_timer').where({ event_id: e.id, state: 'pending', kind: 'handle' }).update({ state: 'cancelled', outcome: 'extension approved' })
  await trx('event_timer').insert({ event_id: e.id, city_code: e.city_code, kind: 'handle', assignment_at: e.dispatched_at, due_at: due, payload: JSON.stringify({ level: e.escalation_level, extended: by }) })
  return { granted: by, previousDueAt: e.handle_due_at.toISOString(), handleDueAt: due.toISOString() }
}

/** Parking stops the clock: the handling deadline moves by the time spent parked. */
async function unpark(trx: Knex.Transaction, e: EventRow, _cal: WorkCalendar, set: Record<string, unknown>, now: Date) {
  set.parked_at = null
  if (!e.handle_due_at || !e.parked_at) return null
  const parkedMs = now.getTime() - e.parked_at.getTime()
  const due = new Date(e.handle_due_at.getTime() + parkedMs)
  set.handle_due_at = due
  await trx('event_timer').insert({ event_id: e.id, city_code: e.city_code, kind: 'handle', assignment_at: e.dispatched_at, due_at: due, payload: JSON.stringify({ level: e.escalation_level }) })
  return { parkedMinutes: Math.round(parkedMs / 60_000), handleDueAt: due.toISOString() }
}

/** A new assignment ends the previous one's hand-downs and assisting round. */
async function supersedeForwards(trx: Knex.Transaction, e: EventRow, now: Date): Promise<void> {
  await trx('event_forward').where('event_id', e.id).whereNull('returned_at').update({ returned_at: now, outcome: 'superseded' })
  await trx('event_assist').where('event_id', e.id).whereIn('state', ['pending', 'signed']).update({ state: 'cancelled' })
}

/**
 * 转派: hand the event down to a sub-unit. The forwarding unit's clock is kept on the forward row
 * and restored when the event comes back; the sub-unit gets its own sign and plan deadlines
 * (a transferred unit signs in 4 h and plans in 24 h), while the handling deadline and the
 * escalation clock of the event run on unchanged (their timers move to the new assignment).
 */
async function forward(trx: Knex.Transaction, e: EventRow, to: Assignment, cal: WorkCalendar, set: Record<string, unknown>, now: Date) {
  await trx('event_forward').insert({
    event_id: e.id, city_code: e.city_code, from_department_id: e.assignee_department_id, from_member_id: e.assignee_member_id,
    to_department_id: to.department.id, forwarded_at: now, from_dispatched_at: e.dispatched_at, from_sign_due_at: e.sign_due_at,
    from_handle_due_at: e.handle_due_at, from_signed_at: e.signed_at,
  })
  const clock = dispatchClock(cal, now, null, e.escalation_level, to.member !== null)
  Object.assign(set, { assignee_department_id: to.department.id, assignee_member_id: to.member?.id ?? null, dispatched_at: now,
    sign_due_at: clock.signDueAt, signed_at: null })
  await moveTimers(trx, e, now)
  const fresh = clock.timers.filter((t) => t.kind === 'sign' || t.kind === 'plan')
  if (fresh.length) {
    await trx('event_timer').insert(fresh.map((t) => ({ event_id: e.id, city_code: e.city_code, kind: t.kind, assignment_at: now,
      due_at: t.dueAt, payload: JSON.stringify({ ...t.payload, forwarded: true }) })))
  }
  return { from: e.assignee_department_code, to: { code: to.department.code, name: to.department.name, member: to.member?.name ?? null },
    signDueAt: clock.signDueAt.toISOString() }
}

/** 回报 (the sub-unit reports back) or 退回 (it refuses): the event returns to the forwarding unit. */
async function reportBack(trx: Knex.Transaction, e: EventRow, set: Record<string, unknown>, now: Date, outcome: 'reported_back' | 'refused') {
  const top = await trx('event_forward').where('event_id', e.id).whereNull('returned_at').orderBy('id', 'desc').first()
  if (!top) throw new AppError(409, 'not_forwarded', `event ${e.number} was not forwarded`).coded('transition.not_forwarded', { number: e.number })
  await trx('event_forward').where('id', top.id).update({ returned_at: now, outcome })
  const back = top.from_dispatched_at as Date
  Object.assign(set, { assignee_department_id: top.from_department_id, assignee_member_id: top.from_member_id, dispatched_at: back,
    sign_due_at: top.from_sign_due_at, signed_at: top.from_signed_at ?? now })
  await moveTimers(trx, e, back)
  const unit = await trx('department').where('id', top.from_department_id).first('code', 'name')
  return { to: unit?.code ?? null, outcome }
}

/** The sub-unit's sign/plan timers end; the event's handling and escalation timers follow the assignment. */
async function moveTimers(trx: Knex.Transaction, e: EventRow, assignmentAt: Date): Promise<void> {
  await trx('event_timer').where({ event_id: e.id, state: 'pending' }).whereIn('kind', ['sign', 'plan'])
    .update({ state: 'cancelled', outcome: 'superseded by a hand-down or report-back' })
  await trx('event_timer').where({ event_id: e.id, state: 'pending' }).whereIn('kind', ['handle', 'escalate', 'answer'])
    .update({ assignment_at: assignmentAt })
}

/** 协办签收 / 协办反馈: an assisting unit's own state in the current round. */
async function assist(trx: Knex.Transaction, e: EventRow, body: TransitionBody, unitId: number, now: Date) {
  const key = { event_id: e.id, assignment_at: e.dispatched_at, department_id: unitId }
  const row = await trx('event_assist').where(key).first()
  if (!row || row.state === 'cancelled') throw new AppError(409, 'not_assisting', 'your unit has no assisting task in the current assignment').coded('transition.no_assisting_task')
  if (body.action === 'assist_sign') {
    if (row.state !== 'pending') throw new AppError(409, 'already_signed', `assisting task already ${row.state}`).coded('transition.assist_already_signed', { state: row.state })
    await trx('event_assist').where(key).update({ state: 'signed', signed_at: now })
    return { assisting: unitId }
  }
  if (row.state === 'done') throw new AppError(409, 'already_done', 'your unit has given its opinion already').coded('transition.assist_already_done')
  if (!body.comment) throw badRequest('assist_feedback needs comment: the assisting unit\'s opinion').coded('transition.assist_needs_comment')
  await trx('event_assist').where(key).update({ state: 'done', done_at: now, signed_at: row.signed_at ?? now, opinion: body.comment })
  return { assisting: unitId }
}
