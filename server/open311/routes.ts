// /open311/v2: Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), every resource in
// XML and JSON by its extension. Errors are AppErrors like everywhere else; the error middleware
// writes them in the spec's <errors> / [{code, description}] format on /open311 paths.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, registerErrorFormat } from '../http/errors.ts'
import { open311ErrorFormat } from './errors.ts'
import { publicOrigin } from '../ogc/common/url.ts'
import { FORMATS, MEDIA_TYPES, formatOf, sendList, sendObject } from './format.ts'
import { checkJurisdiction, open311Principal, readScope, requireSubmitter } from './scope.ts'
import { serviceDefinition, serviceRows, serviceView, SERVICE_CODE } from './services.ts'
import { findRequest, findRequests, parseFilters, requestView } from './requests.ts'
import { normalizeBody, submit } from './submit.ts'

export const OPEN311_BASE = '/open311/v2'
/** When this interface (its resources and extensions) last changed: the discovery changeset. */
export const CHANGESET = '2026-11-24T00:00:00Z'

type Query = Record<string, string | string[] | undefined>

export function open311Routes(app: AppContext): Router {
  // errors under /open311 answer in the spec's error list, not problem JSON
  registerErrorFormat(open311ErrorFormat)
  const router = new Router({ prefix: OPEN311_BASE })

  router.get('/discovery.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    sendObject(ctx, fmt, 'discovery', {
      changeset: CHANGESET,
      contact: '市城市运行管理指挥中心（网格化管理） gridgov command centre',
      key_service: 'API keys (api_key) are issued by the city command centre to external systems; a signed-in user may POST with its own credentials.',
      endpoints: [{
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${publicOrigin(ctx, app)}${OPEN311_BASE}`,
        changeset: CHANGESET,
        type: 'production',
        formats: FORMATS.map((f) => MEDIA_TYPES[f]),
      }],
    })
  })

  router.get('/services.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    await checkJurisdiction(ctx, app.knex)
    const rows = await serviceRows(app.knex)
    sendList(ctx, fmt, 'services', 'service', rows.map(serviceView))
  })

  router.get('/services/:code.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    await checkJurisdiction(ctx, app.knex)
    const code = String(ctx.params.code)
    const [row] = SERVICE_CODE.test(code) ? await serviceRows(app.knex, code) : []
    if (!row) throw new AppError(404, 'service_code_not_found', `service_code ${code.slice(0, 40)} not found`)
    sendObject(ctx, fmt, 'service_definition', serviceDefinition(row))
  })

  router.post('/requests.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    const p = await open311Principal(ctx, app.knex)
    requireSubmitter(p)
    await checkJurisdiction(ctx, app.knex)
    const idemKey = ctx.get('idempotency-key') || undefined
    const r = await submit(app.knex, p, normalizeBody(ctx.request.body, ctx.query), idemKey)
    ctx.status = r.created ? 201 : 200
    ctx.set('Location', `${OPEN311_BASE}/requests/${String(r.response.service_request_id)}.${fmt}`)
    sendList(ctx, fmt, 'service_requests', 'request', [r.response], true)
  })

  router.get('/requests.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    const filters = parseFilters(ctx.query as Query, new Date())
    const scope = await readScope(ctx, app.knex, await open311Principal(ctx, app.knex))
    const rows = await findRequests(app.knex, filters, scope)
    sendList(ctx, fmt, 'service_requests', 'request', rows.map(requestView), true)
  })

  router.get('/requests/:id.:format', async (ctx) => {
    const fmt = formatOf(ctx.params.format)
    const scope = await readScope(ctx, app.knex, await open311Principal(ctx, app.knex))
    const row = await findRequest(app.knex, String(ctx.params.id), scope)
    sendList(ctx, fmt, 'service_requests', 'request', [requestView(row)], true)
  })

  // The token is an unguessable secret handed to the submitter: it resolves to the id only.
  router.get('/tokens/:token.:format', async (ctx: Context) => {
    const fmt = formatOf(ctx.params.format)
    await checkJurisdiction(ctx, app.knex)
    const token = String(ctx.params.token)
    const row = /^[A-Za-z0-9_-]{16,64}$/.test(token)
      ? await app.knex('open311_request').where({ token }).first('event_number') : undefined
    if (!row) throw new AppError(404, 'token_not_found', `token ${token.slice(0, 64)} not found`)
    sendList(ctx, fmt, 'service_requests', 'request', [{ service_request_id: row.event_number, token }])
  })

  return router
}
