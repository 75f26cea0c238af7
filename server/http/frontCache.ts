// The answer cache in front of the middleware chain, for map requests that repeat: QGIS panning
// back, a big screen redrawing the same tiles, OpenLayers asking again after a resize. A cached
// map image or tile still took the whole chain (audit, body parser, authentication with its user
// lookup, the router, an ETag digest of the bytes) before its cache answered; this answers it
// right after the request log and the security headers, as a reverse proxy's cache would.
//
// What may be kept: only answers a route offers (offerToFrontCache) with a validator that says
// whether the route's own cache still holds the very same bytes, so every invalidation of those
// caches (change notifications, TTLs) reaches this one at once. Answers are keyed by the full URL
// and the credential (Authorization or X-API-Key), so one caller's picture never reaches another,
// and the credential must have passed the real authentication within PRINCIPAL_FRESH_MS: a
// disabled user, a revoked token or a changed jurisdiction takes effect within that time. Only
// GET with a credential; anonymous callers and everything not offered go down the chain.
import type { Context, Next } from 'koa'

/** How long a credential's last full authentication vouches for it here. */
export const PRINCIPAL_FRESH_MS = 5_000
const MAX_ENTRIES = 20_000
const MAX_CREDENTIALS = 2_000
/** The headers a kept answer repeats (the security headers are set again by their middleware). */
const KEPT_HEADERS = ['content-type', 'etag', 'cache-control', 'vary', 'last-modified'] as const

interface Entry {
  body: Buffer
  headers: [string, string][]
  etag: string | undefined
  /** Whether the route's own cache still holds these bytes. */
  valid: () => boolean
}

const OFFER = 'frontCacheOffer'

/** A route says its 200 answer may be repeated while `valid()` holds (the body must be a Buffer). */
export function offerToFrontCache(ctx: Context, valid: () => boolean): void {
  ctx.state[OFFER] = valid
}

function credentialOf(ctx: Context): string {
  const key = ctx.get('x-api-key')
  if (key) return `k ${key}`
  const auth = ctx.get('authorization')
  return auth ? `a ${auth}` : ''
}

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}

export class FrontCache {
  private readonly entries = new Map<string, Entry>()
  /** credential → when it last passed the full authentication, and the principal it gave. */
  private readonly vouched = new Map<string, { at: number; principal: unknown }>()
  hits = 0

  get size(): number {
    return this.entries.size
  }

  clear(): void {
    this.entries.clear()
    this.vouched.clear()
  }

  middleware() {
    return async (ctx: Context, next: Next) => {
      if (ctx.method !== 'GET') return next()
      const credential = credentialOf(ctx)
      if (!credential) return next()
      const key = `${credential}\n${ctx.url}`
      if (this.answer(ctx, key, credential)) return
      await next()
      this.remember(ctx, key, credential)
    }
  }

  private answer(ctx: Context, key: string, credential: string): boolean {
    const entry = this.entries.get(key)
    if (!entry) return false
    const seen = this.vouched.get(credential)
    if (seen === undefined || Date.now() - seen.at > PRINCIPAL_FRESH_MS) return false
    if (!entry.valid()) {
      this.entries.delete(key)
      return false
    }
    this.hits++
    ctx.state.principal = seen.principal // for the request log; nothing else runs
    for (const [name, value] of entry.headers) ctx.set(name, value)
    const ifNoneMatch = ctx.get('if-none-match')
    if (entry.etag && ifNoneMatch && matches(ifNoneMatch, entry.etag)) {
      ctx.status = 304
      return true
    }
    ctx.status = 200
    ctx.body = entry.body
    return true
  }

  private remember(ctx: Context, key: string, credential: string): void {
    const principal = ctx.state.principal as { kind?: string } | undefined
    if (principal && principal.kind !== 'anonymous') {
      if (this.vouched.size >= MAX_CREDENTIALS && !this.vouched.has(credential)) this.vouched.delete(this.vouched.keys().next().value!)
      this.vouched.set(credential, { at: Date.now(), principal })
    }
    const valid = ctx.state[OFFER] as (() => boolean) | undefined
    if (!valid || ctx.status !== 200 || !Buffer.isBuffer(ctx.body) || !principal || principal.kind === 'anonymous') return
    const headers: [string, string][] = []
    for (const name of KEPT_HEADERS) {
      const value = ctx.response.get(name)
      if (value) headers.push([name, String(value)])
    }
    this.entries.delete(key)
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(key, { body: ctx.body, headers, etag: ctx.response.get('etag') || undefined, valid })
  }
}

const caches = new WeakMap<object, FrontCache>()

/** The front cache of an application (one per app context; tests look at its hits). */
export function frontCacheOf(app: object): FrontCache {
  let cache = caches.get(app)
  if (!cache) caches.set(app, (cache = new FrontCache()))
  return cache
}
