// /api/v1/inbox: each user's notices (站内消息) newest first with read state and keyset pages,
// read marks, subscriptions by kind and area, and delivery settings (quiet hours, gateway address).
// A user sees only the user's own notices. New notices also reach /api/v1/stream as SSE event
// "inbox"; a reconnecting stream replays what it missed (registered below with the stream).
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { registerStreamReplay } from '../stream/replay.ts'
import { inboxMessagesZh } from './messagesZh.ts'
import { idParam, listQuery, readBody, settingsBody, subscriptionBody } from './schemas.ts'
import { addSubscription, getSettings, listInbox, listSubscriptions, markRead, putSettings, removeSubscription, replayInbox } from './store.ts'
// the feed handlers register with the feed (feeds.ts); the loop in background.ts runs them
import './feeds.ts'

const pathSchema = z.object({ id: idParam })

function userOf(ctx: Context): number {
  const id = principalOf(ctx).userId
  if (id === null) throw new AppError(403, 'forbidden', 'the inbox belongs to a user account; this principal has none').coded('inbox.no_account')
  return id
}

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] }).coded('http.repeated_query', { field: k })
  }
}

export function inboxRoutes(app: AppContext): Router {
  registerMessages('zh', inboxMessagesZh)
  registerStreamReplay(replayInbox)
  const router = new Router({ prefix: '/api/v1/inbox' })
  const { knex } = app
  const signedIn = requireRole()

  router.get('/', signedIn, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const out = await listInbox(knex, userOf(ctx), q)
    const last = out.items.length === q.limit ? out.items[out.items.length - 1] : undefined
    const params = Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => k !== 'before' && typeof v === 'string')) as Record<string, string>
    ctx.body = { ...out, next: last ? `/api/v1/inbox?${new URLSearchParams({ ...params, before: String(last.id) })}` : null }
  })

  router.post('/read', signedIn, async (ctx) => {
    const b = validate(readBody, ctx.request.body ?? {})
    ctx.body = await markRead(knex, userOf(ctx), b)
  })

  router.get('/subscriptions', signedIn, async (ctx) => {
    ctx.body = { items: await listSubscriptions(knex, userOf(ctx)) }
  })

  router.post('/subscriptions', signedIn, async (ctx) => {
    const b = validate(subscriptionBody, ctx.request.body ?? {})
    const p = principalOf(ctx)
    ctx.status = 201
    ctx.body = await addSubscription(knex, userOf(ctx), p.jurisdiction, b)
  })

  router.delete('/subscriptions/:id', signedIn, async (ctx) => {
    const { id } = validate(pathSchema, { id: ctx.params.id }, 'path')
    await removeSubscription(knex, userOf(ctx), id)
    ctx.status = 204
  })

  router.get('/settings', signedIn, async (ctx) => {
    ctx.body = await getSettings(knex, userOf(ctx))
  })

  router.put('/settings', signedIn, async (ctx) => {
    const b = validate(settingsBody, ctx.request.body ?? {})
    ctx.body = await putSettings(knex, userOf(ctx), b)
  })

  return router
}
