// The WMTS 1.0.0 capabilities document (KVP GetCapabilities and RESTful WMTSCapabilities.xml):
// every WMS layer the caller may see, with its styles (legend from the WMS), its WGS84 extent,
// PNG and JPEG, both tile matrix sets and RESTful ResourceURL templates; the operations with
// absolute KVP and RESTful hrefs (OWSLib and GDAL build every later request from these).
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { serviceUrl } from '../common/url.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import { layersOf } from '../common/access.ts'
import { layerExtents, type Box } from '../wms/extents.ts'
import { extraLayers, type ExtraLayer } from '../wms/layerSources.ts'
import { MATRIX_SETS, type TileMatrixSet } from './matrixSets.ts'
import { TILE_FORMATS } from './getTile.ts'
import { INFO_FORMATS } from './getFeatureInfo.ts'

const NS = {
  xmlns: 'http://www.opengis.net/wmts/1.0', 'xmlns:ows': 'http://www.opengis.net/ows/1.1',
  'xmlns:xlink': 'http://www.w3.org/1999/xlink', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
  'xsi:schemaLocation': 'http://www.opengis.net/wmts/1.0 http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd',
}
const TITLE = 'gridgov 网格化管理瓦片地图服务 (WMTS)'
const ABSTRACT = '网格、部件、地址等图层的 WMTS 瓦片，与 WMS 同一渲染；提供 Web 墨卡托 (GoogleMapsCompatible) 与 CGCS2000 经纬度 (EPSG:4490) 两套瓦片矩阵集。' +
  'GetTile 需要身份认证（HTTP Basic、Bearer 令牌或 API Key），瓦片只含调用者辖区内的要素。'

export interface WmtsUrls {
  /** KVP endpoint, ending in '?'. */
  kvp: string
  /** RESTful root: …/ogc/wmts/1.0.0 */
  rest: string
  /** WMS endpoint for legends, ending in '?'. */
  wms: string
}

export function wmtsUrls(ctx: Context, app: AppContext): WmtsUrls {
  return { kvp: `${serviceUrl(ctx, app, '/ogc/wmts')}?`, rest: serviceUrl(ctx, app, '/ogc/wmts/1.0.0'), wms: `${serviceUrl(ctx, app, '/ogc/wms')}?` }
}

const encoding = (value: 'KVP' | 'RESTful') =>
  el('ows:Constraint', { name: 'GetEncoding' }, el('ows:AllowedValues', {}, textEl('ows:Value', value)))

function operation(name: string, kvp: string, rest?: string): string {
  const gets = [el('ows:Get', { 'xlink:href': kvp }, encoding('KVP'))]
  if (rest) gets.push(el('ows:Get', { 'xlink:href': rest }, encoding('RESTful')))
  return el('ows:Operation', { name }, el('ows:DCP', {}, el('ows:HTTP', {}, ...gets)))
}

function serviceMetadata(urls: WmtsUrls): string {
  return el('ows:ServiceIdentification', {}, textEl('ows:Title', TITLE), textEl('ows:Abstract', ABSTRACT),
    textEl('ows:ServiceType', 'OGC WMTS'), textEl('ows:ServiceTypeVersion', '1.0.0'), textEl('ows:Fees', 'none'),
    textEl('ows:AccessConstraints', '需认证，按辖区授权 (authentication required; data limited to the caller\'s jurisdiction)')) +
    el('ows:ServiceProvider', {}, textEl('ows:ProviderName', 'gridgov'),
      el('ows:ServiceContact', {}, textEl('ows:PositionName', '城市运行管理服务中心 GIS 组'))) +
    el('ows:OperationsMetadata', {},
      operation('GetCapabilities', urls.kvp, `${urls.rest}/WMTSCapabilities.xml`),
      operation('GetTile', urls.kvp, `${urls.rest}/`), operation('GetFeatureInfo', urls.kvp))
}

const corner = (a: number, b: number) => `${Number(a.toFixed(7))} ${Number(b.toFixed(7))}`

/** What a Layer element says: a catalogue layer, or a registered extra layer (its one default style, no legend). */
interface LayerEntry { id: string; title: string; abstract: string; box: Box; queryable: boolean; styles: { id: string; title: string; legend?: string }[] }

