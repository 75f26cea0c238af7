// /api/v1/warnings and /api/v1/warning-rules: the warnings (预警) the pass raised, newest first
// inside the caller's jurisdiction (the warning's area code by prefix: a community does not see a
// street-level warning), their acknowledgement, and the city's rules (read by analytics readers,
// changed by the command centre, every version kept).
import Router from '@koa/router'
import { z } from 'zod'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { AppError } from '../http/errors.ts'
import { ANALYTICS_READERS } from '../analytics/routes.ts'
import { checkArea } from '../analytics/filters.ts'
import { acknowledgeBody, idParam, kindParam, parseParams, ruleBody, warningListQuery } from './schemas.ts'
import { acknowledgeWarning, encodeCursor, getWarning, listWarnings, warningFeature, warningView } from './store.ts'
import { listRules, ruleVersions, updateRule } from './ruleStore.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { warningMessagesZh } from './messagesZh.ts'

/** Who may mark a warning handled (inside their jurisdiction). */
export const ACKNOWLEDGERS = ['command_center', 'district_staff', 'street_staff', 'community_staff'] as const

const stringQuery = (ctx: Context) =>
  Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string')) as Record<string, string>

function cityOf(ctx: Context): string {
  const city = principalOf(ctx).cityCode
  if (!city) throw new AppError(403, 'forbidden', 'your account belongs to no city: warning rules are per city').coded('warnings.no_city')
  return city
}

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] }).coded('http.repeated_query', { field: k })
  }
}

const pathSchema = z.object({ id: idParam.optional(), kind: kindParam.optional() })
/** Path parameters, each named in a 400 (`id`, `kind`). */
const pathParams = (ctx: Context) => validate(pathSchema, { id: ctx.params.id, kind: ctx.params.kind }, 'path')

export function warningRoutes(app: AppContext): Router {
  registerMessages('zh', warningMessagesZh)
  const router = new Router({ prefix: '/api/v1' })
  const { knex } = app
  const readers = requireRole(...ANALYTICS_READERS)
  const acknowledgers = requireRole(...ACKNOWLEDGERS)
  const ruleWriters = requireRole('command_center')

  router.get('/warnings', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(warningListQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    if (q.area) await checkArea(knex, p.jurisdiction, q.area)
    const rows = await listWarnings(knex, p, q)
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    const next = last ? `/api/v1/warnings?${new URLSearchParams({ ...stringQuery(ctx), cursor: encodeCursor(last) })}` : null
    if (q.f === 'geojson') {
      ctx.type = 'application/geo+json'
      ctx.body = { type: 'FeatureCollection', numberReturned: rows.length, next, features: rows.map(warningFeature) }
    } else {
      ctx.body = { items: rows.map(warningView), next }
    }
  })

  router.get('/warnings/:id', readers, async (ctx) => {
    const id = pathParams(ctx).id!
    ctx.body = warningView(await getWarning(knex, principalOf(ctx), id))
  })

  router.post('/warnings/:id/acknowledge', acknowledgers, async (ctx) => {
    const id = pathParams(ctx).id!
    const body = validate(acknowledgeBody, ctx.request.body ?? {})
    ctx.body = await acknowledgeWarning(knex, principalOf(ctx), id, body.comment)
  })

  router.get('/warning-rules', readers, async (ctx) => {
    const city = cityOf(ctx)
    ctx.body = { cityCode: city, items: await listRules(knex, city) }
  })

  router.put('/warning-rules/:kind', ruleWriters, async (ctx) => {
    const kind = pathParams(ctx).kind!
    const body = validate(ruleBody, ctx.request.body)
    const params = parseParams(kind, body.params) as Record<string, unknown>
    ctx.body = await updateRule(knex, cityOf(ctx), kind, { ...body, params }, principalOf(ctx).userId)
  })

  router.get('/warning-rules/:kind/versions', readers, async (ctx) => {
    const kind = pathParams(ctx).kind!
    ctx.body = await ruleVersions(knex, cityOf(ctx), kind)
  })

  return router
}
