// Opens the database: the PostGIS server named by DATABASE_URL, or the embedded one.
import { EventEmitter } from 'node:events'
import knexFactory, { type Knex } from 'knex'
import pg from 'pg'
import type { Config } from '../config.ts'
import { startEmbedded, type EmbeddedServer } from './embedded.ts'
import { sqlFile } from './sql.ts'

// int8 (counts, bigserial ids) and numeric as JS numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

export type DatabaseMode = 'external' | 'embedded'

export interface Database {
  knex: Knex
  /** Lag-tolerant reads: the replica pool when DATABASE_READ_URL is set, else `knex` itself. */
  knexRead: Knex
  mode: DatabaseMode
  /** Connection string (embedded: the loopback socket of this process's PGlite). */
  url: string
  /** LISTEN on a channel; resolves to an unlisten function. Survives reconnects on a real server. */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface ListenOptions {
  /**
   * With a read replica: hand each notification over only once the replica has replayed the
   * primary's WAL as far as it was when the notification arrived (at most 10 s), so what a
   * listener does next (drop cached tiles, re-read) sees the change on the replica too.
   */
  afterReplica?: boolean
  /** The connection was lost and is back; notifications sent meanwhile are lost (drop caches). */
  onReconnect?: () => void
}

export class DatabaseUnavailableError extends Error {
  constructor(target: string, attempts: number, cause: unknown) {
    super(`cannot reach the database at ${target} after ${attempts} attempt(s): ` +
      `${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'DatabaseUnavailableError'
  }
}

type DbConfig = Pick<Config, 'databaseUrl' | 'databaseReadUrl' | 'dataDir' | 'dbPoolMax' | 'dbConnectRetries' | 'dbStatementTimeoutMs'>

export async function openDatabase(config: DbConfig, log: (msg: string) => void = () => undefined): Promise<Database> {
  if (config.databaseUrl) {
    const knex = createKnex(config.databaseUrl, config.dbPoolMax, config.dbStatementTimeoutMs)
    await waitUntilReachable(knex, redact(config.databaseUrl), config.dbConnectRetries, log)
    const url = config.databaseUrl
    const knexRead = config.databaseReadUrl ? createKnex(config.databaseReadUrl, config.dbPoolMax, config.dbStatementTimeoutMs, undefined, 'gridgov-read') : knex
    if (knexRead !== knex) {
      await waitUntilReachable(knexRead, redact(config.databaseReadUrl!), config.dbConnectRetries, log).catch(async (err) => { await knex.destroy(); throw err })
    }
    const close = async () => { await knex.destroy(); if (knexRead !== knex) await knexRead.destroy() }
    const listen: Database['listen'] = (ch, cb, o = {}) =>
      listenExternal(url, ch, o.afterReplica && knexRead !== knex ? afterReplay(knex, knexRead, cb) : cb, log, o.onReconnect)
    return { knex, knexRead, mode: 'external', url, listen, close }
  }
  const embedded = await startEmbedded(config.dataDir)
  // PGlite runs one query stream: more than one pooled connection would interleave the
  // transactions of different clients, so the pool holds exactly one.
  const url = `postgres://postgres@127.0.0.1:${embedded.port}/postgres`
  const notifications = new EventEmitter()
  const knex = createKnex(url, 1, 0, (conn) => conn.on('notification', (n) => notifications.emit(n.channel, n.payload)))
  try {
    await waitUntilReachable(knex, `embedded PostGIS in ${config.dataDir}`, 2, log)
  } catch (err) {
    await knex.destroy()
    await embedded.stop()
    throw err
  }
  return { knex, knexRead: knex, mode: 'embedded', url, listen: (ch, cb) => listenEmbedded(knex, notifications, ch, cb), close: () => closeEmbedded(knex, embedded) }
}

/**
 * A dedicated connection (LISTEN needs one session for good, outside the pool) that reconnects
 * with back-off (0.25 s doubling to 5 s) for as long as the server is away: stopped, restarting
 * or crashed. Notifications sent while it was away are lost, which is acceptable for cache
 * invalidation (the caches also expire) and for the stream (clients resynchronise by reading).
 */
async function listenExternal(url: string, channel: string, onPayload: (p: string) => void, log: (m: string) => void,
  onReconnect?: () => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`bad channel name ${channel}`)
  let client: pg.Client | undefined
  let stopped = false
  let delay = 250
  let timer: NodeJS.Timeout | undefined
  let reconnecting = false
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: 'gridgov-listen' })
    let lost = false
    const onLost = () => {
      if (lost || stopped) return
      lost = true
      client = undefined
      c.end().catch(() => undefined)
      log(`LISTEN ${channel}: connection lost, reconnecting in ${delay} ms`)
      reconnecting = true
      timer = setTimeout(() => { timer = undefined; void connect().catch(() => undefined) }, delay)
      delay = Math.min(5000, delay * 2)
    }
    c.on('notification', (n) => { if (n.channel === channel && n.payload !== undefined) onPayload(n.payload) })
    c.on('error', onLost)
    c.on('end', onLost)
    try {
      await c.connect()
      await c.query(`LISTEN ${channel}`)
    } catch (err) {
      onLost()
      throw err
    }
    if (stopped) { await c.end().catch(() => undefined); return }
    const again = reconnecting
    client = c
    delay = 250
    if (again) { log(`LISTEN ${channel}: reconnected`); onReconnect?.() }
  }
  try {
    await connect()
  } catch (err) {
    stopped = true
    if (timer) clearTimeout(timer)
    throw err
  }
  return async () => {
    stopped = true
    if (timer) clearTimeout(timer)
    await client?.end().catch(() => undefined)
  }
}

