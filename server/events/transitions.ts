// Transitions of one event: lock the row, ask the state machine, apply the effects (assignee,
// deadlines, timers), append history, publish. One transaction per transition; the row lock
// (SELECT … FOR UPDATE) makes concurrent transitions on one event run one after the other, so
// of two that race for the same state exactly one wins and the other is refused (409).
//
// Everything read from other connections (reference data, calendar, grid units) is fetched
// BEFORE the transaction: the embedded database has one connection, and a query outside the
// transaction while it is open would wait for ever.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Principal } from '../auth/users.ts'
import { gridDetails } from '../geocode/repository.ts'
import type { WorkCalendar } from './calendar.ts'
import { dispatchClock, extendDeadline, type ClassLimit } from './deadlines.ts'
import { chooseAssignee, escalationTarget, type Assignment, type DispatchExplanation, type UnitDirectory } from './dispatch.ts'
import { calendars, reference, type Reference } from './reference.ts'
import { readEvent, type EventRow } from './store.ts'
import { actions, allowedActions, decide, possibleActions, type Action, type Actor, type EscalationLevel, type Snapshot } from './workflow.ts'

const limitSchema = z.object({ value: z.number().positive().max(10_000), unit: z.enum(['work_hours', 'work_days', 'natural_hours']) }).strict()

export const transitionSchema = z.object({
  action: z.enum(actions),
  comment: z.string().trim().max(2000).optional(),
  /** optimistic check: refuse (409) when the event changed since the caller read it */
  expectedVersion: z.number().int().min(1).optional(),
  /** dispatch / reassign / redispatch: the unit (and optionally the grid member); omitted = by the rules */
  departmentCode: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  memberId: z.number().int().positive().optional(),
  /** void: the original event's number */
  duplicateOf: z.string().regex(/^E[0-9]{12,16}$/).optional(),
  /** request_extension: how much more time; approve_extension may grant a different amount */
  extension: limitSchema.optional(),
  satisfaction: z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).optional(),
}).strict()
export type TransitionBody = z.output<typeof transitionSchema>

const STAFF_UNIT: Partial<Record<string, string>> = {
  community_staff: 'community_committee', street_staff: 'street_office', district_staff: 'district_office',
}

/** Whether the principal acts for the unit (or is the grid member) the event is assigned to. */
export function isAssignee(p: Principal, e: EventRow): boolean {
  if (e.assignee_department_id === null) return false
  if (p.role === 'grid_inspector') {
    return e.assignee_member_id !== null ? e.assignee_member_user_id === p.userId : p.departmentId === e.assignee_department_id
  }
  if (p.departmentId !== null && p.departmentId === e.assignee_department_id) return true
  const kind = STAFF_UNIT[p.role]
  return kind !== undefined && kind === e.assignee_department_kind && p.jurisdiction.covers(e.assignee_department_admin ?? '-')
}

const levelOfKind = (kind: string, member: boolean): EscalationLevel =>
  member ? 'grid' : kind === 'community_committee' ? 'community' : kind === 'street_office' ? 'street' : kind === 'command_center' ? 'city' : 'district'

async function unitDirectory(knex: Knex, e: EventRow): Promise<UnitDirectory> {
  const d = e.grid_code ? (await gridDetails(knex, [e.grid_code])).get(e.grid_code) : undefined
  const first = d?.inspectors[0]
  return {
    inspector: first ? { id: first.id, name: first.name } : null,
    departments: new Map((d?.departments ?? []).map((x) => [x.code, { id: x.id, code: x.code, name: x.name }])),
  }
}

/** A manually named unit: any department of the event's city; a member must belong to it. */
async function manualAssignment(knex: Knex, e: EventRow, code: string, memberId: number | undefined): Promise<Assignment> {
  const dep = await knex('department').where({ code, city_code: e.city_code }).first('id', 'code', 'name', 'kind')
  if (!dep) throw new AppError(422, 'unknown_unit', `no department ${code} in city ${e.city_code}`)
  let member = null
  if (memberId !== undefined) {
    const m = await knex('grid_member').where({ id: memberId, department_id: dep.id, active: true }).first('id', 'name')
    if (!m) throw new AppError(422, 'unknown_member', `grid member ${memberId} is not an active member of ${code}`)
    member = { id: Number(m.id), name: m.name }
  }
  return { department: { id: Number(dep.id), code: dep.code, name: dep.name }, member, level: levelOfKind(dep.kind, member !== null), basis: '指定', ruleId: null }
}

