// What the access audit records of a request: whether it is audited at all, its action, the
// resource taken from the route, and the row written for it and for each full personal read.
import type { Context } from 'koa'
import type { Principal } from '../auth/users.ts'
import type { AuditScope } from './scope.ts'

export const ACTIONS = ['read', 'create', 'update', 'delete', 'unmask', 'login', 'logout', 'refresh', 'export'] as const
export type AuditAction = (typeof ACTIONS)[number]

/** The columns of access_audit an insert fills (sql/queries/audit/insert.sql). */
export interface AuditRow {
  request_id: string; user_id: number | null; username: string; role: string; principal_kind: string
  client_address: string | null; method: string; path: string; action: AuditAction; resource_type: string | null
  resource_id: string | null; record_id: number | null; community_code: string | null; personal: boolean
  fields: string[]; status: number; city_code: string | null; reason: string | null
  /** the API key that made the request, if one did */
  api_key_id?: number | null
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])
const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/
/** Reading the audit is itself audited (who looked at whom). */
export const AUDIT_PATH = '/api/v1/audit'

/**
 * Device telemetry (position batches, OsmAnd fixes) arrives many times a second and is stored
 * with its device and time anyway: it gets a row only when it is refused (401/403), an attempt
 * at access, not on every accepted batch.
 */
const TELEMETRY = /^\/api\/v1\/positions(\/osmand)?\/?$/

/** Whether a request gets a row of its own: a change (or an attempt at one), a sign-in or -out, a read of the audit. */
export function isAudited(ctx: Context, status = ctx.status): boolean {
  // every request of an access application's key, reads too: its use is shown per application (server/catalogue/)
  if (ctx.state.apiKeyGranted === true) return true
  const path = ctx.path
  if (TELEMETRY.test(path)) return status === 401 || status === 403
  if (READS.has(ctx.method)) return ctx.method !== 'OPTIONS' && path === AUDIT_PATH
  if (path.startsWith('/api/')) return true
  if (path.startsWith('/open311/')) return ctx.method === 'POST'
  // WFS answers GetFeature posted as XML too: only a Transaction (or a REST write) changes anything
  if (path === '/ogc' || path.startsWith('/ogc/')) return ctx.method !== 'POST' || /Transaction\b/.test(bodyText(ctx))
  return false
}

function bodyText(ctx: Context): string {
  const b = (ctx.request as { body?: unknown }).body
  return typeof b === 'string' ? b.slice(0, 4096) : ''
}

function actionOf(ctx: Context, hasKey: boolean): AuditAction {
  const p = ctx.path
  if (p === '/api/v1/auth/login') return 'login'
  if (p === '/api/v1/auth/logout' || p === '/api/v1/auth/logout-all') return 'logout'
  if (p === '/api/v1/auth/refresh') return 'refresh'
  if (p === AUDIT_PATH) return ctx.query.format === 'csv' ? 'export' : 'read'
  if (READS.has(ctx.method)) return 'read'
  if (ctx.method === 'DELETE') return 'delete'
  // a POST to a collection creates; a POST on one resource (transitions, acknowledge …) changes it
  if (ctx.method === 'POST') return hasKey && !p.startsWith('/ogc') ? 'update' : 'create'
  return 'update'
}

/** The collection: the segment after /api/v1/, 'ogc:<service>', or 'open311'. */
function resourceType(path: string): string | null {
  const seg = path.split('/')
  if (seg[1] === 'api') return (seg[3] ?? seg[2] ?? '').slice(0, 64) || null
  if (seg[1] === 'ogc') return `ogc:${(seg[2] ?? '').slice(0, 32)}`
  if (seg[1] === 'open311') return 'open311'
  return null
}

/** The route's first key (its :number, :id, :code …), else the id a create answered with. */
function resourceId(ctx: Context): string | null {
  const params = (ctx.params ?? {}) as Record<string, string>
  const key = Object.entries(params).find(([k]) => k !== 'format')?.[1]
  if (key) return key.slice(0, 128)
  if (ctx.status >= 300) return null
  const b = ctx.body as Record<string, unknown> | unknown[] | null | undefined
  const first = Array.isArray(b) ? b[0] as Record<string, unknown> | undefined : b ?? undefined
  if (!first || typeof first !== 'object' || Buffer.isBuffer(first)) return null
  const o = first as Record<string, unknown>
  const ev = o.event as Record<string, unknown> | undefined
  const id = ev?.number ?? o.number ?? o.service_request_id ?? o.id ?? o.code
  return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 128) : null
}

/** Who: the principal, or for a sign-in the name given (and the role it signed in with). */
function who(ctx: Context, p: Principal): Pick<AuditRow, 'user_id' | 'username' | 'role' | 'principal_kind' | 'city_code'> {
  if (p.kind === 'anonymous' && ctx.path === '/api/v1/auth/login') {
    const given = (ctx.request as { body?: { username?: unknown } }).body?.username
    const user = (ctx.status < 300 ? (ctx.body as { user?: { id?: number; role?: string; cityCode?: string } } | undefined)?.user : undefined)
    return {
      user_id: user?.id ?? null, username: typeof given === 'string' && USERNAME.test(given) ? given : '(invalid)',
      role: user?.role ?? 'public', principal_kind: 'anonymous', city_code: user?.cityCode ?? null,
    }
  }
  return { user_id: p.userId, username: p.username, role: p.role, principal_kind: p.kind, city_code: p.cityCode }
}

// eslint-disable-next-line no-control-regex -- the NUL is what is looked for
const LONE_OR_NUL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Text a hostile request chose (path, route keys) as PostgreSQL stores it: a NUL or a lone
 * surrogate would make the insert fail and lose the row, so they become U+FFFD.
 */
export function storable(s: string | null, max: number): string | null {
  return s === null ? null : s.slice(0, max).replace(LONE_OR_NUL, '\uFFFD')
}

/** The rows of a finished request: its own (when audited) and one per record read in full. */
export function rowsOf(ctx: Context, p: Principal, scope: AuditScope, status: number): AuditRow[] {
  const base = {
    request_id: scope.requestId, ...who(ctx, p), client_address: ctx.ip || null, method: ctx.method.slice(0, 16),
    path: storable(ctx.path, 1000)!, status, reason: null, api_key_id: (ctx.state.apiKeyId as number | undefined) ?? null,
  }
  const rows: AuditRow[] = []
  if (!scope.recorded && isAudited(ctx, status)) {
    const id = resourceId(ctx)
    rows.push({ ...base, action: actionOf(ctx, Object.keys(ctx.params ?? {}).some((k) => k !== 'format')), resource_type: storable(resourceType(ctx.path), 64),
      resource_id: storable(id, 128), record_id: null, community_code: null, personal: false, fields: [] })
  }
  for (const r of scope.reads.values()) {
    rows.push({ ...base, action: 'read', resource_type: r.type, resource_id: r.id.slice(0, 128), record_id: r.recordId ?? null,
      community_code: r.communityCode, personal: true, fields: r.fields })
  }
  return rows
}
