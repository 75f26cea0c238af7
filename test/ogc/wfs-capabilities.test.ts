// WFS 2.0 / 1.1.0 capabilities, version negotiation, DescribeFeatureType, proxy-aware hrefs
// (checklist lines 1-6, 8 for type names, 17).
import { expect } from 'chai'
import { testClient, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { all, expectException, expectSequence, kid, kids, order, parse, WFS, type El } from './wfs-support.ts'
import { mayReadLayer } from '../../tiles/layerAccess.ts'
import { anonymous } from '../../server/auth/users.ts'

const FALSE_OR_TRUE = /^(TRUE|FALSE)$/

describe('WFS capabilities and schemas', () => {
  let client: Client
  let caps: El
  before(async () => {
    client = await testClient()
    const res = await client.get('/ogc/wfs?service=WFS&request=GetCapabilities')
    expect(res.statusCode, res.body).to.equal(200)
    caps = parse(res.body)
  })

  it('1. a request without SERVICE is an OWS 2.0 exception: MissingParameterValue at service', async () => {
    const res = await client.get('/ogc/wfs?REQUEST=GetCapabilities')
    expectException(res, 400, 'MissingParameterValue', 'service')
    expect(res.body).to.match(/<ows:ExceptionReport[^>]*version="2\.0\.0"/)
    expect(res.body).to.include('xmlns:ows="http://www.opengis.net/ows/1.1"')
  })

  it('2. GetCapabilities is a WFS 2.0.0 document with the sections in schema order', () => {
    expect(caps.name).to.equal('wfs:WFS_Capabilities')
    expect(caps.attrs.version).to.equal('2.0.0')
    expect(caps.attrs['xmlns:wfs']).to.equal('http://www.opengis.net/wfs/2.0')
    expect(caps.attrs['xsi:schemaLocation']).to.include('http://schemas.opengis.net/wfs/2.0/wfs.xsd')
    expect(order(caps)).to.deep.equal(['ows:ServiceIdentification', 'ows:ServiceProvider', 'ows:OperationsMetadata',
      'wfs:FeatureTypeList', 'fes:Filter_Capabilities'])
    // the parts of the WFS 2.0 / OWS 1.1 schema that clients and validators insist on
    const id = kid(caps, 'ows:ServiceIdentification')
    expectSequence(id, ['ows:Title', 'ows:Abstract', 'ows:Keywords', 'ows:ServiceType', 'ows:ServiceTypeVersion', 'ows:Fees', 'ows:AccessConstraints'])
    expect(kid(id, 'ows:ServiceType').text).to.equal('WFS')
    expect(kids(id, 'ows:ServiceTypeVersion').map((v) => v.text)).to.include('2.0.0')
    expect(kid(caps, 'ows:ServiceProvider').children.map((c) => c.name)).to.include.members(['ows:ProviderName', 'ows:ServiceContact'])
    for (const ft of kids(kid(caps, 'wfs:FeatureTypeList'), 'wfs:FeatureType')) {
      expectSequence(ft, ['wfs:Name', 'wfs:Title', 'wfs:Abstract', 'wfs:DefaultCRS', 'wfs:OtherCRS', 'wfs:OutputFormats', 'ows:WGS84BoundingBox'])
      expect(kid(ft, 'wfs:Name').text).to.match(/^gridgov:[a-z_]+$/)
      expect(kid(ft, 'wfs:DefaultCRS').text).to.equal('urn:ogc:def:crs:EPSG::4490')
    }
    const fc = kid(caps, 'fes:Filter_Capabilities')
    expect(order(fc)).to.deep.equal(['fes:Conformance', 'fes:Id_Capabilities', 'fes:Scalar_Capabilities', 'fes:Spatial_Capabilities'])
    expect(order(kid(fc, 'fes:Spatial_Capabilities'))).to.deep.equal(['fes:GeometryOperands', 'fes:SpatialOperators'])
  })

  it('2. lists every catalogue layer as gridgov:<id> with its WGS84 extent', () => {
    const names = all(caps, 'wfs:Name').map((n) => n.text)
    expect(names).to.include.members(['gridgov:admin_divisions', 'gridgov:base_grids', 'gridgov:components', 'gridgov:addresses'])
    expect(names.length).to.equal(client.context.catalogue.layers.filter((l) => mayReadLayer(l, anonymous)).length)
    const grids = kids(kid(caps, 'wfs:FeatureTypeList'), 'wfs:FeatureType').find((f) => kid(f, 'wfs:Name').text === 'gridgov:base_grids')!
    const [lon0, lat0] = kid(kid(grids, 'ows:WGS84BoundingBox'), 'ows:LowerCorner').text.split(' ').map(Number)
    // the demo city lies around 116.0°E 36.45°N: lon first in WGS84BoundingBox
    expect(lon0).to.be.within(115, 117)
    expect(lat0).to.be.within(35.5, 37.5)
  })

  it('3. OperationsMetadata: six operations with absolute GET and POST hrefs and every constraint', () => {
    const om = kid(caps, 'ows:OperationsMetadata')
    const ops = kids(om, 'ows:Operation')
    expect(ops.map((o) => o.attrs.name)).to.include.members(['GetCapabilities', 'DescribeFeatureType', 'ListStoredQueries',
      'DescribeStoredQueries', 'GetFeature', 'GetPropertyValue'])
    for (const op of ops) {
      const http = kid(kid(op, 'ows:DCP'), 'ows:HTTP')
      expect(kid(http, 'ows:Get').attrs['xlink:href']).to.match(/^http:\/\/[^/]+\/ogc\/wfs\?$/)
      expect(kid(http, 'ows:Post').attrs['xlink:href']).to.match(/^http:\/\/[^/]+\/ogc\/wfs$/)
    }
    const constraints = new Map(kids(om, 'ows:Constraint').map((c) => [c.attrs.name, c]))
    for (const name of ['ImplementsBasicWFS', 'ImplementsTransactionalWFS', 'ImplementsLockingWFS', 'KVPEncoding', 'XMLEncoding',
      'ImplementsInheritance', 'ImplementsRemoteResolve', 'ImplementsResultPaging', 'ImplementsStandardJoins', 'ImplementsSpatialJoins',
      'ImplementsTemporalJoins', 'ImplementsFeatureVersioning', 'ManageStoredQueries']) {
      const c = constraints.get(name)
      expect(c, name).to.not.equal(undefined)
      expect(kid(c!, 'ows:DefaultValue').text, name).to.match(FALSE_OR_TRUE)
    }
    // QGIS pages only when this is exactly TRUE
    expect(kid(constraints.get('ImplementsResultPaging')!, 'ows:DefaultValue').text).to.equal('TRUE')
    expect(kid(constraints.get('CountDefault')!, 'ows:DefaultValue').text).to.match(/^[1-9]\d*$/)
  })

  it('4. fes:Conformance declares the implemented filter classes TRUE', () => {
    const conf = kid(kid(caps, 'fes:Filter_Capabilities'), 'fes:Conformance')
    const values = new Map(kids(conf, 'fes:Constraint').map((c) => [c.attrs.name, kid(c, 'ows:DefaultValue').text]))
    for (const name of ['ImplementsQuery', 'ImplementsAdHocQuery', 'ImplementsResourceId', 'ImplementsMinStandardFilter',
      'ImplementsStandardFilter', 'ImplementsMinSpatialFilter', 'ImplementsSorting', 'ImplementsMinimumXPath']) {
      expect(values.get(name), name).to.equal('TRUE')
    }
  })

  it('5. version negotiation: the first offered of ACCEPTVERSIONS', async () => {
    const v2 = parse((await client.get('/ogc/wfs?service=WFS&request=GetCapabilities&AcceptVersions=10.0.0,2.0.0,1.1.0')).body)
    expect(v2.attrs.version).to.equal('2.0.0')
    const res = await client.get('/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.1.0,1.0.0')
    expect(res.statusCode).to.equal(200)
    const v11 = parse(res.body)
    expect(v11.name).to.equal('wfs:WFS_Capabilities')
    expect(v11.attrs.version).to.equal('1.1.0')
    expect(v11.attrs['xmlns:wfs']).to.equal('http://www.opengis.net/wfs')
    expect(order(v11)).to.deep.equal(['ows:ServiceIdentification', 'ows:ServiceProvider', 'ows:OperationsMetadata', 'wfs:FeatureTypeList', 'ogc:Filter_Capabilities'])
    for (const ft of all(v11, 'wfs:FeatureType')) {
      expectSequence(ft, ['wfs:Name', 'wfs:Title', 'wfs:Abstract', 'wfs:DefaultSRS', 'wfs:OtherSRS', 'wfs:OutputFormats', 'ows:WGS84BoundingBox'])
    }
    expect(all(v11, 'ows:Get')[0]!.attrs['xlink:href']).to.match(/^http:\/\//)
    const failed = await client.get('/ogc/wfs?service=WFS&request=GetCapabilities&acceptversions=3.0.0,0.9.0')
    expectException(failed, 400, 'VersionNegotiationFailed', 'acceptVersions')
  })

  it('5. a QGIS-style request negotiates 2.0.0', async () => {
    const res = await client.get('/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.0,1.1.0,1.0.0')
    expect(parse(res.body).attrs.version).to.equal('2.0.0')
  })

  it('6. DescribeFeatureType without TYPENAMES: one schema for all types, importing GML 3.2', async () => {
    const res = await client.get(`${WFS}&REQUEST=DescribeFeatureType`)
    expect(res.statusCode).to.equal(200)
    const xsd = parse(res.body)
    expect(xsd.name).to.equal('xsd:schema')
    expect(xsd.attrs.targetNamespace).to.equal('https://gridgov.invalid/ns')
    const imp = kid(xsd, 'xsd:import')
    expect(imp.attrs.namespace).to.equal('http://www.opengis.net/gml/3.2')
    expect(imp.attrs.schemaLocation).to.match(/^http:\/\/schemas\.opengis\.net\/gml\/3\.2\.1\/gml\.xsd$/)
    const elements = kids(xsd, 'xsd:element')
    expect(elements.map((e) => e.attrs.name)).to.deep.equal(client.context.catalogue.layers.filter((l) => mayReadLayer(l, anonymous)).map((l) => l.id))
    expect(elements.every((e) => e.attrs.substitutionGroup === 'gml:AbstractFeature')).to.equal(true)
    const grids = kids(xsd, 'xsd:complexType').find((t) => t.attrs.name === 'base_gridsType')!
    const seq = all(grids, 'xsd:element').map((e) => `${e.attrs.name}:${e.attrs.type}`)
    expect(seq).to.include.members(['code:xsd:string', 'households:xsd:long', 'valid_from:xsd:dateTime', 'geom:gml:MultiSurfacePropertyType'])
  })

  it('6. DescribeFeatureType of one type, and an unknown type → InvalidParameterValue at typeNames', async () => {
    const one = parse((await client.get(`${WFS}&REQUEST=DescribeFeatureType&TYPENAMES=gridgov:components`)).body)
    expect(kids(one, 'xsd:element').map((e) => e.attrs.name)).to.deep.equal(['components'])
    expect(all(one, 'xsd:element').find((e) => e.attrs.name === 'geom')!.attrs.type).to.equal('gml:PointPropertyType')
    expectException(await client.get(`${WFS}&REQUEST=DescribeFeatureType&TYPENAMES=gridgov:nope`), 400, 'InvalidParameterValue', 'typeNames')
  })

  it('8. type names: with or without prefix, NAMESPACES=xmlns(p,uri) and NAMESPACE=xmlns(p=uri); a foreign namespace is refused', async () => {
    const ok = [
      '/ogc/wfs?service=WFS&version=2.0.0&request=DescribeFeatureType&typeNames=base_grids',
      '/ogc/wfs?service=WFS&version=2.0.0&request=DescribeFeatureType&TYPENAME=gridgov:base_grids',
      '/ogc/wfs?service=WFS&version=2.0.0&request=DescribeFeatureType&typenames=g:base_grids&NAMESPACES=xmlns(g,https://gridgov.invalid/ns)',
      '/ogc/wfs?service=WFS&version=2.0.0&request=DescribeFeatureType&typenames=g:base_grids&NAMESPACES=xmlns(g,https%3A%2F%2Fgridgov.invalid%2Fns)&NAMESPACE=xmlns(g=https://gridgov.invalid/ns)',
      '/ogc/wfs?service=WFS&version=1.1.0&request=DescribeFeatureType&typename=h:base_grids&namespace=xmlns(h=https://gridgov.invalid/ns)',
    ]
    for (const url of ok) {
      const res = await client.get(url)
      expect(res.statusCode, url).to.equal(200)
      expect(kids(parse(res.body), 'xsd:element').map((e) => e.attrs.name), url).to.deep.equal(['base_grids'])
    }
    const foreign = await client.get(`${WFS}&REQUEST=DescribeFeatureType&TYPENAMES=x:base_grids&NAMESPACES=xmlns(x,http://example.com/other)`)
    expectException(foreign, 400, 'InvalidParameterValue', 'typeNames')
  })

  it('8. parameter names in any case', async () => {
    const res = await client.get('/ogc/wfs?sErViCe=WFS&ReQuEsT=GetCapabilities&aCcEpTvErSiOnS=2.0.0')
    expect(parse(res.body).attrs.version).to.equal('2.0.0')
  })

  it('ListStoredQueries and DescribeStoredQueries name GetFeatureById', async () => {
    const list = parse((await client.get(`${WFS}&REQUEST=ListStoredQueries`)).body)
    expect(list.name).to.equal('wfs:ListStoredQueriesResponse')
    expect(kids(list, 'wfs:StoredQuery').map((q) => q.attrs.id)).to.include('urn:ogc:def:query:OGC-WFS::GetFeatureById')
    const desc = parse((await client.get(`${WFS}&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById`)).body)
    expect(kid(kid(desc, 'wfs:StoredQueryDescription'), 'wfs:Parameter').attrs.name).to.equal('ID')
    expectException(await client.get(`${WFS}&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:x:nope`), 400, 'InvalidParameterValue', 'storedQuery_id')
  })

  it('capabilities hrefs follow X-Forwarded-* only when TRUST_PROXY is on', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gis.example.cn', 'x-forwarded-prefix': '/gridgov' }
    const trusted = await testClient(await getTestContext({ trustProxy: true }))
    const behind = parse((await trusted.get('/ogc/wfs?service=WFS&request=GetCapabilities', headers)).body)
    expect(all(behind, 'ows:Get')[0]!.attrs['xlink:href']).to.equal('https://gis.example.cn/gridgov/ogc/wfs?')
    const direct = parse((await client.get('/ogc/wfs?service=WFS&request=GetCapabilities', headers)).body)
    expect(all(direct, 'ows:Get')[0]!.attrs['xlink:href']).to.not.include('example.cn')
    // a hostile Host header never reaches the document unescaped
    const odd = await client.get('/ogc/wfs?service=WFS&request=GetCapabilities', { host: 'a"><x' })
    expect(odd.body).to.not.include('a"><x')
  })

  it('17. every WFS error is an ows:ExceptionReport, never HTML or JSON', async () => {
    const bad = [
      '/ogc/wfs', '/ogc/wfs?service=WMS&request=GetCapabilities', '/ogc/wfs?service=WFS&request=Transaction',
      `${WFS}&request=GetFeature`, `${WFS}&request=GetFeature&typenames=gridgov:base_grids&count=-1`,
      '/ogc/wfs?service=WFS&version=9.9.9&request=GetFeature&typenames=gridgov:base_grids',
    ]
    for (const url of bad) {
      const res = await client.get(url)
      expect(res.statusCode, url).to.be.within(400, 499)
      expect(res.body.startsWith('<?xml'), url).to.equal(true)
      expect(res.body, url).to.include('<ows:ExceptionReport')
    }
    const put = await client.request({ method: 'PUT', url: '/ogc/wfs?service=WFS&request=GetCapabilities' })
    expect(put.body).to.include('<ows:ExceptionReport')
  })
})