function catalogueEntry(layer: LayerDef, box: Box, urls: WmtsUrls): LayerEntry {
  const legend = (style?: string) => `${urls.wms}SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=image/png&SLD_VERSION=1.1.0` +
    `&LAYER=${encodeURIComponent(layer.id)}${style ? `&STYLE=${encodeURIComponent(style)}` : ''}`
  const styles = layer.styles.length
    ? layer.styles.map((s) => ({ id: s.name, title: s.title, legend: legend(s.name) }))
    : [{ id: 'default', title: layer.title, legend: legend() }]
  return { id: layer.id, title: layer.title, abstract: layer.abstract, box, queryable: layer.queryable, styles }
}

const extraEntry = (layer: ExtraLayer): LayerEntry =>
  ({ id: layer.name, title: layer.title, abstract: layer.abstract, box: layer.bbox, queryable: false, styles: [{ id: 'default', title: layer.title }] })

function layerXml(layer: LayerEntry, urls: WmtsUrls): string {
  const template = (ext: string) => `${urls.rest}/${encodeURIComponent(layer.id)}/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.${ext}`
  const box = layer.box
  return el('Layer', {},
    textEl('ows:Title', layer.title), textEl('ows:Abstract', layer.abstract),
    el('ows:WGS84BoundingBox', {}, textEl('ows:LowerCorner', corner(box[0], box[1])), textEl('ows:UpperCorner', corner(box[2], box[3]))),
    textEl('ows:Identifier', layer.id),
    ...layer.styles.map((s, i) => el('Style', { isDefault: i === 0 ? 'true' : undefined }, textEl('ows:Title', s.title), textEl('ows:Identifier', s.id),
      ...(s.legend ? [el('LegendURL', { format: 'image/png', 'xlink:href': s.legend })] : []))),
    ...TILE_FORMATS.map((f) => textEl('Format', f.format)),
    ...(layer.queryable ? INFO_FORMATS.map((f) => textEl('InfoFormat', f)) : []),
    ...MATRIX_SETS.map((s) => el('TileMatrixSetLink', {}, textEl('TileMatrixSet', s.id))),
    ...TILE_FORMATS.map((f) => el('ResourceURL', { format: f.format, resourceType: 'tile', template: template(f.ext) })))
}

function matrixSetXml(set: TileMatrixSet): string {
  return el('TileMatrixSet', {},
    textEl('ows:Title', set.title), textEl('ows:Abstract', set.abstract), textEl('ows:Identifier', set.id),
    el('ows:BoundingBox', { crs: set.supportedCrs }, textEl('ows:LowerCorner', set.boundingBox[0]), textEl('ows:UpperCorner', set.boundingBox[1])),
    textEl('ows:SupportedCRS', set.supportedCrs),
    ...(set.wellKnownScaleSet ? [textEl('WellKnownScaleSet', set.wellKnownScaleSet)] : []),
    ...set.matrices.map((m) => el('TileMatrix', {},
      textEl('ows:Identifier', m.id), textEl('ScaleDenominator', m.scaleDenominator), textEl('TopLeftCorner', set.topLeftText),
      textEl('TileWidth', 256), textEl('TileHeight', 256), textEl('MatrixWidth', m.matrixWidth), textEl('MatrixHeight', m.matrixHeight))))
}

/** The capabilities document for these layers (catalogue layers with their extents, then extra layers). */
export function capabilitiesXml(urls: WmtsUrls, layers: readonly LayerDef[], extentOf: (layer: LayerDef) => Box, extras: readonly ExtraLayer[] = []): string {
  const entries = [...layers.map((l) => catalogueEntry(l, extentOf(l), urls)), ...extras.map(extraEntry)]
  return XML_DECLARATION + el('Capabilities', { ...NS, version: '1.0.0' },
    serviceMetadata(urls),
    el('Contents', {}, ...entries.map((l) => layerXml(l, urls)), ...MATRIX_SETS.map(matrixSetXml)),
    el('ServiceMetadataURL', { 'xlink:href': `${urls.rest}/WMTSCapabilities.xml` }))
}

export async function handleGetCapabilities(app: AppContext, ctx: Context): Promise<void> {
  const extents = await layerExtents(app)
  const layers = layersOf(ctx, app.catalogue).layers
  const extras = [...(await extraLayers(app)).values()]
  ctx.body = capabilitiesXml(wmtsUrls(ctx, app), layers, (l) => extents.byLayer.get(l.id) ?? extents.all, extras)
  ctx.type = 'text/xml; charset=utf-8'
  ctx.set('Cache-Control', 'no-cache')
}
