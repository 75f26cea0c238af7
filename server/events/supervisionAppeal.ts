// 督办 and 申诉 inside the transition's transaction: a supervision order and its answer, and the
// appeal that opens a new linked event pushed to the grid's inspector.
import type { Knex } from 'knex'
import { AppError, badRequest } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { localDate, type WorkCalendar } from './calendar.ts'
import { dispatchClock } from './deadlines.ts'
import type { EventRow } from './store.ts'
import { appendHistory, SYSTEM } from './historyAppend.ts'
import type { Prepared, TransitionBody } from './transitionInput.ts'

/** 督办: a supervision order to the assignee, answered within the city's answer time. */
export async function supervise(trx: Knex.Transaction, e: EventRow, body: TransitionBody, p: Principal, cal: WorkCalendar, now: Date) {
  if (!body.comment) throw badRequest('supervise needs comment: what the order demands').coded('transition.supervise_needs_comment')
  const answerDue = cal.addNaturalHours(now, cal.sla.answerHours)
  const [order] = await trx('event_supervision').insert({ event_id: e.id, city_code: e.city_code, kind: 'manual', card: body.card ?? null,
    department_id: e.assignee_department_id, reason: body.comment, issued_by: p.userId, issued_at: now, answer_due_at: answerDue }).returning('id')
  const id = Number(order.id)
  await trx('event_timer').insert({ event_id: e.id, city_code: e.city_code, kind: 'answer', assignment_at: e.dispatched_at ?? now,
    due_at: answerDue, payload: JSON.stringify({ supervision: id, level: e.escalation_level }) })
  return { supervision: id, card: body.card ?? null, answerDueAt: answerDue.toISOString() }
}

export async function answerSupervision(trx: Knex.Transaction, e: EventRow, body: TransitionBody, p: Principal, now: Date) {
  if (!body.comment) throw badRequest('answer_supervision needs comment: the answer').coded('transition.answer_needs_comment')
  const q = trx('event_supervision').where('event_id', e.id).whereNull('answered_at').whereNotNull('answer_due_at')
  const order = await (body.supervisionId ? q.where('id', body.supervisionId) : q.orderBy('issued_at').orderBy('id')).first('id', 'answer_due_at')
  if (!order) {
    const which = body.supervisionId ? `supervision order ${body.supervisionId}` : 'supervision order'
    throw new AppError(422, 'unknown_supervision', `no unanswered ${which} on event ${e.number}`).coded('transition.unknown_supervision', { number: e.number, supervisionId: body.supervisionId ?? null })
  }
  await trx('event_supervision').where('id', order.id).update({ answered_at: now, answer: body.comment, answered_by: p.userId })
  return { supervision: Number(order.id), late: now > order.answer_due_at }
}

/**
 * 申诉: the reporter appeals once, within the city's appeal window after closing. A new event
 * is created at the same place, linked to this one (parent_event_id), and pushed straight to
 * the grid's inspector (属地, else the community committee) with a fresh clock.
 */
export async function appeal(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date) {
  if (!body.comment) throw badRequest('appeal needs comment: why the result is not accepted').coded('transition.appeal_needs_comment')
  const closed = e.closed_at ?? e.updated_at
  const windowEnd = new Date(closed.getTime() + prep.cal.sla.appealDays * 86_400_000)
  if (now > windowEnd) throw new AppError(409, 'appeal_window_closed', `appeals are taken within ${prep.cal.sla.appealDays} days of closing (until ${windowEnd.toISOString()})`).coded('transition.appeal_window_closed', { days: prep.cal.sla.appealDays, until: windowEnd.toISOString() })
  const a = prep.assignment!
  const cls = prep.ref.classes.get(e.class_code)
  const clock = dispatchClock(prep.cal, now, cls?.limit ?? null, a.level, a.member !== null)
  const { rows: [child] } = await trx.raw(sqlFile('workflow/appeal_insert'), {
    id: e.id, createdAt: e.created_at, day: localDate(now), now, description: `【申诉】${body.comment}（原事件 ${e.number}）`.slice(0, 4000),
    level: a.level, departmentId: a.department.id, memberId: a.member?.id ?? null, signDueAt: clock.signDueAt, handleDueAt: clock.handleDueAt,
  }) as { rows: { id: number; number: string; created_at: Date; city_code: string }[] }
  const c = { id: Number(child!.id), city_code: child!.city_code }
  await appendHistory(trx, c, { action: 'report', from: null, to: 'reported', p, now, comment: `申诉自 ${e.number}`, explanation: { appealOf: e.number, channel: e.channel } })
  await appendHistory(trx, c, { action: 'dispatch', from: 'reported', to: 'dispatched', p: SYSTEM, now,
    comment: `申诉件直接推送${a.member ? `网格员 ${a.member.name}` : a.department.name}`, explanation: { mode: 'auto', rules: [], chosen: { ...a, why: 'appeal: pushed to the responsible inspector (属地)' }, appeal: true } })
  if (clock.timers.length) {
    await trx('event_timer').insert(clock.timers.map((t) => ({ event_id: c.id, city_code: c.city_code, kind: t.kind, assignment_at: now,
      due_at: t.dueAt, payload: JSON.stringify(t.payload) })))
  }
  await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: child!.number, action: 'report', status: 'dispatched', community: e.community_code, version: 1 })])
  return { appeal: child!.number }
}
