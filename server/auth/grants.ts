// A key issued for an access application (server/catalogue/) is limited to what was granted: the
// operations it may call (method and OpenAPI path template), the map layers it may read and the
// areas it sees. The grant is stored on the key itself (api_key.grant_*), so this check knows no
// catalogue: anything else answers 403 naming the path, a layer not granted does not exist for the
// key (tiles/layerAccess.ts), and a record outside the areas answers 404 as for any jurisdiction.
import type { Context } from 'koa'
import { AppError } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { toPrincipal, type KeyGrant, type Principal, type UserRow } from './users.ts'
import { assertApiKeyScope } from './scopes.ts'

export type { KeyGrant }

registerMessages('zh', {
  'auth.key_not_granted': '该 API 密钥未获授权访问 {method} {path}（资源申请未包含此资源）',
})

/** Who the key is, its own rotation, and the API description: open to every granted key. */
const FREE = new Set(['GET /api/v1/auth/me', 'POST /api/v1/auth/api-keys/self/rotate', 'GET /api/v1/openapi.json'])
const MAP_PATHS = /^\/(tiles|ogc)(\/|$)/

const compiled = new WeakMap<KeyGrant, { method: string; path: RegExp; excluded: boolean }[]>()
function matchers(grant: KeyGrant) {
  let m = compiled.get(grant)
  if (!m) {
    m = grant.paths.map((g) => {
      const excluded = g.startsWith('!')
      const [method = '', template = ''] = (excluded ? g.slice(1) : g).split(' ')
      return { method, path: templateRegExp(template), excluded }
    })
    compiled.set(grant, m)
  }
  return m
}

/** An OpenAPI path template as a pattern of the paths it stands for ({x}: one segment). */
export function templateRegExp(template: string): RegExp {
  const body = template.split(/\{[^}/]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')
  return new RegExp(`^${body}$`)
}

/** Whether the grant covers this request. */
export function grantCovers(grant: KeyGrant, method: string, path: string): boolean {
  const verb = method === 'HEAD' ? 'GET' : method
  if (FREE.has(`${verb} ${path}`)) return true
  if (MAP_PATHS.test(path)) return grant.layers.length > 0
  const hits = matchers(grant).filter((m) => m.method === verb && m.path.test(path))
  return hits.length > 0 && !hits.some((m) => m.excluded)
}

/** Throws 403 naming the path when the key's grant does not cover the request. */
export function assertKeyGrant(ctx: Context, grant: KeyGrant): void {
  if (grantCovers(grant, ctx.method, ctx.path)) return
  const path = ctx.path.slice(0, 200)
  throw new AppError(403, 'forbidden', `this API key is not granted ${ctx.method} ${path}`).coded('auth.key_not_granted', { method: ctx.method, path })
}

/**
 * The principal a granted key acts as: its user's, with the jurisdiction cut to the granted areas
 * (the part of each that the user still holds) and the layers limited to the granted ones.
 */
export function narrowToGrant(p: Principal, grant: KeyGrant): Principal {
  const held = p.jurisdiction.prefixes
  const areas = grant.areas.map((a) => Jurisdiction.of([a]).prefixes[0]!)
  const cut: string[] = []
  for (const a of areas) {
    for (const h of held) {
      if (a.startsWith(h)) cut.push(a)
      else if (h.startsWith(a)) cut.push(h)
    }
  }
  return { ...p, jurisdiction: Jurisdiction.of(cut.map((c) => c.padEnd(12, '0'))), layers: grant.layers }
}

/**
 * The principal of a request made with this API key, however the key came (X-API-Key, or
 * Open311's api_key): records the key on the request, holds an application's key to its grant,
 * and checks the key's scopes. The narrowed principal is set before the checks so that a refusal
 * is recorded against the application (server/audit/rows.ts).
 */
export function keyPrincipal(ctx: Context, row: UserRow & { apiKey: { id: number; scopes: string[]; grant: KeyGrant | null } }): Principal {
  ctx.state.apiKeyId = row.apiKey.id
  const { grant } = row.apiKey
  const principal = grant ? narrowToGrant(toPrincipal(row, 'api_key'), grant) : toPrincipal(row, 'api_key')
  if (grant) {
    ctx.state.apiKeyGranted = true
    ctx.state.principal = principal
    assertKeyGrant(ctx, grant)
  }
  assertApiKeyScope(ctx, row.apiKey.scopes)
  return principal
}
