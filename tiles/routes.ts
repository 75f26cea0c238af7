// Map services over HTTP: /tiles/{layers}/{z}/{x}/{y}.mvt, /tiles/{layers}.json (TileJSON 3.0.0)
// and the map page at /. {layers} is one layer id, a comma list (a multi-layer tile) or `all`.
// Every tile is cut to the caller's jurisdiction; anonymous callers get 401.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../server/context.ts'
import { AppError, badRequest } from '../server/http/errors.ts'
import { principalOf, requireRole } from '../server/http/auth.ts'
import type { LayerDef } from './catalogue.ts'
import { catalogueFor, noteLayerRead } from './layerAccess.ts'
import { TileService, scopeOf, type TileServiceOptions } from './service.ts'
import { tileKindAt } from './layersql.ts'
import { MVT_TYPE, etagOf, matchesIfNoneMatch, parseTile } from './tileHttp.ts'
import { ANALYSIS_LAYERS, isAnalysisLayer, registerAnalysisTiles } from './analysisTiles.ts'
import { jurisdictionBounds, tileJson } from './tilejson.ts'
import { webMapRoutes } from './webmap.ts'
import { offerToFrontCache } from '../server/http/frontCache.ts'
import { clientGone } from '../server/db/cancel.ts'

/** Tiles depend on the caller's jurisdiction: browsers may keep them briefly, shared caches not at all. */
export const TILE_CACHE_CONTROL = 'private, max-age=5'
const MAX_LAYERS_PER_TILE = 32

export { MVT_TYPE, etagOf, matchesIfNoneMatch, parseTile }

const services = new WeakMap<AppContext, TileService>()

/** The tile service of an application context (one per context: its cache and statements). */
export function tileServiceOf(app: AppContext, options?: TileServiceOptions): TileService {
  let s = services.get(app)
  if (!s) services.set(app, (s = new TileService(app.knexRead, app.catalogue, app.logger, options)))
  return s
}

/**
 * Resolves `a,b`, or `all`, to the catalogue layers the caller may read; an unknown id (or one
 * the caller may not read) is a 404 naming it.
 */
export function parseLayers(app: AppContext, param: string, ctx: Context): LayerDef[] {
  const catalogue = catalogueFor(app.catalogue, principalOf(ctx))
  if (param === 'all') return [...catalogue.layers]
  const ids = [...new Set(param.split(','))]
  if (ids.length > MAX_LAYERS_PER_TILE) throw badRequest(`at most ${MAX_LAYERS_PER_TILE} layers per tile`, { parameter: 'layer' })
  return ids.map((id) => {
    if (isAnalysisLayer(id)) {
      throw badRequest(`${id} (${ANALYSIS_LAYERS[id].title}) is an analysis layer served on its own: /tiles/${id}/{z}/{x}/{y}.mvt`, { parameter: 'layer', layer: id })
    }
    const layer = /^[a-z][a-z0-9_]{0,62}$/.test(id) ? catalogue.get(id) : undefined
    if (!layer) {
      throw new AppError(404, 'unknown_layer', `unknown layer "${id.slice(0, 64)}"; known layers: ${catalogue.layers.map((l) => l.id).join(', ')}`,
        { layer: id.slice(0, 64), knownLayers: catalogue.layers.map((l) => l.id) })
    }
    return layer
  })
}

async function handleTile(ctx: Context, app: AppContext, service: TileService): Promise<void> {
  const layers = parseLayers(app, String(ctx.params.layers), ctx)
  const tile = parseTile(ctx.params)
  const jurisdiction = principalOf(ctx).jurisdiction
  // personal data (audited layers) is not kept by the browser either
  ctx.set('Cache-Control', layers.some((l) => l.live || l.audited) ? 'private, no-store' : TILE_CACHE_CONTROL)
  ctx.vary('Authorization')
  ctx.vary('X-API-Key')
  // Out of every asked layer's zoom range: 204, nothing to draw, and nothing rendered.
  const inRange = layers.filter((l) => tileKindAt(l, tile.z))
  if (!inRange.length) {
    ctx.status = 204
    return
  }
  const gone = clientGone(ctx)
  const parts = await Promise.all(inRange.map((l) => service.layerTile(l, tile, jurisdiction, gone)))
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  const etag = etagOf(bytes, scopeOf(jurisdiction))
  ctx.set('ETag', etag)
  if (matchesIfNoneMatch(ctx.get('if-none-match') || undefined, etag)) {
    ctx.status = 304
    return
  }
  // an empty layer tile is zero bytes: only layers that put features in this tile are noted
  inRange.forEach((l, i) => { if (parts[i]!.length) noteLayerRead(l) })
  if (!layers.some((l) => l.live || l.audited)) {
    const scope = scopeOf(jurisdiction)
    offerToFrontCache(ctx, () => inRange.every((l, i) => service.cache.peek({ layer: l.id, scope, ...tile }) === parts[i]))
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
  // before the catalogue routes, which would take /tiles/heatmap/… for a catalogue layer
  registerAnalysisTiles(router, app, baseUrl, (ctx) => jurisdictionBounds(app.knexRead, principalOf(ctx).jurisdiction))
  router.get('/:layers/:z/:x/:y.mvt', (ctx) => handleTile(ctx, app, service))
  router.get('/:layers.json', async (ctx) => {
    const layers = parseLayers(app, String(ctx.params.layers), ctx)
    ctx.set('Cache-Control', 'private, max-age=60')
    ctx.vary('Authorization')
    ctx.body = await tileJson(app.knexRead, layers, String(ctx.params.layers), principalOf(ctx).jurisdiction, baseUrl(ctx))
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
