// GetTile, KVP and RESTful alike: a tile address becomes a WMS map request for the tile's box
// (256 × 256 in the matrix set's CRS) drawn by the WMS renderer, through the WMS image cache
// under the very key an equal GetMap would use, so a tile and the same GetMap share one picture,
// and a change to a layer's rows drops exactly the tiles it touches (the scope's lon/lat box).
// Live and audited layers are drawn fresh and never kept, as GetMap does.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { principalOf } from '../../http/auth.ts'
import type { LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'
import { layersOf, requireReader } from '../common/access.ts'
import { clip } from '../wms/kvp.ts'
import type { MapRequest } from '../wms/mapRequest.ts'
import type { ImageFormat, Paint } from '../wms/render.ts'
import { extraLayers, type ExtraLayer } from '../wms/layerSources.ts'
import { cacheKey, imageCache, render, sendImage } from '../wms/getMap.ts'
import { offerToFrontCache } from '../../http/frontCache.ts'
import { clientGone } from '../../db/cancel.ts'
import { invalid, missing, outOfRange, unknownLayer } from './faults.ts'
import { matrixSet, TILE_SIZE, tileBox, tileLonLat, type TileMatrix, type TileMatrixSet } from './matrixSets.ts'

/** A GetTile request as sent (KVP parameters or REST path segments), before validation. */
export interface TileAddress {
  layer?: string
  style?: string
  format?: string
  tileMatrixSet?: string
  tileMatrix?: string
  tileRow?: string
  tileCol?: string
}

export interface Tile {
  /** A catalogue layer with its style, or a registered extra layer (raster base maps: one default style). */
  layer: LayerDef | ExtraLayer
  style: LayerStyle | undefined
  format: ImageFormat
  set: TileMatrixSet
  matrix: TileMatrix
  row: number
  col: number
}

/** The formats offered, with the file extensions of their RESTful URLs. */
export const TILE_FORMATS: readonly { format: ImageFormat; ext: string }[] = [
  { format: 'image/png', ext: 'png' }, { format: 'image/jpeg', ext: 'jpg' },
]

const need = (name: string, v: string | undefined): string => {
  if (v === undefined || v === '') throw missing(name)
  return v
}

/** A style of the layer by identifier; `default` is the first style (WMTS clients assume it). */
export function resolveTileStyle(layer: LayerDef | ExtraLayer, id: string): LayerStyle | undefined {
  if (!('id' in layer)) {
    if (id === 'default') return undefined
    throw invalid('style', `layer ${layer.name} has no style "${clip(id)}"; it offers default`)
  }
  const style = layer.styles.find((s) => s.name === id)
  if (style || id === 'default') return style ?? layer.styles[0]
  throw invalid('style', `layer ${layer.id} has no style "${clip(id)}"; it offers ${layer.styles.map((s) => s.name).join(', ') || 'default'}`)
}

function index(name: string, raw: string, size: number): number {
  if (!/^\d{1,9}$/.test(raw)) throw invalid(name, `${name.toUpperCase()} must be a whole number ≥ 0, got "${clip(raw)}"`)
  const n = Number(raw)
  if (n >= size) throw outOfRange(name, `${name.toUpperCase()} ${n} is outside the tile matrix (0 to ${size - 1})`)
  return n
}

/** Validates an address in the order of WMTS table 26; `find` knows only the layers the caller may see. */
export function parseTile(addr: TileAddress, find: (id: string) => LayerDef | ExtraLayer | undefined): Tile {
  const layerId = need('layer', addr.layer)
  const layer = find(layerId)
  if (!layer) throw unknownLayer(clip(layerId))
  const style = resolveTileStyle(layer, need('style', addr.style))
  const rawFormat = need('format', addr.format)
  const f = rawFormat.split(';')[0]!.trim().toLowerCase()
  const format = TILE_FORMATS.find((t) => t.format === (f === 'image/jpg' ? 'image/jpeg' : f))?.format
  if (!format) throw invalid('format', `FORMAT "${clip(rawFormat)}" is not offered; use ${TILE_FORMATS.map((t) => t.format).join(' or ')}`)
  const setId = need('tilematrixset', addr.tileMatrixSet)
  const set = matrixSet(setId)
  if (!set) throw invalid('tilematrixset', `TILEMATRIXSET "${clip(setId)}" is not offered; use GoogleMapsCompatible or CGCS2000`)
  const matrixId = need('tilematrix', addr.tileMatrix)
  const matrix = set.matrices.find((m) => m.id === matrixId)
  if (!matrix) {
    throw invalid('tilematrix', `TILEMATRIX "${clip(matrixId)}" is not in ${set.id} (${set.matrices[0]!.id} to ${set.matrices.at(-1)!.id})`)
  }
  const row = index('tilerow', need('tilerow', addr.tileRow), matrix.matrixHeight)
  const col = index('tilecol', need('tilecol', addr.tileCol), matrix.matrixWidth)
  return { layer, style, format, set, matrix, row, col }
}

/** The WMS map request that draws the tile. */
export function tileMapRequest(t: Tile): MapRequest {
  return {
    version: '1.3.0', layers: 'id' in t.layer ? [{ layer: t.layer, style: t.style }] : [], crs: t.set.crs,
    bbox: tileBox(t.set, t.matrix, t.row, t.col), width: TILE_SIZE, height: TILE_SIZE,
    extras: 'id' in t.layer ? [] : [t.layer],
  }
}

export const tileLayerId = (layer: LayerDef | ExtraLayer) => ('id' in layer ? layer.id : layer.name)

/** Tiles are overlays: PNG keeps the background transparent; JPEG has no alpha and is white. */
const paintOf = (format: ImageFormat): Paint => ({ transparent: format === 'image/png', background: '#ffffff' })

export async function handleGetTile(app: AppContext, ctx: Context, addr: TileAddress): Promise<void> {
  requireReader(ctx)
  const catalogue = layersOf(ctx, app.catalogue)
  const extras = await extraLayers(app)
  // the catalogue first, as WMS looks layers up
  const tile = parseTile(addr, (id) => catalogue.get(id) ?? extras.get(id))
  const req = tileMapRequest(tile)
  const paint = paintOf(tile.format)
  const { jurisdiction } = principalOf(ctx)
  if ('id' in tile.layer && (tile.layer.live || tile.layer.audited)) {
    const { body, contentType } = await render(app, req, tile.format, paint, jurisdiction, noteLayerRead, clientGone(ctx))
    ctx.type = contentType
    ctx.set('Cache-Control', 'no-store')
    ctx.body = body
    return
  }
  const scope = { layers: [tileLayerId(tile.layer)], lonLat: tileLonLat(tile.set, req.bbox) }
  const cache = imageCache(app)
  const key = cacheKey(req, tile.format, paint, jurisdiction)
  // a kept tile is served many times: it is compressed harder than a one-off map
  const image = await cache.getOrRender(key, (signal) => render(app, req, tile.format, paint, jurisdiction, undefined, signal, 'small'), scope, clientGone(ctx))
  // the same tile asked again is answered before the middleware chain while the image is cached
  offerToFrontCache(ctx, () => cache.peek(key) === image)
  sendImage(ctx, image)
}
