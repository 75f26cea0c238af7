// The webhook adapter: the message as JSON in an HTTP POST.
//
// Headers: Content-Type application/json; X-Gridgov-Message-Id and Idempotency-Key (the
// deduplication key: a receiver drops a key it has seen); X-Gridgov-Attempt; and, when the
// platform has a secret, X-Gridgov-Timestamp (unix seconds) and X-Gridgov-Signature
// "sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>", so a receiver can check origin and
// refuse replays of old bodies.
//
// Contract: any 2xx is "accepted" (the body is logged, not interpreted). Redirects are not
// followed (a moved endpoint is a configuration change, not something to chase silently).
//
// SSRF: an operator's endpoint must not reach the server itself or the city's internal network
// unless WEBHOOK_ALLOWED_NETWORKS allows it (server/http/outbound.ts: the host is resolved and
// every address checked). The check is made when the platform is configured and again before
// every attempt, since a name may be pointed elsewhere later; as redirects are not followed, no
// other hop is ever reached. The allow-list is not OPINION_FEED_ALLOWED_NETWORKS: the platforms a
// city delivers to often live on its intranet, the feeds it reads do not, and allowing one must
// not open the other.
import crypto from 'node:crypto'
import { assertPublicTarget, InternalTargetError } from '../http/outbound.ts'
import { registerAdapter, type Adapter, type DeliveryResult, type Outcome, type PlatformTarget } from './adapters.ts'

/** How much of the answer is read and logged. A hostile endpoint cannot make us buffer more. */
const READ_LIMIT = 64 * 1024
const LOG_LIMIT = 1000
/** Transient HTTP statuses among the 4xx: timeout, too early, too many requests. */
const RETRYABLE_4XX = new Set([408, 425, 429])

export function signature(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'delivered'
  if (status >= 500 || RETRYABLE_4XX.has(status)) return 'retry'
  return 'rejected'
}

/** Retry-After as delay seconds or an HTTP date; absent or unreadable → null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null
  const s = header.trim()
  if (/^\d{1,7}$/.test(s)) return Number(s) * 1000
  // an HTTP-date names the weekday and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse
  // alone would also take "-5" or "2" as a year
  const at = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(s) ? Date.parse(s) : NaN
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

/** Reads at most READ_LIMIT bytes of the body, then stops the stream. */
export async function readSome(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < READ_LIMIT) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, READ_LIMIT).toString('utf8')
}

/** A readable reason for a failed fetch: undici hides the socket error in `cause`. */
export function describe(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e?.name === 'AbortError') return 'aborted: the deliverer is stopping'
  const cause = e?.cause ? `: ${[e.cause.code, e.cause.message].filter(Boolean).join(' ')}` : ''
  return `${e?.message ?? String(err)}${cause}`.slice(0, LOG_LIMIT)
}

/** Refines the outcome of an HTTP answer (the SMS gateway's 2xx may still say no). */
export type Judge = (res: { status: number; statusText: string }, text: string) => { outcome: Outcome; error: string | null }

/** `HTTP 502 Bad Gateway`: the delivery log's words for a refused answer. */
export const httpError = (res: { status: number; statusText: string }) => `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`

const byStatus: Judge = (res) => {
  const outcome = classify(res.status)
  return { outcome, error: outcome === 'delivered' ? null : httpError(res) }
}

/**
 * One signed JSON POST of an adapter: the headers given, signed with the platform's secret
 * (X-Gridgov-Timestamp, X-Gridgov-Signature), within the platform's timeout, stopped with the
 * deliverer; no answer at all is always worth another try.
 */
export async function postJson(target: PlatformTarget, body: string, extra: Record<string, string>, stop: AbortSignal,
  judge: Judge = byStatus): Promise<DeliveryResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'gridgov-outbox/1', ...extra }
  if (target.secret) {
    const ts = String(Math.floor(Date.now() / 1000))
    headers['x-gridgov-timestamp'] = ts
    headers['x-gridgov-signature'] = signature(target.secret, ts, body)
  }
  // one controller for both the timeout (which also covers reading the answer) and stop()
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => { timedOut = true; controller.abort() }, target.timeoutMs)
  const onStop = () => controller.abort()
  stop.addEventListener('abort', onStop)
  const started = performance.now()
  const done = (r: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({ ...r, durationMs: Math.round(performance.now() - started) })
  try {
    const res = await fetch(target.endpoint, { method: 'POST', headers, body, redirect: 'manual', signal: controller.signal })
    const text = await readSome(res)
    const { outcome, error } = judge(res, text)
    return done({
      outcome, statusCode: res.status, response: text ? text.slice(0, LOG_LIMIT) : null, error,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
    })
  } catch (err) {
    return done({ outcome: 'retry', statusCode: null, response: null, error: describe(err, timedOut, target.timeoutMs), retryAfterMs: null })
  } finally {
    clearTimeout(timer)
    stop.removeEventListener('abort', onStop)
  }
}

/** An endpoint in an internal network outside the allow-list: refused without a request. */
export async function internalRefusal(target: PlatformTarget): Promise<DeliveryResult | null> {
  try {
    await assertPublicTarget(target.endpoint, target.allowedNetworks ?? [])
    return null
  } catch (err) {
    // anything else (a name that does not resolve) is left to the request to fail and be retried
    if (!(err instanceof InternalTargetError)) return null
    return {
      outcome: 'rejected', statusCode: null, response: null, retryAfterMs: null, durationMs: 0,
      error: `not sent: ${err.message} (not in WEBHOOK_ALLOWED_NETWORKS)`.slice(0, LOG_LIMIT),
    }
  }
}

export const webhookAdapter: Adapter = {
  async deliver(message, target, stop): Promise<DeliveryResult> {
    const refused = await internalRefusal(target)
    if (refused) return refused
    return postJson(target, JSON.stringify(message.payload), {
      'x-gridgov-message-id': message.key, 'idempotency-key': message.key, 'x-gridgov-attempt': String(message.attempt),
      ...(message.requestId ? { 'x-request-id': message.requestId } : {}),
    }, stop)
  },
}

registerAdapter('webhook', webhookAdapter)
