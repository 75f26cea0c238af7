// GetCapabilities, WFS 2.0.0 (this module) and 1.1.0 (getCapabilities11.ts), after version
// negotiation: the first of ACCEPTVERSIONS this service speaks, else VERSION, else 2.0.0.
// Capabilities are open to anonymous callers: they list layer names, titles and extents only.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { AppError } from '../../http/errors.ts'
import { cachedExtent } from '../common/featureSource.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS, SCHEMAS } from '../common/namespaces.ts'
import { serviceUrl } from '../common/url.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import { comparisonOperators, spatialOperators } from '../filter/index.ts'
import { geometryOperands } from '../filter/gmlGeometry.ts'
import { clip } from './kvp.ts'
import { DEFAULT_CRS, formatNames } from './formats.ts'
import { COUNT_DEFAULT } from './paging.ts'
import { operations, type WfsRequest, type WfsVersion } from './request.ts'
import { typeNameOf } from './typeNames.ts'
import { capabilities11 } from './getCapabilities11.ts'
import { bboxLonLat, otherCrs, serviceProvider, SERVICE_ABSTRACT, SERVICE_TITLE } from './capabilitiesCommon.ts'
import { layersOf } from '../common/access.ts'
import { principalOf } from '../../http/auth.ts'
import { mayWrite } from './transactionWriters.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'


/** The negotiated version; no match → 400 VersionNegotiationFailed. */
export function negotiateVersion(ctx: Context, req: WfsRequest): WfsVersion {
  if (req.acceptVersions?.length) {
    for (const v of req.acceptVersions) {
      if (/^2\.0\.\d$/.test(v)) return '2.0.0'
      if (/^1\.1\.\d$/.test(v)) return '1.1.0'
    }
    throw new AppError(400, 'version_negotiation_failed', `none of ACCEPTVERSIONS "${clip(req.acceptVersions.join(','))}" is offered; this service speaks 2.0.0 and 1.1.0`,
      {}, { code: 'VersionNegotiationFailed', locator: 'acceptVersions' })
  }
  return ctx.state.ogcVersion === '1.1.0' ? '1.1.0' : req.version
}

export async function getCapabilities(ctx: Context, app: AppContext, req: WfsRequest): Promise<void> {
  const version = negotiateVersion(ctx, req)
  ctx.state.ogcVersion = version === '1.1.0' ? '1.1.0' : undefined
  const layers = layersOf(ctx, app.catalogue).layers
  const extents = await Promise.all(layers.map((l) => cachedExtent(app.knexRead, l)))
  ctx.type = 'text/xml; charset=utf-8'
  // Transaction is offered to the roles that may edit some layer; to others the service is read-only
  const writable = layers.filter((l) => mayWrite(l, principalOf(ctx)))
  ctx.body = version === '1.1.0' ? capabilities11(ctx, app, layers, extents, writable) : capabilities20(ctx, app, layers, extents, writable.length > 0)
}


const bool = (v: boolean) => (v ? 'TRUE' : 'FALSE')
const constraint = (tag: string, name: string, value: string) =>
  el(tag, { name }, el('ows:NoValues'), textEl('ows:DefaultValue', value))
const allowed = (values: string[]) => el('ows:AllowedValues', {}, ...values.map((v) => textEl('ows:Value', v)))
const parameter = (name: string, values: string[]) => el('ows:Parameter', { name }, allowed(values))

const wfsConstraints = (transactional: boolean): [string, boolean][] => [
  ['ImplementsBasicWFS', true], ['ImplementsTransactionalWFS', transactional], ['ImplementsLockingWFS', false],
  ['KVPEncoding', true], ['XMLEncoding', true], ['SOAPEncoding', false], ['ImplementsInheritance', false],
  ['ImplementsRemoteResolve', false], ['ImplementsResultPaging', true], ['ImplementsStandardJoins', false],
  ['ImplementsSpatialJoins', false], ['ImplementsTemporalJoins', false], ['ImplementsFeatureVersioning', false],
  ['ManageStoredQueries', false],
]

const fesConformance: [string, boolean][] = [
  ['ImplementsQuery', true], ['ImplementsAdHocQuery', true], ['ImplementsFunctions', false], ['ImplementsResourceId', true],
  ['ImplementsMinStandardFilter', true], ['ImplementsStandardFilter', true], ['ImplementsMinSpatialFilter', true],
  ['ImplementsSpatialFilter', true], ['ImplementsMinTemporalFilter', false], ['ImplementsTemporalFilter', false],
  ['ImplementsVersionNav', false], ['ImplementsSorting', true], ['ImplementsExtendedOperators', false],
  ['ImplementsMinimumXPath', true], ['ImplementsSchemaElementFunc', false],
]

