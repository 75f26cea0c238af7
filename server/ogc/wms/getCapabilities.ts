// GetCapabilities in WMS 1.3.0 (WMS_Capabilities) and 1.1.1 (WMT_MS_Capabilities, what GDAL
// asks for by default). Every named layer carries its geographic extent and one BoundingBox per
// advertised CRS, in the axis order of the version (1.3.0: lat,lon for EPSG:4326/4490 and
// northing,easting for Gauss-Krüger), its styles with a LegendURL, and all hrefs are absolute.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Crs } from '../../geo/crs.ts'
import { serviceUrl } from '../common/url.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import type { WmsVersion } from './kvp.ts'
import { LAYER_LIMIT, MAX_SIDE, wmsLatFirst } from './mapRequest.ts'
import { layerExtents, projectBox, type Box, type Extents } from './extents.ts'
import { IMAGE_FORMATS } from './render.ts'
import { INFO_FORMATS } from './getFeatureInfo.ts'
import { legendEntries, legendSize } from './getLegendGraphic.ts'
import { layersOf } from '../common/access.ts'
import { extraLayers, type ExtraLayer } from './layerSources.ts'

const XLINK = 'http://www.w3.org/1999/xlink'
const TITLE = 'gridgov 网格化管理地图服务'
const ABSTRACT = '网格、部件、地址等图层的 WMS 服务；地图按调用者的辖区渲染。GetMap 与 GetFeatureInfo 需要身份认证（HTTP Basic、Bearer 令牌或 API Key）。'

interface Doc { version: WmsVersion; base: string; extents: Extents; crs: Crs[]; extras?: ExtraLayer[] }

const href = (url: string) => el('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': url })
const hrefNs = (url: string) => el('OnlineResource', { 'xmlns:xlink': XLINK, 'xlink:type': 'simple', 'xlink:href': url })

/** Numbers short but exact enough: degrees to 1e-7, metres to 1e-3. */
const num = (v: number, crs: Crs) => String(Number(v.toFixed(crs.geographic ? 7 : 3)))

function operation(doc: Doc, name: string, formats: readonly string[]): string {
  const online = doc.version === '1.3.0' ? href(doc.base) : hrefNs(doc.base)
  return el(name, {}, ...formats.map((f) => textEl('Format', f)),
    el('DCPType', {}, el('HTTP', {}, el('Get', {}, online))))
}

function boundingBox(doc: Doc, crs: Crs, box: Box): string {
  const [minx, miny, maxx, maxy] = projectBox(box, crs)
  const swap = wmsLatFirst(crs, doc.version)
  const [a0, b0, a1, b1] = swap ? [miny, minx, maxy, maxx] : [minx, miny, maxx, maxy]
  const attr = doc.version === '1.3.0' ? 'CRS' : 'SRS'
  return el('BoundingBox', { [attr]: crs.id, minx: num(a0, crs), miny: num(b0, crs), maxx: num(a1, crs), maxy: num(b1, crs) })
}

function geographicBox(doc: Doc, box: Box): string {
  const f = (v: number) => String(Number(v.toFixed(7)))
  if (doc.version === '1.1.1') {
    return el('LatLonBoundingBox', { minx: f(box[0]), miny: f(box[1]), maxx: f(box[2]), maxy: f(box[3]) })
  }
  return el('EX_GeographicBoundingBox', {},
    textEl('westBoundLongitude', f(box[0])), textEl('eastBoundLongitude', f(box[2])),
    textEl('southBoundLatitude', f(box[1])), textEl('northBoundLatitude', f(box[3])))
}

function styles(doc: Doc, layer: LayerDef): string[] {
  const list = layer.styles.length ? layer.styles : [undefined]
  return list.map((style) => {
    const { width, height } = legendSize(legendEntries(layer, style))
    const url = `${doc.base}SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=${doc.version}&FORMAT=image/png` +
      `&LAYER=${encodeURIComponent(layer.id)}${style ? `&STYLE=${encodeURIComponent(style.name)}` : ''}` +
      (doc.version === '1.3.0' ? '&SLD_VERSION=1.1.0' : '')
    const online = doc.version === '1.3.0' ? href(url) : hrefNs(url)
    return el('Style', {}, textEl('Name', style?.name ?? 'default'), textEl('Title', style?.title ?? layer.title),
      el('LegendURL', { width, height }, textEl('Format', 'image/png'), online))
  })
}

function namedLayer(doc: Doc, layer: LayerDef): string {
  const box = doc.extents.byLayer.get(layer.id) ?? doc.extents.all
  return el('Layer', { queryable: layer.queryable ? 1 : 0, opaque: 0 },
    textEl('Name', layer.id), textEl('Title', layer.title), textEl('Abstract', layer.abstract),
    geographicBox(doc, box),
    ...doc.crs.map((crs) => boundingBox(doc, crs, box)),
    ...styles(doc, layer),
    // WMS 1.3.0 names the scale range; 1.1.1's ScaleHint is in other units and left out
    ...(layer.maxScaleDenominator !== undefined && doc.version === '1.3.0' ? [textEl('MaxScaleDenominator', layer.maxScaleDenominator)] : []))
}

