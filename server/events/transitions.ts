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
import { chooseAssignee, escalationTarget, unitDirectoryOf, type Assignment, type DispatchExplanation, type UnitDirectory } from './dispatch.ts'
import { calendars, reference, type Reference } from './reference.ts'
import { readEvent, type EventRow } from './store.ts'
import { actsFor, isAssignee } from './assignee.ts'
import { attachmentsOfEvent } from './attachments.ts'
import { actions, allowedActions, decide, possibleActions, type Action, type Actor, type EscalationLevel, type Snapshot } from './workflow.ts'
import { sqlFile } from '../db/sql.ts'
import { findArrival } from '../positions/arrival.ts'
import { localDate } from './calendar.ts'
import { resolveTarget, type Unit } from './dispatch.ts'

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
  /** dispatch / reassign / redispatch: assisting units (协办) besides the primary one (主办) */
  assistingCodes: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)).max(8).optional(),
  /** ids of the event's attachments (photos) that document this step */
  attachments: z.array(z.number().int().positive()).max(20).optional(),
  /** answer_supervision: which order (default: the oldest unanswered) */
  supervisionId: z.number().int().positive().optional(),
  /** supervise: the card it carries */
  card: z.enum(['yellow', 'red']).optional(),
}).strict()
export type TransitionBody = z.output<typeof transitionSchema>

/** The assisting unit (协办) of the current assignment the principal acts for, if any. */
const assistingUnitOf = (p: Principal, x: Extras) => (p.role === 'grid_inspector' ? undefined : x.assisting.find((u) => actsFor(p, u)))

const levelOfKind = (kind: string, member: boolean): EscalationLevel =>
  member ? 'grid' : kind === 'community_committee' ? 'community' : kind === 'street_office' ? 'street' : kind === 'command_center' ? 'city' : 'district'

/** The dispatch directory of an event's grid (dispatch options ask the same). */
export async function unitDirectory(knex: Knex, e: Pick<EventRow, 'grid_code'>): Promise<UnitDirectory> {
  return unitDirectoryOf(e.grid_code ? (await gridDetails(knex, [e.grid_code])).get(e.grid_code) : undefined)
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

interface Prepared {
  ref: Reference; cal: WorkCalendar; dir: UnitDirectory; assignment?: Assignment; explanation?: DispatchExplanation
  /** dispatch: the assisting units named */
  assisting?: Unit[]
  /** forward: the sub-unit (and member) the event is handed down to */
  forwardTo?: Assignment
}

/** Assisting units: departments of the event's city, none of them the primary unit. */
async function assistingUnits(knex: Knex, e: EventRow, codes: string[], primary: Unit): Promise<Unit[]> {
  const unique = [...new Set(codes)]
  const rows = await knex('department').whereIn('code', unique).where('city_code', e.city_code).select('id', 'code', 'name')
  const missing = unique.filter((c) => !rows.some((r) => r.code === c))
  if (missing.length) throw new AppError(422, 'unknown_unit', `no department ${missing.join(', ')} in city ${e.city_code}`, { unknown: missing })
  if (unique.includes(primary.code)) throw new AppError(422, 'assisting_is_primary', `${primary.code} is the primary unit (主办) and cannot also assist`)
  return rows.map((r) => ({ id: Number(r.id), code: r.code, name: r.name }))
}

/** A sub-unit of the current assignee (department.parent_id), optionally one of its grid members. */
async function forwardTarget(knex: Knex, e: EventRow, body: TransitionBody): Promise<Assignment> {
  if (!body.departmentCode) throw badRequest('forward needs departmentCode: the sub-unit to hand the event down to')
  const dep = await knex('department').where({ code: body.departmentCode, city_code: e.city_code }).first('id', 'code', 'name', 'kind', 'parent_id')
  if (!dep) throw new AppError(422, 'unknown_unit', `no department ${body.departmentCode} in city ${e.city_code}`)
  if (Number(dep.parent_id) !== e.assignee_department_id) {
    throw new AppError(422, 'not_a_sub_unit', `${body.departmentCode} is not a sub-unit of ${e.assignee_department_code ?? 'the assignee'}: forward hands an event down one level`)
  }
  const a = await manualAssignment(knex, e, body.departmentCode, body.memberId)
  return { ...a, level: e.escalation_level, basis: '指定' }
}

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
    if (body.assistingCodes?.length) out.assisting = await assistingUnits(knex, e, body.assistingCodes, out.assignment.department)
  } else if (body.assistingCodes) {
    throw badRequest('assistingCodes belong to dispatch, reassign or redispatch')
  }
  if (body.action === 'forward') out.forwardTo = await forwardTarget(knex, e, body)
  if (body.action === 'appeal') {
    const r = resolveTarget('grid_inspector', { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
      communityCode: e.community_code, ownerKind: null }, dir)
    const fallback = resolveTarget('community', { channel: e.channel, classCode: e.class_code, demandType: e.demand_type,
      communityCode: e.community_code, ownerKind: null }, dir)
    const chosen = r.ok ? r.assignment : fallback.ok ? fallback.assignment : undefined
    if (!chosen) throw new AppError(422, 'no_unit', `neither a grid inspector nor a community committee for ${e.community_code}`)
    out.assignment = { ...chosen, ruleId: null }
  }
  return out
}

