// /api/v1/events: the list, intake, one event, its history, its transitions, its attachments.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { intake } from './intake.ts'
import { eventView, readEvent, NUMBER } from './store.ts'
import { allowedActionsFor, transition } from './transitions.ts'
import { listBody, listEvents, parseListQuery } from './list.ts'
import { reference } from './reference.ts'
import { mountAttachmentRoutes } from './attachmentRoutes.ts'
import { mountDispatchOptions } from './dispatchOptions.ts'
import { mountEventReplay } from './replay.ts'
import { mountUnmask } from '../privacy/unmask.ts'
import { noteOf } from './historyNotes.ts'
import { isAssignee } from './assignee.ts'
import { accessTo } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { eventMessagesZh } from './messagesZh.ts'
import { fieldStepMessagesZh } from './fieldSteps/messagesZh.ts'

export function eventRoutes(app: AppContext): Router {
  registerMessages('zh', eventMessagesZh)
  registerMessages('zh', fieldStepMessagesZh)
  const router = new Router({ prefix: '/api/v1/events' })
  router.use(requireRole())

  router.get('/', async (ctx) => {
    const p = principalOf(ctx)
    const q = parseListQuery(ctx.query, await reference(app.knex))
    const now = new Date()
    const page = await listEvents(app.knex, p, q, now)
    let nextHref: string | null = null
    if (page.next) {
      const params = new URLSearchParams(ctx.querystring)
      params.set('cursor', page.next)
      nextHref = `/api/v1/events?${params.toString()}`
    }
    ctx.type = q.f === 'geojson' ? 'application/geo+json' : 'application/json'
    ctx.body = listBody(page, q, p, nextHref, now)
  })

  router.post('/', async (ctx) => {
    const p = principalOf(ctx)
    const key = ctx.get('idempotency-key') || undefined
    const r = await intake(app.knex, p, ctx.request.body, key)
    const e = r.row ?? await readEvent(app.knex, r.number, p.jurisdiction, p.userId)
    if (!e) throw new Error(`event ${r.number} not readable by its reporter`)
    ctx.status = r.status
    ctx.set('Location', `/api/v1/events/${r.number}`)
    ctx.body = { event: eventView(e, { now: new Date(), principal: p }), duplicates: r.duplicates, dispatch: r.dispatch, replayed: r.status === 200 }
  })

  // Out-of-jurisdiction events answer 404 like missing ones, so numbers cannot be probed.
  router.get('/:number', async (ctx) => {
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    const e = NUMBER.test(number) ? await readEvent(app.knex, number, p.jurisdiction, p.userId) : undefined
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    ctx.body = { ...eventView(e, { now: new Date(), principal: p }), allowed: await allowedActionsFor(app.knex, p, e) }
  })

  router.get('/:number/history', async (ctx) => {
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    const e = NUMBER.test(number) ? await readEvent(app.knex, number, p.jurisdiction, p.userId) : undefined
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    const rows = await app.knex('event_history').where({ event_id: e.id }).orderBy('seq')
      .select('seq', 'action', 'from_status', 'to_status', 'actor_role', 'actor_name', 'at', 'comment', 'attachments', 'explanation')
    // numbers typed into comments are masked like the reporter's (privacy/freeText.ts)
    const access = accessTo(p, { communityCode: e.community_code, heldByPrincipal: isAssignee(p, e) })
    ctx.body = { number, items: rows.map((r) => ({ seq: r.seq, action: r.action, from: r.from_status, to: r.to_status,
      actor: { role: r.actor_role, name: r.actor_name }, at: r.at.toISOString(), comment: shownText(access, r.comment as string | null), attachments: r.attachments, explanation: r.explanation, note: noteOf(r) })) }
  })

  router.post('/:number/transitions', async (ctx) => {
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    if (!NUMBER.test(number)) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
    const r = await transition(app.knex, p, number, ctx.request.body)
    ctx.body = { event: eventView(r.event, { now: new Date(), principal: p }), action: r.action, seq: r.seq, allowed: r.allowed }
  })
  mountAttachmentRoutes(router, app)
  mountDispatchOptions(router, app)
  mountEventReplay(router, app)
  mountUnmask(router, app)
  return router
}
