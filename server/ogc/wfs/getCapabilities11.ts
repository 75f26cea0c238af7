// WFS 1.1.0 capabilities (OWS 1.0.0, Filter 1.1), for clients that negotiate down to 1.1.0.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS, SCHEMAS } from '../common/namespaces.ts'
import { serviceUrl } from '../common/url.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import { DEFAULT_CRS, formatNames } from './formats.ts'
import { bboxLonLat, otherCrs, serviceProvider, SERVICE_ABSTRACT, SERVICE_TITLE } from './capabilitiesCommon.ts'
import { typeNameOf } from './typeNames.ts'
import { writerOf } from './transactionWriters.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'

const ops11 = ['GetCapabilities', 'DescribeFeatureType', 'GetFeature']
const comparison11 = ['LessThan', 'GreaterThan', 'LessThanEqualTo', 'GreaterThanEqualTo', 'EqualTo', 'NotEqualTo', 'Like', 'Between', 'NullCheck']
const spatial11 = ['BBOX', 'Equals', 'Disjoint', 'Intersects', 'Touches', 'Crosses', 'Within', 'Contains', 'Overlaps', 'Beyond', 'DWithin']

const param = (name: string, values: string[]) => el('ows:Parameter', { name }, ...values.map((v) => textEl('ows:Value', v)))

/**
 * `writable`: the layers this caller may edit; GDAL and QGIS read Transaction in the operations
 * and Insert / Update / Delete in a feature type's Operations (the list-wide one says Query).
 */
export function capabilities11(ctx: Context, app: AppContext, layers: LayerDef[], extents: ([number, number, number, number] | null)[],
  writable: LayerDef[] = []): string {
  const href = serviceUrl(ctx, app, '/ogc/wfs')
  const dcp = el('ows:DCP', {}, el('ows:HTTP', {}, el('ows:Get', { 'xlink:href': `${href}?` }), el('ows:Post', { 'xlink:href': href })))
  const params: Record<string, string> = {
    GetCapabilities: param('AcceptVersions', ['1.1.0', '2.0.0']),
    DescribeFeatureType: param('outputFormat', ['text/xml; subtype=gml/3.1.1']),
    GetFeature: param('resultType', ['results', 'hits']) + param('outputFormat', formatNames['1.1.0']),
  }
  const other = otherCrs()
  return XML_DECLARATION + el('wfs:WFS_Capabilities', {
    version: '1.1.0', 'xmlns:wfs': NS.wfs11, 'xmlns:ows': NS.ows10, 'xmlns:ogc': NS.ogc, 'xmlns:gml': NS.gml311,
    'xmlns:xlink': NS.xlink, 'xmlns:xsi': NS.xsi, [`xmlns:${GRIDGOV_PREFIX}`]: GRIDGOV_NS,
    'xsi:schemaLocation': `${NS.wfs11} ${SCHEMAS.wfs11}`,
  },
  el('ows:ServiceIdentification', {}, textEl('ows:Title', SERVICE_TITLE), textEl('ows:Abstract', SERVICE_ABSTRACT),
    textEl('ows:ServiceType', 'WFS'), textEl('ows:ServiceTypeVersion', '1.1.0'), textEl('ows:Fees', 'NONE'),
    textEl('ows:AccessConstraints', 'HTTP Basic authentication for feature data')),
  serviceProvider('ows'),
  el('ows:OperationsMetadata', {}, ...[...ops11, ...(writable.length ? ['Transaction'] : [])].map((op) => el('ows:Operation', { name: op }, dcp, params[op] ?? ''))),
  el('wfs:FeatureTypeList', {}, el('wfs:Operations', {}, textEl('wfs:Operation', 'Query')),
    ...layers.map((layer, i) => {
      const [lower, upper] = bboxLonLat(extents[i] ?? [-180, -90, 180, 90])
      return el('wfs:FeatureType', {}, textEl('wfs:Name', typeNameOf(layer)), textEl('wfs:Title', layer.title),
        textEl('wfs:Abstract', layer.abstract), textEl('wfs:DefaultSRS', DEFAULT_CRS), ...other.map((c) => textEl('wfs:OtherSRS', c)),
        writable.includes(layer) ? el('wfs:Operations', {}, ...['Query', ...writerOf(layer)!.operations].map((o) => textEl('wfs:Operation', o))) : '',
        el('wfs:OutputFormats', {}, ...formatNames['1.1.0'].map((f) => textEl('wfs:Format', f))),
        el('ows:WGS84BoundingBox', {}, textEl('ows:LowerCorner', lower!), textEl('ows:UpperCorner', upper!)))
    })),
  el('ogc:Filter_Capabilities', {},
    el('ogc:Spatial_Capabilities', {},
      el('ogc:GeometryOperands', {}, ...['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon'].map((g) => textEl('ogc:GeometryOperand', g))),
      el('ogc:SpatialOperators', {}, ...spatial11.map((s) => el('ogc:SpatialOperator', { name: s })))),
    el('ogc:Scalar_Capabilities', {}, el('ogc:LogicalOperators'),
      el('ogc:ComparisonOperators', {}, ...comparison11.map((c) => textEl('ogc:ComparisonOperator', c)))),
    el('ogc:Id_Capabilities', {}, el('ogc:EID'), el('ogc:FID'))))
}