/** A registered extra layer (raster base maps): not queryable, one default style without a legend. */
function extraLayer(doc: Doc, layer: ExtraLayer): string {
  return el('Layer', { queryable: 0, opaque: 0 },
    textEl('Name', layer.name), textEl('Title', layer.title), textEl('Abstract', layer.abstract),
    geographicBox(doc, layer.bbox), ...doc.crs.map((crs) => boundingBox(doc, crs, layer.bbox)),
    el('Style', {}, textEl('Name', 'default'), textEl('Title', layer.title)))
}

function rootLayer(doc: Doc, layers: LayerDef[]): string {
  const crsTag = doc.version === '1.3.0' ? 'CRS' : 'SRS'
  return el('Layer', {}, textEl('Title', TITLE), textEl('Abstract', ABSTRACT),
    ...doc.crs.map((c) => textEl(crsTag, c.id)),
    geographicBox(doc, doc.extents.all),
    ...doc.crs.map((crs) => boundingBox(doc, crs, doc.extents.all)),
    ...layers.map((l) => namedLayer(doc, l)), ...(doc.extras ?? []).map((l) => extraLayer(doc, l)))
}

function service(doc: Doc): string {
  const limits = doc.version === '1.3.0'
    ? [textEl('LayerLimit', LAYER_LIMIT), textEl('MaxWidth', MAX_SIDE), textEl('MaxHeight', MAX_SIDE)]
    : []
  return el('Service', {}, textEl('Name', doc.version === '1.3.0' ? 'WMS' : 'OGC:WMS'), textEl('Title', TITLE),
    textEl('Abstract', ABSTRACT), doc.version === '1.3.0' ? href(doc.base) : hrefNs(doc.base),
    textEl('Fees', 'none'), textEl('AccessConstraints', '需认证，按辖区授权 (authentication required; data limited to the caller\'s jurisdiction)'),
    ...limits)
}

function capability13(doc: Doc, layers: LayerDef[]): string {
  const legend = el('sld:GetLegendGraphic', {}, ...['image/png', 'image/jpeg'].map((f) => textEl('Format', f)),
    el('DCPType', {}, el('HTTP', {}, el('Get', {}, href(doc.base)))))
  return el('Capability', {},
    el('Request', {}, operation(doc, 'GetCapabilities', ['text/xml']), operation(doc, 'GetMap', IMAGE_FORMATS),
      operation(doc, 'GetFeatureInfo', INFO_FORMATS), legend),
    el('Exception', {}, ...['XML', 'INIMAGE', 'BLANK'].map((f) => textEl('Format', f))),
    rootLayer(doc, layers))
}

function capability111(doc: Doc, layers: LayerDef[]): string {
  return el('Capability', {},
    el('Request', {}, operation(doc, 'GetCapabilities', ['application/vnd.ogc.wms_xml']),
      operation(doc, 'GetMap', IMAGE_FORMATS), operation(doc, 'GetFeatureInfo', INFO_FORMATS),
      operation(doc, 'GetLegendGraphic', IMAGE_FORMATS)),
    el('Exception', {}, ...['application/vnd.ogc.se_xml', 'application/vnd.ogc.se_inimage', 'application/vnd.ogc.se_blank'].map((f) => textEl('Format', f))),
    rootLayer(doc, layers))
}

/** The capabilities document of a version. */
export function capabilitiesXml(version: WmsVersion, base: string, extents: Extents, layers: LayerDef[], extras: ExtraLayer[] = []): string {
  // CRS:84 is a WMS 1.3.0 identifier; 1.1.1 clients know EPSG:4326 for the same thing
  const crs = version === '1.3.0' ? extents.crs : extents.crs.filter((c) => c.id !== 'CRS:84')
  const doc: Doc = { version, base, extents, crs, extras }
  if (version === '1.1.1') {
    return XML_DECLARATION +
      '<!DOCTYPE WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">\n' +
      el('WMT_MS_Capabilities', { version: '1.1.1' }, service(doc), capability111(doc, layers))
  }
  return XML_DECLARATION + el('WMS_Capabilities', {
    version: '1.3.0', xmlns: 'http://www.opengis.net/wms', 'xmlns:xlink': XLINK,
    'xmlns:sld': 'http://www.opengis.net/sld', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    'xsi:schemaLocation': 'http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd ' +
      'http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd',
  }, service(doc), capability13(doc, layers))
}

export async function handleGetCapabilities(app: AppContext, ctx: Context, version: WmsVersion, format: string | undefined): Promise<void> {
  const extents = await layerExtents(app)
  const base = `${serviceUrl(ctx, app, '/ogc/wms')}?`
  ctx.body = capabilitiesXml(version, base, extents, layersOf(ctx, app.catalogue).layers, [...(await extraLayers(app)).values()])
  // 1.1.1 names its own MIME type; clients that ask for text/xml (browsers, some scripts) get that
  ctx.type = version === '1.1.1' && format?.toLowerCase() !== 'text/xml' ? 'application/vnd.ogc.wms_xml' : 'text/xml; charset=utf-8'
  ctx.set('Cache-Control', 'no-cache')
}
