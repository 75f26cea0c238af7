// GET /api/v1/analytics/service-gaps: the yearly service-gap check (一年一体检, gaps.ts). A folder
// of its own rather than server/analytics/: it is a capability with its own network (walk.ts),
// queries and yearly report, sharing only the URL family and the readers with the event
// analytics. Readers: the analytics readers who may also read the places register (the answer
// counts residents and facilities); external systems are not among them.
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { ANALYTICS_READERS } from '../analytics/routes.ts'
import { badParam } from '../analytics/filters.ts'
import { PLACE_READ_ROLES } from '../registers/access.ts'
import { serviceGapMessagesZh } from './messagesZh.ts'
import { serviceGaps, serviceGapsQuery } from './gaps.ts'

export const SERVICE_GAP_READERS: Role[] = ANALYTICS_READERS.filter((r) => PLACE_READ_ROLES.includes(r))

export function serviceGapRoutes(app: AppContext): Router {
  registerMessages('zh', serviceGapMessagesZh)
  const router = new Router({ prefix: '/api/v1/analytics/service-gaps' })
  const { knexRead: knex } = app // lag-tolerant reads: the replica when configured

  router.get('/', requireRole(...SERVICE_GAP_READERS), async (ctx) => {
    for (const [k, v] of Object.entries(ctx.query)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
    const q = validate(serviceGapsQuery, ctx.query, 'query')
    ctx.body = await serviceGaps(knex, principalOf(ctx).jurisdiction, q)
  })
  return router
}
