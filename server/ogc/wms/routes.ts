// /ogc/wms: one URL, the operation chosen by REQUEST, one module per operation.
// Access: GetCapabilities and GetLegendGraphic are open (layer names, extents and colours, no
// rows); GetMap and GetFeatureInfo need a signed-in principal (401 with a Basic challenge, which
// QGIS and GDAL answer with credentials) and draw or report only rows in its jurisdiction.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { requireReader } from '../common/access.ts'
import { clip, invalid, Kvp, missing, wmsError, type WmsVersion } from './kvp.ts'
import { handleGetCapabilities } from './getCapabilities.ts'
import { handleGetMap } from './getMap.ts'
import { handleGetFeatureInfo } from './getFeatureInfo.ts'
import { handleGetLegendGraphic } from './getLegendGraphic.ts'

/** Compares dotted version numbers. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number), pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d) return d
  }
  return 0
}

/**
 * WMS version negotiation for GetCapabilities: none or ≥ 1.3.0 → 1.3.0; anything below 1.3.0
 * → 1.1.1 (the highest we have below it, or the lowest we have when the request is older).
 */
export function negotiateVersion(requested: string | undefined): WmsVersion {
  if (!requested || !/^\d{1,3}(\.\d{1,3}){0,2}$/.test(requested)) return '1.3.0'
  return compareVersions(requested, '1.3.0') >= 0 ? '1.3.0' : '1.1.1'
}

/** VERSION of an operation other than GetCapabilities: mandatory, exactly 1.3.0 or 1.1.1. */
function operationVersion(kvp: Kvp): WmsVersion {
  const v = kvp.get('version') || kvp.get('wmtver')
  if (!v) throw missing('version')
  if (v !== '1.3.0' && v !== '1.1.1' && v !== '1.1.0') {
    throw invalid('version', `VERSION "${clip(v)}" is not supported; use 1.3.0 or 1.1.1`)
  }
  return v === '1.3.0' ? '1.3.0' : '1.1.1'
}

/** SERVICE=WMS; mandatory for GetCapabilities and for every 1.3.0 operation. */
function checkService(kvp: Kvp, mandatory: boolean): void {
  const s = kvp.get('service')
  if (!s) {
    if (mandatory) throw missing('service')
    return
  }
  if (s.toUpperCase() !== 'WMS') throw invalid('service', `SERVICE must be WMS, got "${clip(s)}"`)
}

async function dispatch(app: AppContext, ctx: Context): Promise<void> {
  const kvp = new Kvp(ctx.querystring)
  const request = kvp.get('request')?.toLowerCase()
  if (request === 'getcapabilities' || request === 'capabilities') {
    const version = negotiateVersion(kvp.get('version') || kvp.get('wmtver'))
    if (version === '1.1.1') ctx.state.ogcVersion = '1.1.1'
    checkService(kvp, true)
    return handleGetCapabilities(app, ctx, version, kvp.get('format'))
  }
  if (request === 'getlegendgraphic') {
    if (kvp.get('version') === '1.1.1') ctx.state.ogcVersion = '1.1.1'
    checkService(kvp, false)
    return handleGetLegendGraphic(app, ctx, kvp)
  }
  const version = kvp.get('version') === '1.1.1' ? '1.1.1' : undefined
  if (version) ctx.state.ogcVersion = version
  if (!request) throw missing('request')
  if (request !== 'getmap' && request !== 'map' && request !== 'getfeatureinfo' && request !== 'feature_info') {
    throw wmsError('OperationNotSupported', 'request', `REQUEST "${clip(kvp.get('request')!)}" is not offered; use GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic`)
  }
  requireReader(ctx)
  const v = operationVersion(kvp)
  if (v === '1.1.1') ctx.state.ogcVersion = '1.1.1'
  checkService(kvp, v === '1.3.0')
  if (request === 'getmap' || request === 'map') return handleGetMap(app, ctx, kvp, v)
  return handleGetFeatureInfo(app, ctx, kvp, v)
}

export function wmsRoutes(app: AppContext): Router {
  const router = new Router()
  router.get('/ogc/wms', (ctx) => dispatch(app, ctx))
  return router
}
