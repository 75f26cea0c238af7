// Messages of the exchange format (docs/exchange/) as this city sends them, and the province's
// outbox platform they travel through. Event changes are queued by the event_history trigger of
// migration 0012 like any platform's, in the webhook shape; the province adapter turns them into
// exchange messages when they leave. Statistics and catalogue entries are queued here, already in
// the exchange shape, each checked against the schema first (a message we cannot send correctly
// is a bug to see at once, not a dead letter days later).
import type { Knex } from 'knex'
import { EXCHANGE_SCHEMA, assertMessage, type ExchangeMessage, type MessageKind } from './schemas.ts'
import { cityAdminCode } from '../integrations/platforms.ts'

export const SENDER_SYSTEM = 'gridgov 城市网格化治理平台'

/** The province's platform code of a city: platform codes are unique across cities. */
export const provinceCode = (cityCode: string) => `province_${cityCode}`

export function envelope<B>(kind: MessageKind, messageId: string, cityCode: string, body: B, now = new Date()): ExchangeMessage<B> {
  return { schema: EXCHANGE_SCHEMA, messageId, kind, sender: { system: SENDER_SYSTEM, areaCode: cityAdminCode(cityCode) }, sentAt: now.toISOString(), body }
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString())

/** The outbox payload the trigger writes for a platform (migration 0012). */
export interface EventChangePayload {
  schema: 'gridgov.event-change/1'
  messageId: string
  event: Record<string, unknown> & { cityCode: string; location: { coordinates: [number, number] } }
  change: { seq: number; action: string; from: string | null; to: string; at: string; actor: { role: string; name: string }; comment: string | null }
}

/**
 * An event change in the exchange shape. The actor is named by role only: the province needs
 * which office acted, not the staff member's name.
 */
export function eventMessage(p: EventChangePayload, now = new Date()): ExchangeMessage {
  const e = p.event
  const body = {
    number: e.number, cityCode: e.cityCode, channel: e.channel, demandType: e.demandType, class: e.class,
    description: e.description, address: e.address ?? null,
    location: { type: 'Point', coordinates: e.location.coordinates, crs: 'EPSG:4490' },
    area: { gridCode: e.gridCode ?? null, communityCode: e.communityCode, streetCode: e.streetCode, districtCode: e.districtCode },
    status: e.status, priority: e.priority, externalRef: e.externalRef ?? null, escalationLevel: e.escalationLevel ?? null,
    signDueAt: iso(e.signDueAt), handleDueAt: iso(e.handleDueAt), createdAt: iso(e.createdAt),
    change: { seq: p.change.seq, action: p.change.action, from: p.change.from, to: p.change.to, at: iso(p.change.at), actorRole: p.change.actor.role, comment: p.change.comment },
  }
  return envelope('event', p.messageId, e.cityCode, body, now)
}

/** The outbox payload of an instruction's step (migration 0072's exchange_feedback_queue). */
export interface InstructionStepPayload {
  schema: 'gridgov.instruction-step/1'
  messageId: string
  cityCode: string
  instruction: { messageId: string; senderAreaCode: string; senderSystem: string }
  eventNumber: string
  step: FeedbackStep
  seq: number; status: string; at: string; actorRole: string; comment: string | null
  result: { text: string | null; at: string } | null
}

export const FEEDBACK_STEPS = { accepted: '受理', signed: '签收', handled: '处置完成', closed: '结案', returned: '退回' } as const
export type FeedbackStep = keyof typeof FEEDBACK_STEPS

/**
 * A step of an instruction's event in the exchange shape. A refusal without a comment still
 * says it was refused: the sender must never get a 退回 without a reason to read.
 */
export function feedbackMessage(p: InstructionStepPayload, now = new Date()): ExchangeMessage {
  const body = {
    instruction: { messageId: p.instruction.messageId, senderAreaCode: p.instruction.senderAreaCode },
    eventNumber: p.eventNumber, step: p.step, stepName: FEEDBACK_STEPS[p.step], status: p.status, at: iso(p.at), actorRole: p.actorRole,
    comment: p.comment,
    ...(p.step === 'returned' ? { reason: p.comment?.trim() || (p.status === 'voided' ? '已作废（未填写理由）' : '不予受理（未填写理由）') } : {}),
    ...(p.result ? { result: { text: p.result.text, at: iso(p.result.at) } } : {}),
  }
  return envelope('instruction-feedback', p.messageId, p.cityCode, body, now)
}

/**
 * Queues one exchange message to the city's province platform (when it has one): false when the
 * message id was queued before (the outbox's (topic, key) is the deduplication).
 */
export async function queueExchange(db: Knex | Knex.Transaction, cityCode: string, message: ExchangeMessage): Promise<boolean> {
  assertMessage(message)
  const platform = provinceCode(cityCode)
  const { rows } = await db.raw(`INSERT INTO outbox (city_code, topic, key, payload, platform_code)
    SELECT ?, 'integration', ?, ?::jsonb, code FROM integration_platform WHERE code = ?
    ON CONFLICT (topic, key) DO NOTHING RETURNING id`, [cityCode, `${platform}:${message.messageId}`, JSON.stringify(message), platform]) as { rows: unknown[] }
  return rows.length > 0
}
