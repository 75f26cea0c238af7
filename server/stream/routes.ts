// /api/v1/stream: Server-Sent Events of event changes (intake, every transition, escalations by
// the scheduler) inside the caller's jurisdiction, for the command screen's live updates.
import { PassThrough } from 'node:stream'
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { StreamHub, type StreamMessage } from './hub.ts'
import { cursorOf, replayFor, seqOf } from './replay.ts'

const HEARTBEAT_MS = 15_000
const hubs = new WeakMap<AppContext, StreamHub>()

/** The hub of an application context (one LISTEN per process and context). */
export function streamHubOf(app: AppContext): StreamHub {
  let hub = hubs.get(app)
  if (!hub) {
    hub = new StreamHub(app.listen, app.logger)
    hubs.set(app, hub)
  }
  return hub
}

export function streamRoutes(app: AppContext): Router {
  const router = new Router()
  router.get('/api/v1/stream', requireRole(), async (ctx) => {
    const out = new PassThrough()
    const principal = principalOf(ctx)
    // the SSE id is the user's cursor: what the inbox told this stream last (replay.ts)
    const resumeFrom = cursorOf(ctx.get('last-event-id'))
    let cursor = resumeFrom ?? 0
    let replaying: StreamMessage[] | null = resumeFrom !== null && principal.userId !== null ? [] : null
    const send = (m: StreamMessage) => {
      const seq = seqOf(m)
      if (seq && seq <= cursor) return // already replayed
      if (seq) cursor = seq
      out.write(`id: ${cursor}\nevent: ${m.type}\ndata: ${JSON.stringify(m.data)}\n\n`)
    }
    // live messages wait while the replay is read, so none is lost or sent twice
    const write = (m: StreamMessage) => { if (replaying) replaying.push(m); else send(m) }
    // proxies and load balancers close idle connections: a comment line keeps it open
    const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS)
    let unsubscribe = () => undefined as void
    const end = () => {
      clearInterval(heartbeat)
      unsubscribe()
      out.end()
    }
    try {
      unsubscribe = await streamHubOf(app).subscribe(principal.jurisdiction, write, end, principal.userId)
    } catch (err) {
      clearInterval(heartbeat)
      throw err
    }
    ctx.req.on('close', end)
    ctx.req.socket.setTimeout(0)
    ctx.set({ 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' })
    ctx.type = 'text/event-stream; charset=utf-8'
    ctx.status = 200
    ctx.body = out
    // the retry hint and a first line at once, so clients know the stream is open
    out.write(`retry: 5000\n: connected as ${principal.username}\n\n`)
    if (replaying && resumeFrom !== null) {
      try {
        for (const m of await replayFor(app.knex, principal.userId!, resumeFrom)) send(m)
      } catch (err) {
        // the inbox still holds every item: the client reads it there
        app.logger.warn({ err }, 'stream replay failed')
      } finally {
        const live = replaying
        replaying = null
        for (const m of live) send(m)
      }
    }
  })
  return router
}