function operationsMetadata(ctx: Context, app: AppContext, transactional: boolean): string {
  const get = serviceUrl(ctx, app, '/ogc/wfs') + '?'
  const post = serviceUrl(ctx, app, '/ogc/wfs')
  const dcp = el('ows:DCP', {}, el('ows:HTTP', {}, el('ows:Get', { 'xlink:href': get }), el('ows:Post', { 'xlink:href': post })))
  const params: Record<string, string> = {
    GetCapabilities: parameter('AcceptVersions', ['2.0.0', '1.1.0']) + parameter('AcceptFormats', ['text/xml']),
    DescribeFeatureType: parameter('outputFormat', ['application/gml+xml; version=3.2']),
    GetFeature: parameter('resultType', ['results', 'hits']) + parameter('outputFormat', formatNames['2.0.0']),
    GetPropertyValue: parameter('resolve', ['none']) + parameter('outputFormat', ['application/gml+xml; version=3.2']),
  }
  return el('ows:OperationsMetadata', {},
    ...operations.filter((op) => op !== 'Transaction' || transactional).map((op) => el('ows:Operation', { name: op }, dcp, params[op] ?? '')),
    parameter('version', ['2.0.0', '1.1.0']),
    ...wfsConstraints(transactional).map(([name, v]) => constraint('ows:Constraint', name, bool(v))),
    constraint('ows:Constraint', 'CountDefault', String(COUNT_DEFAULT)),
    el('ows:Constraint', { name: 'QueryExpressions' }, allowed(['wfs:Query', 'wfs:StoredQuery'])))
}


function featureTypeList(layers: LayerDef[], extents: ([number, number, number, number] | null)[]): string {
  const other = otherCrs()
  return el('wfs:FeatureTypeList', {}, ...layers.map((layer, i) => {
    const extent = extents[i]
    return el('wfs:FeatureType', {},
      textEl('wfs:Name', typeNameOf(layer)), textEl('wfs:Title', layer.title), textEl('wfs:Abstract', layer.abstract),
      textEl('wfs:DefaultCRS', DEFAULT_CRS), ...other.map((c) => textEl('wfs:OtherCRS', c)),
      el('wfs:OutputFormats', {}, ...formatNames['2.0.0'].map((f) => textEl('wfs:Format', f))),
      extent ? el('ows:WGS84BoundingBox', {}, textEl('ows:LowerCorner', bboxLonLat(extent)[0]!), textEl('ows:UpperCorner', bboxLonLat(extent)[1]!)) : '')
  }))
}

function filterCapabilities(): string {
  const named = (tag: string, names: string[]) => names.map((n) => el(tag, { name: n })).join('')
  return el('fes:Filter_Capabilities', {},
    el('fes:Conformance', {}, ...fesConformance.map(([name, v]) => constraint('fes:Constraint', name, bool(v)))),
    el('fes:Id_Capabilities', {}, el('fes:ResourceIdentifier', { name: 'fes:ResourceId' })),
    el('fes:Scalar_Capabilities', {}, el('fes:LogicalOperators'),
      el('fes:ComparisonOperators', {}, named('fes:ComparisonOperator', comparisonOperators))),
    el('fes:Spatial_Capabilities', {},
      el('fes:GeometryOperands', {}, named('fes:GeometryOperand', geometryOperands.filter((g) => !['Box', 'MultiPolygon', 'MultiLineString'].includes(g)).map((g) => `gml:${g}`))),
      el('fes:SpatialOperators', {}, named('fes:SpatialOperator', spatialOperators))))
}


function capabilities20(ctx: Context, app: AppContext, layers: LayerDef[], extents: ([number, number, number, number] | null)[], transactional: boolean): string {
  return XML_DECLARATION + el('wfs:WFS_Capabilities', {
    version: '2.0.0', 'xmlns:wfs': NS.wfs20, 'xmlns:ows': NS.ows11, 'xmlns:fes': NS.fes20, 'xmlns:gml': NS.gml32,
    'xmlns:xlink': NS.xlink, 'xmlns:xsi': NS.xsi, [`xmlns:${GRIDGOV_PREFIX}`]: GRIDGOV_NS,
    'xsi:schemaLocation': `${NS.wfs20} ${SCHEMAS.wfs20}`,
  },
  el('ows:ServiceIdentification', {},
    textEl('ows:Title', SERVICE_TITLE), textEl('ows:Abstract', SERVICE_ABSTRACT),
    el('ows:Keywords', {}, textEl('ows:Keyword', '网格化管理'), textEl('ows:Keyword', 'WFS')),
    textEl('ows:ServiceType', 'WFS'), textEl('ows:ServiceTypeVersion', '2.0.0'), textEl('ows:ServiceTypeVersion', '1.1.0'),
    textEl('ows:Fees', 'NONE'), textEl('ows:AccessConstraints', 'HTTP Basic authentication for feature data')),
  serviceProvider('ows'),
  operationsMetadata(ctx, app, transactional),
  featureTypeList(layers, extents),
  filterCapabilities())
}
