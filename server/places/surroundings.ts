// A place's surroundings (周边): the units and places within a radius of it, nearest first, inside
// the caller's jurisdiction. A school or kindergarten uses its own radius (surroundings_radius_m,
// DEFAULT_SURROUNDINGS_M when it names none); `radius` overrides it for one request. Distances
// are geodesic metres on the CGCS2000 spheroid (PostGIS geography).
import type Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import { fieldProblem, readRow } from './register.ts'
import { DEFAULT_SURROUNDINGS_M, placeTable } from './spec.ts'
import { idOf, noRepeats, readers } from './routesKit.ts'

export const surroundingsQuery = z.object({
  radius: z.coerce.number().int().min(10).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict()

interface Near { target: 'unit' | 'place'; id: string; name: string; kind: string; risk_level: string; grid_code: string | null; community_code: string; distance_m: number; lon: number; lat: number }

export function mountSurroundings(router: Router, app: AppContext): void {
  router.get('/:id/surroundings', readers(), async (ctx) => {
    noRepeats(ctx)
    const p = principalOf(ctx)
    const id = idOf(ctx)
    const q = validate(surroundingsQuery, ctx.query, 'query')
    const place = await readRow(app.knex, placeTable, p, id)
    if (place.lon == null || place.lat == null) throw fieldProblem(409, 'lon', 'the place has no point').coded('places.no_point', { field: 'lon', id })
    const radius = q.radius ?? (place.surroundings_radius_m as number | null) ?? DEFAULT_SURROUNDINGS_M
    const { rows } = await app.knex.raw(sqlFile('places/surroundings'), [place.lon as number, place.lat as number, radius, radius, p.jurisdiction.patterns,
      radius, p.jurisdiction.patterns, id, q.limit + 1]) as { rows: Near[] }
    const kept = rows.slice(0, q.limit)
    ctx.body = {
      place: { id, name: place.name, kind: place.kind, lon: place.lon, lat: place.lat },
      radiusM: radius,
      counts: { units: kept.filter((r) => r.target === 'unit').length, places: kept.filter((r) => r.target === 'place').length },
      truncated: rows.length > q.limit,
      items: kept.map((r) => ({
        target: r.target, id: Number(r.id), name: r.name, kind: r.kind, riskLevel: r.risk_level, gridCode: r.grid_code,
        communityCode: r.community_code, distanceM: Math.round(Number(r.distance_m) * 10) / 10, lon: r.lon, lat: r.lat,
      })),
    }
  })
}
