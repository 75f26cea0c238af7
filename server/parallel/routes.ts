// /api/v1/parallel: 并联办 (parallel handling) — one event to several units at once.
//   GET  /                                      the parts the caller's units hold (state=open|done|all)
//   GET  /{number}                              an event's parts
//   POST /{number}/parts                        a desk starts parts {parts: [{departmentCode, task, dueAt}]}
//   POST /{number}/parts/{id}/done              the part's unit reports it done {result}
//   POST /{number}/parts/{id}/withdraw          a desk withdraws a part {reason}
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { NUMBER } from '../events/store.ts'
import { hardCaseMessagesZh } from '../hard-cases/messagesZh.ts'
import { doneBody, finishPart, mineQuery, myParts, PART_ROLES, PART_STARTERS, partsBody, readParts, startParts, withdrawBody } from './store.ts'

const numberOf = (ctx: Context): string => {
  const number = String(ctx.params.number)
  if (!NUMBER.test(number)) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  return number
}
const partOf = (ctx: Context, number: string): number => {
  const id = String(ctx.params.id)
  if (!/^[0-9]{1,15}$/.test(id)) throw notFound(`event ${number} has no part ${id}`).coded('parallel.part_not_found', { number, id })
  return Number(id)
}

export function parallelRoutes(app: AppContext): Router {
  registerMessages('zh', hardCaseMessagesZh)
  const router = new Router({ prefix: '/api/v1/parallel' })
  const readers = requireRole(...PART_ROLES)
  router.get('/', readers, async (ctx) => { ctx.body = await myParts(app.knex, principalOf(ctx), validate(mineQuery, ctx.query, 'query')) })
  router.get('/:number', readers, async (ctx) => { ctx.body = await readParts(app.knex, principalOf(ctx), numberOf(ctx)) })
  router.post('/:number/parts', requireRole(...PART_STARTERS), async (ctx) => {
    const number = numberOf(ctx)
    const body = validate(partsBody, ctx.request.body, 'parallel parts')
    ctx.status = 201
    ctx.body = await startParts(app.knex, principalOf(ctx), number, body)
  })
  router.post('/:number/parts/:id/done', readers, async (ctx) => {
    const number = numberOf(ctx)
    const id = partOf(ctx, number)
    const body = validate(doneBody, ctx.request.body, 'part result')
    ctx.body = await finishPart(app.knex, principalOf(ctx), number, id, { state: 'done', text: body.result })
  })
  router.post('/:number/parts/:id/withdraw', requireRole(...PART_STARTERS), async (ctx) => {
    const number = numberOf(ctx)
    const id = partOf(ctx, number)
    const body = validate(withdrawBody, ctx.request.body, 'withdrawal')
    ctx.body = await finishPart(app.knex, principalOf(ctx), number, id, { state: 'withdrawn', text: body.reason })
  })
  return router
}
