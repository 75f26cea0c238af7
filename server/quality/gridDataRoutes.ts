// /api/v1/quality/grids: the data quality of base grids (一格一档, gridData.ts), worst first; one
// grid's parts; a recompute of an area now (the analytics loop recomputes every day). Readers:
// the staff of the area; a grid outside the jurisdiction answers 404 as a missing one.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { areaOf, computeGridQuality, gridQuality, gridQualityLayer, listGridQuality, notifyStale } from './gridData.ts'

export const GRID_QUALITY_READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst', 'grid_inspector']
const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const listQuery = z.object({
  area: adminCode.optional(),
  below: z.coerce.number().min(0).max(100.1).default(100.1),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict()
const refreshBody = z.object({ area: adminCode.optional() }).strict()
const codeParam = z.string().regex(/^[0-9]{15}$/, 'must be a 15-digit base grid code')

export function gridQualityRoutes(app: AppContext): Router {
  // once per catalogue (the fields catalogue may since have replaced it with its user fields added)
  if (!app.catalogue.get(gridQualityLayer.id)) app.catalogue.register(gridQualityLayer)
  const router = new Router({ prefix: '/api/v1/quality/grids' })
  const { knex } = app

  router.get('/', requireRole(...GRID_QUALITY_READERS), async (ctx) => {
    const q = validate(listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    ctx.body = await listGridQuality(knex, p.jurisdiction, { ...q, area: areaOf(p, q.area) })
  })

  router.post('/refresh', requireRole('command_center', 'district_staff', 'street_staff', 'gis_analyst'), async (ctx) => {
    const body = validate(refreshBody, ctx.request.body ?? {}, 'body')
    const p = principalOf(ctx)
    const area = areaOf(p, body.area)
    // an area wider than the caller's jurisdiction is computed for the parts of it the caller holds
    const prefix = adminPrefix(area)
    const parts = p.jurisdiction.covers(prefix) ? [area] : p.jurisdiction.prefixes.filter((j) => j.startsWith(prefix)).map((j) => j.padEnd(12, '0'))
    let grids = 0, told = 0
    for (const part of parts) {
      grids += await computeGridQuality(knex, part)
      told += await notifyStale(knex, part)
    }
    ctx.body = { area, grids, told }
  })

  router.get('/:code', requireRole(...GRID_QUALITY_READERS), async (ctx) => {
    const code = validate(codeParam, ctx.params.code, 'code')
    const q = await gridQuality(knex, principalOf(ctx).jurisdiction, code)
    if (!q) throw notFound(`no data quality of grid ${code} in your jurisdiction (not a current base grid, or not computed yet)`)
    ctx.body = q
  })
  return router
}
