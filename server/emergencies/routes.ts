// /api/v1/emergencies: major emergencies (重大突发, Jinan 5.2 b) as their followers read them.
//   GET /           the emergencies the caller follows, newest first (open ones by default)
//   GET /{number}   one, with its live time line (the event's history; the stream's 'emergency'
//                   and 'event' messages say when to read it again)
// Declaring one: at intake (priority 1 or a configured class) or the declare_emergency transition.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { NUMBER } from '../events/store.ts'
import { emergencyMessagesZh } from './messagesZh.ts'
import { EMERGENCY_ROLES, emergencyListQuery, listEmergencies, readEmergency } from './store.ts'

export function emergencyRoutes(app: AppContext): Router {
  registerMessages('zh', emergencyMessagesZh)
  const router = new Router({ prefix: '/api/v1/emergencies' })
  const followers = requireRole(...EMERGENCY_ROLES)
  router.get('/', followers, async (ctx) => {
    const q = validate(emergencyListQuery, ctx.query, 'query')
    ctx.body = await listEmergencies(app.knex, principalOf(ctx), q)
  })
  router.get('/:number', followers, async (ctx) => {
    const number = String(ctx.params.number)
    if (!NUMBER.test(number)) throw notFound(`no major emergency ${number} you follow`).coded('emergencies.not_found', { number })
    ctx.body = await readEmergency(app.knex, principalOf(ctx), number)
  })
  return router
}
