// Status feedback from a platform (POST /api/v1/integrations/{platform}/feedback): recorded as a
// 'platform_feedback' note in the event's history (so it shows in the history, on the live
// stream and to other subscribed platforms, never echoed to its sender), and, where the
// workflow lets the caller do it, turned into a real transition.
//
// Mapping (deliberately narrow: the platform reports on ITS side of the work, our loop is
// driven by our own units):
//   evaluated + satisfaction (12345 回访评价)  → transition 'evaluate' when the event is closed
//   received / accepted / handling / handled / rejected → note only
// A transition the workflow refuses (wrong status, role) leaves the note and says why.
//
// Idempotent: (platform, event number, hash of the body) is claimed in integration_feedback
// before anything is written; an identical repeat answers the first result (200, replayed).
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Principal } from '../auth/users.ts'
import { readEvent, NUMBER } from '../events/store.ts'
import { recordNote, transition } from '../events/transitions.ts'
import type { PlatformRow } from './platforms.ts'

export const feedbackStatuses = ['received', 'accepted', 'handling', 'handled', 'rejected', 'evaluated'] as const
export type FeedbackStatus = (typeof feedbackStatuses)[number]

export const feedbackTitles: Record<FeedbackStatus, string> = {
  received: '已接收', accepted: '已受理', handling: '办理中', handled: '已办结', rejected: '退回/不予受理', evaluated: '回访评价',
}

/** How far ahead of our clock a platform's timestamp may be (clock skew), ms. */
const MAX_SKEW_MS = 5 * 60_000
/** A claim not finished within this long was abandoned (a crash): a repeat may take it over. */
const STALE_CLAIM_MS = 2 * 60_000

export const feedbackSchema = z.object({
  eventNumber: z.string().regex(NUMBER, 'must be an event number like E202611230001'),
  status: z.enum(feedbackStatuses),
  comment: z.string().trim().min(1).max(500).optional(),
  externalRef: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1-100 printable ASCII characters').optional(),
  at: z.iso.datetime({ offset: true }),
  satisfaction: z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).optional(),
}).strict().refine((b) => (b.status === 'evaluated') === (b.satisfaction !== undefined),
  { message: 'satisfaction is required with status evaluated and only then', path: ['satisfaction'] })
export type FeedbackBody = z.output<typeof feedbackSchema>

export interface TransitionOutcome { action: string; applied: boolean; reason?: string; seq?: number; status?: string }
/** noteSeq: the history row of the note; eventStatus: the event's status afterwards */
export interface FeedbackOutcome { noteSeq: number; eventStatus: string; transition: TransitionOutcome | null }
export interface FeedbackResult extends FeedbackOutcome { replayed: boolean }

const hashOf = (b: FeedbackBody) => crypto.createHash('sha256')
  .update(JSON.stringify([b.eventNumber, b.status, b.comment ?? null, b.externalRef ?? null, new Date(b.at).toISOString(), b.satisfaction ?? null]))
  .digest('hex')

export async function receiveFeedback(knex: Knex, p: Principal, platform: PlatformRow, raw: unknown, now = new Date()): Promise<FeedbackResult> {
  const body = validate(feedbackSchema, raw, 'feedback')
  const at = new Date(body.at)
  if (at.getTime() > now.getTime() + MAX_SKEW_MS) throw badRequest(`at ${body.at} lies in the future`)
  const e = await readEvent(knex, body.eventNumber, p.jurisdiction, p.userId)
  // another city's event is as unknown as a missing one
  if (!e || e.city_code !== platform.city_code) throw notFound(`no event ${body.eventNumber} in the city of platform ${platform.code}`)
  const hash = hashOf(body)
  const claimed = await claim(knex, platform, e, body, hash, now)
  if (!claimed.fresh) return { ...claimed.outcome, replayed: true }
  const save = (o: FeedbackOutcome) => knex('integration_feedback').where({ id: claimed.id })
    .update({ history_seq: o.noteSeq, outcome: JSON.stringify(o) })
  let noted: FeedbackOutcome | undefined
  try {
    noted = await note(knex, p, platform, body, now)
    // the note is what makes a repeat a replay: saved before the transition is tried
    await save(noted)
  } catch (err) {
    // nothing was written (the note is the first write): free the claim for a retry
    if (!noted) await knex('integration_feedback').where({ id: claimed.id }).whereNull('history_seq').delete()
    throw err
  }
  if (body.status !== 'evaluated') return { ...noted, replayed: false }
  const outcome = await evaluate(knex, p, body, noted, now)
  await save(outcome)
  return { ...outcome, replayed: false }
}

