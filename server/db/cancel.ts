// Long reads that stop when their client goes away (style habit 9). A WMS map, a WFS page or a
// tile can keep a backend busy for seconds; a client that gave up (QGIS panning on, a closed
// tab) must not leave the query running and the pool short of a connection.
//
// clientGone(ctx) is an AbortSignal fired when the response's connection closes before the
// response finished. cancellable(knex, signal, conn => knex.raw(…).connection(conn)) runs the
// query on a connection of its own; on abort it sends pg_cancel_backend(pid) over a separate,
// unpooled connection (what knex's .timeout(ms, { cancel: true }) does), the query fails with
// 57014, and the pooled connection is released only after the cancel was answered, so the
// signal can never reach a query that someone else runs on it later.
//
// On the embedded PGlite (a pool of exactly one connection, one query stream) the cancel would
// wait behind the very query it cancels: there the query simply runs to its end.
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'

const signals = new WeakMap<Context, AbortSignal>()

/** Fires when the client closes the connection before the whole response was written. */
export function clientGone(ctx: Context): AbortSignal {
  let signal = signals.get(ctx)
  if (!signal) {
    const controller = new AbortController()
    signal = controller.signal
    signals.set(ctx, signal)
    const res = ctx.res
    // 'close' on the response comes after 'finish' for a normal end; before it, the peer left
    if (res.destroyed && !res.writableFinished) controller.abort()
    else res.once('close', () => { if (!res.writableFinished) controller.abort() })
  }
  return signal
}

interface PgConnection { processID?: number | null }
interface KnexClientInternals {
  config: { pool?: { max?: number } }
  acquireConnection(): Promise<PgConnection>
  releaseConnection(conn: PgConnection): Promise<unknown>
  cancelQuery(conn: PgConnection): Promise<unknown>
}

/** Whether the pool can spare the cancel a connection (not the one-connection embedded engine). */
export const canCancel = (knex: Knex) => ((knex.client as KnexClientInternals).config.pool?.max ?? 10) > 1

/** The error a cancelled read ends with; nobody is left to read it (499: client closed request). */
export const clientClosed = () => new AppError(499, 'client_closed', 'the client closed the connection before the answer')

/**
 * Runs one query bound to the signal (see the header). Without a signal, or where cancelling is
 * impossible, it is just the query.
 */
export async function cancellable<T>(knex: Knex, signal: AbortSignal | undefined, run: (conn: unknown) => PromiseLike<T>): Promise<T> {
  if (!signal) return run(undefined)
  if (signal.aborted) throw clientClosed()
  if (!canCancel(knex)) return run(undefined)
  const client = knex.client as KnexClientInternals
  const conn = await client.acquireConnection()
  try {
    return await onConnection(knex, conn, signal, () => run(conn))
  } finally {
    await client.releaseConnection(conn)
  }
}

/**
 * The same for a connection the caller already holds (a pg.PoolClient from
 * knex.client.acquireConnection(), e.g. for named prepared statements): `run` uses `conn`;
 * when the signal fires, the backend's query is cancelled, and this returns (rejects) only
 * after the cancel was answered, so the caller may release `conn` right after.
 */
export async function onConnection<T>(knex: Knex, conn: unknown, signal: AbortSignal | undefined, run: () => PromiseLike<T>): Promise<T> {
  if (!signal || !canCancel(knex)) return run()
  if (signal.aborted) throw clientClosed()
  const client = knex.client as KnexClientInternals
  let cancelling: Promise<unknown> | null = null
  const onAbort = () => {
    cancelling = client.cancelQuery(conn as PgConnection).catch(() => undefined)
  }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await run()
  } catch (err) {
    if (signal.aborted) throw clientClosed()
    throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
    if (cancelling) await cancelling
  }
}

/** knex.raw (positional or named bindings) bound to the request's client: the common case of cancellable. */
export function rawCancellable<T = unknown>(knex: Knex, signal: AbortSignal | undefined, text: string,
  values: readonly unknown[] | Record<string, unknown>): Promise<T> {
  return cancellable(knex, signal, (conn) => {
    const q = knex.raw(text, values as Knex.RawBinding[] | Knex.ValueDict)
    return (conn ? q.connection(conn) : q) as unknown as PromiseLike<T>
  })
}

/**
 * The abort of one render shared by every request waiting for it (a map image or a tile asked
 * by several clients at once): it fires only when every waiter has left, so one client closing
 * its tab never fails the others. A waiter without a signal (a server-side caller) never leaves.
 */
export class SharedAbort {
  private readonly controller = new AbortController()
  private waiting = 0
  private forever = false

  get signal(): AbortSignal {
    return this.controller.signal
  }

  join(signal: AbortSignal | undefined): void {
    if (!signal) {
      this.forever = true
      return
    }
    if (signal.aborted) return // gone before it arrived: it holds nothing up
    this.waiting++
    signal.addEventListener('abort', () => {
      if (--this.waiting === 0 && !this.forever) this.controller.abort()
    }, { once: true })
  }
}