interface Prepared { ref: Reference; cal: WorkCalendar; dir: UnitDirectory; assignment?: Assignment; explanation?: DispatchExplanation }

async function prepare(knex: Knex, e: EventRow, body: TransitionBody): Promise<Prepared> {
  const [ref, cal, dir] = await Promise.all([reference(knex), calendars(knex).get(e.city_code), unitDirectory(knex, e)])
  const out: Prepared = { ref, cal, dir }
  if (['dispatch', 'reassign', 'redispatch'].includes(body.action)) {
    if (body.departmentCode) {
      out.assignment = await manualAssignment(knex, e, body.departmentCode, body.memberId)
      out.explanation = { mode: 'manual', rules: [], chosen: { ...out.assignment, why: `chosen by the dispatcher: ${body.departmentCode}` } }
    } else {
      const cls = ref.classes.get(e.class_code)
      const auto = chooseAssignee(ref.rules, { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
        communityCode: e.community_code, ownerKind: cls?.ownerKind ?? null }, dir)
      if (!auto) throw new AppError(422, 'no_unit', 'no unit could be chosen for this event: name departmentCode')
      out.assignment = auto.chosen
      out.explanation = auto
    }
  }
  return out
}

export interface TransitionResult { event: EventRow; action: Action; seq: number; allowed: Action[] }

export async function transition(knex: Knex, p: Principal, number: string, raw: unknown, now = new Date()): Promise<TransitionResult> {
  const body = validate(transitionSchema, raw, 'transition')
  const scope = p.jurisdiction
  // Out-of-jurisdiction events answer 404 exactly like missing ones, so numbers cannot be probed.
  const seen = await readEvent(knex, number, scope, p.userId)
  if (!seen) throw notFound(`no event ${number} in your jurisdiction`)
  const prep = await prepare(knex, seen, body)
  const duplicate = body.action === 'void' ? await readOriginal(knex, p, body, seen) : undefined
  return knex.transaction(async (trx) => {
    const e = await readEvent(trx, number, scope, p.userId, true)
    if (!e) throw notFound(`no event ${number} in your jurisdiction`)
    if (body.expectedVersion !== undefined && body.expectedVersion !== e.version) {
      throw new AppError(409, 'version_conflict', `event ${number} is at version ${e.version}, not ${body.expectedVersion}`, { version: e.version })
    }
    const snap: Snapshot = { status: e.status, extensionPending: e.extension_pending, escalationLevel: e.escalation_level, satisfaction: e.satisfaction }
    const actor: Actor = { role: p.role, isAssignee: isAssignee(p, e), isReporter: p.userId !== null && e.reporter_user_id === p.userId }
    const d = decide(snap, body.action, actor)
    if (!d.ok) {
      throw new AppError(d.kind === 'illegal' ? 409 : 403, d.kind === 'illegal' ? 'illegal_transition' : 'forbidden', d.reason,
        { status: e.status, allowed: d.allowed, possible: possibleActions(snap) })
    }
    const set: Record<string, unknown> = { status: d.to, version: e.version + 1, updated_at: now }
    if (d.changes.extensionPending !== undefined) set.extension_pending = d.changes.extensionPending
    const explanation = await effects(trx, e, body, prep, set, now, duplicate)
    await trx('event').where({ id: e.id, created_at: e.created_at }).update(set)
    const seq = await appendHistory(trx, e, { action: body.action, from: e.status, to: d.to, p, now, comment: body.comment ?? null, explanation })
    if (duplicate) {
      // the original's row lock serialises appends to its history too
      await readEvent(trx, duplicate.number, scope, p.userId, true)
      await appendHistory(trx, duplicate, { action: 'link_duplicate', from: duplicate.status, to: duplicate.status, p, now,
        comment: `${e.number} voided as a duplicate of this event`, explanation: { duplicate: e.number } })
    }
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action: body.action, status: d.to, community: e.community_code, version: e.version + 1 })])
    const after = (await readEvent(trx, number, scope, p.userId))!
    const next: Snapshot = { status: after.status, extensionPending: after.extension_pending, escalationLevel: after.escalation_level, satisfaction: after.satisfaction }
    return { event: after, action: body.action, seq, allowed: allowedActions(next, { ...actor, isAssignee: isAssignee(p, after) }) }
  })
}

