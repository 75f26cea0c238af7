// The outbox deliverer: sends due messages to their platforms, logs every attempt, retries with
// back-off until delivered (or dead-lettered after repeated refusals).
//
// One pass = claim (one short statement, lease on available_at) → send (no transaction open:
// an HTTP call may take seconds) → record each result (one short statement each). So it works
// on the embedded single-connection database too: nothing waits on an open transaction, and
// the database holds the truth: a restart or crash between the steps loses no message (the
// lease runs out and the row is due again); at worst one is sent twice, which the receiver
// drops by its key.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { AppContext } from '../context.ts'
import { sqlFile } from '../db/sql.ts'
import { adapterFor, type DeliveryResult, type OutboundMessage, type PlatformTarget } from './adapters.ts'
// the adapters register themselves when loaded: this folder's own here; the formats of other
// capabilities (the inbox gateway, the province's exchange) are loaded by their capability and by
// server/background.ts, never imported by this generic layer
import './webhook.ts'
import './sms.ts'
import { backoffMs, defaultBackoff, type BackoffPolicy } from './backoff.ts'

export interface DelivererOptions {
  /** pause between passes when there was nothing to do, ms (default 1000) */
  intervalMs?: number
  /** messages claimed per pass (default 50) */
  batch?: number
  /** messages sent at the same time within a pass (default 8) */
  concurrency?: number
  /** how long a claim holds a message, ms; must exceed the longest platform timeout (default 180 s) */
  leaseMs?: number
  backoff?: BackoffPolicy
  /** the clock (tests move it instead of sleeping) */
  now?: () => Date
  /** jitter source in [0, 1) (tests pin it) */
  random?: () => number
  /** logs each attempt with its message's request id (startDeliverer: with the pass id) */
  log?: Logger
  /** internal networks webhook endpoints may be in (WEBHOOK_ALLOWED_NETWORKS; startDeliverer: the config's); default none */
  allowedNetworks?: readonly string[]
}

export interface PassSummary { claimed: number; delivered: number; retried: number; dead: number }

interface Claimed {
  id: number; key: string; payload: unknown; attempts: number; request_id: string | null; platform_code: string; adapter: string
  endpoint: string; secret: string | null; timeout_ms: number; max_rejections: number
}

const DEFAULT_LEASE_MS = 180_000

/** One pass: claims due messages (at most `batch`), sends them, records the results. */
export async function deliverDue(knex: Knex, opts: DelivererOptions = {}, stop: AbortSignal = new AbortController().signal): Promise<PassSummary> {
  const now = (opts.now ?? (() => new Date()))()
  const { rows } = await knex.raw(sqlFile('integrations/claim'), {
    now, batch: opts.batch ?? 50, leaseUntil: new Date(now.getTime() + (opts.leaseMs ?? DEFAULT_LEASE_MS)),
  }) as { rows: Claimed[] }
  const summary: PassSummary = { claimed: rows.length, delivered: 0, retried: 0, dead: 0 }
  await eachLimited(rows, opts.concurrency ?? 8, async (row) => {
    const result = await send(row, stop, opts.allowedNetworks ?? [])
    const outcome = await record(knex, row, result, opts)
    opts.log?.info({ requestId: row.request_id, outbox: Number(row.id), platform: row.platform_code, attempt: row.attempts,
      outcome, statusCode: result.statusCode }, 'outbox delivery')
    if (outcome === 'delivered') summary.delivered++
    else if (outcome === 'dead') summary.dead++
    else summary.retried++
  })
  return summary
}

async function send(row: Claimed, stop: AbortSignal, allowedNetworks: readonly string[]): Promise<DeliveryResult> {
  const adapter = adapterFor(row.adapter)
  if (!adapter) {
    // the CHECK on integration_platform.adapter makes this a deployment mismatch: keep retrying
    return { outcome: 'retry', statusCode: null, error: `no adapter ${row.adapter} in this version`, response: null, retryAfterMs: null, durationMs: 0 }
  }
  const message: OutboundMessage = { id: Number(row.id), key: row.key, attempt: row.attempts, payload: row.payload, requestId: row.request_id }
  const target: PlatformTarget = { code: row.platform_code, endpoint: row.endpoint, secret: row.secret, timeoutMs: row.timeout_ms, allowedNetworks }
  return adapter.deliver(message, target, stop)
}

async function record(knex: Knex, row: Claimed, r: DeliveryResult, opts: DelivererOptions): Promise<string> {
  // the clock is read after the call: back-off counts from when the attempt ended
  const at = (opts.now ?? (() => new Date()))()
  const wait = backoffMs(row.attempts, opts.backoff ?? defaultBackoff, opts.random, r.retryAfterMs)
  const { rows } = await knex.raw(sqlFile('integrations/record'), {
    id: row.id, attempt: row.attempts, outcome: r.outcome, maxRejections: row.max_rejections, now: at,
    nextAt: new Date(at.getTime() + wait), error: r.error, statusCode: r.statusCode, durationMs: r.durationMs,
    platform: row.platform_code, response: r.response,
  }) as { rows: { outcome: string; applied: boolean }[] }
  return rows[0]!.outcome
}

/** Runs fn over items with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => { while (next < items.length) await fn(items[next++]!) }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/**
 * Starts the loop: a pass every intervalMs, and at once again while passes find work (an
 * event's next message becomes due as soon as the one before it is delivered). Errors are
 * logged and the loop carries on. stop() aborts calls in flight (they are logged as failed
 * attempts and retried later) and waits for the pass to finish recording.
 */
export function startDeliverer(app: AppContext, opts: DelivererOptions = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 1000
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = () => {
    running = (async () => {
      let again = false
      // a pass id joins the pass's lines; each attempt's line names its message's request id
      const log = app.logger.child({ loop: 'outbox', passId: crypto.randomUUID() })
      try {
        const r = await deliverDue(app.knex, { log, allowedNetworks: app.config.webhookAllowedNetworks ?? [], ...opts }, stopping.signal)
        if (r.claimed) log.info({ ...r }, 'outbox messages sent')
        again = r.claimed > 0
      } catch (err) {
        log.error({ err }, 'outbox delivery pass failed')
      }
      if (!stopping.signal.aborted) timer = setTimeout(tick, again ? 0 : intervalMs)
    })()
  }
  timer = setTimeout(tick, 0)
  return {
    async stop() {
      stopping.abort()
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