interface Extras {
  forward_depth: number; assists_pending: number; open_supervisions: number; appealed: boolean
  assisting: { id: number; kind: string; admin: string; state: string }[]
}

/** The workflow state kept beside the event row (forwards, assisting units, supervision, appeal). */
async function extras(trx: Knex | Knex.Transaction, e: EventRow): Promise<Extras> {
  const { rows } = await trx.raw(sqlFile('workflow/extras'), { eventId: e.id, assignmentAt: e.dispatched_at }) as { rows: Extras[] }
  return rows[0]!
}

const snapshotOf = (e: EventRow, x: Extras): Snapshot => ({
  status: e.status, extensionPending: e.extension_pending, escalationLevel: e.escalation_level, satisfaction: e.satisfaction,
  forwardDepth: Number(x.forward_depth), assistsPending: Number(x.assists_pending), openSupervisions: Number(x.open_supervisions), appealed: x.appealed,
})

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
    const x = await extras(trx, e)
    const snap = snapshotOf(e, x)
    const actor = actorOf(p, e, x)
    const d = decide(snap, body.action, actor)
    if (!d.ok) {
      throw new AppError(d.kind === 'illegal' ? 409 : 403, d.kind === 'illegal' ? 'illegal_transition' : 'forbidden', d.reason,
        { status: e.status, allowed: d.allowed, possible: possibleActions(snap) })
    }
    const attachments = await checkAttachments(trx, e, body, p)
    if (body.action === 'handle' && prep.cal.sla.arrivalRequired) await checkArrival(trx, e)
    const set: Record<string, unknown> = { status: d.to, version: e.version + 1, updated_at: now }
    if (d.changes.extensionPending !== undefined) set.extension_pending = d.changes.extensionPending
    const explanation = await effects(trx, e, body, prep, set, now, duplicate, p, x)
    await trx('event').where({ id: e.id, created_at: e.created_at }).update(set)
    let seq = await appendHistory(trx, e, { action: body.action, from: e.status, to: d.to, p, now, comment: body.comment ?? null, explanation, attachments })
    seq = await followUps(trx, { ...e, status: d.to, version: e.version + 1 }, body, prep, p, now, seq)
    if (duplicate) {
      // the original's row lock serialises appends to its history too
      await readEvent(trx, duplicate.number, scope, p.userId, true)
      await appendHistory(trx, duplicate, { action: 'link_duplicate', from: duplicate.status, to: duplicate.status, p, now,
        comment: `${e.number} voided as a duplicate of this event`, explanation: { duplicate: e.number } })
    }
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action: body.action, status: d.to, community: e.community_code, version: e.version + 1 })])
    const after = (await readEvent(trx, number, scope, p.userId))!
    const xa = await extras(trx, after)
    return { event: after, action: body.action, seq, allowed: allowedActions(snapshotOf(after, xa), actorOf(p, after, xa)) }
  })
}

/** The actions the principal may fire on the event now (what a client offers as buttons). */
export async function allowedActionsFor(knex: Knex, p: Principal, e: EventRow): Promise<Action[]> {
  const x = await extras(knex, e)
  return allowedActions(snapshotOf(e, x), actorOf(p, e, x))
}

function actorOf(p: Principal, e: EventRow, x: Extras): Actor {
  return {
    role: p.role, isAssignee: isAssignee(p, e), isReporter: p.userId !== null && e.reporter_user_id === p.userId,
    isAssisting: assistingUnitOf(p, x) !== undefined,
  }
}

/**
 * Attachments named by a step must belong to the event. A grid inspector's verification needs a
 * photo (核查须附照片): named in the step, or uploaded at the verify stage since the feedback.
 */
