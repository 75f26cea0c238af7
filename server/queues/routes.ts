// /api/v1/queues: work queues (工作队列) per member and unit — to sign, to handle, due soon,
// returned, and (for verifiers) reports waiting for an on-site verification.
//   GET /   the caller's queues (scope=me|unit), or a unit's (departmentCode) or member's (memberId) for a desk
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { queueMessagesZh } from './messagesZh.ts'
import { QUEUE_ROLES, queueQuery, readQueues } from './store.ts'

export function queueRoutes(app: AppContext): Router {
  registerMessages('zh', queueMessagesZh)
  const router = new Router({ prefix: '/api/v1/queues' })
  router.get('/', requireRole(...QUEUE_ROLES), async (ctx) => {
    const q = validate(queueQuery, ctx.query, 'query')
    ctx.body = await readQueues(app.knex, principalOf(ctx), q)
  })
  return router
}
