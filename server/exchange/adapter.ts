// The province adapter: like the webhook (signed JSON POST, the key as Idempotency-Key), but the
// body is an exchange message (docs/exchange/message.schema.json): an event change queued by the
// history trigger is turned into one here, and so is an instruction's step (migration 0072's
// trigger); statistics and catalogue entries were queued in that shape. Each is checked against
// the schema before it leaves; one that fails is refused here and dead-lettered (the delivery log
// names the JSON path), never sent half-right. The module registers the adapter when loaded:
// server/background.ts and the exchange routes load it, the generic deliverer does not.
import { registerAdapter, type Adapter, type DeliveryResult } from '../integrations/adapters.ts'
import { internalRefusal, postJson } from '../integrations/webhook.ts'
import { EXCHANGE_SCHEMA, checkMessage, type ExchangeMessage } from './schemas.ts'
import { eventMessage, feedbackMessage, type EventChangePayload, type InstructionStepPayload } from './messages.ts'

/** The exchange message an outbox payload becomes (null: not one the province takes). */
export function toExchange(payload: unknown, now = new Date()): ExchangeMessage | null {
  const p = payload as { schema?: unknown }
  if (p?.schema === EXCHANGE_SCHEMA) return { ...(payload as ExchangeMessage), sentAt: now.toISOString() }
  if (p?.schema === 'gridgov.event-change/1') return eventMessage(payload as EventChangePayload, now)
  if (p?.schema === 'gridgov.instruction-step/1') return feedbackMessage(payload as InstructionStepPayload, now)
  return null
}

const refused = (error: string): DeliveryResult => ({ outcome: 'rejected', statusCode: null, response: null, error: error.slice(0, 1000), retryAfterMs: null, durationMs: 0 })

export const provinceAdapter: Adapter = {
  async deliver(message, target, stop): Promise<DeliveryResult> {
    const out = toExchange(message.payload)
    if (!out) return refused('not an exchange message: the province takes event changes, instruction steps, statistics and catalogue entries')
    const issue = checkMessage(out)
    if (issue) return refused(`fails the exchange schema at ${issue.path}: ${issue.message}`)
    // the province's endpoint is held to WEBHOOK_ALLOWED_NETWORKS as every webhook is
    const internal = await internalRefusal(target)
    if (internal) return internal
    return postJson(target, JSON.stringify(out), {
      'x-gridgov-message-id': out.messageId, 'idempotency-key': out.messageId, 'x-gridgov-attempt': String(message.attempt),
      ...(message.requestId ? { 'x-request-id': message.requestId } : {}),
    }, stop)
  },
}

registerAdapter('province', provinceAdapter)
