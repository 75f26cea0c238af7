// The roads layer (MultiLineString) in every map service: vector tiles carry lines, WMS strokes
// them without filling, the legend draws a line, WFS describes gml:MultiCurvePropertyType and
// writes gml:MultiCurve (GML 3.2 and 3.1.1) whose coordinates and lengths agree with PostGIS,
// GeoJSON carries MultiLineStrings, and GDAL's WFS driver reads the layer.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { createApp } from '../../server/app.ts'
import { GEOMETRY_NAME } from '../../server/ogc/common/featureSource.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { TileService } from '../../tiles/service.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { decode, pixel, type Pixels } from './wms-support.ts'
import { all, basic, kid, kids, parse, WFS, type El } from './wfs-support.ts'
import { decode as decodeTile, features, tileAt } from '../tiles/support.ts'

const run = promisify(execFile)
const analyst = basic('analyst')

/** The road table with an opaque fill colour: any filled line would show as red. */
const roadsFilled: LayerDef = {
  id: 'wms_test_roads', title: '测试道路', abstract: 'test layer', table: 'road', geometryType: 'MultiLineString',
  key: 'id', adminColumn: 'community_code', where: 'true',
  attributes: [{ name: 'id', sql: 't.id', type: 'integer', title: '编号' }],
  minZoom: 0, maxZoom: 22, queryable: true,
  styles: [{ name: 'default', title: '测试', colours: { '*': ['#ff0000', '#0000ff'] } }],
}

const isRed = (p: [number, number, number, number]) => p[3] > 40 && p[0] > 150 && p[2] < 100
const isBlue = (p: [number, number, number, number]) => p[3] > 40 && p[2] > 150 && p[0] < 100
function countWhere(img: Pixels, test: (p: [number, number, number, number]) => boolean): number {
  let n = 0
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (test(pixel(img, x, y))) n++
  return n
}

/** Metres along a lon/lat polyline (haversine): a reference computed apart from PostGIS. */
function haversineLength(lines: number[][][]): number {
  const R = 6_371_008.8, rad = Math.PI / 180
  let sum = 0
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const [lon1, lat1] = line[i - 1]!, [lon2, lat2] = line[i]!
      const a = Math.sin(((lat2! - lat1!) * rad) / 2) ** 2 + Math.cos(lat1! * rad) * Math.cos(lat2! * rad) * Math.sin(((lon2! - lon1!) * rad) / 2) ** 2
      sum += 2 * R * Math.asin(Math.sqrt(a))
    }
  }
  return sum
}

