// Absolute service URLs for capabilities documents and links. OWSLib and GDAL build their next
// requests from these hrefs, so they must be absolute and, behind a reverse proxy, carry the
// public scheme, host and path prefix (X-Forwarded-Proto / -Host / -Prefix, trusted only when
// TRUST_PROXY is on; otherwise a client could make us advertise any host).
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'

const HOST = /^[A-Za-z0-9.-]{1,253}(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?$/
const PREFIX = /^(?:\/[A-Za-z0-9._~-]+)+\/?$/

const first = (v: string) => v.split(',')[0]!.trim()

/** scheme://host[:port][/prefix] of this service as the client sees it. */
export function publicOrigin(ctx: Context, app: AppContext): string {
  let proto = ctx.protocol === 'https' ? 'https' : 'http'
  let host = ctx.get('host')
  let prefix = ''
  if (app.config.trustProxy) {
    const fp = first(ctx.get('x-forwarded-proto')).toLowerCase()
    if (fp === 'http' || fp === 'https') proto = fp
    const fh = first(ctx.get('x-forwarded-host'))
    if (HOST.test(fh)) host = fh
    const fx = first(ctx.get('x-forwarded-prefix'))
    if (PREFIX.test(fx)) prefix = fx.replace(/\/$/, '')
  }
  if (!HOST.test(host)) host = `${app.config.host === '0.0.0.0' ? '127.0.0.1' : app.config.host}:${app.config.port}`
  return `${proto}://${host}${prefix}`
}

/** An absolute URL for a path of this service, with optional query parameters. */
export function serviceUrl(ctx: Context, app: AppContext, path: string, query?: Record<string, string | number | undefined>): string {
  const url = `${publicOrigin(ctx, app)}${path}`
  if (!query) return url
  const qs = Object.entries(query).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')
  return qs ? `${url}?${qs}` : url
}
