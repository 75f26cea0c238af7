// WMS GetFeatureInfo (ogc.md checklist 26) and GetLegendGraphic (27).
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { mayReadLayer } from '../../tiles/layerAccess.ts'
import { anonymous } from '../../server/auth/users.ts'
import { countPainted, CLEAR, decode, expectServiceException, gridInStreet, parseXmlDoc } from './wms-support.ts'

type Box = [number, number, number, number]

const notQueryable: LayerDef = {
  id: 'wms_test_hidden', title: '不可查询', abstract: 'test layer', table: 'grid', geometryType: 'MultiPolygon',
  key: 'code', adminColumn: 'community_code', where: "t.kind = 'base' AND t.valid_to IS NULL",
  attributes: [{ name: 'code', sql: 't.code', type: 'string', title: '编码' }],
  minZoom: 0, maxZoom: 22, queryable: false, styles: [],
}

describe('WMS GetFeatureInfo and GetLegendGraphic', () => {
  let client: Client
  let command: Record<string, string>
  let street1: Record<string, string>
  /** A base grid of street 990102002 and a 256×256 map centred on a point inside it. */
  let grid: { code: string; lon: number; lat: number }
  let box: Box

  before(async () => {
    const context = await getTestContext()
    context.catalogue.register({ ...notQueryable })
    client = await testClient(context)
    command = await loginAs(client, 'command')
    street1 = await loginAs(client, 'street1')
    grid = await gridInStreet(client.context.knex, '990102002')
    // 256 px over 0.00256°: the clicked pixel (128,128) has its centre exactly on the grid's point
    box = [grid.lon - 0.001285, grid.lat - 0.001275, grid.lon + 0.001275, grid.lat + 0.001285]
  })

  const gfi = (params: Record<string, string | number>) => {
    const all = {
      SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', LAYERS: 'base_grids,admin_divisions', STYLES: '',
      CRS: 'EPSG:4326', BBOX: `${box[1]},${box[0]},${box[3]},${box[2]}`, WIDTH: 256, HEIGHT: 256,
      QUERY_LAYERS: 'base_grids', INFO_FORMAT: 'application/json', I: 128, J: 128, ...params,
    }
    return `/ogc/wms?${Object.entries(all).map(([k, v]) => `${k}=${String(v)}`).join('&')}`
  }

  describe('26. GetFeatureInfo', () => {
    it('application/json: a GeoJSON FeatureCollection with the grid under the pixel', async () => {
      const res = await client.get(gfi({}), command)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.headers['content-type']).to.match(/^application\/json/)
      const fc = res.json()
      expect(fc.type).to.equal('FeatureCollection')
      expect(fc.features).to.have.length(1)
      const f = fc.features[0]
      expect(f.id).to.equal(`base_grids.${grid.code}`)
      expect(f.properties.code).to.equal(grid.code)
      expect(f.properties.community_code).to.match(/^990102002/)
      expect(f.geometry.type).to.equal('MultiPolygon')
      expect(f.geometry.coordinates[0][0][0][0]).to.be.within(115, 117) // WGS84 lon,lat
    })
    it('FEATURE_COUNT and several QUERY_LAYERS: the smallest containing division first', async () => {
      const res = await client.get(gfi({ QUERY_LAYERS: 'base_grids,admin_divisions', FEATURE_COUNT: 10 }), command)
      const fc = res.json()
      const admin = fc.features.filter((f: { layer: string }) => f.layer === 'admin_divisions')
      // community, street, district, city all contain the point: smallest first (the demo city has
      // one district with the city's outline, so those two tie and come in code order)
      const levels = admin.map((f: { properties: { level: string } }) => f.properties.level)
      expect(levels.slice(0, 2)).to.deep.equal(['community', 'street'])
      expect(levels.slice(2)).to.have.members(['district', 'city'])
      const limited = (await client.get(gfi({ QUERY_LAYERS: 'admin_divisions', FEATURE_COUNT: 2 }), command)).json()
      expect(limited.features).to.have.length(2)
    })
    it('text/html: a table with the Chinese attribute titles', async () => {
      const res = await client.get(gfi({ INFO_FORMAT: 'text/html' }), command)
      expect(res.headers['content-type']).to.match(/^text\/html/)
      expect(res.body).to.contain('<th>网格编码</th>')
      expect(res.body).to.contain(`<td>${grid.code}</td>`)
    })
    it('text/xml: a well-formed document with one Feature', async () => {
      const res = await client.get(gfi({ INFO_FORMAT: 'text/xml' }), command)
      expect(res.headers['content-type']).to.match(/^text\/xml/)
      const doc = parseXmlDoc(res.body) as { FeatureInfoResponse: { Layer: { '@name': string; Feature: { '@id': string } } } }
      expect(doc.FeatureInfoResponse.Layer['@name']).to.equal('base_grids')
      expect(doc.FeatureInfoResponse.Layer.Feature['@id']).to.equal(`base_grids.${grid.code}`)
    })
    it('1.1.1 with X/Y', async () => {
      const url = gfi({ VERSION: '1.1.1', CRS: 'EPSG:4326', BBOX: box.join(',') }).replace('&I=128&J=128', '&X=128&Y=128').replace('CRS=', 'SRS=')
      const res = await client.get(url, command)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().features[0].properties.code).to.equal(grid.code)
    })
    it('outside the jurisdiction: nothing is reported', async () => {
      const res = await client.get(gfi({}), street1)
      expect(res.statusCode).to.equal(200)
      expect(res.json().features).to.deep.equal([])
    })
    it('a click on empty ground: an empty collection', async () => {
      const far = gfi({ CRS: 'CRS:84', BBOX: '10,10,11,11' })
      expect((await client.get(far, command)).json().features).to.deep.equal([])
    })
    it('anonymous → 401 with a Basic challenge', async () => {
      const res = await client.get(gfi({}))
      expect(res.statusCode).to.equal(401)
      expect(res.headers['www-authenticate']).to.match(/^Basic/)
    })
    const errors: [string, Record<string, string | number>, string, string][] = [
      ['I outside the map', { I: 256 }, 'InvalidPoint', 'i'],
      ['J negative', { J: -1 }, 'InvalidPoint', 'j'],
      ['I not a number', { I: 'abc' }, 'InvalidPoint', 'i'],
      ['a bad INFO_FORMAT', { INFO_FORMAT: 'application/vnd.ogc.gml' }, 'InvalidFormat', 'info_format'],
      ['a non-queryable layer', { LAYERS: 'wms_test_hidden', QUERY_LAYERS: 'wms_test_hidden' }, 'LayerNotQueryable', 'query_layers'],
      ['a query layer not among LAYERS', { QUERY_LAYERS: 'components' }, 'LayerNotDefined', 'query_layers'],
      ['missing QUERY_LAYERS', { QUERY_LAYERS: '' }, 'MissingParameterValue', 'query_layers'],
      ['FEATURE_COUNT too large', { FEATURE_COUNT: 100000 }, 'InvalidParameterValue', 'feature_count'],
      ['a BBOX with min ≥ max', { BBOX: '37,117,36,116' }, 'InvalidParameterValue', 'bbox'],
    ]
    for (const [label, params, code, locator] of errors) {
      it(`${label} → ${code}`, async () => {
        const res = await client.get(gfi(params), command)
        expect(res.statusCode).to.equal(400)
        expectServiceException(res, code, locator)
      })
    }
    it('missing I → MissingParameterValue', async () => {
      const res = await client.get(gfi({}).replace('&I=128', ''), command)
      expectServiceException(res, 'MissingParameterValue', 'i')
    })
  })

  describe('27. GetLegendGraphic', () => {
    const legend = (q: string) => client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&SLD_VERSION=1.1.0&${q}${q.includes('FORMAT=') ? '' : '&FORMAT=image/png'}`)

    it('a PNG per layer and style, the size the capabilities advertise', async () => {
      const caps = (await client.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities')).body
      for (const layer of client.context.catalogue.layers.filter((l) => !l.id.startsWith('wms_test') && mayReadLayer(l, anonymous))) {
        for (const style of layer.styles) {
          const res = await legend(`LAYER=${layer.id}&STYLE=${style.name}`)
          expect(res.statusCode, `${layer.id}/${style.name}: ${res.body.slice(0, 200)}`).to.equal(200)
          expect(res.headers['content-type']).to.equal('image/png')
          const img = await decode(res.rawPayload)
          expect(countPainted(img, CLEAR)).to.be.above(50)
          const rows = style.by ? Object.keys(style.colours).length : 1
          expect(img.height).to.equal(4 + rows * 24)
          const href = `LAYER=${layer.id}&amp;STYLE=${style.name}`
          const at = caps.indexOf(href)
          expect(at, href).to.be.above(0)
          const legendUrl = caps.slice(caps.lastIndexOf('<LegendURL', at), at)
          expect(legendUrl).to.contain(`width="${img.width}" height="${img.height}"`)
        }
      }
    })
    it('one row per coloured value: components by state has 4 rows', async () => {
      const img = await decode((await legend('LAYER=components&STYLE=by_state')).rawPayload)
      expect(img.height).to.equal(4 + 4 * 24)
      const one = await decode((await legend('LAYER=components&STYLE=by_state&RULE=破损')).rawPayload)
      expect(one.height).to.equal(28)
    })
    it('errors: unknown layer, unknown style, bad format', async () => {
      expectServiceException(await legend('LAYER=nope'), 'LayerNotDefined', 'layer')
      expectServiceException(await legend('LAYER=components&STYLE=nope'), 'StyleNotDefined', 'style')
      expectServiceException(await legend('LAYER=components&FORMAT=image/gif'), 'InvalidFormat', 'format')
      expectServiceException(await legend('STYLE=x'), 'MissingParameterValue', 'layer')
    })
  })
})
