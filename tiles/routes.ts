// Map services over HTTP: /tiles/{layers}/{z}/{x}/{y}.mvt, /tiles/{layers}.json (TileJSON 3.0.0)
// and the map page at /. {layers} is one layer id, a comma list (a multi-layer tile) or `all`.
// Every tile is cut to the caller's jurisdiction; anonymous callers get 401.
import Router from '@koa/router'
import type { Context } from 'koa'
import { createHash } from 'node:crypto'
import type { AppContext } from '../server/context.ts'
import { AppError, badRequest } from '../server/http/errors.ts'
import { principalOf, requireRole } from '../server/http/auth.ts'
import type { LayerDef } from './catalogue.ts'
import { TileService, scopeOf, type TileServiceOptions } from './service.ts'
import { tileKindAt } from './layersql.ts'
import { MAX_ZOOM, tileCount, type TileCoord } from './tilemath.ts'
import { tileJson } from './tilejson.ts'
import { webMapRoutes } from './webmap.ts'

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile'
/** Tiles depend on the caller's jurisdiction: browsers may keep them briefly, shared caches not at all. */
export const TILE_CACHE_CONTROL = 'private, max-age=5'
const MAX_LAYERS_PER_TILE = 32

const services = new WeakMap<AppContext, TileService>()

/** The tile service of an application context (one per context: its cache and statements). */
export function tileServiceOf(app: AppContext, options?: TileServiceOptions): TileService {
  let s = services.get(app)
  if (!s) services.set(app, (s = new TileService(app.knex, app.catalogue, app.logger, options)))
  return s
}

/** Resolves `a,b`, or `all`, to catalogue layers; an unknown id is a 404 naming it. */
export function parseLayers(app: AppContext, param: string): LayerDef[] {
  if (param === 'all') return [...app.catalogue.layers]
  const ids = [...new Set(param.split(','))]
  if (ids.length > MAX_LAYERS_PER_TILE) throw badRequest(`at most ${MAX_LAYERS_PER_TILE} layers per tile`, { parameter: 'layer' })
  return ids.map((id) => {
    const layer = /^[a-z][a-z0-9_]{0,62}$/.test(id) ? app.catalogue.get(id) : undefined
    if (!layer) {
      throw new AppError(404, 'unknown_layer', `unknown layer "${id.slice(0, 64)}"; known layers: ${app.catalogue.layers.map((l) => l.id).join(', ')}`,
        { layer: id.slice(0, 64), knownLayers: app.catalogue.layers.map((l) => l.id) })
    }
    return layer
  })
}

function integerParam(name: 'z' | 'x' | 'y', raw: string, max: number): number {
  const v = /^[0-9]{1,8}$/.test(raw) ? Number(raw) : NaN
  if (!(v >= 0 && v <= max)) {
    throw badRequest(`${name} must be an integer from 0 to ${max}${name === 'z' ? '' : ' at this zoom'}, got "${raw.slice(0, 20)}"`,
      { parameter: name, min: 0, max })
  }
  return v
}

/** z first (x and y ranges depend on it), each out-of-range value named in the 400. */
export function parseTile(params: Record<string, string | undefined>): TileCoord {
  const z = integerParam('z', params.z ?? '', MAX_ZOOM)
  const n = tileCount(z) - 1
  return { z, x: integerParam('x', params.x ?? '', n), y: integerParam('y', params.y ?? '', n) }
}

/** Strong ETag over the bytes and the jurisdiction they were cut for. */
export function etagOf(bytes: Buffer, scope: string): string {
  return `"${createHash('sha1').update(scope).update('\0').update(bytes).digest('base64url').slice(0, 27)}"`
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}

async function handleTile(ctx: Context, app: AppContext, service: TileService): Promise<void> {
  const layers = parseLayers(app, String(ctx.params.layers))
  const tile = parseTile(ctx.params)
  const jurisdiction = principalOf(ctx).jurisdiction
  ctx.set('Cache-Control', layers.some((l) => l.live) ? 'private, no-store' : TILE_CACHE_CONTROL)
  ctx.vary('Authorization')
  ctx.vary('X-API-Key')
  // Out of every asked layer's zoom range: 204, nothing to draw, and nothing rendered.
  const inRange = layers.filter((l) => tileKindAt(l, tile.z))
  if (!inRange.length) {
    ctx.status = 204
    return
  }
  const bytes = await service.tile(inRange, tile, jurisdiction)
  const etag = etagOf(bytes, scopeOf(jurisdiction))
  ctx.set('ETag', etag)
  if (matchesIfNoneMatch(ctx.get('if-none-match') || undefined, etag)) {
    ctx.status = 304
    return
  }
  ctx.type = MVT_TYPE
  ctx.body = bytes
}

/** The base URL of this service as the client sees it (X-Forwarded-* only when trustProxy: koa's proxy flag). */
function baseUrl(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`
}

export function tileRoutes(app: AppContext): Router {
  const service = tileServiceOf(app)
  const router = new Router({ prefix: '/tiles' })
  router.use(requireRole())
  router.get('/:layers/:z/:x/:y.mvt', (ctx) => handleTile(ctx, app, service))
  router.get('/:layers.json', async (ctx) => {
    const layers = parseLayers(app, String(ctx.params.layers))
    ctx.set('Cache-Control', 'private, max-age=60')
    ctx.vary('Authorization')
    ctx.body = await tileJson(app.knex, layers, String(ctx.params.layers), principalOf(ctx).jurisdiction, baseUrl(ctx))
  })
  return router
}

/** The map capability: tiles and the map page at / (one entry in server/routes.ts). */
export function mapRoutes(app: AppContext): Router {
  const router = new Router()
  const tiles = tileRoutes(app)
  const page = webMapRoutes()
  router.use(tiles.routes(), tiles.allowedMethods({ throw: true }))
  router.use(page.routes(), page.allowedMethods({ throw: true }))
  return router
}
