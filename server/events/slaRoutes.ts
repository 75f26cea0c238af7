// /api/v1/sla: the city's time limits. Reading is open to staff; changing them is the command
// centre's. The time limits are versioned configuration now (/api/v1/config/time-limits): a PUT
// here writes a new version in force at once, recorded with who and why like any other, and the
// events already open keep the version they were reported under (their deadlines do not move).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { forbidden } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { NATIONAL, loadSla } from './calendar.ts'
import { timeLimitsBody } from '../config/kinds.ts'
import { commitVersion } from '../config/store.ts'
import type { Principal } from '../auth/users.ts'

export const slaSchema = timeLimitsBody

function cityOf(p: Principal): string {
  if (!p.cityCode) throw forbidden('your account belongs to no city')
  return p.cityCode.slice(0, 6)
}

async function answer(app: AppContext, city: string) {
  const now = new Date()
  const own = await app.knex('config_version').where({ kind: 'time_limits', key: city }).where('effective_from', '<=', now)
    .where((q) => q.whereNull('effective_to').orWhere('effective_to', '>', now)).first('id', 'created_at')
  return {
    city, source: own ? 'city' : 'national', updatedAt: own?.created_at?.toISOString() ?? null,
    version: own ? Number(own.id) : null, versions: `/api/v1/config/time-limits/versions?key=${own ? city : NATIONAL}`,
    sla: await loadSla(app.knex, city),
  }
}

export function slaRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/sla' })

  router.get('/', requireRole('command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system'), async (ctx) => {
    ctx.body = await answer(app, cityOf(principalOf(ctx)))
  })

  router.put('/', requireRole('command_center'), async (ctx) => {
    const p = principalOf(ctx)
    const city = cityOf(p)
    const b = validate(slaSchema, ctx.request.body, 'sla')
    if (city === NATIONAL) throw forbidden('the national defaults are changed by migration, not by a city')
    const mode = (await app.knex('config_version').where({ kind: 'time_limits', key: city }).first('id')) ? 'change' : 'create'
    await commitVersion(app.knex, 'time_limits', { key: city, reason: '经 PUT /api/v1/sla 修改（即时生效）', body: b }, p, mode)
    ctx.body = await answer(app, city)
  })
  return router
}
