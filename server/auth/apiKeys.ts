// /api/v1/auth/api-keys: the command centre issues, lists, rotates and revokes the API keys of
// its city's external systems. A key is shown once, when created or rotated. Rotation issues a
// new key with the same user, name, scopes and expiry, and keeps the old one valid until the end
// of a grace period (default 24 h, at most 7 days, never past its own expiry), so the external
// system can switch without a gap: two keys are valid during the change.
import type Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { createApiKey } from './users.ts'
import { API_KEY_SCOPES } from './scopes.ts'

/** Who manages keys: the command centre (the platform's administrator in this deployment). */
export const KEY_ADMINS = ['command_center'] as const
const MAX_LIFETIME_DAYS = 730
const DEFAULT_LIFETIME_DAYS = 365

registerMessages('zh', {
  'auth.api_key_not_found': '本市没有编号为 {id} 的 API 密钥',
  'auth.api_key_user': '只能为本市的外部系统账号签发 API 密钥',
  'auth.api_key_inactive': 'API 密钥已吊销、已过期或已轮换，不能再轮换',
  'auth.api_key_expiry': 'API 密钥的有效期须在未来 {max} 天之内',
  'auth.api_key_self_only': '只有 API 密钥本身可以轮换自己（请用 X-API-Key 发送该密钥）',
})

const createBody = z.object({
  username: z.string().min(2).max(64),
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  expiresAt: z.iso.datetime({ offset: true }).refine(realDay, 'must be an existing date').optional(),
}).strict()
/** 2026-02-30 passes the ISO pattern and would roll over to March: the day must exist. */
function realDay(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number]
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}
const rotateBody = z.object({ graceHours: z.number().int().min(0).max(168).optional() }).strict()
const idParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })

export function apiKeyRoutes(router: Router, app: AppContext): void {
  const guard = requireRole(...KEY_ADMINS)

  router.get('/api-keys', guard, async (ctx) => {
    const rows = (await app.knex.raw(sqlFile('auth/api_keys_list'), { city: principalOf(ctx).cityCode })).rows as Record<string, unknown>[]
    ctx.body = { items: rows.map(describeKey) }
  })

  router.post('/api-keys', guard, async (ctx) => {
    const p = principalOf(ctx)
    const body = validate(createBody, ctx.request.body)
    const user = await app.knex('app_user').where({ username: body.username, city_code: p.cityCode, role: 'external_system' }).first('id')
    if (!user) throw new AppError(400, 'bad_request', 'keys are issued to external_system users of your city', { field: 'username' }).coded('auth.api_key_user')
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : new Date(Date.now() + DEFAULT_LIFETIME_DAYS * 86_400_000)
    const ms = expiresAt.getTime() - Date.now()
    if (!(ms > 0 && ms <= MAX_LIFETIME_DAYS * 86_400_000)) {
      throw new AppError(400, 'bad_request', `expiresAt must be in the next ${MAX_LIFETIME_DAYS} days`, { field: 'expiresAt' }).coded('auth.api_key_expiry', { max: MAX_LIFETIME_DAYS })
    }
    const made = await createApiKey(app.knex, Number(user.id), body.name, undefined, { scopes: body.scopes, expiresAt, createdBy: p.userId })
    ctx.status = 201
    ctx.body = { id: made.id, key: made.key, scopes: body.scopes, expiresAt: expiresAt.toISOString() }
  })

  // An external system rotates its own key: the key authorises its own rotation (no command centre
  // needed, any scope), answers the new key once, and stays valid for the grace period.
  router.post('/api-keys/self/rotate', async (ctx) => {
    const p = principalOf(ctx)
    const { graceHours = 24 } = validate(rotateBody, ctx.request.body ?? {})
    const keyId = ctx.state.apiKeyId as number | undefined
    if (p.kind !== 'api_key' || keyId === undefined) {
      throw new AppError(p.kind === 'anonymous' ? 401 : 403, p.kind === 'anonymous' ? 'unauthorized' : 'forbidden',
        'only an API key may rotate itself: send it as X-API-Key').coded('auth.api_key_self_only')
    }
    const old = await app.knex('api_key').where({ id: keyId }).first()
    ctx.status = 201
    ctx.body = await rotate(app, old as Record<string, unknown>, graceHours, p.userId)
  })

  router.post('/api-keys/:id/rotate', guard, async (ctx) => {
    const p = principalOf(ctx)
    const { id } = validate(idParam, ctx.params)
    const { graceHours = 24 } = validate(rotateBody, ctx.request.body ?? {})
    const old = await keyOfCity(app, id, p.cityCode)
    ctx.status = 201
    ctx.body = await rotate(app, old, graceHours, p.userId)
  })

  router.delete('/api-keys/:id', guard, async (ctx) => {
    const { id } = validate(idParam, ctx.params)
    await keyOfCity(app, id, principalOf(ctx).cityCode)
    await app.knex('api_key').where({ id }).whereNull('revoked_at').update({ revoked_at: app.knex.fn.now() })
    ctx.status = 204
  })
}

