// GetFeatureInfo (KVP): the features at pixel I,J of a tile. The tile address and the pixel are
// checked with the WMTS codes (TileOutOfRange, PointIJOutOfRange, InvalidParameterValue), then
// the question is asked of the WMS GetFeatureInfo as the equivalent map request (the tile's box,
// 256 × 256, in the set's CRS), so both services answer a click with the same features, formats,
// jurisdiction and access audit.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { layersOf, requireReader } from '../common/access.ts'
import { clip, Kvp } from '../wms/kvp.ts'
import { handleGetFeatureInfo, INFO_FORMATS } from '../wms/getFeatureInfo.ts'
import { extraLayers } from '../wms/layerSources.ts'
import { invalid, missing, notQueryable, pointOutOfRange } from './faults.ts'
import { parseTile, tileLayerId, tileMapRequest, type TileAddress } from './getTile.ts'
import { TILE_SIZE } from './matrixSets.ts'

export { INFO_FORMATS }

export interface InfoAddress extends TileAddress {
  infoFormat?: string
  i?: string
  j?: string
}

function pixel(name: 'i' | 'j', raw: string | undefined): number {
  if (raw === undefined || raw === '') throw missing(name)
  if (!/^\d{1,9}$/.test(raw) || Number(raw) >= TILE_SIZE) {
    throw pointOutOfRange(name, `${name.toUpperCase()} must be a pixel of the tile, 0 to ${TILE_SIZE - 1}; got "${clip(raw)}"`)
  }
  return Number(raw)
}

export async function handleTileFeatureInfo(app: AppContext, ctx: Context, addr: InfoAddress): Promise<void> {
  requireReader(ctx)
  const catalogue = layersOf(ctx, app.catalogue)
  const extras = await extraLayers(app)
  // GDAL's WMTS driver sends no FORMAT with GetFeatureInfo; the tile's format changes no answer
  const tile = parseTile({ ...addr, format: addr.format || 'image/png' }, (id) => catalogue.get(id) ?? extras.get(id))
  const rawInfo = addr.infoFormat
  if (rawInfo === undefined || rawInfo === '') throw missing('infoformat')
  const info = rawInfo.split(';')[0]!.trim().toLowerCase()
  if (!(INFO_FORMATS as readonly string[]).includes(info)) {
    throw invalid('infoformat', `INFOFORMAT "${clip(rawInfo)}" is not offered; use ${INFO_FORMATS.join(', ')}`)
  }
  const j = pixel('j', addr.j), i = pixel('i', addr.i)
  if (!('id' in tile.layer) || !tile.layer.queryable) throw notQueryable(tileLayerId(tile.layer))
  const req = tileMapRequest(tile)
  const [minx, miny, maxx, maxy] = req.bbox
  // WMS 1.3.0 takes EPSG:4490 latitude first; EPSG:3857 easting first
  const bbox = req.crs.geographic ? [miny, minx, maxy, maxx] : [minx, miny, maxx, maxy]
  const wms = new Kvp(new URLSearchParams({
    LAYERS: tile.layer.id, STYLES: tile.style?.name ?? '', CRS: req.crs.id, BBOX: bbox.join(','),
    WIDTH: String(TILE_SIZE), HEIGHT: String(TILE_SIZE), QUERY_LAYERS: tile.layer.id, INFO_FORMAT: info,
    I: String(i), J: String(j), FEATURE_COUNT: '10',
  }).toString())
  return handleGetFeatureInfo(app, ctx, wms, '1.3.0')
}
