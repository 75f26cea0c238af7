// Which failures mean "the database is not reachable right now" (stopped, restarting, crashed,
// the network gone) rather than a fault of the request or of our SQL: the error layer answers
// them 503 with Retry-After (server/http/errors.ts), so clients wait and retry instead of
// reading a 500, and the pool simply opens new connections once the server is back.
import { registerMessages } from '../http/messages/registry.ts'

/** Seconds a client is asked to wait (Retry-After) while the database is away. */
export const DB_RETRY_AFTER_SECONDS = 5

// SQLSTATE: class 08 connection exception; 57P01 admin_shutdown, 57P02 crash_shutdown,
// 57P03 cannot_connect_now (starting up, shutting down, in recovery); 53300 too_many_connections
const sqlStates = /^(08...|57P0[123]|53300)$/
// socket-level failures (node errno codes)
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT'])
// node-postgres and knex say these in words only (no code); knex prefixes the SQL ("<sql> - ")
const messages = [
  /(^| - )Connection terminated( unexpectedly)?$/,
  /(^| - )Client has encountered a connection error and is not queryable$/,
  /(^| - )Client was closed and is not queryable$/,
  /(^| - )Connection ended unexpectedly$/,
  /^Knex: Timeout acquiring a connection/,
]

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown }
    if (name === 'DatabaseUnavailableError') return true
    if (typeof code === 'string' && (sqlStates.test(code) || socketCodes.has(code))) {
      // ENOENT only as a socket path (a Unix-socket connection), not a missing file
      if (code !== 'ENOENT' || (e as { syscall?: unknown }).syscall === 'connect') return true
    }
    if (typeof message === 'string' && messages.some((m) => m.test(message))) return true
  }
  return false
}

registerMessages('zh', { 'db.unavailable': '数据库暂时无法连接，请 {retryAfter} 秒后重试' })
