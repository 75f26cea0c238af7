// OGC API Features Part 3: filter in CQL2 text over the queryables. Every operator's result is
// checked against the same query written as a WFS FES 2.0 filter and as SQL by hand (the ids,
// not only their number); syntax errors name the position, unknown properties name themselves.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { basic, expectException, WFS } from './wfs-support.ts'
import { EVENT_PREFIX, seedEvents } from './features-support.ts'

const F = '/ogc/features'
const analyst = basic('analyst')
const FES = 'xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"'
const EPSG4490 = 'http://www.opengis.net/def/crs/EPSG/0/4490'
const eq = (p: string, v: string) => `<fes:PropertyIsEqualTo><fes:ValueReference>${p}</fes:ValueReference><fes:Literal>${v}</fes:Literal></fes:PropertyIsEqualTo>`
const cmp = (op: string, p: string, v: string) => `<fes:PropertyIs${op}><fes:ValueReference>${p}</fes:ValueReference><fes:Literal>${v}</fes:Literal></fes:PropertyIs${op}>`
const envelope = (x0: number, y0: number, x1: number, y1: number) =>
  `<gml:Envelope srsName="EPSG:4490"><gml:lowerCorner>${x0} ${y0}</gml:lowerCorner><gml:upperCorner>${x1} ${y1}</gml:upperCorner></gml:Envelope>`

