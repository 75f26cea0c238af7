// /ogc/wmts: WMTS 1.0.0 in both encodings. KVP at /ogc/wmts (the operation chosen by REQUEST);
// GetFeatureInfo is KVP only; RESTful under /ogc/wmts/1.0.0 (the capabilities document and the tile template that every
// layer's ResourceURL advertises). Access as for WMS: capabilities are open and list the layers
// the caller may see; GetTile needs a signed-in principal and draws only its jurisdiction.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { clip, Kvp } from '../wms/kvp.ts'
import { invalid, missing, noVersion, notSupported, registerWmtsMessages } from './faults.ts'
import { handleGetCapabilities } from './getCapabilities.ts'
import { handleGetTile, TILE_FORMATS, type TileAddress } from './getTile.ts'
import { handleTileFeatureInfo } from './getFeatureInfo.ts'

/** SERVICE=WMTS is mandatory on every KVP request. */
function checkService(kvp: Kvp): void {
  const s = kvp.get('service')
  if (!s) throw missing('service')
  if (s.toUpperCase() !== 'WMTS') throw invalid('service', `SERVICE must be WMTS, got "${clip(s)}"`)
}

/** GetCapabilities negotiates with ACCEPTVERSIONS (absent: the one version we have). */
function negotiate(kvp: Kvp): void {
  const accept = kvp.list('acceptversions').filter((v) => v !== '')
  if (accept.length && !accept.includes('1.0.0')) throw noVersion(clip(kvp.get('acceptversions')!))
}

/** VERSION of an operation other than GetCapabilities: mandatory and 1.0.0. */
function checkVersion(kvp: Kvp): void {
  const v = kvp.get('version')
  if (!v) throw missing('version')
  if (v !== '1.0.0') throw invalid('version', `VERSION "${clip(v)}" is not supported; use 1.0.0`)
}

const tileAddress = (kvp: Kvp): TileAddress => ({
  layer: kvp.get('layer'), style: kvp.get('style'), format: kvp.get('format'), tileMatrixSet: kvp.get('tilematrixset'),
  tileMatrix: kvp.get('tilematrix'), tileRow: kvp.get('tilerow'), tileCol: kvp.get('tilecol'),
})

async function dispatch(app: AppContext, ctx: Context): Promise<void> {
  const kvp = new Kvp(ctx.querystring)
  checkService(kvp)
  const request = kvp.get('request')
  if (!request) throw missing('request')
  switch (request.toLowerCase()) {
    case 'getcapabilities':
      negotiate(kvp)
      return handleGetCapabilities(app, ctx)
    case 'gettile':
      checkVersion(kvp)
      return handleGetTile(app, ctx, tileAddress(kvp))
    case 'getfeatureinfo':
      checkVersion(kvp)
      return handleTileFeatureInfo(app, ctx, { ...tileAddress(kvp), infoFormat: kvp.get('infoformat'), i: kvp.get('i'), j: kvp.get('j') })
    default:
      throw notSupported(clip(request))
  }
}

/** The RESTful tile: `{TileCol}.{ext}`, the extension naming the format. */
async function restTile(app: AppContext, ctx: Context): Promise<void> {
  const p = ctx.params as Record<string, string>
  const m = /^([^.]*)\.([A-Za-z]{1,5})$/.exec(p.file ?? '')
  const format = m ? TILE_FORMATS.find((f) => f.ext === m[2]!.toLowerCase() || (f.ext === 'jpg' && m[2]!.toLowerCase() === 'jpeg'))?.format : undefined
  if (!m || !format) throw invalid('format', `a RESTful tile ends in .${TILE_FORMATS.map((f) => f.ext).join(' or .')}, got "${clip(p.file ?? '')}"`)
  return handleGetTile(app, ctx, {
    layer: p.layer, style: p.style, format, tileMatrixSet: p.tileMatrixSet, tileMatrix: p.tileMatrix, tileRow: p.tileRow, tileCol: m[1],
  })
}

export function wmtsRoutes(app: AppContext): Router {
  registerWmtsMessages()
  const router = new Router()
  // errors under /ogc/wmts become OWS 1.1 ExceptionReports of version 1.0.0 (server/http/errors.ts)
  router.get('/ogc/wmts', (ctx) => dispatch(app, ctx))
  router.get('/ogc/wmts/1.0.0/WMTSCapabilities.xml', (ctx) => handleGetCapabilities(app, ctx))
  router.get('/ogc/wmts/1.0.0/:layer/:style/:tileMatrixSet/:tileMatrix/:tileRow/:file', (ctx) => restTile(app, ctx))
  return router
}
