// /api/v1/config: matters and rules as versioned configuration (事件清单/权责清单, demand types,
// channels and who may report through them, dispatch, time-limit and supervision rules).
// Staff read what is in force (or was, ?at=) and every version; the command centre writes: a
// new item, or a new version of one, each with its effective date and reason. Nothing is
// overwritten: an open event keeps the versions it was reported under.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Role } from '../auth/roles.ts'
import { bodySchemas, configKinds, keySchemas, kindOfSegment, kindTitles, segmentOfKind, type ConfigKind } from './kinds.ts'
import { commitVersion, inForce, versionView, versions } from './store.ts'
import { configMessagesZh } from './messagesZh.ts'

export const CONFIG_READ_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department',
  'grid_inspector', 'gis_analyst', 'external_system', 'auditor']
export const CONFIG_ADMIN_ROLES: Role[] = ['command_center']

const MAX_FUTURE_MS = 10 * 366 * 86_400_000

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s))
const atQuery = z.object({ at: instant.optional(), industry: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).optional() }).strict()
const versionsQuery = z.object({ key: z.string().min(1).max(60).optional() }).strict()
const meta = {
  effectiveFrom: instant.optional(),
  effectiveTo: instant.optional(),
  reason: z.string().trim().min(1, 'reason is required: say why the change is made').max(500),
}

function kindOf(segment: string): ConfigKind {
  const kind = kindOfSegment[segment]
  if (!kind) throw notFound(`no configuration kind ${segment}: use one of ${Object.keys(kindOfSegment).join(', ')}`).coded('config.unknown_kind', { kind: segment })
  return kind
}

function keyOf(kind: ConfigKind, raw: unknown, field: string): string {
  const parsed = keySchemas[kind].safeParse(raw)
  if (!parsed.success || parsed.data === 'versions') {
    throw badRequest(`${field}: ${parsed.success ? '"versions" is reserved' : parsed.error.issues[0]!.message}`)
      .coded('config.bad_key', { field, kind })
  }
  return parsed.data
}

/** Splits a write body into the version's metadata and its value, each validated, fields named. */
function versionInput(kind: ConfigKind, raw: unknown, withKey: boolean) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('the body must be a JSON object').coded('config.not_an_object')
  const { key, code, effectiveFrom, effectiveTo, reason, ...value } = raw as Record<string, unknown>
  const keyField = kind === 'classes' ? 'code' : 'key'
  const m = validate(z.object(meta).strict(), { effectiveFrom, effectiveTo, reason }, 'configuration version')
  for (const [field, at] of [['effectiveFrom', m.effectiveFrom], ['effectiveTo', m.effectiveTo]] as const) {
    if (at && at.getTime() > Date.now() + MAX_FUTURE_MS) throw badRequest(`${field} lies more than ten years ahead`).coded('config.too_far_ahead', { field })
  }
  const body = validate(bodySchemas[kind], value, `${kind} version`) as Record<string, unknown>
  return { key: withKey ? keyOf(kind, kind === 'classes' ? (code ?? key) : (key ?? code), keyField) : '', ...m, body }
}

export function configRoutes(app: AppContext): Router {
  registerMessages('zh', configMessagesZh)
  const router = new Router({ prefix: '/api/v1/config' })
  const read = requireRole(...CONFIG_READ_ROLES)
  const admin = requireRole(...CONFIG_ADMIN_ROLES)
  const { knex } = app

  router.get('/', read, async (ctx) => {
    ctx.body = { kinds: configKinds.map((k) => ({ kind: segmentOfKind[k], title: kindTitles[k], href: `/api/v1/config/${segmentOfKind[k]}`,
      versions: `/api/v1/config/${segmentOfKind[k]}/versions` })) }
  })

  router.get('/:kind', read, async (ctx) => {
    const kind = kindOf(ctx.params.kind!)
    const q = validate(atQuery, ctx.query, 'query')
    const at = q.at ?? new Date()
    let rows = await inForce(knex, kind, at)
    if (q.industry) rows = rows.filter((r) => r.body.industryType === q.industry)
    ctx.body = { kind: segmentOfKind[kind], title: kindTitles[kind], at: at.toISOString(), items: rows.map((r) => versionView(r, at)) }
  })

  router.get('/:kind/versions', read, async (ctx) => {
    const kind = kindOf(ctx.params.kind!)
    const q = validate(versionsQuery, ctx.query, 'query')
    const rows = await versions(knex, kind, q.key ?? null)
    ctx.body = { kind: segmentOfKind[kind], items: rows.map((r) => versionView(r)) }
  })

  router.get('/:kind/:key', read, async (ctx) => {
    const kind = kindOf(ctx.params.kind!)
    const key = keyOf(kind, ctx.params.key, 'key')
    const q = validate(atQuery, ctx.query, 'query')
    const at = q.at ?? new Date()
    const all = await versions(knex, kind, key, at)
    if (!all.length) throw notFound(`no ${kind} item ${key}`).coded('config.not_found', { key })
    const current = all.find((r) => r.in_force)
    ctx.body = { kind: segmentOfKind[kind], key, at: at.toISOString(), current: current ? versionView(current, at) : null, versions: all.map((r) => versionView(r)) }
  })

  router.post('/:kind', admin, async (ctx) => {
    const kind = kindOf(ctx.params.kind!)
    const input = versionInput(kind, ctx.request.body, true)
    const row = await commitVersion(knex, kind, input, principalOf(ctx), 'create')
    ctx.status = 201
    ctx.set('Location', `/api/v1/config/${segmentOfKind[kind]}/${encodeURIComponent(row.key)}`)
    ctx.body = versionView(row)
  })

  router.post('/:kind/:key/versions', admin, async (ctx) => {
    const kind = kindOf(ctx.params.kind!)
    const key = keyOf(kind, ctx.params.key, 'key')
    const input = versionInput(kind, ctx.request.body, false)
    const row = await commitVersion(knex, kind, { ...input, key }, principalOf(ctx), 'change')
    ctx.status = 201
    ctx.body = versionView(row)
  })
  return router
}
