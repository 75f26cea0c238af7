// How a message reaches a third-party platform. The deliverer knows only this interface: an
// adapter takes one message and answers what happened, never throws, and classifies the
// outcome so the deliverer can decide between done, retry and dead letter. Adapters register
// themselves here (registerAdapter): 'webhook' (JSON over HTTP, webhook.ts) and 'sms' (an SMS
// gateway, sms.ts); a SOAP or file-drop adapter is another registration and another value in
// the CHECK of integration_platform.adapter. The registry keeps this file free of imports of
// its implementations (no import cycle).

/** One outbox row on its way out. */
export interface OutboundMessage {
  /** outbox id */
  id: number
  /** the deduplication key '<platform>:<event number>:<history seq>', sent with the message */
  key: string
  /** this attempt's number, 1 for the first */
  attempt: number
  /** the request that queued it (sent as X-Request-Id), null when a background pass did */
  requestId?: string | null
  payload: unknown
}

/** Where and how to send: the platform row's delivery settings. */
export interface PlatformTarget {
  code: string
  endpoint: string
  secret: string | null
  timeoutMs: number
  /** internal networks the endpoint may be in (WEBHOOK_ALLOWED_NETWORKS); absent: none (webhook.ts) */
  allowedNetworks?: readonly string[]
}

/**
 * - delivered: the platform took it (HTTP 2xx);
 * - retry: a transient failure (timeout, connection error, garbage answer, 5xx, 408/425/429);
 * - rejected: the platform refused this message (other 4xx, 3xx): retried a few times, then
 *   dead-lettered, because a misconfiguration is more often fixed than a message changes.
 */
export type Outcome = 'delivered' | 'retry' | 'rejected'

export interface DeliveryResult {
  outcome: Outcome
  statusCode: number | null
  /** why it failed, for the delivery log and operators (null when delivered) */
  error: string | null
  /** the start of what the platform answered (at most 1000 characters) */
  response: string | null
  /** the platform asked us to wait (Retry-After), in milliseconds */
  retryAfterMs: number | null
  durationMs: number
}

export interface Adapter {
  deliver(message: OutboundMessage, target: PlatformTarget, signal: AbortSignal): Promise<DeliveryResult>
}

const registry = new Map<string, Adapter>()

/** Called once by each adapter module when it is loaded. */
export function registerAdapter(name: string, adapter: Adapter): void {
  registry.set(name, adapter)
}

/** The adapter of a platform row, if this version has it. */
export function adapterFor(name: string): Adapter | undefined {
  return registry.get(name)
}
