// /api/v1/search: the command screen's search box. One text → grouped hits (coordinates,
// events, grids, admin divisions, standard addresses, persons), each with a point or an extent
// in EPSG:4490 to locate and an id the page opens. Sources are registered (registry.ts); each is
// bounded by an index and a LIMIT and filtered by the caller's jurisdiction.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { forbidden } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { registerBuiltinSources } from './builtin.ts'
import { search } from './service.ts'

export const MAX_QUERY_CHARS = 100
export const MAX_LIMIT = 20
/** Every signed-in role but citizens (`public`): they have no area to search in. */
export const SEARCH_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department',
  'grid_inspector', 'gis_analyst', 'external_system']

export const searchQuery = z.object({
  q: z.string().max(MAX_QUERY_CHARS, `at most ${MAX_QUERY_CHARS} characters`)
    .refine((s) => s.trim().length > 0, 'must not be empty'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
}).strict()

export function searchRoutes(app: AppContext): Router {
  registerBuiltinSources()
  const router = new Router({ prefix: '/api/v1/search' })
  router.use(requireRole(...SEARCH_ROLES))
  router.get('/', async (ctx) => {
    const q = validate(searchQuery, ctx.query, 'query')
    const principal = principalOf(ctx)
    if (!principal.cityCode) throw forbidden('the principal belongs to no city')
    ctx.body = await search(app.knex, principal, principal.cityCode, q.q, q.limit ?? 5)
  })
  return router
}