async function checkAttachments(trx: Knex.Transaction, e: EventRow, body: TransitionBody, p: Principal): Promise<number[]> {
  const ids = [...new Set(body.attachments ?? [])]
  const named = await attachmentsOfEvent(trx, e.id, ids)
  if (named.length < ids.length) {
    const missing = ids.filter((id) => !named.some((a) => a.id === id))
    throw new AppError(422, 'unknown_attachment', `attachment(s) ${missing.join(', ')} do not belong to event ${e.number}`, { unknown: missing })
  }
  if (body.action === 'verify' && p.role === 'grid_inspector') {
    const photo = ids.length
      ? named.some((a) => a.media_type.startsWith('image/'))
      : await trx('event_attachment').where({ event_id: e.id, stage: 'verify' }).whereLike('media_type', 'image/%')
        .where('uploaded_at', '>=', e.handled_at ?? e.created_at).first('id')
    if (!photo) throw new AppError(422, 'photo_required', 'a grid inspector verifies with a photo: upload one at stage=verify or name it in attachments')
  }
  return ids
}

/** 处置须先到场: with the city's arrivalRequired, an event dispatched to a member is handled after an arrival (server/positions/arrival.ts). */
async function checkArrival(trx: Knex.Transaction, e: EventRow): Promise<void> {
  if (e.assignee_member_id === null || !e.dispatched_at) return
  if (!await findArrival(trx, e.id, e.dispatched_at)) throw new AppError(409, 'arrival_required', `event ${e.number} is handled on site: its member has not arrived yet (no 到场 record since dispatch)`)
}

/**
 * What follows a transition in the same transaction: the automatic close of an event verified
 * in its grid, and the petition (信访) raised by a dissatisfied evaluation. Returns the last seq.
 */
async function followUps(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date, seq: number): Promise<number> {
  if (body.action === 'verify' && p.role === 'grid_inspector' && e.escalation_level === 'grid' && prep.cal.sla.autoCloseGrid) {
    await trx('event').where({ id: e.id, created_at: e.created_at }).update({ status: 'closed', closed_at: now, version: e.version + 1, updated_at: now })
    return appendHistory(trx, e, { action: 'close', from: 'verified', to: 'closed', p: SYSTEM, now,
      comment: '网格内处置、网格员核查通过，系统自动结案', explanation: { auto: true, verifiedBy: p.displayName } })
  }
  if (body.action === 'evaluate' && body.satisfaction === 'dissatisfied') {
    const office = prep.dir.departments.get(`JD-${e.community_code.slice(0, 9)}000`) ?? prep.dir.departments.get(`QZF-${e.community_code.slice(0, 6)}`)
    await trx('event_supervision').insert({ event_id: e.id, city_code: e.city_code, kind: 'petition', card: null,
      department_id: office?.id ?? null, reason: `群众评价不满意，转信访：${e.number}`, issued_at: now })
    return appendHistory(trx, e, { action: 'petition', from: e.status, to: e.status, p: SYSTEM, now,
      comment: '评价不满意，按规定转信访平台', explanation: { satisfaction: 'dissatisfied', office: office?.code ?? null } })
  }
  return seq
}