describe('roads layer in tiles, WMS and WFS', function () {
  this.timeout(120_000)
  let client: Client
  let command: Record<string, string>
  let box: [number, number, number, number]
  let total: { n: number; metres: number }

  before(async () => {
    const context = await getTestContext()
    if (!context.catalogue.get(roadsFilled.id)) context.catalogue.register({ ...roadsFilled })
    client = await testClient(context)
    command = await loginAs(client, 'command')
    const { rows } = await client.context.knex.raw(`SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM
      (SELECT ST_Extent(geom)::geometry AS e FROM road WHERE city_code = '990100') s`)
    box = [rows[0].x0, rows[0].y0, rows[0].x1, rows[0].y1]
    const t = await client.context.knex.raw("SELECT count(*)::int AS n, sum(ST_Length(geom::geography)) AS m FROM road WHERE city_code = '990100'")
    total = { n: t.rows[0].n, metres: Number(t.rows[0].m) }
    expect(total.n).to.be.greaterThan(10)
  })
  beforeEach(() => imageCache(client.context).clear())

  const getMap = async (layer: string, width = 400, height = 400) => {
    const res = await client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${layer}&STYLES=&CRS=CRS:84&BBOX=${box.join(',')}` +
      `&WIDTH=${width}&HEIGHT=${height}&FORMAT=image/png&TRANSPARENT=TRUE`, command)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    return decode(res.rawPayload)
  }

  it('GetMap strokes the roads and fills nothing, even with an opaque fill colour in the style', async () => {
    const img = await getMap(roadsFilled.id)
    expect(countWhere(img, isRed), 'filled pixels').to.equal(0)
    const stroked = countWhere(img, isBlue)
    // reference: the roads' length in pixels (PostGIS metres over the box's metres per pixel);
    // a 1.2 px anti-aliased stroke paints one to three pixels per pixel of length
    const metresPerPixel = ((box[2] - box[0]) * 89_648) / 400
    const lengthPx = total.metres / metresPerPixel
    expect(stroked).to.be.within(0.6 * lengthPx, 3 * lengthPx)
    const real = await getMap('roads')
    expect(countWhere(real, (p) => p[3] > 40)).to.be.greaterThan(0.6 * lengthPx)
  })

  it('GetLegendGraphic draws a line symbol, not a box', async () => {
    const res = await client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=roads&FORMAT=image/png&WIDTH=20&HEIGHT=20', command)
    expect(res.statusCode).to.equal(200)
    const img = await decode(res.rawPayload)
    // a box symbol would paint its top-left corner and its centre's row edges; the line
    // passes through the symbol's middle at 30 % of its height and leaves the corners empty
    expect(pixel(img, 6, 6)[3], 'top-left corner of the symbol').to.be.below(40)
    expect(pixel(img, 6, 22)[3], 'bottom-left corner of the symbol').to.be.below(40)
    expect(pixel(img, 14, 10)[3], 'apex of the line').to.be.above(100)
  })

  it('GetFeatureInfo finds the road under a clicked pixel', async () => {
    const { rows } = await client.context.knex.raw(`SELECT id, ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT id, ST_LineInterpolatePoint(ST_GeometryN(geom, 1), 0.5) AS p FROM road WHERE city_code = '990100'
      ORDER BY ST_Length(geom) DESC, id LIMIT 1) s`)
    const r = rows[0]
    const i = Math.round(((r.lon - box[0]) / (box[2] - box[0])) * 400)
    const j = Math.round(((box[3] - r.lat) / (box[3] - box[1])) * 400)
    const res = await client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=roads&QUERY_LAYERS=roads&STYLES=&CRS=CRS:84` +
      `&BBOX=${box.join(',')}&WIDTH=400&HEIGHT=400&FORMAT=image/png&INFO_FORMAT=application/json&I=${i}&J=${j}`, command)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const fc = res.json()
    expect(fc.features.length).to.be.greaterThan(0)
    expect(fc.features.map((f: { properties: { id: number } }) => Number(f.properties.id))).to.include(Number(r.id))
    expect(fc.features[0].geometry.type).to.equal('MultiLineString')
  })

  it('vector tiles carry the roads as lines, the same ones PostGIS finds in the tile', async () => {
    const app = client.context
    const service = new TileService(app.knex, app.catalogue, app.logger, { cacheBytes: 0 })
    const layer = app.catalogue.get('roads')!
    const tile = tileAt((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 14)
    const patterns = Jurisdiction.of(['990100000000']).patterns
    const encoders = (await service.encoder()) === 'postgis' ? ['postgis', 'node'] as const : ['node'] as const
    const { rows } = await app.knex.raw(`SELECT id FROM road WHERE city_code = '990100'
      AND ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?)) ORDER BY id`, [tile.z, tile.x, tile.y])
    const want = rows.map((r: { id: string }) => Number(r.id))
    expect(want.length).to.be.greaterThan(0)
    for (const encoder of encoders) {
      const found = features(decodeTile(await service.render(layer, tile, patterns, encoder)), 'roads')
      expect(found.map((f) => f.type), encoder).to.satisfy((types: number[]) => types.every((t) => t === 2))
      // features in the buffer only (64/4096 around the tile) may be extra
      const ids = found.map((f) => Number(f.properties.id))
      expect(ids, encoder).to.include.members(want)
    }
  })

  for (const version of ['2.0.0', '1.1.0'] as const) {
    it(`WFS ${version} describes the geometry as gml:MultiCurvePropertyType`, async () => {
      const res = await client.get(`/ogc/wfs?SERVICE=WFS&VERSION=${version}&REQUEST=DescribeFeatureType&TYPENAMES=gridgov:roads&TYPENAME=gridgov:roads`, analyst)
      expect(res.statusCode, res.body).to.equal(200)
      const geom = all(parse(res.body), 'xsd:element').find((e) => e.attrs.name === GEOMETRY_NAME)
      expect(geom?.attrs.type).to.equal('gml:MultiCurvePropertyType')
    })
  }

  /** lon/lat lines of every gml:MultiCurve member (posList in lat/lon order for urn EPSG:4490). */
  const curves = (f: El, latFirst: boolean): number[][][] => all(f, 'gml:LineString').map((ls) => {
    const nums = kid(ls, 'gml:posList').text.split(/\s+/).map(Number)
    const pts: number[][] = []
    for (let i = 0; i < nums.length; i += 2) pts.push(latFirst ? [nums[i + 1]!, nums[i]!] : [nums[i]!, nums[i + 1]!])
    return pts
  })

  it('WFS 2.0.0 GetFeature writes gml:MultiCurve of gml:LineString with unique gml:ids and the stored lengths', async () => {
    const res = await client.get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:roads&SRSNAME=urn:ogc:def:crs:EPSG::4490`, analyst)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const fc = parse(res.body)
    const members = kids(fc, 'wfs:member').map((m) => m.children[0]!)
    expect(members).to.have.length(total.n)
    const ids = all(fc, 'gml:MultiCurve').concat(all(fc, 'gml:LineString'), members).map((e) => e.attrs['gml:id'])
    expect(ids.every((id) => typeof id === 'string' && id.length > 0), 'every feature and geometry has a gml:id').to.equal(true)
    expect(new Set(ids).size, 'gml:ids are unique').to.equal(ids.length)
    let metres = 0
    for (const f of members) {
      expect(all(f, 'gml:MultiCurve')).to.have.length(1)
      metres += haversineLength(curves(f, true))
    }
    expect(metres).to.be.closeTo(total.metres, total.metres * 0.002)
  })

  it('WFS 1.1.0 GetFeature writes GML 3.1.1 gml:MultiCurve with the same geometry', async () => {
    const res = await client.get('/ogc/wfs?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=gridgov:roads&SRSNAME=EPSG:4490', analyst)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const fc = parse(res.body)
    expect(fc.attrs['xmlns:gml']).to.equal('http://www.opengis.net/gml')
    const features = all(fc, 'gridgov:roads')
    expect(features).to.have.length(total.n)
    // EPSG:4490 in WFS 1.1.0 short form is lon/lat
    const metres = features.reduce((s, f) => s + haversineLength(curves(f, false)), 0)
    expect(metres).to.be.closeTo(total.metres, total.metres * 0.002)
  })

  it('GeoJSON output carries MultiLineStrings', async () => {
    const res = await client.get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:roads&OUTPUTFORMAT=application/json`, analyst)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const fc = res.json()
    expect(fc.features).to.have.length(total.n)
    expect(new Set(fc.features.map((f: { geometry: { type: string } }) => f.geometry.type))).to.deep.equal(new Set(['MultiLineString']))
    const metres = fc.features.reduce((s: number, f: { geometry: { coordinates: number[][][] } }) => s + haversineLength(f.geometry.coordinates), 0)
    expect(metres).to.be.closeTo(total.metres, total.metres * 0.002)
  })

  it('GDAL\'s WFS driver reads the roads as multi line strings (WFS 2.0.0 and 1.1.0)', async function () {
    try {
      await run('ogr2ogr', ['--version'], { timeout: 20_000 })
    } catch {
      this.skip() // ogr2ogr (gdal-bin) is not installed
    }
    const server = http.createServer(createApp(client.context).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc/wfs`
      for (const version of ['2.0.0', '1.1.0']) {
        const { stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', '--config', 'GDAL_HTTP_USERPWD', `analyst:${DEMO_PASSWORD}`,
          '--config', 'GDAL_HTTP_AUTH', 'BASIC', `WFS:${base}?VERSION=${version}`, 'gridgov:roads'], { timeout: 60_000, maxBuffer: 32 << 20 })
        const fc = JSON.parse(stdout)
        expect(fc.features, version).to.have.length(total.n)
        const types = new Set(fc.features.map((f: { geometry: { type: string } }) => f.geometry.type))
        expect([...types], version).to.deep.equal(['MultiLineString'])
        const metres = fc.features.reduce((s: number, f: { geometry: { coordinates: number[][][] } }) => s + haversineLength(f.geometry.coordinates), 0)
        expect(metres, version).to.be.closeTo(total.metres, total.metres * 0.002)
      }
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