async function readOriginal(knex: Knex, p: Principal, body: TransitionBody, e: EventRow): Promise<EventRow> {
  if (!body.duplicateOf) throw badRequest('void needs duplicateOf: the number of the original event')
  if (body.duplicateOf === e.number) throw badRequest('an event cannot duplicate itself')
  const original = await readEvent(knex, body.duplicateOf, p.jurisdiction, p.userId)
  if (!original) throw new AppError(422, 'unknown_original', `no event ${body.duplicateOf} in your jurisdiction`)
  if (original.status === 'voided') throw new AppError(422, 'original_voided', `${body.duplicateOf} is itself voided`)
  return original
}

/** Applies what an action does beyond the status; returns the explanation for the history row. */
async function effects(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, set: Record<string, unknown>,
  now: Date, duplicate: EventRow | undefined): Promise<unknown> {
  const cls = prep.ref.classes.get(e.class_code)
  switch (body.action) {
    case 'dispatch': case 'reassign': case 'redispatch':
      return assign(trx, e, prep.assignment!, prep.explanation!, prep.cal, cls?.limit ?? null, set, now)
    case 'escalate': {
      const level = set.escalation_level as EscalationLevel | undefined ?? nextOf(e.escalation_level)
      const unit = escalationTarget(level, e.community_code, prep.dir)
      if (!unit) throw new AppError(422, 'no_unit', `no ${level}-level unit above community ${e.community_code}`)
      const a: Assignment = { department: unit, member: null, level, basis: '属地', ruleId: null }
      return assign(trx, e, a, { mode: 'auto', rules: [], chosen: { ...a, why: `escalated (提级) from ${e.escalation_level} to ${level}` } },
        prep.cal, cls?.limit ?? null, set, now)
    }
    case 'return':
      await cancelTimers(trx, e.id)
      Object.assign(set, { assignee_department_id: null, assignee_member_id: null, dispatched_at: null, sign_due_at: null, handle_due_at: null })
      return { returnedBy: e.assignee_department_code }
    case 'sign': set.signed_at = now; return null
    case 'feedback': set.handled_at = now; await cancelTimers(trx, e.id); return null
    case 'rework': set.handled_at = null; return null
    case 'close': set.closed_at = now; return null
    case 'void': set.duplicate_of = duplicate!.id; await cancelTimers(trx, e.id); return { duplicateOf: duplicate!.number }
    case 'evaluate':
      if (!body.satisfaction) throw badRequest('evaluate needs satisfaction')
      set.satisfaction = body.satisfaction
      return { satisfaction: body.satisfaction }
    case 'request_extension':
      if (!body.extension) throw badRequest('request_extension needs extension {value, unit}')
      return { requested: body.extension }
    case 'approve_extension': return approveExtension(trx, e, body.extension, prep.cal, set)
    case 'park': set.parked_at = now; await cancelTimers(trx, e.id); return null
    case 'unpark': return unpark(trx, e, prep.cal, set, now)
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
  })
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
  if (!by) throw badRequest('approve_extension needs extension {value, unit}: the request named none')
  if (!e.handle_due_at) throw new AppError(409, 'no_deadline', 'the event has no handling deadline to extend')
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

async function appendHistory(trx: Knex.Transaction, e: EventRow, h: { action: string; from: string; to: string; p: Principal;
  now: Date; comment: string | null; explanation: unknown }): Promise<number> {
  // seq = last + 1 under the event's row lock (held by the caller), so appends never collide
  const { rows } = await trx.raw(`INSERT INTO event_history (event_id, seq, city_code, action, from_status, to_status,
      actor_user_id, actor_role, actor_name, at, comment, explanation)
    SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb FROM event_history WHERE event_id = ?
    RETURNING seq`, [e.id, e.city_code, h.action, h.from, h.to, h.p.userId, h.p.role, h.p.displayName, h.now, h.comment,
    h.explanation === null || h.explanation === undefined ? null : JSON.stringify(h.explanation), e.id]) as { rows: { seq: number }[] }
  return rows[0]!.seq
}
