// /api/v1/stream: Server-Sent Events of event changes (intake, every transition, escalations by
// the scheduler) inside the caller's jurisdiction, for the command screen's live updates.
import { PassThrough } from 'node:stream'
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { StreamHub, type StreamMessage } from './hub.ts'

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
    let seq = 0
    const write = (m: StreamMessage) => out.write(`id: ${++seq}\nevent: ${m.type}\ndata: ${JSON.stringify(m.data)}\n\n`)
    // proxies and load balancers close idle connections: a comment line keeps it open
    const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS)
    let unsubscribe = () => undefined as void
    const end = () => {
      clearInterval(heartbeat)
      unsubscribe()
      out.end()
    }
    try {
      unsubscribe = await streamHubOf(app).subscribe(principalOf(ctx).jurisdiction, write, end)
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
    out.write(`retry: 5000\n: connected as ${principalOf(ctx).username}\n\n`)
  })
  return router
}