describe('OGC API Features: filter (CQL2 text)', () => {
  let client: Client
  before(async () => {
    client = await testClient()
    await seedEvents(client.context.knex)
  })
  after(async () => {
    await client.context.knex('event').where('number', 'like', `${EVENT_PREFIX}%`).delete()
  })

  const sorted = (a: string[]) => [...a].sort()
  async function apiIds(layer: string, cql: string, extra = ''): Promise<string[]> {
    const res = await client.get(`${F}/collections/${layer}/items?limit=10000&filter=${encodeURIComponent(cql)}${extra}`, analyst)
    expect(res.statusCode, `${cql}: ${res.body.slice(0, 300)}`).to.equal(200)
    const fc = res.json()
    expect(fc.numberReturned).to.equal(fc.features.length)
    return sorted(fc.features.map((f: { id: string | number }) => String(f.id)))
  }
  async function wfsIds(layer: string, fes: string): Promise<string[]> {
    const filter = encodeURIComponent(`<fes:Filter ${FES}>${fes}</fes:Filter>`)
    const res = await client.get(`${WFS}&REQUEST=GetFeature&TYPENAMES=${layer}&COUNT=10000&OUTPUTFORMAT=application/json&FILTER=${filter}`, analyst)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    return sorted(res.json().features.map((f: { id: string }) => f.id.slice(layer.length + 1)))
  }
  // ground truth written by hand (test-only SQL, never from a request), within the analyst's district
  async function sqlIds(table: string, key: string, where: string, values: Knex.RawBinding[] = [], extra = 'true'): Promise<string[]> {
    const text = `SELECT ${key}::text AS id FROM ${table} WHERE community_code LIKE '9901%' AND ${extra} AND (${where})`
    const { rows } = await client.context.knex.raw(text, values)
    return sorted(rows.map((r: { id: string }) => r.id))
  }

  it('comparisons, LIKE, IN, BETWEEN, IS NULL, AND / OR / NOT: the same ids as FES and as SQL', async () => {
    const cases: [string, string, string][] = [
      ["state = '破损'", eq('state', '破损'), "state = '破损'"],
      ["state <> '完好'", cmp('NotEqualTo', 'state', '完好'), "state <> '完好'"],
      ["id < '9901020500000000'", cmp('LessThan', 'id', '9901020500000000'), "id < '9901020500000000'"],
      ["id <= '9901020500000000'", cmp('LessThanOrEqualTo', 'id', '9901020500000000'), "id <= '9901020500000000'"],
      ["id > '9901020500000000'", cmp('GreaterThan', 'id', '9901020500000000'), "id > '9901020500000000'"],
      ["id >= '9901020500000000'", cmp('GreaterThanOrEqualTo', 'id', '9901020500000000'), "id >= '9901020500000000'"],
      ["name LIKE '%井盖'", '<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>name</fes:ValueReference><fes:Literal>*井盖</fes:Literal></fes:PropertyIsLike>', "name LIKE '%井盖'"],
      ["name NOT LIKE '%井_'", '<fes:Not><fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>name</fes:ValueReference><fes:Literal>*井.</fes:Literal></fes:PropertyIsLike></fes:Not>', "name NOT LIKE '%井_'"],
      ["state IN ('破损', '丢失')", `<fes:Or>${eq('state', '破损')}${eq('state', '丢失')}</fes:Or>`, "state IN ('破损', '丢失')"],
      ["class_code BETWEEN '0101' AND '0199'", '<fes:PropertyIsBetween><fes:ValueReference>class_code</fes:ValueReference><fes:LowerBoundary><fes:Literal>0101</fes:Literal></fes:LowerBoundary><fes:UpperBoundary><fes:Literal>0199</fes:Literal></fes:UpperBoundary></fes:PropertyIsBetween>', "class_code BETWEEN '0101' AND '0199'"],
      ['grid_code IS NULL', '<fes:PropertyIsNull><fes:ValueReference>grid_code</fes:ValueReference></fes:PropertyIsNull>', 'grid_code IS NULL'],
      ['grid_code IS NOT NULL', '<fes:Not><fes:PropertyIsNull><fes:ValueReference>grid_code</fes:ValueReference></fes:PropertyIsNull></fes:Not>', 'grid_code IS NOT NULL'],
      ["state = '完好' AND class_code = '0101'", `<fes:And>${eq('state', '完好')}${eq('class_code', '0101')}</fes:And>`, "state = '完好' AND class_code = '0101'"],
      ["state = '破损' or state = '丢失'", `<fes:Or>${eq('state', '破损')}${eq('state', '丢失')}</fes:Or>`, "state IN ('破损', '丢失')"],
      ["NOT (state = '完好' OR class_code = '0101')", `<fes:Not><fes:Or>${eq('state', '完好')}${eq('class_code', '0101')}</fes:Or></fes:Not>`, "NOT (state = '完好' OR class_code = '0101')"],
    ]
    let nonEmpty = 0
    for (const [cql, fes, where] of cases) {
      const [api, wfs, truth] = await Promise.all([apiIds('components', cql), wfsIds('components', fes), sqlIds('component', 'id', where)])
      expect(api, cql).to.deep.equal(truth)
      expect(wfs, cql).to.deep.equal(truth)
      if (truth.length) nonEmpty++
    }
    // the cases select something (a test of empty sets proves little)
    expect(nonEmpty).to.be.greaterThan(cases.length - 3)
  })

  it('typed literals: integers on grids, TIMESTAMP on events, numbers with a sign', async () => {
    const grids = "kind = 'base' AND valid_to IS NULL"
    expect(await apiIds('base_grids', 'population >= 1000')).to.deep.equal(await sqlIds('grid', 'code', 'population >= 1000', [], grids))
    expect(await apiIds('base_grids', 'households BETWEEN 300 AND 400')).to.deep.equal(await sqlIds('grid', 'code', 'households BETWEEN 300 AND 400', [], grids))
    expect(await apiIds('base_grids', 'population > -1')).to.deep.equal(await sqlIds('grid', 'code', 'population > -1', [], grids))
    const { rows } = await client.context.knex.raw("SELECT to_json(percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at)) #>> '{}' AS t FROM event WHERE community_code LIKE '9901%'")
    const t = rows[0].t as string
    const later = await sqlIds('event', 'number', 'created_at > ?::timestamptz', [t])
    expect(later.length).to.be.greaterThan(0)
    expect(await apiIds('events_all', `created_at > TIMESTAMP('${t}')`)).to.deep.equal(later)
    const res = await client.get(`${F}/collections/base_grids/items?filter=${encodeURIComponent("population > 'many'")}`, analyst)
    expectException(res, 400, 'InvalidParameterValue', 'filter')
  })

  it('S_INTERSECTS with BBOX, ENVELOPE, POLYGON and POINT, in CRS84 and in EPSG:4490 (lat,lon)', async () => {
    const [x0, y0, x1, y1] = [116.0, 36.43, 116.03, 36.46]
    const box = 'ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4490))'
    const truth = await sqlIds('component', 'id', box, [x0, y0, x1, y1])
    expect(truth.length).to.be.greaterThan(0)
    expect(await wfsIds('components', `<fes:Intersects><fes:ValueReference>geom</fes:ValueReference>${envelope(x0, y0, x1, y1)}</fes:Intersects>`)).to.deep.equal(truth)
    expect(await apiIds('components', `S_INTERSECTS(geom, BBOX(${x0}, ${y0}, ${x1}, ${y1}))`)).to.deep.equal(truth)
    expect(await apiIds('components', `S_INTERSECTS(geom, ENVELOPE(${x0}, ${x1}, ${y1}, ${y0}))`)).to.deep.equal(truth)
    const ring = `${x0} ${y0}, ${x1} ${y0}, ${x1} ${y1}, ${x0} ${y1}, ${x0} ${y0}`
    expect(await apiIds('components', `s_intersects(geom, POLYGON((${ring})))`)).to.deep.equal(truth)
    // EPSG:4490 as a URI is lat,lon: the same box written with the axes swapped
    const latLon = `${y0} ${x0}, ${y0} ${x1}, ${y1} ${x1}, ${y1} ${x0}, ${y0} ${x0}`
    expect(await apiIds('components', `S_INTERSECTS(geom, POLYGON((${latLon})))`, `&filter-crs=${encodeURIComponent(EPSG4490)}`)).to.deep.equal(truth)
    expect(await apiIds('components', `S_INTERSECTS(geom, BBOX(${y0}, ${x0}, ${y1}, ${x1}))`, `&filter-crs=${encodeURIComponent(EPSG4490)}`)).to.deep.equal(truth)
    // a point inside a grid selects that grid
    const { rows } = await client.context.knex.raw("SELECT code, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE '9901%' ORDER BY code LIMIT 1")
    const g = rows[0] as { code: string; x: number; y: number }
    const hit = await apiIds('base_grids', `S_INTERSECTS(geom, POINT(${g.x} ${g.y})) AND code = '${g.code}'`)
    expect(hit).to.deep.equal([g.code])
    const line = await apiIds('roads', `S_INTERSECTS(geom, LINESTRING(${x0} ${y0}, ${x1} ${y1}))`)
    expect(line).to.deep.equal(await sqlIds('road', 'id', 'ST_Intersects(geom, ST_SetSRID(ST_MakeLine(ST_MakePoint(?, ?), ST_MakePoint(?, ?)), 4490))', [x0, y0, x1, y1]))
  })

  it('queryables: a JSON Schema of exactly the names a filter may use', async () => {
    const res = await client.get(`${F}/collections/components/queryables`)
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.match(/^application\/schema\+json/)
    const schema = res.json()
    const layer = client.context.catalogue.get('components')!
    expect(Object.keys(schema.properties)).to.deep.equal([...layer.attributes.map((a) => a.name), 'geom'])
    expect(schema.properties.geom.format).to.equal('geometry-point')
    const collection = (await client.get(`${F}/collections/components`)).json()
    expect(collection.links.find((l: { rel: string }) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/queryables').href).to.match(/\/collections\/components\/queryables$/)
    const conf = (await client.get(`${F}/conformance`)).json().conformsTo as string[]
    for (const c of ['ogcapi-features-3/1.0/conf/filter', 'ogcapi-features-3/1.0/conf/features-filter', 'cql2/1.0/conf/basic-cql2', 'cql2/1.0/conf/cql2-text', 'ogcapi-features-3/1.0/conf/queryables']) {
      expect(conf).to.include(`http://www.opengis.net/spec/${c}`)
    }
  })

  it('errors: syntax at a position, an unknown property by name, another filter-lang; quotes never reach SQL', async () => {
    const get = (q: string) => client.get(`${F}/collections/components/items?${q}`, analyst)
    let res = await get(`filter=${encodeURIComponent("state = ")}`)
    expect(expectException(res, 400, 'InvalidParameterValue', 'filter')).to.match(/position 9/)
    res = await get(`filter=${encodeURIComponent("state = '破损' AND AND")}`)
    expect(expectException(res, 400, 'InvalidParameterValue', 'filter')).to.match(/position 18 \("AND"\)/)
    res = await get(`filter=${encodeURIComponent("state == '破损'")}`)
    expect(expectException(res, 400, 'InvalidParameterValue', 'filter')).to.match(/position 8/)
    res = await get(`filter=${encodeURIComponent("colour = 'red'")}`)
    expect(expectException(res, 400, 'InvalidParameterValue', 'filter')).to.match(/unknown property "colour"/)
    res = await get(`filter=${encodeURIComponent("S_INTERSECTS(geom, POLYGON((1 2, 3 4)))")}`)
    expectException(res, 400, 'InvalidParameterValue', 'filter')
    res = await get(`filter=${encodeURIComponent("state = '破损'")}&filter-lang=cql2-json`)
    expectException(res, 400, 'InvalidParameterValue', 'filter-lang')
    res = await get(`filter=${encodeURIComponent("state = '破损'")}&filter-crs=EPSG:9999`)
    expectException(res, 400, 'InvalidParameterValue', 'filter-crs')
    res = await get(`filter=${encodeURIComponent('('.repeat(200) + "state = 'x'" + ')'.repeat(200))}`)
    expectException(res, 400, 'InvalidParameterValue', 'filter')
    // a quote inside a literal is data: nothing matches, nothing breaks
    expect(await apiIds('components', "state = 'x'' OR ''1''=''1'")).to.deep.equal([])
    // the Chinese wording of a coded refusal
    res = await client.get(`${F}/collections/components/items?filter=${encodeURIComponent('colour = 1')}`, { ...analyst, 'accept-language': 'zh-CN' })
    expect(res.statusCode).to.equal(400)
  })
})
