// /api/v1/sla: the city's time limits (event_sla). Reading is open to staff; changing them is the
// command centre's. A change applies to dispatches from then on: deadlines already set stay.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { forbidden } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { NATIONAL, loadSla, type Sla } from './calendar.ts'
import { invalidateReference } from './reference.ts'
import type { Principal } from '../auth/users.ts'

const hours = (max: number) => z.number().positive().max(max)

export const slaSchema = z.object({
  signWorkHours: hours(240),
  signRestDayHours: hours(720),
  planHours: hours(720),
  districtPlanHours: hours(720),
  escalateAfterHours: z.object({ community: hours(2160).nullable(), street: hours(2160).nullable() }).strict(),
  answerHours: hours(720),
  autoCloseGrid: z.boolean(),
  appealDays: z.number().int().min(1).max(365),
  arrivalRadiusM: z.number().int().min(5).max(5000).default(50),
  arrivalInGrid: z.boolean().default(false),
  arrivalRequired: z.boolean().default(false),
}).strict()

function cityOf(p: Principal): string {
  if (!p.cityCode) throw forbidden('your account belongs to no city')
  return p.cityCode.slice(0, 6)
}

export function slaRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/sla' })

  router.get('/', requireRole('command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system'), async (ctx) => {
    const city = cityOf(principalOf(ctx))
    const own = await app.knex('event_sla').where('city_code', city).first('updated_at')
    ctx.body = { city, source: own ? 'city' : 'national', updatedAt: own?.updated_at?.toISOString() ?? null, sla: await loadSla(app.knex, city) }
  })

  router.put('/', requireRole('command_center'), async (ctx) => {
    const p = principalOf(ctx)
    const city = cityOf(p)
    const b: Sla = validate(slaSchema, ctx.request.body, 'sla') as Sla
    const row = {
      city_code: city, sign_work_hours: b.signWorkHours, sign_rest_day_hours: b.signRestDayHours, plan_hours: b.planHours,
      district_plan_hours: b.districtPlanHours, escalate_community_hours: b.escalateAfterHours.community ?? null,
      escalate_street_hours: b.escalateAfterHours.street ?? null, answer_hours: b.answerHours, auto_close_grid: b.autoCloseGrid,
      appeal_days: b.appealDays, arrival_radius_m: b.arrivalRadiusM, arrival_in_grid: b.arrivalInGrid, arrival_required: b.arrivalRequired, updated_at: new Date(), updated_by: p.userId,
    }
    if (city === NATIONAL) throw forbidden('the national defaults are changed by migration, not by a city')
    await app.knex('event_sla').insert(row).onConflict('city_code').merge()
    invalidateReference(app.knex)
    ctx.body = { city, source: 'city', updatedAt: row.updated_at.toISOString(), sla: await loadSla(app.knex, city) }
  })
  return router
}
