// /api/v1/analytics: heatmaps (and, from the hot-spot work, Gi* hot spots). Read-only; every
// answer lies inside the caller's jurisdiction (event.community_code), an `area` outside it is
// a 403 naming `area` (the caller named the place, nothing leaks).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import type { Role } from '../auth/roles.ts'
import { analyticsQuery, badParam, parseAnalyticsQuery, resolveFilter } from './filters.ts'
import { heatmap } from './heatmap.ts'
import { hotspotQuery, hotspots } from './hotspots.ts'
import { gridHotspots } from './gridHotspots.ts'
import { series, seriesQuery } from './series.ts'
import { defaultFrom, emergingHotspots, emergingQuery } from './emerging.ts'
import { indicatorQuery, indicators, periodWindow } from './indicators.ts'
import { parsePeriod, periodKindOf } from './calendarPeriods.ts'
import { hotWordsAnswer, hotWordsQuery } from './hotWords.ts'
import { forecast, forecastQuery } from './forecast.ts'
import { reporters, reportersQuery } from './reporters.ts'
import { registerForecastWarning } from './forecastWarning.ts'
import { validate } from '../http/validate.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { NATIONAL } from '../events/calendar.ts'

/** Office staff, analysts, departments and external systems; not public users or anonymous callers. */
export const ANALYTICS_READERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff',
  'gis_analyst', 'department', 'external_system']

export function analyticsRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/analytics' })
  const { knexRead: knex } = app // lag-tolerant reads: the replica when configured
  const readers = requireRole(...ANALYTICS_READERS)
  registerForecastWarning()

  router.get('/heatmap', readers, async (ctx) => {
    const q = parseAnalyticsQuery(ctx.query, analyticsQuery)
    const scope = principalOf(ctx).jurisdiction
    const f = await resolveFilter(knex, scope, q)
    ctx.type = 'application/geo+json'
    ctx.body = await heatmap(knex, scope, f, q.resolution)
  })

  router.get('/hotspots', readers, async (ctx) => {
    const q = parseAnalyticsQuery(ctx.query, hotspotQuery)
    const scope = principalOf(ctx).jurisdiction
    if (q.unit === 'grid' && q.k !== 1) throw badParam('k', 'unit=grid uses first-order queen contiguity: k must be 1')
    const f = await resolveFilter(knex, scope, q)
    const o = { resolution: q.resolution, k: q.k, permutations: q.permutations, seed: q.seed }
    ctx.type = 'application/geo+json'
    ctx.body = q.unit === 'grid' ? await gridHotspots(knex, scope, f, o) : await hotspots(knex, scope, f, o)
  })

  router.get('/series', readers, async (ctx) => {
    const q = parseAnalyticsQuery(ctx.query, seriesQuery)
    const scope = principalOf(ctx).jurisdiction
    ctx.body = await series(knex, scope, await resolveFilter(knex, scope, q), q.interval, q.by)
  })

  router.get('/emerging-hotspots', readers, async (ctx) => {
    const q = defaultFrom(parseAnalyticsQuery(ctx.query, emergingQuery))
    const scope = principalOf(ctx).jurisdiction
    const f = await resolveFilter(knex, scope, q)
    ctx.type = 'application/geo+json'
    ctx.body = await emergingHotspots(knex, scope, f, { resolution: q.resolution, k: q.k, step: q.step, timeWindow: q.timeWindow })
  })

  router.get('/indicators', readers, async (ctx) => {
    const q = parseAnalyticsQuery(ctx.query, indicatorQuery)
    const scope = principalOf(ctx).jurisdiction
    if (q.period === undefined) {
      ctx.body = await indicators(knex, scope, await resolveFilter(knex, scope, q), q.unit)
      return
    }
    if (q.from !== undefined || q.to !== undefined) throw badParam(q.from ? 'from' : 'to', 'give either period or from/to, not both')
    const p = parsePeriod(periodKindOf(q.period), q.period)
    const w = periodWindow({}, p, new Date())
    const f = await resolveFilter(knex, scope, { ...q, from: w.f.from, to: w.f.to })
    const within = (x: { from: Date; to: Date }) => ({ ...f, from: x.from, to: x.to })
    ctx.body = await indicators(knex, scope, f, q.unit, {
      compare: { yoy: within(w.compare.yoy), mom: within(w.compare.mom) },
      period: { kind: p.kind, label: p.label, partial: w.partial },
    })
  })

  router.get('/hot-words', readers, async (ctx) => {
    const q = parseAnalyticsQuery(ctx.query, hotWordsQuery)
    const scope = principalOf(ctx).jurisdiction
    ctx.body = await hotWordsAnswer(knex, scope, await resolveFilter(knex, scope, q), q.limit)
  })

  // an area outside the jurisdiction is a 404 here (not the 403 above): these answers are about
  // areas, and a 404 does not confirm that a named area exists
  router.get('/forecast', readers, async (ctx) => {
    for (const [k, v] of Object.entries(ctx.query)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
    const q = validate(forecastQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    ctx.body = await forecast(knex, p.jurisdiction, p.cityCode ?? NATIONAL, q)
  })

  // reporter groups touch the people register: only the roles that may read it, in aggregate
  router.get('/reporters', requireRole(...PEOPLE_ROLES), async (ctx) => {
    for (const [k, v] of Object.entries(ctx.query)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
    const q = validate(reportersQuery, ctx.query, 'query')
    ctx.body = await reporters(knex, principalOf(ctx).jurisdiction, q)
  })

  return router
}
