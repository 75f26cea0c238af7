// Request ids and structured request logs (one JSON line per request).
import crypto from 'node:crypto'
import type { Context, Next } from 'koa'
import type { Logger } from 'pino'

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/

export function requestLogging(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const started = process.hrtime.bigint()
    // Keep a caller's id (proxies, other government systems) so logs can be joined across systems.
    const given = ctx.get('x-request-id')
    const requestId = CLIENT_ID.test(given) ? given : crypto.randomUUID()
    ctx.state.requestId = requestId
    ctx.state.log = logger.child({ requestId })
    ctx.set('X-Request-Id', requestId)
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const level = ctx.status >= 500 ? 'error' : ctx.status >= 400 ? 'warn' : 'info'
      ctx.state.log[level]({
        method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10,
        user: ctx.state.principal?.username, ip: ctx.ip,
      }, 'request')
    }
  }
}
