// What an API key may do. A key acts as its user (role and jurisdiction still apply), narrowed to
// its scopes, derived from what external systems do here: 12345 / 110 / sensor platforms file
// and follow events (intake, Open311, feedback), vehicle and device platforms send positions,
// GIS clients read layers (WMS, WFS, OGC API Features, tiles), and reference reads (divisions,
// addresses, geocoding, search, analytics) support all of them. Every path maps to one scope
// (a read or a write of its family), so a path added later is covered by the fallback.
import type { Context } from 'koa'
import { AppError } from '../http/errors.ts'
import { registerMessages } from '../http/messages/registry.ts'

export const API_KEY_SCOPES = ['events:read', 'events:write', 'positions:read', 'positions:write', 'ogc:read',
  'reference:read', 'reference:write'] as const
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number]

registerMessages('zh', {
  'auth.scope_missing': 'API 密钥没有 {scope} 权限范围',
})

const EVENT_PATHS = ['/api/v1/events', '/api/v1/sla', '/api/v1/event-imports', '/api/v1/import', '/open311',
  '/api/v1/integrations', '/api/v1/exchange', '/api/v1/exemplary-cases', '/api/v1/reports', '/api/v1/resource-orders', '/api/v1/stream']
const POSITION_PATHS = ['/api/v1/positions', '/api/v1/devices', '/api/v1/patrol-tasks']
const OGC_PATHS = ['/ogc', '/tiles']
/** Who the key is, and its own rotation: need no scope. */
const FREE_PATHS = ['/api/v1/auth/me', '/api/v1/auth/api-keys/self/rotate']

const under = (path: string, prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`))
const isRead = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS'

/** The scope a request needs from an API key (undefined: none). */
export function scopeFor(method: string, path: string): ApiKeyScope | undefined {
  if (under(path, FREE_PATHS)) return undefined
  // WFS and WMS take POST for reads (GetFeature with a filter body); no OGC path writes
  if (under(path, OGC_PATHS)) return 'ogc:read'
  const read = isRead(method)
  if (under(path, EVENT_PATHS)) return read ? 'events:read' : 'events:write'
  if (under(path, POSITION_PATHS)) return read ? 'positions:read' : 'positions:write'
  return read ? 'reference:read' : 'reference:write'
}

/** Throws 403 naming the scope when the key lacks the one this request needs. */
export function assertApiKeyScope(ctx: Context, scopes: readonly string[]): void {
  const need = scopeFor(ctx.method, ctx.path)
  if (need && !scopes.includes(need)) {
    throw new AppError(403, 'forbidden', `this API key lacks the scope ${need}`).coded('auth.scope_missing', { scope: need })
  }
}
