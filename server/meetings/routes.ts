// /api/v1/meetings: joint meetings (会商/会办/提级会商, the 72-hour plan) and their decisions.
//   GET  /                               meetings the caller may see (kind, eventNumber)
//   POST /                               convene one, with invited units and decisions
//   GET  /decisions                      decisions tracked like events (state, overdue, mine)
//   GET  /{id}, PATCH /{id}              one meeting (minutes, time, place, title)
//   POST /{id}/decisions                 more decisions
//   POST /{id}/decisions/{seq}/done      the owner unit reports a decision carried out
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { hardCaseMessagesZh } from '../hard-cases/messagesZh.ts'
import { addDecisions, closeDecision, CONVENERS, createMeeting, decisionQuery, decisions, decisionsBody, doneBody, listMeetings, listQuery, MEETING_ROLES,
  meetingBody, patchBody, patchMeeting, readMeeting } from './store.ts'

const idOf = (ctx: Context): number => {
  const id = String(ctx.params.id)
  if (!/^[0-9]{1,15}$/.test(id)) throw notFound(`no meeting ${id} you may see`).coded('meetings.not_found', { id })
  return Number(id)
}

export function meetingRoutes(app: AppContext): Router {
  registerMessages('zh', hardCaseMessagesZh)
  const router = new Router({ prefix: '/api/v1/meetings' })
  const readers = requireRole(...MEETING_ROLES)
  const conveners = requireRole(...CONVENERS)
  router.get('/', readers, async (ctx) => {
    const q = validate(listQuery, ctx.query, 'query')
    ctx.body = { items: await listMeetings(app.knex, principalOf(ctx), q) }
  })
  router.post('/', conveners, async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(meetingBody, ctx.request.body, 'meeting')
    const id = await createMeeting(app.knex, p, body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/meetings/${id}`)
    ctx.body = await readMeeting(app.knex, p, id)
  })
  router.get('/decisions', readers, async (ctx) => {
    const q = validate(decisionQuery, ctx.query, 'query')
    ctx.body = { items: await decisions(app.knex, principalOf(ctx), q) }
  })
  router.get('/:id', readers, async (ctx) => { ctx.body = await readMeeting(app.knex, principalOf(ctx), idOf(ctx)) })
  router.patch('/:id', conveners, async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await patchMeeting(app.knex, principalOf(ctx), id, validate(patchBody, ctx.request.body, 'meeting'))
  })
  router.post('/:id/decisions', conveners, async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await addDecisions(app.knex, principalOf(ctx), id, validate(decisionsBody, ctx.request.body, 'decisions'))
  })
  router.post('/:id/decisions/:seq/done', readers, async (ctx) => {
    const id = idOf(ctx)
    const seq = String(ctx.params.seq)
    if (!/^[0-9]{1,6}$/.test(seq)) throw notFound(`meeting ${id} has no decision ${seq}`).coded('meetings.decision_not_found', { id, seq })
    const body = validate(doneBody, ctx.request.body, 'decision result')
    ctx.body = await closeDecision(app.knex, principalOf(ctx), id, Number(seq), body.result)
  })
  return router
}
