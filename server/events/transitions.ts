// Transitions of one event: lock the row, ask the state machine, apply the effects (assignee,
// deadlines, timers), append history, publish. One transaction per transition; the row lock
// (SELECT … FOR UPDATE) makes concurrent transitions on one event run one after the other, so
// of two that race for the same state exactly one wins and the other is refused (409).
//
// Everything read from other connections (reference data, calendar, grid units) is fetched
// BEFORE the transaction: the embedded database has one connection, and a query outside the
// transaction while it is open would wait for ever.
import type { Knex } from 'knex'
import { AppError, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Principal } from '../auth/users.ts'
import { readEvent, type EventRow } from './store.ts'
import { attachmentsOfEvent } from './attachments.ts'
import { actions, allowedActions, decide, possibleActions, type Action, type Status } from './workflow.ts'
import { findArrival } from '../positions/arrival.ts'
import { actorOf, extras, snapshotOf } from './eventState.ts'
import { appendHistory, SYSTEM } from './historyAppend.ts'
import { prepare, readOriginal, transitionSchema, type Prepared, type TransitionBody } from './transitionInput.ts'
import { effects } from './transitionEffects.ts'
import { prepareField } from './fieldSteps/prepare.ts'
import { VERIFY_REQUIRED_NOTE } from './fieldSteps/intakePolicy.ts'

export { transitionSchema, unitDirectory, type TransitionBody } from './transitionInput.ts'

export interface TransitionResult { event: EventRow; action: Action; seq: number; allowed: Action[] }

export async function transition(knex: Knex, p: Principal, number: string, raw: unknown, now = new Date()): Promise<TransitionResult> {
  const body = validate(transitionSchema, raw, 'transition')
  const scope = p.jurisdiction
  // Out-of-jurisdiction events answer 404 exactly like missing ones, so numbers cannot be probed.
  const seen = await readEvent(knex, number, scope, p.userId)
  if (!seen) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  const prep = await prepare(knex, seen, body)
  prep.field = await prepareField(knex, p, seen, body)
  const duplicate = body.action === 'void' ? await readOriginal(knex, p, body, seen) : undefined
  return knex.transaction(async (trx) => {
    const e = await readEvent(trx, number, scope, p.userId, true)
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    if (body.expectedVersion !== undefined && body.expectedVersion !== e.version) {
      throw new AppError(409, 'version_conflict', `event ${number} is at version ${e.version}, not ${body.expectedVersion}`, { version: e.version })
        .coded('transition.version_conflict', { number, version: e.version, expected: body.expectedVersion })
    }
    const x = await extras(trx, e, p.userId)
    const snap = snapshotOf(e, x)
    const actor = actorOf(p, e, x)
    const d = decide(snap, body.action, actor)
    if (!d.ok) {
      throw new AppError(d.kind === 'illegal' ? 409 : 403, d.kind === 'illegal' ? 'illegal_transition' : 'forbidden', d.reason,
        { eventStatus: e.status, allowed: d.allowed, possible: possibleActions(snap) }).coded(d.code, d.params)
    }
    const attachments = await checkAttachments(trx, e, body, p)
    if (body.action === 'handle' && prep.cal.sla.arrivalRequired) await checkArrival(trx, e)
    const set: Record<string, unknown> = { status: d.to, version: e.version + 1, updated_at: now }
    if (d.changes.extensionPending !== undefined) set.extension_pending = d.changes.extensionPending
    const explanation = await effects(trx, e, body, prep, set, now, duplicate, p, x)
    // an effect may hold the event where it is (accept of a class that asks for an on-site verification)
    const to = set.status as Status
    await trx('event').where({ id: e.id, created_at: e.created_at }).update(set)
    let seq = await appendHistory(trx, e, { action: body.action, from: e.status, to, p, now, comment: body.comment ?? null, explanation, attachments })
    seq = await followUps(trx, { ...e, status: to, version: e.version + 1 }, body, prep, p, now, seq)
    if (duplicate) {
      // the original's row lock serialises appends to its history too
      await readEvent(trx, duplicate.number, scope, p.userId, true)
      await appendHistory(trx, duplicate, { action: 'link_duplicate', from: duplicate.status, to: duplicate.status, p, now,
        comment: `${e.number} voided as a duplicate of this event`, explanation: { duplicate: e.number } })
    }
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action: body.action, status: to, community: e.community_code, version: e.version + 1 })])
    const after = (await readEvent(trx, number, scope, p.userId))!
    const xa = await extras(trx, after, p.userId)
    return { event: after, action: body.action, seq, allowed: allowedActions(snapshotOf(after, xa), actorOf(p, after, xa)) }
  })
}

/** The actions the principal may fire on the event now (what a client offers as buttons). */
export async function allowedActionsFor(knex: Knex, p: Principal, e: EventRow): Promise<Action[]> {
  const x = await extras(knex, e, p.userId)
  return allowedActions(snapshotOf(e, x), actorOf(p, e, x))
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
    throw new AppError(422, 'unknown_attachment', `attachment(s) ${missing.join(', ')} do not belong to event ${e.number}`, { unknown: missing }).coded('transition.unknown_attachment', { ids: missing, number: e.number })
  }
  if (body.action === 'verify' && p.role === 'grid_inspector') {
    const photo = ids.length
      ? named.some((a) => a.media_type.startsWith('image/'))
      : await trx('event_attachment').where({ event_id: e.id, stage: 'verify' }).whereLike('media_type', 'image/%')
        .where('uploaded_at', '>=', e.handled_at ?? e.created_at).first('id')
    if (!photo) throw new AppError(422, 'photo_required', 'a grid inspector verifies with a photo: upload one at stage=verify or name it in attachments').coded('transition.photo_required')
  }
  return ids
}

/** 处置须先到场: with the city's arrivalRequired, an event dispatched to a member is handled after an arrival (server/positions/arrival.ts). */
async function checkArrival(trx: Knex.Transaction, e: EventRow): Promise<void> {
  if (e.assignee_member_id === null || !e.dispatched_at) return
  if (!await findArrival(trx, e.id, e.dispatched_at)) throw new AppError(409, 'arrival_required', `event ${e.number} is handled on site: its member has not arrived yet (no 到场 record since dispatch)`).coded('transition.arrival_required', { number: e.number })
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
  if (body.action === 'accept' && e.status === 'reported') {
    return appendHistory(trx, e, { action: 'verify_required', from: 'reported', to: 'reported', p: SYSTEM, now,
      comment: `改为须现场核实的类别，${VERIFY_REQUIRED_NOTE}`, explanation: { classCode: body.classCode, channel: e.channel, reclassified: true } })
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
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    const seq = await appendHistory(trx, e, { action: note.action, from: e.status, to: e.status, p, now,
      comment: note.comment ?? null, explanation: note.explanation ?? null })
    await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action: note.action, status: e.status, community: e.community_code, version: e.version })])
    return { event: e, seq }
  })
}
