// WMS GetMap (ogc.md checklist 22-25): image size, format and transparency, styles, axis order,
// golden images of the demo city, jurisdiction, the image cache and EXCEPTIONS=INIMAGE/BLANK.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { CLEAR, countPainted, decode, diffRatio, expectGolden, expectServiceException, gridExtent, gridInStreet, pixel, WHITE } from './wms-support.ts'

type Box = [number, number, number, number]

/** A test-only layer with two named styles over all current grids (base and industry). */
const gridsByKind: LayerDef = {
  id: 'wms_test_grids', title: '测试网格', abstract: 'test layer', table: 'grid', geometryType: 'MultiPolygon',
  key: 'code', adminColumn: 'community_code', where: 't.valid_to IS NULL',
  attributes: [{ name: 'code', sql: 't.code', type: 'string', title: '编码' }, { name: 'kind', sql: 't.kind', type: 'string', title: '类型' }],
  minZoom: 0, maxZoom: 22, queryable: true,
  styles: [
    { name: 'by_kind', title: '按类型', by: 'kind', colours: { base: ['rgba(0,128,0,0.5)', '#006400'], industry: ['rgba(255,200,0,0.5)', '#aa8800'], '*': ['#999999', '#333333'] } },
    { name: 'outline', title: '轮廓', colours: { '*': ['rgba(0,0,0,0)', '#ff0000'] } },
  ],
}

