// The province adapter: like the webhook (signed JSON POST, the key as Idempotency-Key), but the
// body is an exchange message (docs/exchange/message.schema.json): an event change queued by the
// history trigger is turned into one here; statistics and catalogue entries were queued in that
// shape. Each is checked against the schema before it leaves; one that fails is refused here and
// dead-lettered (the delivery log names the JSON path), never sent half-right.
import { registerAdapter, type Adapter, type DeliveryResult } from '../integrations/adapters.ts'
import { postJson } from '../integrations/webhook.ts'
import { EXCHANGE_SCHEMA, checkMessage, type ExchangeMessage } from './schemas.ts'
import { eventMessage, type EventChangePayload } from './messages.ts'

/** The exchange message an outbox payload becomes (null: not one the province takes). */
export function toExchange(payload: unknown, now = new Date()): ExchangeMessage | null {
  const p = payload as { schema?: unknown }
  if (p?.schema === EXCHANGE_SCHEMA) return { ...(payload as ExchangeMessage), sentAt: now.toISOString() }
  if (p?.schema === 'gridgov.event-change/1') return eventMessage(payload as EventChangePayload, now)
  return null
}

const refused = (error: string): DeliveryResult => ({ outcome: 'rejected', statusCode: null, response: null, error: error.slice(0, 1000), retryAfterMs: null, durationMs: 0 })

export const provinceAdapter: Adapter = {
  async deliver(message, target, stop): Promise<DeliveryResult> {
    const out = toExchange(message.payload)
    if (!out) return refused('not an exchange message: the province takes event changes, statistics and catalogue entries')
    const issue = checkMessage(out)
    if (issue) return refused(`fails the exchange schema at ${issue.path}: ${issue.message}`)
    return postJson(target, JSON.stringify(out), {
      'x-gridgov-message-id': out.messageId, 'idempotency-key': out.messageId, 'x-gridgov-attempt': String(message.attempt),
      ...(message.requestId ? { 'x-request-id': message.requestId } : {}),
    }, stop)
  },
}

registerAdapter('province', provinceAdapter)
