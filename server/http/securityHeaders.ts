// Security headers on every answer (等保 GB/T 22239 level 3; issue 13 item 10): the map page, the
// API, tiles, OGC services, files and errors alike. Registered first in server/app.ts so that
// errors, 404s and /health get them too. A route that sets a header itself keeps its own
// (the map page its Content-Security-Policy, tiles and files their Cache-Control).
//
// - Content-Security-Policy: the page's own (tiles/webmap.ts PAGE_CSP: scripts, styles, images,
//   workers and connections of its own origin only). Any other HTML (a report, a WMS
//   GetFeatureInfo table) is a document without scripts: inline styles and images only. Every
//   other answer (JSON, XML, tiles, images) loads nothing: default-src 'none'.
// - frame-ancestors / X-Frame-Options: HTML may be framed by our own origin only, nothing else at all.
// - X-Content-Type-Options nosniff, Referrer-Policy no-referrer.
// - Permissions-Policy: geolocation for our own origin (the residents' page locates a report);
//   camera, microphone, payment, USB for no one.
// - Cache-Control no-store on an answer to a caller who presented credentials, unless the route
//   chose its caching (tiles, files): personal data does not stay in shared or disk caches.
// - Strict-Transport-Security on TLS requests only (ctx.secure: https, or X-Forwarded-Proto https
//   behind a proxy with TRUST_PROXY), max-age from HSTS_SECONDS (0: never).
import type { Context, Next } from 'koa'

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
export const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
export const PERMISSIONS_POLICY = 'geolocation=(self), camera=(), microphone=(), payment=(), usb=()'

export interface SecurityHeaderOptions {
  /** Strict-Transport-Security max-age on TLS requests; 0 or unset: none. */
  hstsSeconds?: number | undefined
}

export function securityHeaders(opts: SecurityHeaderOptions = {}) {
  const hsts = opts.hstsSeconds ? `max-age=${opts.hstsSeconds}` : undefined
  return async (ctx: Context, next: Next) => {
    try {
      await next()
    } finally {
      // after the route and the error middleware: the answer's type and caching are known
      const html = /^text\/html\b/i.test(ctx.response.get('Content-Type'))
      setIfAbsent(ctx, 'Content-Security-Policy', html ? DOCUMENT_CSP : API_CSP)
      setIfAbsent(ctx, 'X-Frame-Options', html ? 'SAMEORIGIN' : 'DENY')
      setIfAbsent(ctx, 'X-Content-Type-Options', 'nosniff')
      setIfAbsent(ctx, 'Referrer-Policy', 'no-referrer')
      setIfAbsent(ctx, 'Permissions-Policy', PERMISSIONS_POLICY)
      if (hsts && ctx.secure) setIfAbsent(ctx, 'Strict-Transport-Security', hsts)
      if (presentedCredentials(ctx)) setIfAbsent(ctx, 'Cache-Control', 'no-store')
    }
  }
}

function setIfAbsent(ctx: Context, name: string, value: string): void {
  if (!ctx.response.get(name)) ctx.set(name, value)
}

function presentedCredentials(ctx: Context): boolean {
  const kind = (ctx.state.principal as { kind?: string } | undefined)?.kind
  return (kind !== undefined && kind !== 'anonymous') || Boolean(ctx.get('authorization') || ctx.get('x-api-key'))
}