/** A new key with the old one's user, name, scopes and expiry; the old one ends after the grace period. */
async function rotate(app: AppContext, old: Record<string, unknown>, graceHours: number, createdBy: number | null) {
  const live = !old.revoked_at && !old.replaced_by && (!old.expires_at || new Date(old.expires_at as string).getTime() > Date.now())
  if (!live) throw new AppError(409, 'conflict', 'this key is revoked, expired or already rotated').coded('auth.api_key_inactive')
  const id = Number(old.id)
  const made = await createApiKey(app.knex, Number(old.user_id), String(old.name), undefined,
    { scopes: old.scopes as string[], expiresAt: old.expires_at ? new Date(old.expires_at as string) : null, createdBy,
      // an application's key stays limited to its grant (server/auth/grants.ts)
      grant: old.grant_paths ? { paths: old.grant_paths as string[], layers: old.grant_layers as string[], areas: old.grant_areas as string[] } : null,
      applicationId: old.application_id === null || old.application_id === undefined ? null : Number(old.application_id) })
  // the old key's grace end: now + grace, never later than its own expiry; only a key not rotated
  // meanwhile (two rotations at once: the second finds nothing and is refused, its new key revoked)
  const [updated] = await app.knex('api_key').where({ id }).whereNull('replaced_by').update({
    replaced_by: made.id,
    expires_at: app.knex.raw('LEAST(coalesce(expires_at, \'infinity\'), now() + CAST(? AS integer) * interval \'1 hour\')', [graceHours]),
  }).returning('expires_at')
  if (!updated) {
    await app.knex('api_key').where({ id: made.id }).update({ revoked_at: app.knex.fn.now() })
    throw new AppError(409, 'conflict', 'this key is revoked, expired or already rotated').coded('auth.api_key_inactive')
  }
  return { id: made.id, key: made.key, scopes: old.scopes, replaces: id, oldKeyValidUntil: new Date(updated.expires_at).toISOString() }
}

/** A key of a user of the city, or 404 (a key of another city does not exist for the caller). */
async function keyOfCity(app: AppContext, id: number, city: string | null) {
  const row = await app.knex('api_key as k').join('app_user as u', 'u.id', 'k.user_id')
    .where({ 'k.id': id, 'u.city_code': city }).first('k.*')
  if (!row) throw notFound(`no API key ${id} in your city`).coded('auth.api_key_not_found', { id })
  return row
}

function describeKey(r: Record<string, unknown>) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null)
  return {
    id: Number(r.id), name: r.name, prefix: r.prefix, username: r.username, role: r.role, scopes: r.scopes, state: r.state,
    createdAt: iso(r.created_at), expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at),
    replacedBy: r.replaced_by === null ? null : Number(r.replaced_by),
    // issued for an access application (server/catalogue/): limited to its grant
    applicationId: r.application_id === null || r.application_id === undefined ? null : Number(r.application_id),
  }
}
