// OGC API - Features at /ogc/features (checklist lines 28-30).
import { expect } from 'chai'
import { testClient, type Client } from '../support/http.ts'
import { basic, expectException } from './wfs-support.ts'
import { mayReadLayer } from '../../tiles/layerAccess.ts'
import { anonymous } from '../../server/auth/users.ts'

const F = '/ogc/features'
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
const analyst = basic('analyst')
const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '')
type Link = { rel: string; href: string; type?: string }
const link = (links: Link[], rel: string) => links.find((l) => l.rel === rel)

describe('OGC API - Features', () => {
  let client: Client
  before(async () => {
    client = await testClient()
  })

  it('28. landing page, conformance, OpenAPI, collections, collection, items and item, each with links', async () => {
    const landing = await client.get(F)
    expect(landing.statusCode).to.equal(200)
    const links = landing.json().links as Link[]
    for (const rel of ['self', 'service-desc', 'conformance', 'data']) expect(link(links, rel)?.href, rel).to.match(/^http:\/\//)
    const conf = (await client.get(path(link(links, 'conformance')!.href))).json()
    expect(conf.conformsTo).to.include.members(['http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson', 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'])
    const api = await client.get(path(link(links, 'service-desc')!.href))
    expect(api.headers['content-type']).to.match(/^application\/vnd\.oai\.openapi\+json/)
    expect(api.json().openapi).to.match(/^3\.0\./)
    expect(Object.keys(api.json().paths)).to.include('/collections/{collectionId}/items')
    const collections = (await client.get(path(link(links, 'data')!.href))).json()
    expect(collections.collections.map((c: { id: string }) => c.id)).to.deep.equal(client.context.catalogue.layers.filter((l) => mayReadLayer(l, anonymous)).map((l) => l.id))
    const grids = collections.collections.find((c: { id: string }) => c.id === 'base_grids')
    expect(grids.extent.spatial.bbox[0][0]).to.be.within(115, 117)
    expect(grids.crs).to.include(CRS84)
    expect(grids.storageCrs).to.equal('http://www.opengis.net/def/crs/EPSG/0/4490')
    const one = (await client.get(path(link(grids.links, 'self')!.href))).json()
    expect(one.id).to.equal('base_grids')
    const items = await client.get(path(link(one.links, 'items')!.href), analyst)
    expect(items.statusCode).to.equal(200)
    expect(items.headers['content-type']).to.match(/^application\/geo\+json/)
    const fc = items.json()
    expect(fc.type).to.equal('FeatureCollection')
    const first = fc.features[0]
    const item = await client.get(`${F}/collections/base_grids/items/${first.id}`, analyst)
    expect(item.statusCode).to.equal(200)
    expect(item.json()).to.deep.include({ type: 'Feature', id: first.id, properties: first.properties })
    expect(link(item.json().links, 'collection')).to.not.equal(undefined)
    expectException(await client.get(`${F}/collections/base_grids/items/000`, analyst), 404, 'NotFound')
    expectException(await client.get(`${F}/collections/nope`), 404, 'NotFound')
  })

  it('29. limit and bbox: numberMatched, numberReturned and a next link that pages without overlap', async () => {
    const [x0, y0, x1, y1] = [116.0, 36.43, 116.03, 36.46]
    const { rows } = await client.context.knex.raw("SELECT count(*)::int AS n FROM component WHERE ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4490)) AND community_code LIKE '9901%'", [x0, y0, x1, y1])
    const res = await client.get(`${F}/collections/components/items?limit=7&bbox=${x0},${y0},${x1},${y1}`, analyst)
    const fc = res.json()
    expect(fc.numberMatched).to.equal(rows[0].n)
    expect(fc.numberReturned).to.equal(7)
    expect(fc.features).to.have.length(7)
    const next = link(fc.links, 'next')!
    expect(next.href).to.include('bbox=')
    const page2 = (await client.get(path(next.href), analyst)).json()
    expect(page2.features).to.have.length(7)
    const firstIds = fc.features.map((f: { id: string }) => f.id)
    expect(page2.features.filter((f: { id: string }) => firstIds.includes(f.id))).to.deep.equal([])
    expect(link(page2.links, 'prev')).to.not.equal(undefined)
  })

  it('29. an unknown parameter, a bad limit or bbox, or an unsupported crs → 400', async () => {
    for (const q of ['foo=bar', 'limit=0', 'limit=abc', 'bbox=1,2,3', 'bbox=116.1,36,116.0,37', 'crs=EPSG:4326',
      'crs=http://www.opengis.net/def/crs/EPSG/0/2000', 'bbox=116,36,117,37&bbox-crs=http://example.com/crs', 'bbox-crs=' + encodeURIComponent(CRS84)]) {
      const res = await client.get(`${F}/collections/components/items?${q}`, analyst)
      expect(res.statusCode, q).to.equal(400)
      expect(res.body, q).to.include('<ows:ExceptionReport')
    }
  })

  it('items need credentials and follow the jurisdiction', async () => {
    const anon = await client.get(`${F}/collections/components/items`)
    expect(anon.statusCode).to.equal(401)
    expect(anon.headers['www-authenticate']).to.match(/^Basic/)
    const fc = (await client.get(`${F}/collections/components/items?limit=10000`, basic('street1'))).json()
    expect(fc.features.length).to.be.greaterThan(0)
    expect(fc.features.every((f: { properties: { community_code: string } }) => f.properties.community_code.startsWith('990102001'))).to.equal(true)
  })

  it('30. crs and bbox-crs as URIs: CRS84 by default, EPSG order for EPSG URIs, Content-Crs header', async () => {
    const { rows } = await client.context.knex.raw('SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM component ORDER BY id LIMIT 1')
    const { id, lon, lat } = rows[0]
    const def = await client.get(`${F}/collections/components/items/${id}`, analyst)
    expect(def.headers['content-crs']).to.equal(`<${CRS84}>`)
    expect(def.json().geometry.coordinates).to.deep.equal([Number(lon.toFixed(8)), Number(lat.toFixed(8))])
    const epsg = await client.get(`${F}/collections/components/items/${id}?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4490')}`, analyst)
    expect(epsg.headers['content-crs']).to.equal('<http://www.opengis.net/def/crs/EPSG/0/4490>')
    const [a, b] = epsg.json().geometry.coordinates
    expect(a).to.be.closeTo(lat, 1e-7)
    expect(b).to.be.closeTo(lon, 1e-7)
    const merc = (await client.get(`${F}/collections/components/items/${id}?crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857')}`, analyst)).json()
    expect(merc.geometry.coordinates[0]).to.be.closeTo(lon * 20037508.342789244 / 180, 1)
    // the same box as lon/lat (CRS84) and as lat/lon (EPSG:4326 URI) selects the same features
    const q = (bbox: string, crs: string) => `${F}/collections/components/items?limit=1000&bbox=${bbox}&bbox-crs=${encodeURIComponent(crs)}`
    const lonLat = (await client.get(q('116.0,36.43,116.03,36.46', CRS84), analyst)).json()
    const latLon = (await client.get(q('36.43,116.0,36.46,116.03', 'http://www.opengis.net/def/crs/EPSG/0/4326'), analyst)).json()
    expect(lonLat.numberMatched).to.be.greaterThan(0)
    expect(latLon.features.map((f: { id: string }) => f.id)).to.deep.equal(lonLat.features.map((f: { id: string }) => f.id))
    const items = await client.get(`${F}/collections/components/items?limit=1&crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4527')}`, analyst)
    expect(items.headers['content-crs']).to.equal('<http://www.opengis.net/def/crs/EPSG/0/4527>')
    expect(items.json().features[0].geometry.coordinates[0], 'Gauss-Krüger: northing first').to.be.within(3.9e6, 4.1e6)
  })
})
