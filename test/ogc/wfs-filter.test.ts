// FES 2.0 filters from KVP and POST XML, GetPropertyValue, and hostile XML
// (checklist lines 11, 12; bad-input lines of the issue).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { all, basic, expectException, kid, kids, parse, WFS, type El } from './wfs-support.ts'

const GF = `${WFS}&REQUEST=GetFeature`
const analyst = basic('analyst')
const FES = 'xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:gridgov="https://gridgov.invalid/ns"'
const filter = (body: string) => `<fes:Filter ${FES}>${body}</fes:Filter>`
const ids = (fc: El) => kids(fc, 'wfs:member').map((m) => m.children[0]!.attrs['gml:id']!)

describe('WFS filters', () => {
  let client: Client
  // ground truth: the same predicate written by hand in SQL (test-only text, never from a request)
  const count = async (where: string, values: Knex.RawBinding[] = []) => {
    const text = `SELECT count(*)::int AS n FROM component WHERE community_code LIKE '9901%' AND (${where})`
    return Number((await client.context.knex.raw(text, values)).rows[0].n)
  }
  const matched = async (typeName: string, f: string) => {
    const res = await client.get(`${GF}&TYPENAMES=${typeName}&COUNT=10000&FILTER=${encodeURIComponent(f)}`, analyst)
    expect(res.statusCode, res.body).to.equal(200)
    return parse(res.body)
  }
  before(async () => {
    client = await testClient()
  })

  it('11. comparison operators select what SQL selects', async () => {
    const cases: [string, string, Knex.RawBinding[]][] = [
      ['<fes:PropertyIsEqualTo><fes:ValueReference>state</fes:ValueReference><fes:Literal>破损</fes:Literal></fes:PropertyIsEqualTo>', "state = '破损'", []],
      ['<fes:PropertyIsNotEqualTo><fes:ValueReference>gridgov:state</fes:ValueReference><fes:Literal>完好</fes:Literal></fes:PropertyIsNotEqualTo>', "state <> '完好'", []],
      ['<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>name</fes:ValueReference><fes:Literal>*井盖</fes:Literal></fes:PropertyIsLike>', "name LIKE '%井盖'", []],
      ['<fes:PropertyIsBetween><fes:ValueReference>class_code</fes:ValueReference><fes:LowerBoundary><fes:Literal>0101</fes:Literal></fes:LowerBoundary><fes:UpperBoundary><fes:Literal>0199</fes:Literal></fes:UpperBoundary></fes:PropertyIsBetween>', "class_code BETWEEN '0101' AND '0199'", []],
      ['<fes:PropertyIsGreaterThan><fes:ValueReference>id</fes:ValueReference><fes:Literal>9901020500000000</fes:Literal></fes:PropertyIsGreaterThan>', "id > '9901020500000000'", []],
      ['<fes:PropertyIsLessThanOrEqualTo><fes:Literal>9901020500000000</fes:Literal><fes:ValueReference>id</fes:ValueReference></fes:PropertyIsLessThanOrEqualTo>', "'9901020500000000' <= id", []],
      ['<fes:PropertyIsNull><fes:ValueReference>grid_code</fes:ValueReference></fes:PropertyIsNull>', 'grid_code IS NULL', []],
    ]
    for (const [f, where, values] of cases) {
      const fc = await matched('gridgov:components', filter(f))
      expect(Number(fc.attrs.numberMatched), where).to.equal(await count(where, values))
    }
  })

  it('11. And / Or / Not combine', async () => {
    const eq = (p: string, v: string) => `<fes:PropertyIsEqualTo><fes:ValueReference>${p}</fes:ValueReference><fes:Literal>${v}</fes:Literal></fes:PropertyIsEqualTo>`
    const and = await matched('gridgov:components', filter(`<fes:And>${eq('state', '完好')}${eq('class_code', '0101')}</fes:And>`))
    expect(Number(and.attrs.numberMatched)).to.equal(await count("state = '完好' AND class_code = '0101'"))
    const or = await matched('gridgov:components', filter(`<fes:Or>${eq('state', '破损')}${eq('state', '丢失')}</fes:Or>`))
    expect(Number(or.attrs.numberMatched)).to.equal(await count("state IN ('破损', '丢失')"))
    const not = await matched('gridgov:components', filter(`<fes:Not>${eq('state', '完好')}</fes:Not>`))
    expect(Number(not.attrs.numberMatched)).to.equal(await count("NOT state = '完好'"))
  })

  it('11. typed literals: integer attributes compare as numbers; a non-number literal is refused', async () => {
    const f = filter('<fes:PropertyIsGreaterThanOrEqualTo><fes:ValueReference>population</fes:ValueReference><fes:Literal>1000</fes:Literal></fes:PropertyIsGreaterThanOrEqualTo>')
    const fc = await matched('gridgov:base_grids', f)
    const { rows } = await client.context.knex.raw("SELECT count(*)::int AS n FROM grid WHERE kind = 'base' AND valid_to IS NULL AND population >= 1000")
    expect(Number(fc.attrs.numberMatched)).to.equal(rows[0].n)
    const bad = filter('<fes:PropertyIsEqualTo><fes:ValueReference>population</fes:ValueReference><fes:Literal>1 OR 1=1</fes:Literal></fes:PropertyIsEqualTo>')
    expectException(await client.get(`${GF}&TYPENAMES=gridgov:base_grids&FILTER=${encodeURIComponent(bad)}`, analyst), 400, 'InvalidParameterValue', 'filter')
  })

  it('11. a literal full of SQL is just a value', async () => {
    const f = filter("<fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>x'); DROP TABLE component; --</fes:Literal></fes:PropertyIsEqualTo>")
    expect((await matched('gridgov:components', f)).attrs.numberMatched).to.equal('0')
    expect(await count('true')).to.be.greaterThan(0)
  })

  it('11. BBOX with and without ValueReference, in both axis orders', async () => {
    const env = (srs: string, lo: string, hi: string) => `<gml:Envelope srsName="${srs}"><gml:lowerCorner>${lo}</gml:lowerCorner><gml:upperCorner>${hi}</gml:upperCorner></gml:Envelope>`
    const want = await count('ST_Intersects(geom, ST_MakeEnvelope(116.0, 36.43, 116.03, 36.46, 4490))')
    expect(want).to.be.greaterThan(0)
    for (const f of [
      `<fes:BBOX><fes:ValueReference>geom</fes:ValueReference>${env('urn:ogc:def:crs:EPSG::4490', '36.43 116.0', '36.46 116.03')}</fes:BBOX>`,
      `<fes:BBOX>${env('EPSG:4490', '116.0 36.43', '116.03 36.46')}</fes:BBOX>`,
      `<fes:BBOX>${env('http://www.opengis.net/def/crs/EPSG/0/4326', '36.43 116.0', '36.46 116.03')}</fes:BBOX>`,
    ]) {
      expect(Number((await matched('gridgov:components', filter(f))).attrs.numberMatched), f).to.equal(want)
    }
  })

  it('11. BBOX on a non-geometry property → 400 InvalidParameterValue', async () => {
    const f = filter('<fes:BBOX><fes:ValueReference>name</fes:ValueReference><gml:Envelope srsName="EPSG:4490"><gml:lowerCorner>116 36</gml:lowerCorner><gml:upperCorner>117 37</gml:upperCorner></gml:Envelope></fes:BBOX>')
    expectException(await client.get(`${GF}&TYPENAMES=gridgov:components&FILTER=${encodeURIComponent(f)}`, analyst), 400, 'InvalidParameterValue', 'filter')
  })

  it('11. Intersects, Within and DWithin', async () => {
    const { rows } = await client.context.knex.raw("SELECT code, (regexp_match(ST_AsGML(3, ST_ExteriorRing(ST_GeometryN(geom, 1)), 15), '<gml:posList[^>]*>([^<]+)<'))[1] AS ring FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY code LIMIT 1")
    const ring = rows[0].ring as string
    const poly = `<gml:Polygon gml:id="p1" srsName="EPSG:4490"><gml:exterior><gml:LinearRing><gml:posList>${ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`
    const where = "ST_%s(geom, (SELECT ST_GeometryN(geom, 1) FROM grid WHERE code = ? AND valid_to IS NULL))"
    for (const op of ['Intersects', 'Within']) {
      const fc = await matched('gridgov:components', filter(`<fes:${op}><fes:ValueReference>geom</fes:ValueReference>${poly}</fes:${op}>`))
      expect(Number(fc.attrs.numberMatched), op).to.equal(await count(where.replace('%s', op), [rows[0].code]))
      expect(Number(fc.attrs.numberMatched)).to.be.greaterThan(0)
    }
    const point = '<gml:Point gml:id="c" srsName="urn:ogc:def:crs:EPSG::4490"><gml:pos>36.45 116.02</gml:pos></gml:Point>'
    const near = await matched('gridgov:components', filter(`<fes:DWithin><fes:ValueReference>geom</fes:ValueReference>${point}<fes:Distance uom="m">300</fes:Distance></fes:DWithin>`))
    const wantNear = await count("ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(116.02, 36.45), 4490)::geography, 300)")
    expect(wantNear).to.be.greaterThan(0)
    expect(Number(near.attrs.numberMatched)).to.equal(wantNear)
    const km = await matched('gridgov:components', filter(`<fes:DWithin><fes:ValueReference>geom</fes:ValueReference>${point}<fes:Distance uom="km">0.3</fes:Distance></fes:DWithin>`))
    expect(Number(km.attrs.numberMatched)).to.equal(wantNear)
  })

  it('11. ResourceId in a filter', async () => {
    const { rows } = await client.context.knex.raw('SELECT id FROM component ORDER BY id LIMIT 2')
    const f = filter(rows.map((r: { id: string }) => `<fes:ResourceId rid="components.${r.id}"/>`).join(''))
    expect(ids(await matched('gridgov:components', f)).sort()).to.deep.equal(rows.map((r: { id: string }) => `components.${r.id}`).sort())
  })

  it('a filter naming an unknown property, or an unknown operator, is InvalidParameterValue at filter', async () => {
    for (const f of [
      filter('<fes:PropertyIsEqualTo><fes:ValueReference>password_hash</fes:ValueReference><fes:Literal>x</fes:Literal></fes:PropertyIsEqualTo>'),
      filter('<fes:PropertyIsEqualTo><fes:ValueReference>t.id) OR (1=1</fes:ValueReference><fes:Literal>x</fes:Literal></fes:PropertyIsEqualTo>'),
      filter('<fes:Frobnicate/>'),
      filter('<fes:DWithin><fes:ValueReference>geom</fes:ValueReference><gml:Point srsName="EPSG:4490"><gml:pos>116 36</gml:pos></gml:Point><fes:Distance uom="furlong">3</fes:Distance></fes:DWithin>'),
      filter('<fes:Intersects><fes:ValueReference>geom</fes:ValueReference><gml:Polygon srsName="EPSG:4490"><gml:exterior><gml:LinearRing><gml:posList>116 36 117 36 117 37</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects>'),
    ]) {
      expectException(await client.get(`${GF}&TYPENAMES=gridgov:components&FILTER=${encodeURIComponent(f)}`, analyst), 400, 'InvalidParameterValue', 'filter')
    }
  })

  it('filters arrive as POST XML too (wfs:GetFeature with wfs:Query, fes:Filter and fes:SortBy)', async () => {
    const body = `<?xml version="1.0"?><wfs:GetFeature service="WFS" version="2.0.0" count="5" xmlns:wfs="http://www.opengis.net/wfs/2.0" ${FES}>` +
      '<wfs:Query typeNames="gridgov:components" srsName="EPSG:4326"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>state</fes:ValueReference>' +
      '<fes:Literal>完好</fes:Literal></fes:PropertyIsEqualTo></fes:Filter><fes:SortBy><fes:SortProperty><fes:ValueReference>id</fes:ValueReference>' +
      '<fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy></wfs:Query></wfs:GetFeature>'
    const res = await client.post('/ogc/wfs', body, { 'content-type': 'text/xml', ...analyst })
    expect(res.statusCode, res.body).to.equal(200)
    const fc = parse(res.body)
    expect(fc.attrs.numberMatched, 'a full page, no hits asked: not counted').to.equal('unknown')
    const hits = await client.post('/ogc/wfs', body.replace('count="5"', 'resultType="hits"'), { 'content-type': 'text/xml', ...analyst })
    expect(Number(parse(hits.body).attrs.numberMatched)).to.equal(await count("state = '完好'"))
    const got = ids(fc)
    expect(got).to.have.length(5)
    expect(got).to.deep.equal([...got].sort().reverse())
    expect(all(fc, 'gml:Point')[0]!.attrs.srsName).to.equal('EPSG:4326')
  })

  it('hostile XML: entity bombs, external entities, malformed, deep and oversized documents → 4xx, and the server keeps serving', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
      '<wfs:GetFeature service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:Query typeNames="gridgov:components">&lol2;</wfs:Query></wfs:GetFeature>'
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><wfs:GetFeature service="WFS" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:Query typeNames="&xxe;"/></wfs:GetFeature>'
    const deep = `<wfs:GetFeature service="WFS" xmlns:wfs="http://www.opengis.net/wfs/2.0">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</wfs:GetFeature>`
    const big = `<wfs:GetFeature service="WFS" xmlns:wfs="http://www.opengis.net/wfs/2.0"><!-- ${'x'.repeat(300 * 1024)} --></wfs:GetFeature>`
    for (const [name, xml, status] of [['bomb', bomb, 400], ['xxe', xxe, 400], ['malformed', '<wfs:GetFeature><wfs:Query></wfs:GetFeature>', 400],
      ['deep', deep, 400], ['oversized', big, 413], ['not xml', 'hello', 400]] as [string, string, number][]) {
      const res = await client.post('/ogc/wfs', xml, { 'content-type': 'application/xml', ...analyst })
      expectException(res, status, 'OperationParsingFailed')
      expect(res.body, name).to.not.include('root:')
    }
    const viaKvp = await client.get(`${GF}&TYPENAMES=gridgov:components&FILTER=${encodeURIComponent('<!DOCTYPE x [<!ENTITY a "b">]><fes:Filter/>')}`, analyst)
    expectException(viaKvp, 400, 'OperationParsingFailed', 'filter')
    const ok = await client.get(`${GF}&TYPENAMES=gridgov:components&COUNT=1`, analyst)
    expect(ok.statusCode).to.equal(200)
  })

  it('12. GetPropertyValue valueReference=@gml:id → wfs:ValueCollection; an empty valueReference is refused', async () => {
    const res = await client.get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:components&COUNT=3&VALUEREFERENCE=@gml:id&SORTBY=id`, analyst)
    const vc = parse(res.body)
    expect(vc.name).to.equal('wfs:ValueCollection')
    const { rows } = await client.context.knex.raw('SELECT id FROM component ORDER BY id LIMIT 3')
    expect(kids(vc, 'wfs:member').map((m) => m.text)).to.deep.equal(rows.map((r: { id: string }) => `components.${r.id}`))
    const names = parse((await client.get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:components&COUNT=2&VALUEREFERENCE=name&SORTBY=id`, analyst)).body)
    expect(kids(names, 'wfs:member').every((m) => m.text.length > 0)).to.equal(true)
    const geoms = parse((await client.get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:components&COUNT=2&VALUEREFERENCE=geom`, analyst)).body)
    expect(all(geoms, 'gml:Point')).to.have.length(2)
    expectException(await client.get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:components&VALUEREFERENCE=`, analyst), 400, 'InvalidParameterValue', 'valueReference')
    expectException(await client.get(`${WFS}&REQUEST=GetPropertyValue&TYPENAMES=gridgov:components&VALUEREFERENCE=nope`, analyst), 400, 'InvalidParameterValue', 'valueReference')
    expect(kid(vc, 'wfs:member')).to.not.equal(undefined)
  })
})
