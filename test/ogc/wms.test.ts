// WMS protocol: capabilities in both versions (ogc.md checklist 19-21), parameter handling, access
// and the exception reports for bad requests (23), including hostile sizes and boxes.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { decode, expectServiceException, gridExtent, parseXmlDoc } from './wms-support.ts'
import { mayReadLayer } from '../../tiles/layerAccess.ts'
import { anonymous } from '../../server/auth/users.ts'

type Node = Record<string, unknown>
const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

describe('WMS: capabilities and protocol', () => {
  let client: Client
  let auth: Record<string, string>
  let city: [number, number, number, number]
  /** A valid 1.3.0 GetMap of the whole city; tests break one parameter at a time. */
  let getMap: string

  before(async () => {
    client = await testClient()
    auth = await loginAs(client, 'command')
    city = await gridExtent(client.context.knex, '9901')
    getMap = `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&STYLES=&CRS=EPSG:4326` +
      `&BBOX=${city[1]},${city[0]},${city[3]},${city[2]}&WIDTH=256&HEIGHT=256&FORMAT=image/png`
  })

  const capabilities = async (query: string, headers: Record<string, string> = {}) => {
    const res = await client.get(`/ogc/wms?${query}`, headers)
    expect(res.statusCode, res.body.slice(0, 500)).to.equal(200)
    return { res, doc: parseXmlDoc(res.body) }
  }

  describe('19. version negotiation', () => {
    for (const [query, label] of [['', 'no VERSION'], ['&VERSION=1.3.0', '1.3.0'], ['&VERSION=100.0.0', '100.0.0']]) {
      it(`${label} → WMS 1.3.0 capabilities`, async () => {
        const { res, doc } = await capabilities(`SERVICE=WMS&REQUEST=GetCapabilities${query}`)
        expect(res.headers['content-type']).to.match(/^text\/xml/)
        const root = doc.WMS_Capabilities as Node
        expect(root['@version']).to.equal('1.3.0')
        expect(res.body).to.match(/<WMS_Capabilities [^>]*xmlns="http:\/\/www\.opengis\.net\/wms"/)
      })
    }
    it('VERSION=1.1.1 → WMT_MS_Capabilities 1.1.1 (what GDAL asks for)', async () => {
      const { res, doc } = await capabilities('SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1')
      expect(res.headers['content-type']).to.match(/^application\/vnd\.ogc\.wms_xml/)
      expect(res.body).to.contain('<!DOCTYPE WMT_MS_Capabilities')
      expect((doc.WMT_MS_Capabilities as Node)['@version']).to.equal('1.1.1')
      expect(doc.WMS_Capabilities).to.equal(undefined)
    })
    it('a version between or below the supported ones → 1.1.1', async () => {
      for (const v of ['1.2.0', '1.0.0']) {
        const { doc } = await capabilities(`SERVICE=WMS&REQUEST=GetCapabilities&VERSION=${v}`)
        expect((doc.WMT_MS_Capabilities as Node)['@version'], v).to.equal('1.1.1')
      }
    })
    it('is open to anonymous callers, with the operations, formats and exception modes', async () => {
      const { doc } = await capabilities('service=wms&request=getcapabilities')
      const request = ((doc.WMS_Capabilities as Node).Capability as Node).Request as Node
      expect(Object.keys(request)).to.include.members(['GetCapabilities', 'GetMap', 'GetFeatureInfo', 'GetLegendGraphic'])
      expect(arr((request.GetMap as Node).Format)).to.deep.equal(['image/png', 'image/jpeg'])
      expect(arr((request.GetFeatureInfo as Node).Format)).to.deep.equal(['application/json', 'text/html', 'text/xml'])
      const exception = ((doc.WMS_Capabilities as Node).Capability as Node).Exception as Node
      expect(arr(exception.Format)).to.deep.equal(['XML', 'INIMAGE', 'BLANK'])
    })
  })

  describe('20. layers and bounding boxes', () => {
    it('1.3.0: every catalogue layer, EX_GeographicBoundingBox and one BoundingBox per CRS, lat,lon for 4326/4490', async () => {
      const { doc } = await capabilities('SERVICE=WMS&REQUEST=GetCapabilities')
      const root = ((doc.WMS_Capabilities as Node).Capability as Node).Layer as Node
      const crs = arr(root.CRS as string[])
      expect(crs).to.include.members(['CRS:84', 'EPSG:4326', 'EPSG:4490', 'EPSG:3857'])
      // the demo city at 116°E lies in 3-degree Gauss-Krüger zone 39: both CGCS2000 forms
      expect(crs).to.include.members(['EPSG:4527', 'EPSG:4548'])
      const layers = arr(root.Layer as Node[])
      expect(layers.map((l) => l.Name)).to.have.members(client.context.catalogue.layers.filter((l) => mayReadLayer(l, anonymous)).map((l) => l.id))
      for (const layer of layers) {
        const geo = layer.EX_GeographicBoundingBox as Record<string, string>
        expect(Number(geo.westBoundLongitude), String(layer.Name)).to.be.within(115, 117)
        expect(Number(geo.southBoundLatitude)).to.be.within(36, 37)
        const boxes = arr(layer.BoundingBox as Record<string, string>[])
        expect(boxes.map((b) => b['@CRS']), String(layer.Name)).to.deep.equal(crs)
        for (const b of boxes) {
          expect(Number(b['@minx'])).to.be.below(Number(b['@maxx']))
          expect(Number(b['@miny'])).to.be.below(Number(b['@maxy']))
        }
        const by = (id: string) => boxes.find((b) => b['@CRS'] === id)!
        // lat,lon in 1.3.0 for the EPSG geographic CRSs, lon,lat for CRS:84
        for (const id of ['EPSG:4326', 'EPSG:4490']) {
          expect(Number(by(id)['@minx']), id).to.be.within(36, 37)
          expect(Number(by(id)['@miny']), id).to.be.within(115, 117)
        }
        expect(Number(by('CRS:84')['@minx'])).to.be.within(115, 117)
        // Gauss-Krüger is northing first; the zone-prefixed easting starts with 39
        expect(Number(by('EPSG:4527')['@minx'])).to.be.within(4.0e6, 4.1e6)
        expect(Math.floor(Number(by('EPSG:4527')['@miny']) / 1e6)).to.equal(39)
        expect(Number(by('EPSG:4548')['@miny'])).to.be.within(3e5, 7e5)
        expect(Number(by('EPSG:3857')['@minx'])).to.be.within(1.28e7, 1.30e7)
      }
    })

    it('1.1.1: SRS list, LatLonBoundingBox and x,y BoundingBoxes; CRS:84 is left to 1.3.0', async () => {
      const { doc } = await capabilities('SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1')
      const root = ((doc.WMT_MS_Capabilities as Node).Capability as Node).Layer as Node
      const srs = arr(root.SRS as string[])
      expect(srs).to.include.members(['EPSG:4326', 'EPSG:4490', 'EPSG:3857', 'EPSG:4527'])
      expect(srs).not.to.include('CRS:84')
      for (const layer of arr(root.Layer as Node[])) {
        const ll = layer.LatLonBoundingBox as Record<string, string>
        expect(Number(ll['@minx'])).to.be.within(115, 117)
        const boxes = arr(layer.BoundingBox as Record<string, string>[])
        expect(boxes.map((b) => b['@SRS'])).to.deep.equal(srs)
        const b4326 = boxes.find((b) => b['@SRS'] === 'EPSG:4326')!
        expect(Number(b4326['@minx'])).to.be.within(115, 117) // lon first in 1.1.1
        const gk = boxes.find((b) => b['@SRS'] === 'EPSG:4527')!
        expect(Math.floor(Number(gk['@minx']) / 1e6)).to.equal(39) // easting first in 1.1.1
      }
    })

    it('each layer lists its styles with a LegendURL to GetLegendGraphic', async () => {
      const { doc } = await capabilities('SERVICE=WMS&REQUEST=GetCapabilities')
      const layers = arr((((doc.WMS_Capabilities as Node).Capability as Node).Layer as Node).Layer as Node[])
      const admin = layers.find((l) => l.Name === 'admin_divisions')!
      const style = arr(admin.Style as Node[])[0]!
      expect(style.Name).to.equal('by_level')
      const legend = style.LegendURL as Node
      expect(Number(legend['@width'])).to.be.above(20)
      const href = (legend.OnlineResource as Record<string, string>)['@href']!
      expect(href).to.match(/^http:\/\/localhost(:80)?\/ogc\/wms\?.*REQUEST=GetLegendGraphic.*LAYER=admin_divisions.*STYLE=by_level/)
    })

    it('hrefs are absolute and follow X-Forwarded-Proto/Host when the proxy is trusted', async () => {
      const proxied = await testClient(await getTestContext({ trustProxy: true }))
      const res = await proxied.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities', {
        'x-forwarded-proto': 'https', 'x-forwarded-host': 'maps.example.gov.cn',
      })
      expect(res.body).to.contain('xlink:href="https://maps.example.gov.cn/ogc/wms?"')
      expect(res.body).not.to.contain('http://localhost')
      // an untrusted proxy header changes nothing
      const direct = await client.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities', { 'x-forwarded-host': 'evil.example' })
      expect(direct.body).not.to.contain('evil.example')
    })
  })

  describe('21. parameters', () => {
    it('names in any case, unknown parameters ignored, %2C and + decoded', async () => {
      const url = `/ogc/wms?sErViCe=WMS&version=1.3.0&ReQuEsT=GetMap&layers=base_grids&Styles=&crs=EPSG:4326` +
        `&bbox=${city[1]}%2C${city[0]}%2C${city[3]}%2C${city[2]}&Width=64&HEIGHT=48` +
        `&format=image/png;+mode%3D8bit&FOO=bar&dpi=96`
      const res = await client.get(url, auth)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.headers['content-type']).to.equal('image/png')
      const img = await decode(res.rawPayload)
      expect([img.width, img.height]).to.deep.equal([64, 48])
    })
  })

  describe('access', () => {
    it('anonymous GetMap → 401 with a Basic challenge and a ServiceExceptionReport', async () => {
      const res = await client.get(getMap)
      expect(res.statusCode).to.equal(401)
      expect(res.headers['www-authenticate']).to.match(/^Basic realm="gridgov"/)
      expect(res.body).to.contain('<ServiceExceptionReport')
    })
    it('HTTP Basic credentials (QGIS, GDAL) are accepted', async () => {
      const basic = `Basic ${Buffer.from('analyst:gridgov-demo').toString('base64')}`
      const res = await client.get(getMap, { authorization: basic })
      expect(res.statusCode).to.equal(200)
    })
  })

  describe('23. errors', () => {
    const cases: [string, (u: string) => string, string, string][] = [
      ['minx ≥ maxx', (u) => u.replace(/BBOX=([^&]*)/, (_m, b: string) => { const [a0, b0, a1, b1] = b.split(','); return `BBOX=${a1},${b0},${a0},${b1}` }), 'InvalidParameterValue', 'bbox'],
      ['miny = maxy', (u) => u.replace(/BBOX=([^,]*),([^,]*),([^,]*),([^&]*)/, 'BBOX=$1,$2,$3,$2'), 'InvalidParameterValue', 'bbox'],
      ['a BBOX of three numbers', (u) => u.replace(/BBOX=[^&]*/, 'BBOX=1,2,3'), 'InvalidParameterValue', 'bbox'],
      ['a BBOX with NaN', (u) => u.replace(/BBOX=[^&]*/, 'BBOX=NaN,1,2,3'), 'InvalidParameterValue', 'bbox'],
      ['a CRS not offered', (u) => u.replace('CRS=EPSG:4326', 'CRS=EPSG:2000'), 'InvalidCRS', 'crs'],
      ['GCJ-02, which has no EPSG code', (u) => u.replace('CRS=EPSG:4326', 'CRS=GCJ-02'), 'InvalidCRS', 'crs'],
      ['a FORMAT not offered', (u) => u.replace('FORMAT=image/png', 'FORMAT=image/gif'), 'InvalidFormat', 'format'],
      ['an unknown layer', (u) => u.replace('LAYERS=base_grids', 'LAYERS=base_grids,nope'), 'LayerNotDefined', 'layers'],
      ['an unknown style', (u) => u.replace('STYLES=', 'STYLES=fancy'), 'StyleNotDefined', 'styles'],
      ['more styles than layers', (u) => u.replace('STYLES=', 'STYLES=default,default'), 'InvalidParameterValue', 'styles'],
      ['a huge WIDTH×HEIGHT', (u) => u.replace('WIDTH=256&HEIGHT=256', 'WIDTH=100000&HEIGHT=100000'), 'InvalidParameterValue', 'width'],
      ['a pixel count above the limit', (u) => u.replace('WIDTH=256&HEIGHT=256', 'WIDTH=4096&HEIGHT=4096'), 'InvalidParameterValue', 'width'],
      ['HEIGHT above the side limit', (u) => u.replace('HEIGHT=256', 'HEIGHT=4097'), 'InvalidParameterValue', 'height'],
      ['WIDTH=0', (u) => u.replace('WIDTH=256', 'WIDTH=0'), 'InvalidParameterValue', 'width'],
      ['a fractional WIDTH', (u) => u.replace('WIDTH=256', 'WIDTH=25.5'), 'InvalidParameterValue', 'width'],
      ['missing VERSION', (u) => u.replace('VERSION=1.3.0&', ''), 'MissingParameterValue', 'version'],
      ['an unsupported VERSION', (u) => u.replace('VERSION=1.3.0', 'VERSION=2.0.0'), 'InvalidParameterValue', 'version'],
      ['missing LAYERS', (u) => u.replace('LAYERS=base_grids&', ''), 'MissingParameterValue', 'layers'],
      ['missing CRS', (u) => u.replace('CRS=EPSG:4326&', ''), 'MissingParameterValue', 'crs'],
      ['missing BBOX', (u) => u.replace(/BBOX=[^&]*&/, ''), 'MissingParameterValue', 'bbox'],
      ['SERVICE=WFS', (u) => u.replace('SERVICE=WMS', 'SERVICE=WFS'), 'InvalidParameterValue', 'service'],
      ['an unknown REQUEST', (u) => u.replace('REQUEST=GetMap', 'REQUEST=GetStyles'), 'OperationNotSupported', 'request'],
      ['a bad TRANSPARENT', (u) => `${u}&TRANSPARENT=maybe`, 'InvalidParameterValue', 'transparent'],
      ['a bad BGCOLOR', (u) => `${u}&BGCOLOR=red`, 'InvalidParameterValue', 'bgcolor'],
    ]
    for (const [label, change, code, locator] of cases) {
      it(`${label} → 400 ${code}`, async () => {
        const res = await client.get(change(getMap), auth)
        expect(res.statusCode, res.body).to.equal(400)
        expectServiceException(res, code, locator)
      })
    }

    it('1.1.1: an SRS not offered → InvalidSRS in a 1.1.1 report', async () => {
      const url = getMap.replace('VERSION=1.3.0', 'VERSION=1.1.1').replace('CRS=EPSG:4326', 'SRS=EPSG:2000')
      const res = await client.get(url, auth)
      expectServiceException(res, 'InvalidSRS', 'srs', '1.1.1')
    })

    it('missing SERVICE on GetCapabilities → MissingParameterValue', async () => {
      const res = await client.get('/ogc/wms?REQUEST=GetCapabilities')
      expectServiceException(res, 'MissingParameterValue', 'service')
    })

    it('missing REQUEST → MissingParameterValue', async () => {
      expectServiceException(await client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0', auth), 'MissingParameterValue', 'request')
    })

    it('after a burst of hostile requests the server still renders', async () => {
      const hostile = [
        getMap.replace('WIDTH=256&HEIGHT=256', 'WIDTH=99999999&HEIGHT=99999999'),
        getMap.replace(/BBOX=[^&]*/, 'BBOX=1e308,1e308,-1e308,-1e308'),
        getMap.replace(/BBOX=[^&]*/, `BBOX=${'9'.repeat(5000)},1,2,3`),
        getMap.replace('LAYERS=base_grids', `LAYERS=${'x,'.repeat(2000)}`),
        getMap.replace('CRS=EPSG:4326', `CRS=${'EPSG:'.repeat(500)}`),
        getMap.replace('CRS=EPSG:4326', 'CRS=EPSG:3857').replace(/BBOX=[^&]*/, 'BBOX=-1e300,-1e300,1e300,1e300'),
        getMap.replace('CRS=EPSG:4326', 'CRS=CRS:84').replace(/BBOX=[^&]*/, 'BBOX=-600,-89,600,89'),
      ]
      const answers = await Promise.all(hostile.map((u) => client.get(u, auth)))
      for (const res of answers) {
        expect(res.statusCode).to.equal(400)
        expect(res.body).to.contain('<ServiceExceptionReport')
        expect(res.body.length).to.be.below(2000) // echoes of input are clipped
      }
      // the whole world (and then some) is legal, and quick: a small city in a big empty map
      const world = await client.get(getMap.replace('CRS=EPSG:4326', 'CRS=CRS:84').replace(/BBOX=[^&]*/, 'BBOX=-540,-90,540,90'), auth)
      expect(world.statusCode, world.body).to.equal(200)
      const mercator = await client.get(getMap.replace('CRS=EPSG:4326', 'CRS=EPSG:3857').replace(/BBOX=[^&]*/, 'BBOX=-20037508,-20037508,20037508,20037508'), auth)
      expect(mercator.statusCode, mercator.body).to.equal(200)
      const ok = await client.get(getMap, auth)
      expect(ok.statusCode).to.equal(200)
      expect(ok.headers['content-type']).to.equal('image/png')
    })
  })
})