type Claim = { fresh: true; id: number } | { fresh: false; outcome: FeedbackOutcome }

async function claim(knex: Knex, platform: PlatformRow, e: { id: number; number: string; city_code: string }, body: FeedbackBody,
  hash: string, now: Date): Promise<Claim> {
  const [row] = await knex('integration_feedback').insert({
    platform_code: platform.code, event_id: e.id, event_number: e.number, city_code: e.city_code, status: body.status,
    external_ref: body.externalRef ?? null, reported_at: new Date(body.at), body_hash: hash, received_at: now,
  }).onConflict(['platform_code', 'event_number', 'body_hash']).ignore().returning('id')
  if (row) return { fresh: true, id: Number(row.id) }
  const seen = await knex('integration_feedback').where({ platform_code: platform.code, event_number: e.number, body_hash: hash })
    .first('id', 'history_seq', 'outcome', 'received_at')
  if (!seen) throw new AppError(409, 'feedback_in_progress', 'the same feedback was just refused or is being applied: retry shortly')
  if (seen.history_seq !== null) return { fresh: false, outcome: seen.outcome as FeedbackOutcome }
  // in progress elsewhere, or abandoned by a crash: take over only an old claim
  const [taken] = await knex('integration_feedback').where({ id: seen.id }).whereNull('history_seq')
    .where('received_at', '<', new Date(now.getTime() - STALE_CLAIM_MS)).update({ received_at: now }).returning('id')
  if (taken) return { fresh: true, id: Number(taken.id) }
  throw new AppError(409, 'feedback_in_progress', 'the same feedback is being applied right now: retry shortly')
}

const commentOf = (platform: PlatformRow, body: FeedbackBody) =>
  `${platform.name}反馈：${feedbackTitles[body.status]}${body.comment ? `：${body.comment}` : ''}`

async function note(knex: Knex, p: Principal, platform: PlatformRow, body: FeedbackBody, now: Date): Promise<FeedbackOutcome> {
  const r = await recordNote(knex, p, body.eventNumber, {
    action: 'platform_feedback', comment: commentOf(platform, body),
    explanation: { platform: platform.code, status: body.status, at: new Date(body.at).toISOString(),
      externalRef: body.externalRef ?? null, satisfaction: body.satisfaction ?? null },
  }, now)
  return { noteSeq: r.seq, eventStatus: r.event.status, transition: null }
}

/** 回访评价: evaluate a closed event with the platform's satisfaction; otherwise say why not. */
async function evaluate(knex: Knex, p: Principal, body: FeedbackBody, noted: FeedbackOutcome, now: Date): Promise<FeedbackOutcome> {
  const t: TransitionOutcome = { action: 'evaluate', applied: false }
  if (noted.eventStatus !== 'closed') {
    return { ...noted, transition: { ...t, reason: `the event is ${noted.eventStatus}, not closed: kept as a note` } }
  }
  try {
    const r = await transition(knex, p, body.eventNumber, { action: 'evaluate', satisfaction: body.satisfaction,
      comment: `回访评价：${body.satisfaction}${body.comment ? `：${body.comment}` : ''}` }, now)
    return { ...noted, eventStatus: r.event.status, transition: { ...t, applied: true, seq: r.seq, status: r.event.status } }
  } catch (err) {
    // refused by the workflow (evaluated meanwhile, or the role may not): the note stands
    if (err instanceof AppError && err.status < 500) return { ...noted, transition: { ...t, reason: err.detail } }
    throw err
  }
}
