// /api/v1/admin-divisions: the admin division tree (city → district → street → community),
// restricted to the caller's jurisdiction.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { getDivision, listDivisions } from './repository.ts'

const listQuery = z.object({
  level: z.enum(['city', 'district', 'street', 'community']).optional(),
  parent: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional(),
}).strict()

const codeParam = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')

export function adminDivisionRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/admin-divisions' })
  router.use(requireRole())

  router.get('/', async (ctx) => {
    const q = validate(listQuery, ctx.query, 'query')
    ctx.body = { items: await listDivisions(app.knex, principalOf(ctx).jurisdiction, q) }
  })

  // Out-of-jurisdiction areas answer 404 like missing ones, so codes cannot be probed.
  router.get('/:code', async (ctx) => {
    const code = validate(codeParam, ctx.params.code, 'admin code')
    const feature = await getDivision(app.knex, principalOf(ctx).jurisdiction, code)
    if (!feature) throw notFound(`no admin division ${code} in your jurisdiction`)
    ctx.type = 'application/geo+json'
    ctx.body = feature
  })
  return router
}
