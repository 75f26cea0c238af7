// GetMap: validate, look in the image cache, else fetch every layer's features (already projected
// and simplified to pixels by PostGIS, limited to the caller's jurisdiction) and draw them.
// EXCEPTIONS=INIMAGE / BLANK are the one place where an error is answered with an image, so they
// are handled here rather than by the error middleware.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { AppError } from '../../http/errors.ts'
import { principalOf } from '../../http/auth.ts'
import type { Jurisdiction } from '../../db/jurisdiction.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { clip, invalid, wmsError, type Kvp, type WmsVersion } from './kvp.ts'
import { parseMapRequest, parseSize, type MapRequest } from './mapRequest.ts'
import { mapFeatures } from './features.ts'
import { blankCanvas, drawLayers, encode, IMAGE_FORMATS, renderErrorImage, renderMap, type Compression, type ImageFormat, type LayerPicture, type Paint } from './render.ts'
import { ImageCache, type CachedImage } from './cache.ts'
import { layersOf } from '../common/access.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'
import { drawExtraLayers, extraLayers, type ExtraLayer } from './layerSources.ts'
import { onMapChanges } from '../../../tiles/changes.ts'
import { offerToFrontCache } from '../../http/frontCache.ts'
import { toStorage } from '../../geo/crs.ts'
import { clientGone } from '../../db/cancel.ts'

type ExceptionMode = 'xml' | 'inimage' | 'blank'

const caches = new WeakMap<AppContext, ImageCache>()
// every application's cache (weakly: the application holds it) and, through appOf, its catalogue,
// so a change notification finds the layers of a table
const live = new Set<WeakRef<ImageCache>>()
const appOf = new WeakMap<ImageCache, AppContext>()

/** The rendered-image cache of an application (tests clear it to compare fresh renders). */
export function imageCache(app: AppContext): ImageCache {
  let cache = caches.get(app)
  if (!cache) {
    cache = new ImageCache()
    caches.set(app, cache)
    appOf.set(cache, app)
    live.add(new WeakRef(cache))
  }
  return cache
}

function eachCache(visit: (cache: ImageCache, app: AppContext) => number): number {
  let dropped = 0
  for (const ref of live) {
    const cache = ref.deref()
    const app = cache && appOf.get(cache)
    if (cache && app) dropped += visit(cache, app)
    else live.delete(ref)
  }
  return dropped
}

// WMS and WMTS pictures follow the same change notifications as the vector tiles
onMapChanges({
  changed: (table, bbox) => eachCache((cache, app) => app.catalogue.layers
    .filter((l) => l.table === table).reduce((n, l) => n + cache.invalidate(l.id, bbox), 0)),
  missed: () => eachCache((cache) => { const n = cache.size; cache.clear(); return n }),
})

/** The lon/lat (EPSG:4490) extent a map request shows, for dropping it when its data change. */
export function requestLonLat(req: Pick<MapRequest, 'bbox' | 'crs'>): [number, number, number, number] | undefined {
  const [x0, y0, x1, y1] = req.bbox
  if (req.crs.geographic) return [x0, y0, x1, y1]
  try {
    const lons: number[] = [], lats: number[] = []
    const steps = 4
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps, y = y0 + ((y1 - y0) * i) / steps
      for (const [a, b] of [[x, y0], [x, y1], [x0, y], [x1, y]] as const) {
        const p = toStorage(...(req.crs.latFirst ? [b, a] as const : [a, b] as const), req.crs)
        lons.push(p.lon)
        lats.push(p.lat)
      }
    }
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
  } catch {
    return undefined // outside the projection's range: any change to its layers drops it
  }
}

/** FORMAT: one of the offered image types (parameters such as `; mode=8bit` are ignored). */
export function parseImageFormat(kvp: Kvp, name = 'format'): ImageFormat {
  const raw = kvp.required(name)
  const base = raw.split(';')[0]!.trim().toLowerCase()
  const format = base === 'image/jpg' ? 'image/jpeg' : base
  if (!IMAGE_FORMATS.includes(format as ImageFormat)) {
    throw wmsError('InvalidFormat', name, `${name.toUpperCase()} "${clip(raw)}" is not offered; use ${IMAGE_FORMATS.join(' or ')}`)
  }
  return format as ImageFormat
}

/** EXCEPTIONS: XML (default), INIMAGE, BLANK; 1.1.1 spells them application/vnd.ogc.se_*. */
function parseExceptions(kvp: Kvp): ExceptionMode {
  const v = (kvp.get('exceptions') ?? '').toLowerCase()
  if (v === '' || v === 'xml' || v === 'application/vnd.ogc.se_xml' || v === 'text/xml') return 'xml'
  if (v === 'inimage' || v === 'application/vnd.ogc.se_inimage') return 'inimage'
  if (v === 'blank' || v === 'application/vnd.ogc.se_blank') return 'blank'
  throw invalid('exceptions', `EXCEPTIONS "${clip(v)}" is not offered; use XML, INIMAGE or BLANK`)
}