/**
 * Delivers notifications once the replica has replayed the primary's WAL position read after
 * they arrived (their commits are before it), or after a minute (a replica that far behind is
 * reported by /health). Notifications arriving during a wait are delivered
 * together after the next one: one wait at a time, however many notifications.
 */
function afterReplay(primary: Knex, replica: Knex, deliver: (p: string) => void): (p: string) => void {
  let pending: string[] = []
  let running = false
  const drain = async () => {
    running = true
    while (pending.length) {
      const batch = pending
      pending = []
      await replicaCaughtUp(primary, replica, 60_000).catch(() => undefined)
      for (const p of batch) deliver(p)
    }
    running = false
  }
  return (p) => {
    pending.push(p)
    if (!running) void drain()
  }
}

/** Resolves once the replica has replayed the primary's current WAL position, or after `maxMs`. */
export async function replicaCaughtUp(primary: Knex, replica: Knex, maxMs = 10_000): Promise<boolean> {
  const { rows: [p] } = await primary.raw(sqlFile('health/primary_lsn'))
  for (const end = Date.now() + maxMs; ;) {
    const { rows: [r] } = await replica.raw(sqlFile('db/replica_replayed'), [p.lsn])
    if (r.replayed !== false) return true
    if (Date.now() >= end) return false
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * PGlite is one database session behind its socket: a second connection would not hear
 * notifications (its multiplexer drops it), but the session's own statements bring them back on
 * the pool's connection, and LISTEN outlives a reconnect of that connection.
 */
async function listenEmbedded(knex: Knex, notifications: EventEmitter, channel: string, onPayload: (p: string) => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`bad channel name ${channel}`)
  const handler = (payload: string | undefined) => { if (payload !== undefined) onPayload(payload) }
  notifications.on(channel, handler)
  await knex.raw('LISTEN ??', [channel])
  return async () => { notifications.off(channel, handler) }
}

async function closeEmbedded(knex: Knex, embedded: EmbeddedServer): Promise<void> {
  await knex.destroy()
  await embedded.stop()
}

const quiet = () => undefined

function createKnex(url: string, poolMax: number, statementTimeoutMs: number, onConnection?: (conn: pg.Client) => void, applicationName = 'gridgov'): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      application_name: applicationName,
      // JIT compiles expensive-looking PostGIS plans for seconds and saves nothing on our
      // short queries (seen: ~2 s per grid write over a staging table).
      options: '-c jit=off',
      ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    },
    pool: {
      min: 0, max: poolMax,
      ...(onConnection ? { afterCreate: (conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) => { onConnection(conn); done(null, conn) } } : {}),
    },
    acquireConnectionTimeout: 60_000,
    // knex prints to the console by default; failures reach us as rejected queries anyway
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
  })
}

/** Retries with exponential back-off (0.25 s, 0.5 s, … capped at 5 s) before giving up. */
async function waitUntilReachable(knex: Knex, target: string, retries: number, log: (m: string) => void): Promise<void> {
  let lastError: unknown
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      await knex.raw('select 1')
      return
    } catch (err) {
      lastError = err
      if (attempt === retries) break
      const delay = Math.min(5000, 250 * 2 ** attempt)
      log(`database at ${target} not reachable (${(err as Error).message}); retrying in ${delay} ms`)
      await new Promise((r) => setTimeout(r, delay))
    }
  }
  await knex.destroy()
  throw new DatabaseUnavailableError(target, retries + 1, lastError)
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}