describe('WMS GetMap', () => {
  let client: Client
  let command: Record<string, string>
  let street1: Record<string, string>
  let city: Box

  before(async () => {
    const context = await getTestContext()
    context.catalogue.register({ ...gridsByKind })
    client = await testClient(context)
    command = await loginAs(client, 'command')
    street1 = await loginAs(client, 'street1')
    city = await gridExtent(client.context.knex, '9901')
  })
  beforeEach(() => imageCache(client.context).clear())

  /** 1.3.0 GetMap; `bbox` is given in the axis order the CRS has in WMS 1.3.0. */
  const url = (params: Record<string, string | number>) => {
    const all = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', LAYERS: 'base_grids', STYLES: '', CRS: 'EPSG:4326', WIDTH: 256, HEIGHT: 256, FORMAT: 'image/png', ...params }
    return `/ogc/wms?${Object.entries(all).map(([k, v]) => `${k}=${String(v)}`).join('&')}`
  }
  const latLon = (b: Box) => `${b[1]},${b[0]},${b[3]},${b[2]}`
  const lonLat = (b: Box) => b.join(',')
  /** The city's box projected to a CRS, x,y min/max (sampled corners suffice for a 3 km city). */
  const projected = (b: Box, id: string): Box => {
    const crs = parseCrs(id)
    const pts = [[b[0], b[1]], [b[2], b[3]], [b[0], b[3]], [b[2], b[1]]].map(([lon, lat]) => {
      const p = fromStorage(lon!, lat!, crs)
      return crs.latFirst ? [p[1], p[0]] : p
    })
    return [Math.min(...pts.map((p) => p[0]!)), Math.min(...pts.map((p) => p[1]!)), Math.max(...pts.map((p) => p[0]!)), Math.max(...pts.map((p) => p[1]!))]
  }
  const get = async (u: string, auth = command) => {
    const res = await client.get(u, auth)
    expect(res.statusCode, res.body.slice(0, 400)).to.equal(200)
    return res
  }

  describe('22. size, format, transparency', () => {
    it('PNG with exactly WIDTH×HEIGHT, opaque white background by default', async () => {
      const res = await get(url({ BBOX: latLon(city), WIDTH: 300, HEIGHT: 200 }))
      expect(res.headers['content-type']).to.equal('image/png')
      const img = await decode(res.rawPayload)
      expect([img.width, img.height]).to.deep.equal([300, 200])
      expect(pixel(img, 0, 0)).to.deep.equal(WHITE) // a corner of the city's box lies outside the city
      expect(countPainted(img, WHITE)).to.be.above(300 * 200 * 0.3)
    })
    it('JPEG with exactly WIDTH×HEIGHT', async () => {
      const res = await get(url({ BBOX: latLon(city), WIDTH: 123, HEIGHT: 77, FORMAT: 'image/jpeg' }))
      expect(res.headers['content-type']).to.equal('image/jpeg')
      expect([...res.rawPayload.subarray(0, 3)]).to.deep.equal([0xff, 0xd8, 0xff])
      const img = await decode(res.rawPayload)
      expect([img.width, img.height]).to.deep.equal([123, 77])
    })
    it('TRANSPARENT=true (lower case, as OpenLayers sends it) gives an alpha channel', async () => {
      const img = await decode((await get(url({ BBOX: latLon(city), TRANSPARENT: 'true' }))).rawPayload)
      expect(pixel(img, 0, 0)[3]).to.equal(0)
      expect(countPainted(img, CLEAR)).to.be.above(256 * 256 * 0.3)
    })
    it('BGCOLOR paints the background', async () => {
      const img = await decode((await get(url({ BBOX: latLon(city), BGCOLOR: '0x102030' }))).rawPayload)
      expect(pixel(img, 0, 0)).to.deep.equal([0x10, 0x20, 0x30, 255])
    })
    it('a BBOX that overlaps nothing gives an empty image', async () => {
      const far = url({ LAYERS: 'admin_divisions,base_grids,components,addresses', STYLES: '', CRS: 'CRS:84', BBOX: '10,10,11,11' })
      expect(countPainted(await decode((await get(far)).rawPayload), WHITE, 0)).to.equal(0)
      const clear = await decode((await get(`${far}&TRANSPARENT=TRUE`)).rawPayload)
      expect(countPainted(clear, CLEAR, 0)).to.equal(0)
    })
  })

  describe('24. styles', () => {
    const three = 'admin_divisions,base_grids,components'
    for (const [styles, layers] of <[string, string][]>[['', three], [',,,', 'admin_divisions,base_grids,components,addresses'], ['by_level,,by_state', three], ['default,default,default', three]]) {
      it(`LAYERS=${layers} STYLES=${styles} renders`, async () => {
        const img = await decode((await get(url({ LAYERS: layers, STYLES: styles, BBOX: latLon(city) }))).rawPayload)
        expect(countPainted(img, WHITE)).to.be.above(1000)
      })
    }
    it('named styles change the picture; the first style is the default', async () => {
      const render = async (style: string) => decode((await get(url({ LAYERS: 'wms_test_grids', STYLES: style, BBOX: latLon(city) }))).rawPayload)
      const [byKind, outline, dflt] = [await render('by_kind'), await render('outline'), await render('')]
      expect(diffRatio(byKind, dflt, 0)).to.equal(0)
      expect(diffRatio(byKind, outline)).to.be.above(0.2)
      // the outline style has no fill: the centre of the city is mostly background
      expect(countPainted(outline, WHITE)).to.be.below(countPainted(byKind, WHITE) / 2)
    })
  })

  describe('25. axis order', () => {
    it('EPSG:4326 with a lat,lon BBOX draws the same image as CRS:84 with lon,lat (and 1.1.1 lon,lat, and EPSG:4490)', async () => {
      const images = []
      for (const u of [
        url({ CRS: 'EPSG:4326', BBOX: latLon(city) }),
        url({ CRS: 'CRS:84', BBOX: lonLat(city) }),
        url({ CRS: 'EPSG:4490', BBOX: latLon(city) }),
        url({ VERSION: '1.1.1', CRS: '', SRS: 'EPSG:4326', BBOX: lonLat(city) }).replace('CRS=&', ''),
      ]) {
        imageCache(client.context).clear() // each image rendered afresh, not served from the cache
        images.push(await decode((await get(u)).rawPayload))
      }
      expect(countPainted(images[0]!, WHITE)).to.be.above(10000)
      for (const img of images.slice(1)) expect(diffRatio(images[0]!, img, 0)).to.equal(0)
    })
    it('EPSG:4326 with a lon,lat BBOX in 1.3.0 is a latitude of 116°: refused, not silently blank', async () => {
      const res = await client.get(url({ CRS: 'EPSG:4326', BBOX: lonLat(city) }), command)
      expectServiceException(res, 'InvalidParameterValue', 'bbox')
    })
    it('Gauss-Krüger zone 39 is northing,easting; both CGCS2000 forms draw the same map', async () => {
      const gk = projected(city, 'EPSG:4527')
      const cm = projected(city, 'EPSG:4548')
      const a = await decode((await get(url({ CRS: 'EPSG:4527', BBOX: `${gk[1]},${gk[0]},${gk[3]},${gk[2]}` }))).rawPayload)
      const b = await decode((await get(url({ CRS: 'EPSG:4548', BBOX: `${cm[1]},${cm[0]},${cm[3]},${cm[2]}` }))).rawPayload)
      expect(countPainted(a, WHITE)).to.be.above(10000)
      expect(diffRatio(a, b)).to.be.below(0.001)
    })
  })

  describe('golden images of the demo city', () => {
    it('base grids, EPSG:4326', async () => {
      await expectGolden('base_grids_4326', (await get(url({ BBOX: latLon(city) }))).rawPayload)
    })
    it('admin divisions, base grids and components, EPSG:3857, transparent', async () => {
      const m = projected(city, 'EPSG:3857')
      const res = await get(url({ LAYERS: 'admin_divisions,base_grids,components', CRS: 'EPSG:3857', BBOX: m.join(','), TRANSPARENT: 'TRUE' }))
      await expectGolden('city_3857_transparent', res.rawPayload)
    })
    it('base grids, CGCS2000 Gauss-Krüger zone 39', async () => {
      const gk = projected(city, 'EPSG:4527')
      await expectGolden('base_grids_4527', (await get(url({ CRS: 'EPSG:4527', BBOX: `${gk[1]},${gk[0]},${gk[3]},${gk[2]}` }))).rawPayload)
    })
    it('components by state, zoomed in on a few hundred metres', async () => {
      const c: Box = [(city[0] + city[2]) / 2 - 0.002, (city[1] + city[3]) / 2 - 0.002, (city[0] + city[2]) / 2 + 0.002, (city[1] + city[3]) / 2 + 0.002]
      await expectGolden('components_zoom', (await get(url({ LAYERS: 'base_grids,components', BBOX: latLon(c) }))).rawPayload)
    })
  })

  describe('jurisdiction', () => {
    it('draws only rows inside the caller\'s jurisdiction', async () => {
      const own = await gridInStreet(client.context.knex, '990102001')
      const other = await gridInStreet(client.context.knex, '990102002')
      const w = 512, h = 512
      const at = (p: { lon: number; lat: number }) => [Math.floor(((p.lon - city[0]) / (city[2] - city[0])) * w), Math.floor(((city[3] - p.lat) / (city[3] - city[1])) * h)] as const
      const u = url({ BBOX: latLon(city), WIDTH: w, HEIGHT: h })
      const all = await decode((await get(u, command)).rawPayload)
      const mine = await decode((await get(u, street1)).rawPayload)
      expect(countPainted(mine, WHITE)).to.be.above(1000)
      expect(countPainted(mine, WHITE)).to.be.below(countPainted(all, WHITE) * 0.6)
      expect(pixel(all, ...at(other))).not.to.deep.equal(WHITE)
      expect(pixel(mine, ...at(other))).to.deep.equal(WHITE)
      expect(pixel(mine, ...at(own))).not.to.deep.equal(WHITE)
    })
  })

  describe('cache and validators', () => {
    it('a repeated request has the same ETag; If-None-Match answers 304; another jurisdiction another ETag', async () => {
      const u = url({ BBOX: latLon(city) })
      const first = await get(u)
      const second = await get(u)
      expect(first.headers.etag).to.be.a('string')
      expect(second.headers.etag).to.equal(first.headers.etag)
      expect(second.rawPayload.equals(first.rawPayload)).to.equal(true)
      expect(imageCache(client.context).size).to.equal(1)
      const revalidated = await client.get(u, { ...command, 'if-none-match': String(first.headers.etag) })
      expect(revalidated.statusCode).to.equal(304)
      const other = await get(u, street1)
      expect(other.headers.etag).not.to.equal(first.headers.etag)
      expect(first.headers['cache-control']).to.match(/private/)
    })
  })

  describe('23. EXCEPTIONS=INIMAGE / BLANK answer in the requested format', () => {
    const broken = () => url({ BBOX: '5,5,1,1', WIDTH: 200, HEIGHT: 100 })
    it('INIMAGE: a PNG of the requested size with the message drawn in it', async () => {
      const res = await get(`${broken()}&EXCEPTIONS=INIMAGE`)
      expect(res.headers['content-type']).to.equal('image/png')
      const img = await decode(res.rawPayload)
      expect([img.width, img.height]).to.deep.equal([200, 100])
      expect(countPainted(img, WHITE)).to.be.above(50) // the text
    })
    it('INIMAGE (1.1.1 spelling) in JPEG', async () => {
      const res = await get(`${url({ BBOX: '5,5,1,1', WIDTH: 200, HEIGHT: 100, FORMAT: 'image/jpeg' })}&EXCEPTIONS=application/vnd.ogc.se_inimage`)
      expect(res.headers['content-type']).to.equal('image/jpeg')
      expect((await decode(res.rawPayload)).width).to.equal(200)
    })
    it('BLANK: an empty image', async () => {
      const res = await get(`${broken()}&EXCEPTIONS=BLANK`)
      const img = await decode(res.rawPayload)
      expect([img.width, img.height]).to.deep.equal([200, 100])
      expect(countPainted(img, WHITE, 0)).to.equal(0)
    })
    it('INIMAGE with a huge size draws at a modest default size', async () => {
      const res = await get(`${url({ BBOX: latLon(city), WIDTH: 99999, HEIGHT: 99999 })}&EXCEPTIONS=INIMAGE`)
      expect((await decode(res.rawPayload)).width).to.equal(256)
    })
    it('an unknown FORMAT cannot be drawn: XML InvalidFormat even with INIMAGE', async () => {
      const res = await client.get(`${url({ BBOX: latLon(city), FORMAT: 'image/gif' })}&EXCEPTIONS=INIMAGE`, command)
      expectServiceException(res, 'InvalidFormat', 'format')
    })
  })
})
