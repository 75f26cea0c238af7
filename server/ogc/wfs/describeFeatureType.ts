// DescribeFeatureType: an XML Schema for the requested types (all when TYPENAMES is absent), in
// the gridgov namespace, importing GML 3.2 (WFS 2.0) or GML 3.1.1 (WFS 1.1.0). The element order
// is the catalogue's attribute order, then the geometry, as in the GetFeature output.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { AttributeType, LayerDef } from '../../../tiles/catalogue.ts'
import { GEOMETRY_NAME } from '../common/featureSource.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS, SCHEMAS } from '../common/namespaces.ts'
import { el, XML_DECLARATION } from '../common/xml.ts'
import type { WfsRequest } from './request.ts'
import { resolveTypeName } from './typeNames.ts'
import { invalid } from './kvp.ts'
import { layersOf } from '../common/access.ts'

const xsdType: Record<AttributeType, string> = {
  string: 'xsd:string', integer: 'xsd:long', number: 'xsd:double', boolean: 'xsd:boolean', datetime: 'xsd:dateTime', date: 'xsd:date',
}

const propertyType: Record<LayerDef['geometryType'], string> = {
  Point: 'gml:PointPropertyType', MultiLineString: 'gml:MultiCurvePropertyType', MultiPolygon: 'gml:MultiSurfacePropertyType',
}
const geometryType = (layer: LayerDef) => propertyType[layer.geometryType]

export function describeFeatureType(ctx: Context, app: AppContext, req: WfsRequest): void {
  const format = req.outputFormat?.toLowerCase().replace(/\s/g, '')
  if (format && !/^(application\/gml\+xml;version=3\.[12]|text\/xml;subtype=gml\/3\.(1\.1|2)|xmlschema|application\/xml|text\/xml)$/.test(format)) {
    throw invalid('outputFormat', `DescribeFeatureType answers in XML Schema; unsupported outputFormat "${req.outputFormat}"`)
  }
  const catalogue = layersOf(ctx, app.catalogue)
  const layers = req.typeNames?.length
    ? [...new Set(req.typeNames.map((t) => resolveTypeName(t, req.namespaces, catalogue)))]
    : catalogue.layers
  const v2 = req.version === '2.0.0'
  const types = layers.map((layer) => el('xsd:complexType', { name: `${layer.id}Type` },
    el('xsd:complexContent', {}, el('xsd:extension', { base: 'gml:AbstractFeatureType' }, el('xsd:sequence', {},
      ...layer.attributes.map((a) => el('xsd:element', { name: a.name, type: xsdType[a.type], minOccurs: 0, maxOccurs: 1, nillable: 'true' })),
      el('xsd:element', { name: GEOMETRY_NAME, type: geometryType(layer), minOccurs: 0, maxOccurs: 1 }))))))
  const elements = layers.map((layer) => el('xsd:element', {
    name: layer.id, type: `${GRIDGOV_PREFIX}:${layer.id}Type`, substitutionGroup: v2 ? 'gml:AbstractFeature' : 'gml:_Feature',
  }))
  ctx.type = v2 ? 'application/gml+xml; version=3.2' : 'text/xml; subtype=gml/3.1.1'
  ctx.body = XML_DECLARATION + el('xsd:schema', {
    'xmlns:xsd': NS.xsd, 'xmlns:gml': v2 ? NS.gml32 : NS.gml311, [`xmlns:${GRIDGOV_PREFIX}`]: GRIDGOV_NS,
    targetNamespace: GRIDGOV_NS, elementFormDefault: 'qualified', version: '1.0',
  }, el('xsd:import', { namespace: v2 ? NS.gml32 : NS.gml311, schemaLocation: v2 ? SCHEMAS.gml32 : SCHEMAS.gml311 }), ...types, ...elements)
}
