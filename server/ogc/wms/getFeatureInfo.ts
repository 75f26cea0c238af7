// GetFeatureInfo: the features of each queried layer within a few pixels of the clicked pixel,
// nearest (smallest containing polygon) first, in GeoJSON, an HTML table or a plain XML document.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { escapeXml } from '../../http/errors.ts'
import { principalOf } from '../../http/auth.ts'
import { clip, missing, wmsError, type Kvp, type WmsVersion } from './kvp.ts'
import { parseMapRequest, type MapRequest } from './mapRequest.ts'
import { featuresNear, type InfoFeature } from './features.ts'
import { layersOf } from '../common/access.ts'
import { extraLayers } from './layerSources.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'

export const INFO_FORMATS = ['application/json', 'text/html', 'text/xml'] as const
type InfoFormat = (typeof INFO_FORMATS)[number]

/** How far from the clicked pixel a feature still counts, in pixels. */
const TOLERANCE_PX = 5
const MAX_FEATURE_COUNT = 50

interface LayerResult { layer: LayerDef; features: InfoFeature[] }

function parseInfoFormat(kvp: Kvp, version: WmsVersion): InfoFormat {
  const raw = version === '1.3.0' ? kvp.required('info_format') : (kvp.get('info_format') || 'text/html')
  const base = raw.split(';')[0]!.trim().toLowerCase()
  const format = base === 'application/geo+json' ? 'application/json' : base
  if (!(INFO_FORMATS as readonly string[]).includes(format)) {
    throw wmsError('InvalidFormat', 'info_format', `INFO_FORMAT "${clip(raw)}" is not offered; use ${INFO_FORMATS.join(', ')}`)
  }
  return format as InfoFormat
}

/** QUERY_LAYERS: each must be among LAYERS and queryable. */
function parseQueryLayers(kvp: Kvp, req: MapRequest): LayerDef[] {
  const names = kvp.list('query_layers').filter((n) => n !== '')
  if (!names.length) throw missing('query_layers')
  return names.map((name) => {
    const layer = req.layers.find((l) => l.layer.id === name)?.layer
    if (!layer && req.extras?.some((l) => l.name === name)) throw wmsError('LayerNotQueryable', 'query_layers', `layer ${name} is a raster and not queryable`)
    if (!layer) throw wmsError('LayerNotDefined', 'query_layers', `query layer "${clip(name)}" is not among LAYERS`)
    if (!layer.queryable) throw wmsError('LayerNotQueryable', 'query_layers', `layer ${layer.id} is not queryable`)
    return layer
  })
}

/** I/J (1.3.0) or X/Y (1.1.1): a pixel inside the map, else InvalidPoint. */
function parsePixel(kvp: Kvp, req: MapRequest): { i: number; j: number } {
  const [iName, jName] = req.version === '1.3.0' ? ['i', 'j'] : ['x', 'y']
  const read = (name: string, size: number) => {
    const raw = kvp.get(name)
    if (raw === undefined || raw === '') throw missing(name)
    if (!/^\d{1,9}$/.test(raw) || Number(raw) >= size) {
      throw wmsError('InvalidPoint', name, `${name.toUpperCase()} must be a pixel column/row from 0 to ${size - 1}, got "${clip(raw)}"`)
    }
    return Number(raw)
  }
  return { i: read(iName, req.width), j: read(jName, req.height) }
}

const display = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v)

function properties(layer: LayerDef, f: InfoFeature): Record<string, unknown> {
  return Object.fromEntries(layer.attributes.map((a) => [a.name, display(f[a.name]) ?? null]))
}

function asGeoJson(results: LayerResult[]): string {
  const features = results.flatMap(({ layer, features }) => features.map((f) => ({
    type: 'Feature', id: `${layer.id}.${String(f.fid)}`, layer: layer.id,
    geometry: JSON.parse(f.geometry) as unknown, properties: properties(layer, f),
  })))
  return JSON.stringify({ type: 'FeatureCollection', numberReturned: features.length, features })
}

function asHtml(results: LayerResult[]): string {
  const e = (v: unknown) => escapeXml(v === null || v === undefined ? '' : String(v))
  const sections = results.map(({ layer, features }) => {
    const head = layer.attributes.map((a) => `<th>${e(a.title)}</th>`).join('')
    const rows = features.map((f) => `<tr>${layer.attributes.map((a) => `<td>${e(display(f[a.name]))}</td>`).join('')}</tr>`).join('\n')
    const body = features.length ? `<table>\n<tr>${head}</tr>\n${rows}\n</table>` : '<p>此处无要素</p>'
    return `<h2>${e(layer.title)}</h2>\n${body}`
  })
  return '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>要素信息</title>' +
    '<style>table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px}</style></head>\n' +
    `<body>\n${sections.join('\n')}\n</body></html>\n`
}

function asXml(results: LayerResult[]): string {
  const e = (v: unknown) => escapeXml(v === null || v === undefined ? '' : String(v))
  const layers = results.map(({ layer, features }) => {
    const items = features.map((f) => {
      const attrs = layer.attributes.map((a) => `<Attribute name="${e(a.name)}" title="${e(a.title)}">${e(display(f[a.name]))}</Attribute>`).join('')
      return `<Feature id="${e(`${layer.id}.${String(f.fid)}`)}">${attrs}</Feature>`
    }).join('\n')
    return `<Layer name="${e(layer.id)}" title="${e(layer.title)}">\n${items}\n</Layer>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<FeatureInfoResponse xmlns="https://gridgov.invalid/wms/featureinfo">\n${layers.join('\n')}\n</FeatureInfoResponse>\n`
}

export async function handleGetFeatureInfo(app: AppContext, ctx: Context, kvp: Kvp, version: WmsVersion): Promise<void> {
  const req = parseMapRequest(kvp, layersOf(ctx, app.catalogue), version, await extraLayers(app))
  const queryLayers = parseQueryLayers(kvp, req)
  const format = parseInfoFormat(kvp, version)
  const { i, j } = parsePixel(kvp, req)
  const count = kvp.integer('feature_count', 1, MAX_FEATURE_COUNT, 1)
  const [minx, miny, maxx, maxy] = req.bbox
  const px = (maxx - minx) / req.width, py = (maxy - miny) / req.height
  // the centre of the clicked pixel, in the request CRS (x easting/longitude first)
  const x = minx + (i + 0.5) * px, y = maxy - (j + 0.5) * py
  const tolerance = TOLERANCE_PX * Math.max(px, py)
  const { jurisdiction } = principalOf(ctx)
  const results = await Promise.all(queryLayers.map(async (layer) => ({
    layer, features: await featuresNear(app.knexRead, layer, req.crs.srid!, x, y, tolerance, count, jurisdiction),
  })))
  for (const r of results) if (r.features.length) noteLayerRead(r.layer)
  ctx.set('Cache-Control', queryLayers.some((l) => l.audited) ? 'no-store' : 'private, no-cache')
  if (format === 'application/json') {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = asGeoJson(results)
  } else if (format === 'text/html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = asHtml(results)
  } else {
    ctx.type = 'text/xml; charset=utf-8'
    ctx.body = asXml(results)
  }
}
