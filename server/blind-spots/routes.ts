// /api/v1/blind-spots: the register of responsibility blind spots (部门职能盲区).
//   GET  /                 the register (state=open|resolved|all)
//   POST /                 a gap entered by hand {kind, classCode, areaCode, departmentCodes, note}
//   POST /detect           fills it from bounced orders and the responsibility list, resolves what the list settles
//   POST /{id}/resolve     resolved by hand {resolution, configRef}
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { hardCaseMessagesZh } from '../hard-cases/messagesZh.ts'
import { BLIND_SPOT_ROLES, createGap, detect, gapBody, listGaps, listQuery, resolveBody, resolveGap } from './store.ts'

export function blindSpotRoutes(app: AppContext): Router {
  registerMessages('zh', hardCaseMessagesZh)
  const router = new Router({ prefix: '/api/v1/blind-spots' })
  const staff = requireRole(...BLIND_SPOT_ROLES)
  router.get('/', staff, async (ctx) => { ctx.body = await listGaps(app.knex, principalOf(ctx), validate(listQuery, ctx.query, 'query')) })
  router.post('/', staff, async (ctx) => {
    const body = validate(gapBody, ctx.request.body, 'blind spot')
    ctx.status = 201
    ctx.body = await createGap(app.knex, principalOf(ctx), body)
  })
  router.post('/detect', staff, async (ctx) => { ctx.body = await detect(app.knex, principalOf(ctx)) })
  router.post('/:id/resolve', staff, async (ctx) => {
    const id = String(ctx.params.id)
    if (!/^[0-9]{1,15}$/.test(id)) throw notFound(`no blind spot ${id} in your jurisdiction`).coded('blind_spots.not_found', { id })
    ctx.body = await resolveGap(app.knex, principalOf(ctx), Number(id), validate(resolveBody, ctx.request.body, 'resolution'))
  })
  return router
}