/** TRANSPARENT and BGCOLOR (0xRRGGBB, default white). */
function parsePaint(kvp: Kvp): Paint {
  const transparent = kvp.boolean('transparent', false)
  const raw = kvp.get('bgcolor') || '0xFFFFFF'
  const hex = /^(?:0x|#)([0-9a-f]{6})$/i.exec(raw)?.[1]
  if (!hex) throw invalid('bgcolor', `BGCOLOR must be 0xRRGGBB, got "${clip(raw)}"`)
  return { transparent, background: `#${hex.toLowerCase()}` }
}

/** The normalised request: equal keys draw equal images (the jurisdiction is part of it). */
export function cacheKey(req: MapRequest, format: ImageFormat, paint: Paint, jurisdiction: Jurisdiction): string {
  return JSON.stringify([
    req.layers.map((l) => [l.layer.id, l.style?.name ?? '']), req.extras?.map((l) => [l.name, l.version]) ?? [], req.crs.srid, req.bbox, req.width, req.height,
    format, paint.transparent && format === 'image/png', paint.background, jurisdiction.prefixes,
  ])
}

/**
 * The request's scale denominator as SLD/SE define it (pixels of 0.28 mm; a degree is
 * 6378137 · 2π / 360 m at the equator for geographic CRSs).
 */
export function scaleDenominator(req: Pick<MapRequest, 'bbox' | 'width' | 'crs'>): number {
  const width = req.bbox[2] - req.bbox[0]
  const metres = req.crs.geographic ? width * (6378137 * 2 * Math.PI / 360) : width
  return metres / (req.width * 0.00028)
}

/** With extra layers (layerSources.ts): background, the extra layers, then the vector pictures over them. */
async function renderWithExtras(extras: ExtraLayer[], req: MapRequest, format: ImageFormat, paint: Paint, pictures: LayerPicture[],
  compression: Compression): Promise<Buffer> {
  const canvas = blankCanvas(req.width, req.height, format, paint)
  await drawExtraLayers(canvas, extras, req)
  drawLayers(canvas, pictures)
  return encode(canvas, format, false, compression)
}

export async function render(app: AppContext, req: MapRequest, format: ImageFormat, paint: Paint,
  jurisdiction: Jurisdiction, drawn?: (layer: LayerDef) => void, signal?: AbortSignal, compression: Compression = 'fast'): Promise<{ body: Buffer; contentType: string }> {
  const scale = scaleDenominator(req)
  // a layer outside its scale range draws nothing (and is not queried)
  const features = await Promise.all(req.layers.map((l) => l.layer.maxScaleDenominator !== undefined && scale > l.layer.maxScaleDenominator
    ? Promise.resolve([]) : mapFeatures(app.knexRead, req, l.layer, l.style, jurisdiction, signal)))
  const pictures = req.layers.map((l, i) => ({ layer: l.layer, style: l.style, features: features[i]! }))
  if (drawn) for (const p of pictures) if (p.features.length) drawn(p.layer)
  const body = req.extras?.length
    ? await renderWithExtras(req.extras, req, format, paint, pictures, compression)
    : await renderMap(req.width, req.height, format, paint, pictures, compression)
  return { body, contentType: format }
}

export function sendImage(ctx: Context, image: CachedImage): void {
  ctx.status = 200
  ctx.type = image.contentType
  ctx.set('ETag', image.etag)
  // per-user content (jurisdiction): browsers may keep it briefly, shared caches may not
  ctx.set('Cache-Control', 'private, max-age=30')
  ctx.set('Vary', 'Authorization, X-API-Key')
  if (ctx.fresh) {
    ctx.status = 304
    return
  }
  ctx.body = image.body
}

/** The image answering an error when EXCEPTIONS=INIMAGE or BLANK. */
async function errorImage(kvp: Kvp, format: ImageFormat, mode: ExceptionMode, err: AppError): Promise<Buffer> {
  let size = { width: 256, height: 256 }
  try {
    size = parseSize(kvp)
  } catch { /* the size itself was the error: draw the message at a modest default size */ }
  let paint: Paint = { transparent: false, background: '#ffffff' }
  try {
    paint = parsePaint(kvp)
  } catch { /* likewise */ }
  if (mode === 'blank') return renderMap(size.width, size.height, format, paint, [])
  return renderErrorImage(size.width, size.height, format, paint, `${err.ogc?.code ?? 'Error'}: ${err.detail}`)
}

export async function handleGetMap(app: AppContext, ctx: Context, kvp: Kvp, version: WmsVersion): Promise<void> {
  // Without a usable FORMAT or EXCEPTIONS an error cannot be drawn: those fail as XML.
  const format = parseImageFormat(kvp)
  const mode = parseExceptions(kvp)
  try {
    const req = parseMapRequest(kvp, layersOf(ctx, app.catalogue), version, await extraLayers(app))
    const paint = parsePaint(kvp)
    const { jurisdiction } = principalOf(ctx)
    // a live layer (inspectors) moves every few seconds: its maps are drawn fresh and not kept;
    // nor are maps of personal data (audited layers), whose every drawing is noted for the audit
    if (req.layers.some((l) => l.layer.live || l.layer.audited)) {
      const { body, contentType } = await render(app, req, format, paint, jurisdiction, noteLayerRead, clientGone(ctx))
      ctx.type = contentType
      ctx.set('Cache-Control', 'no-store')
      ctx.body = body
      return
    }
    const key = cacheKey(req, format, paint, jurisdiction)
    const scope = { layers: req.layers.map((l) => l.layer.id), lonLat: requestLonLat(req) }
    const cache = imageCache(app)
    const image = await cache.getOrRender(key, (signal) => render(app, req, format, paint, jurisdiction, undefined, signal), scope, clientGone(ctx))
    offerToFrontCache(ctx, () => cache.peek(key) === image)
    sendImage(ctx, image)
  } catch (err) {
    if (mode === 'xml' || !(err instanceof AppError) || err.status >= 500) throw err
    ctx.status = 200
    ctx.type = format
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await errorImage(kvp, format, mode, err)
  }
}