const SYSTEM = 'system' as const

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
  now: Date, duplicate: EventRow | undefined, p: Principal, x: Extras): Promise<unknown> {
  const cls = prep.ref.classes.get(e.class_code)
  switch (body.action) {
    case 'dispatch': case 'reassign': case 'redispatch': {
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
      if (!unit) throw new AppError(422, 'no_unit', `no ${level}-level unit above community ${e.community_code}`)
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

async function appendHistory(trx: Knex.Transaction, e: Pick<EventRow, 'id' | 'city_code'>, h: { action: string; from: string | null; to: string;
  p: Principal | typeof SYSTEM; now: Date; comment: string | null; explanation: unknown; attachments?: number[] }): Promise<number> {
  const actor = h.p === SYSTEM ? { userId: null, role: 'system', name: '系统自动' } : { userId: h.p.userId, role: h.p.role, name: h.p.displayName }
  // seq = last + 1 under the event's row lock (held by the caller), so appends never collide
  const { rows } = await trx.raw(sqlFile('workflow/history_append'), {
    eventId: e.id, cityCode: e.city_code, action: h.action, from: h.from, to: h.to, userId: actor.userId, role: actor.role,
    name: actor.name, at: h.now, comment: h.comment, attachments: JSON.stringify(h.attachments ?? []),
    explanation: h.explanation === null || h.explanation === undefined ? null : JSON.stringify(h.explanation),
  }) as { rows: { seq: number }[] }
  return rows[0]!.seq
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
  if (!top) throw new AppError(409, 'not_forwarded', `event ${e.number} was not forwarded`)
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
  if (!row || row.state === 'cancelled') throw new AppError(409, 'not_assisting', 'your unit has no assisting task in the current assignment')
  if (body.action === 'assist_sign') {
    if (row.state !== 'pending') throw new AppError(409, 'already_signed', `assisting task already ${row.state}`)
    await trx('event_assist').where(key).update({ state: 'signed', signed_at: now })
    return { assisting: unitId }
  }
  if (row.state === 'done') throw new AppError(409, 'already_done', 'your unit has given its opinion already')
  if (!body.comment) throw badRequest('assist_feedback needs comment: the assisting unit\'s opinion')
  await trx('event_assist').where(key).update({ state: 'done', done_at: now, signed_at: row.signed_at ?? now, opinion: body.comment })
  return { assisting: unitId }
}

/** 督办: a supervision order to the assignee, answered within the city's answer time. */
async function supervise(trx: Knex.Transaction, e: EventRow, body: TransitionBody, p: Principal, cal: WorkCalendar, now: Date) {
  if (!body.comment) throw badRequest('supervise needs comment: what the order demands')
  const answerDue = cal.addNaturalHours(now, cal.sla.answerHours)
  const [order] = await trx('event_supervision').insert({ event_id: e.id, city_code: e.city_code, kind: 'manual', card: body.card ?? null,
    department_id: e.assignee_department_id, reason: body.comment, issued_by: p.userId, issued_at: now, answer_due_at: answerDue }).returning('id')
  const id = Number(order.id)
  await trx('event_timer').insert({ event_id: e.id, city_code: e.city_code, kind: 'answer', assignment_at: e.dispatched_at ?? now,
    due_at: answerDue, payload: JSON.stringify({ supervision: id, level: e.escalation_level }) })
  return { supervision: id, card: body.card ?? null, answerDueAt: answerDue.toISOString() }
}

async function answerSupervision(trx: Knex.Transaction, e: EventRow, body: TransitionBody, p: Principal, now: Date) {
  if (!body.comment) throw badRequest('answer_supervision needs comment: the answer')
  const q = trx('event_supervision').where('event_id', e.id).whereNull('answered_at').whereNotNull('answer_due_at')
  const order = await (body.supervisionId ? q.where('id', body.supervisionId) : q.orderBy('issued_at').orderBy('id')).first('id', 'answer_due_at')
  if (!order) {
    const which = body.supervisionId ? `supervision order ${body.supervisionId}` : 'supervision order'
    throw new AppError(422, 'unknown_supervision', `no unanswered ${which} on event ${e.number}`)
  }
  await trx('event_supervision').where('id', order.id).update({ answered_at: now, answer: body.comment, answered_by: p.userId })
  return { supervision: Number(order.id), late: now > order.answer_due_at }
}

/**
 * 申诉: the reporter appeals once, within the city's appeal window after closing. A new event
 * is created at the same place, linked to this one (parent_event_id), and pushed straight to
 * the grid's inspector (属地, else the community committee) with a fresh clock.
 */
async function appeal(trx: Knex.Transaction, e: EventRow, body: TransitionBody, prep: Prepared, p: Principal, now: Date) {
  if (!body.comment) throw badRequest('appeal needs comment: why the result is not accepted')
  const closed = e.closed_at ?? e.updated_at
  const windowEnd = new Date(closed.getTime() + prep.cal.sla.appealDays * 86_400_000)
  if (now > windowEnd) throw new AppError(409, 'appeal_window_closed', `appeals are taken within ${prep.cal.sla.appealDays} days of closing (until ${windowEnd.toISOString()})`)
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

/**
 * Appends a note to an event's history without changing its status (status feedback from a
 * third-party platform, a supervision answer, an external reference). The event's row lock
 * orders it with concurrent transitions; the change is published like a transition.
 */
export async function recordNote(knex: Knex, p: Principal, number: string,
  note: { action: string; comment?: string | null; explanation?: unknown }, now = new Date()): Promise<{ event: EventRow; seq: number }> {
  if (!/^[a-z_]{3,40}$/.test(note.action) || (actions as readonly string[]).includes(note.action)) {
    throw new Error(`recordNote: ${note.action} is not a note action`)
  }
  return knex.transaction(async (trx) => {
    const e = await readEvent(trx, number, p.jurisdiction, p.userId, true)
    if (!e) throw notFound(`no event ${number} in your jurisdiction`)
    const seq = await appendHistory(trx, e, { action: note.action, from: e.status, to: e.status, p, now,
      comment: note.comment ?? null, explanation: note.explanation ?? null })
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action: note.action, status: e.status, community: e.community_code, version: e.version })])
    return { event: e, seq }
  })
}
