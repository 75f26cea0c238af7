// WMTS 1.0.0 (server/ogc/wmts): the capabilities (KVP and RESTful, the two tile matrix sets
// checked against figures computed here from their definitions, valid against the OGC schema),
// GetTile in both encodings (same bytes, ETag/304), tiles placed where an independent tile
// formula puts the features, the same pixels as a WMS GetMap of the tile's box, the image cache
// scope that change notifications use, and the OWS exception codes of every refusal.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'
import { googleTileUrl } from '../../server/ogc/wmts/matrixSets.ts'
import { registerLayerSource } from '../../server/ogc/wms/layerSources.ts'
import { announceChange } from '../../tiles/changes.ts'
import { CLEAR, countPainted, decode, diffRatio, pixel } from './wms-support.ts'
import { all, expectException, kid, kids, parse } from './wfs-support.ts'

const KVP = '/ogc/wmts?SERVICE=WMTS'
const REST = '/ogc/wmts/1.0.0'
const SCHEMAS = fileURLToPath(new URL('./schemas/', import.meta.url))
const R = 6378137

/** XYZ address of a lon/lat at zoom z (the slippy-map formula, written out independently). */
function xyz(lon: number, lat: number, z: number): { x: number; y: number; px: number; py: number } {
  const n = 2 ** z
  const fx = ((lon + 180) / 360) * n
  const phi = (lat * Math.PI) / 180
  const fy = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n
  return { x: Math.floor(fx), y: Math.floor(fy), px: Math.floor((fx % 1) * 256), py: Math.floor((fy % 1) * 256) }
}

/** Row/column of a lon/lat in the CGCS2000 set at a level (tianditu 'c': level 1 = two 180° tiles). */
function cgcs(lon: number, lat: number, level: number): { row: number; col: number; px: number; py: number } {
  const span = 180 / 2 ** (level - 1)
  const fc = (lon + 180) / span, fr = (90 - lat) / span
  return { row: Math.floor(fr), col: Math.floor(fc), px: Math.floor((fc % 1) * 256), py: Math.floor((fr % 1) * 256) }
}

/** Some pixel within `r` of (x, y) is painted (not transparent). */
function paintedNear(img: Awaited<ReturnType<typeof decode>>, x: number, y: number, r = 2): boolean {
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const px = x + dx, py = y + dy
      if (px >= 0 && py >= 0 && px < img.width && py < img.height && pixel(img, px, py)[3] > 0) return true
    }
  }
  return false
}

describe('WMTS 1.0.0', function () {
  this.timeout(60_000)
  let client: Client
  let command: Record<string, string>
  let part: { id: string; lon: number; lat: number }

  before(async () => {
    client = await testClient(await getTestContext())
    command = await loginAs(client, 'command')
    const { rows } = await client.context.knex.raw(
      "SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM component WHERE community_code LIKE '9901%' ORDER BY id LIMIT 1")
    part = { id: String(rows[0].id), lon: Number(rows[0].lon), lat: Number(rows[0].lat) }
  })
  beforeEach(() => imageCache(client.context).clear())

  describe('capabilities', () => {
    it('are the same document by KVP and RESTful, open to anonymous callers, with absolute hrefs of both encodings', async () => {
      const kvp = await client.get(`${KVP}&REQUEST=GetCapabilities`)
      const rest = await client.get(`${REST}/WMTSCapabilities.xml`)
      expect(kvp.statusCode, kvp.body.slice(0, 300)).to.equal(200)
      expect(kvp.headers['content-type']).to.match(/^text\/xml/)
      expect(rest.body).to.equal(kvp.body)
      const root = parse(kvp.body)
      expect(root.name).to.equal('Capabilities')
      expect(root.attrs.version).to.equal('1.0.0')
      const ops = kids(kid(root, 'ows:OperationsMetadata'), 'ows:Operation')
      expect(ops.map((o) => o.attrs.name)).to.deep.equal(['GetCapabilities', 'GetTile', 'GetFeatureInfo'])
      const gets = all(ops[1]!, 'ows:Get')
      expect(gets.map((g) => all(g, 'ows:Value')[0]!.text)).to.deep.equal(['KVP', 'RESTful'])
      expect(gets[0]!.attrs['xlink:href']).to.match(/^http:\/\/[^/]+\/ogc\/wmts\?$/)
    })

    it('list every WMS layer with its styles, WGS84 extent, formats, both matrix sets and RESTful templates', async () => {
      const root = parse((await client.get(`${KVP}&REQUEST=GetCapabilities`)).body)
      const layers = kids(kid(root, 'Contents'), 'Layer')
      const ids = layers.map((l) => kid(l, 'ows:Identifier').text)
      expect(ids).to.include.members(['admin_divisions', 'base_grids', 'components', 'addresses', 'events', 'roads'])
      const wms = parse((await client.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0')).body)
      const wmsNames = all(wms, 'Layer').map((l) => kids(l, 'Name')[0]?.text).filter(Boolean)
      expect(ids).to.have.members(wmsNames as string[])
      const parts = layers.find((l) => kid(l, 'ows:Identifier').text === 'components')!
      const style = kid(parts, 'Style')
      expect(style.attrs.isDefault).to.equal('true')
      expect(kid(style, 'ows:Identifier').text).to.equal('by_state')
      expect(kids(parts, 'Format').map((f) => f.text)).to.deep.equal(['image/png', 'image/jpeg'])
      expect(kids(parts, 'InfoFormat').map((f) => f.text)).to.deep.equal(['application/json', 'text/html', 'text/xml'])
      expect(kids(parts, 'TileMatrixSetLink').map((l) => kid(l, 'TileMatrixSet').text)).to.deep.equal(['GoogleMapsCompatible', 'CGCS2000'])
      const png = kids(parts, 'ResourceURL').find((r) => r.attrs.format === 'image/png')!
      expect(png.attrs.resourceType).to.equal('tile')
      expect(png.attrs.template).to.match(/^http:\/\/[^/]+\/ogc\/wmts\/1\.0\.0\/components\/\{Style\}\/\{TileMatrixSet\}\/\{TileMatrix\}\/\{TileRow\}\/\{TileCol\}\.png$/)
      // the extent of the city's components, read here from the database
      const { rows } = await client.context.knex.raw('SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM component) s')
      const [lx, ly] = kid(kid(parts, 'ows:WGS84BoundingBox'), 'ows:LowerCorner').text.split(' ').map(Number)
      const [ux, uy] = kid(kid(parts, 'ows:WGS84BoundingBox'), 'ows:UpperCorner').text.split(' ').map(Number)
      expect([lx, ly, ux, uy].map((v, i) => Math.abs(v! - Number([rows[0].x0, rows[0].y0, rows[0].x1, rows[0].y1][i]))).every((d) => d < 1e-5)).to.equal(true)
    })

    it('define GoogleMapsCompatible and the tianditu-style CGCS2000 set by the OGC scale rule', async () => {
      const root = parse((await client.get(`${KVP}&REQUEST=GetCapabilities`)).body)
      const sets = kids(kid(root, 'Contents'), 'TileMatrixSet')
      const google = sets.find((s) => kid(s, 'ows:Identifier').text === 'GoogleMapsCompatible')!
      expect(kid(google, 'ows:SupportedCRS').text).to.equal('urn:ogc:def:crs:EPSG::3857')
      expect(kid(google, 'WellKnownScaleSet').text).to.equal('urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible')
      const gm = kids(google, 'TileMatrix')
      expect(gm.map((m) => kid(m, 'ows:Identifier').text)).to.deep.equal(Array.from({ length: 21 }, (_, z) => String(z)))
      // WMTS 1.0.0 annex E.4 prints level 0 as 559082264.0287178
      expect(Number(kid(gm[0]!, 'ScaleDenominator').text)).to.be.closeTo(559082264.0287178, 1e-4)
      for (const [z, m] of gm.entries()) {
        expect(Number(kid(m, 'ScaleDenominator').text), `z${z}`).to.be.closeTo((2 * Math.PI * R) / 256 / 2 ** z / 0.00028, 1e-6)
        expect(Number(kid(m, 'MatrixWidth').text)).to.equal(2 ** z)
        expect(Number(kid(m, 'MatrixHeight').text)).to.equal(2 ** z)
        const [x, y] = kid(m, 'TopLeftCorner').text.split(' ').map(Number)
        expect(x).to.be.closeTo(-Math.PI * R, 1e-6)
        expect(y).to.be.closeTo(Math.PI * R, 1e-6)
      }
      const c = sets.find((s) => kid(s, 'ows:Identifier').text === 'CGCS2000')!
      expect(kid(c, 'ows:SupportedCRS').text).to.equal('urn:ogc:def:crs:EPSG::4490')
      const cm = kids(c, 'TileMatrix')
      expect(cm.map((m) => kid(m, 'ows:Identifier').text)).to.deep.equal(Array.from({ length: 20 }, (_, i) => String(i + 1)))
      // level 1: 0.703125° per pixel; the OGC's 0.28 mm pixel and 2πR/360 m per degree (= GoogleCRS84Quad level 1)
      expect(Number(kid(cm[0]!, 'ScaleDenominator').text)).to.be.closeTo(279541132.0143589, 1e-4)
      for (const [i, m] of cm.entries()) {
        expect(kid(m, 'TopLeftCorner').text, 'latitude first (EPSG axis order of the URN)').to.equal('90 -180')
        expect(Number(kid(m, 'MatrixWidth').text)).to.equal(2 ** (i + 1))
        expect(Number(kid(m, 'MatrixHeight').text)).to.equal(2 ** i)
        const degPerPx = 180 / 2 ** i / 256
        expect(Number(kid(m, 'ScaleDenominator').text)).to.be.closeTo((degPerPx * (2 * Math.PI * R / 360)) / 0.00028, 1e-6)
      }
    })

    it('validate against the OGC WMTS 1.0.0 schema, and so do exception reports against OWS 1.1 (offline copies, xmllint)', async function () {
      const wmtsXsd = path.join(SCHEMAS, 'schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd')
      const owsXsd = path.join(SCHEMAS, 'schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd')
      if (!fs.existsSync('/usr/bin/xmllint') || !fs.existsSync(wmtsXsd)) {
        console.log('      (skipped: needs /usr/bin/xmllint (libxml2-utils) and test/ogc/schemas)')
        return this.skip()
      }
      const caps = await client.get(`${KVP}&REQUEST=GetCapabilities`)
      const fault = await client.get(`${KVP}&REQUEST=GetTile&VERSION=1.0.0&LAYER=nope`, command)
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-wmts-'))
      try {
        for (const [xsd, body] of [[wmtsXsd, caps.body], [owsXsd, fault.body]] as const) {
          const file = path.join(dir, 'doc.xml')
          fs.writeFileSync(file, body)
          try {
            execFileSync('/usr/bin/xmllint', ['--nonet', '--noout', '--schema', xsd, file],
              { env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMAS, 'catalog.xml') }, stdio: 'pipe' })
          } catch (err) {
            throw new Error(`xmllint ${path.basename(xsd)}: ${String((err as { stderr?: Buffer }).stderr ?? err)}`, { cause: err })
          }
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  describe('GetTile', () => {
    const kvpTile = (layer: string, set: string, m: number, row: number, col: number, extra = '') =>
      `${KVP}&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&FORMAT=image/png&TILEMATRIXSET=${set}&TILEMATRIX=${m}&TILEROW=${row}&TILECOL=${col}${extra}`

    it('answers KVP and RESTful with the same PNG bytes, an ETag and 304 on revalidation', async () => {
      const t = xyz(part.lon, part.lat, 14)
      const a = await client.get(kvpTile('base_grids', 'GoogleMapsCompatible', 14, t.y, t.x), command)
      expect(a.statusCode, a.body.slice(0, 300)).to.equal(200)
      expect(a.headers['content-type']).to.equal('image/png')
      expect(a.headers['cache-control']).to.equal('private, max-age=30')
      imageCache(client.context).clear()
      const b = await client.get(googleTileUrl('', 'base_grids', 14, t.x, t.y), command)
      expect(b.statusCode).to.equal(200)
      expect(b.rawPayload.equals(a.rawPayload), 'same bytes').to.equal(true)
      expect(b.headers.etag).to.equal(a.headers.etag)
      const again = await client.get(googleTileUrl('', 'base_grids', 14, t.x, t.y), { ...command, 'if-none-match': String(a.headers.etag) })
      expect(again.statusCode).to.equal(304)
      const img = await decode(a.rawPayload)
      expect([img.width, img.height]).to.deep.equal([256, 256])
      expect(countPainted(img, CLEAR), 'grid lines and fill are drawn on a transparent tile').to.be.above(256 * 10)
    })

    it('draws a component where the slippy-map formula and the tianditu grid put it, and nothing in an empty tile', async () => {
      const t = xyz(part.lon, part.lat, 18)
      const google = await decode((await client.get(kvpTile('components', 'GoogleMapsCompatible', 18, t.y, t.x), command)).rawPayload)
      expect(paintedNear(google, t.px, t.py), `pixel ${t.px},${t.py} of ${t.x}/${t.y}`).to.equal(true)
      const c = cgcs(part.lon, part.lat, 18)
      const geo = await decode((await client.get(kvpTile('components', 'CGCS2000', 18, c.row, c.col), command)).rawPayload)
      expect(paintedNear(geo, c.px, c.py), `pixel ${c.px},${c.py} of ${c.row}/${c.col}`).to.equal(true)
      const empty = await decode((await client.get(kvpTile('components', 'CGCS2000', 18, c.row, c.col + 5000), command)).rawPayload)
      expect(countPainted(empty, CLEAR)).to.equal(0)
    })

    it('has the pixels of a WMS GetMap of the same box and size (3857 and 4490)', async () => {
      const t = xyz(part.lon, part.lat, 15)
      const span = (2 * Math.PI * R) / 2 ** 15
      const [x0, y1] = [-Math.PI * R + t.x * span, Math.PI * R - t.y * span]
      const c = cgcs(part.lon, part.lat, 15)
      const deg = 180 / 2 ** 14
      const [lon0, lat1] = [-180 + c.col * deg, 90 - c.row * deg]
      const cases = [
        { tile: kvpTile('base_grids', 'GoogleMapsCompatible', 15, t.y, t.x), crs: 'EPSG:3857', bbox: [x0, y1 - span, x0 + span, y1] },
        // WMS 1.3.0 with EPSG:4490 takes the box latitude first
        { tile: kvpTile('base_grids', 'CGCS2000', 15, c.row, c.col), crs: 'EPSG:4490', bbox: [lat1 - deg, lon0, lat1, lon0 + deg] },
      ]
      for (const k of cases) {
        imageCache(client.context).clear()
        const tile = await client.get(k.tile, command)
        imageCache(client.context).clear()
        const map = await client.get(`/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&STYLES=&CRS=${k.crs}` +
          `&BBOX=${k.bbox.join(',')}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE`, command)
        expect(map.statusCode, map.body.slice(0, 300)).to.equal(200)
        const [a, b] = [await decode(tile.rawPayload), await decode(map.rawPayload)]
        expect(countPainted(a, CLEAR), k.crs).to.be.above(100)
        expect(diffRatio(a, b, 2), k.crs).to.equal(0)
      }
    })

    it('offers JPEG (opaque) by KVP and by the .jpg template', async () => {
      const t = xyz(part.lon, part.lat, 14)
      const kvp = await client.get(kvpTile('base_grids', 'GoogleMapsCompatible', 14, t.y, t.x).replace('image/png', 'image/jpeg'), command)
      expect(kvp.headers['content-type']).to.equal('image/jpeg')
      const rest = await client.get(googleTileUrl('', 'base_grids', 14, t.x, t.y, 'default', 'jpg'), command)
      expect(rest.rawPayload.equals(kvp.rawPayload)).to.equal(true)
      expect(pixel(await decode(rest.rawPayload), 0, 0)[3]).to.equal(255)
    })

    it('keeps a tile in the WMS image cache scoped to its layer and lon/lat box, for change notifications', async () => {
      const t = xyz(part.lon, part.lat, 16)
      await client.get(kvpTile('components', 'GoogleMapsCompatible', 16, t.y, t.x), command)
      const cache = imageCache(client.context)
      expect(cache.size).to.equal(1)
      const far: [number, number, number, number] = [part.lon + 1, part.lat + 1, part.lon + 1.001, part.lat + 1.001]
      const here: [number, number, number, number] = [part.lon - 1e-6, part.lat - 1e-6, part.lon + 1e-6, part.lat + 1e-6]
      expect(cache.invalidate('components', far)).to.equal(0)
      expect(cache.invalidate('base_grids', here)).to.equal(0)
      expect(cache.invalidate('components', here)).to.equal(1)
      // the same through the change notifications that keep the vector tiles true (a write to table component)
      await client.get(kvpTile('components', 'CGCS2000', 16, cgcs(part.lon, part.lat, 16).row, cgcs(part.lon, part.lat, 16).col), command)
      expect(cache.size).to.equal(1)
      announceChange('component', far)
      expect(cache.size).to.equal(1)
      announceChange('component', here)
      expect(cache.size).to.equal(0)
    })

    it('never caches a live layer (inspectors) and answers it no-store', async () => {
      const t = xyz(part.lon, part.lat, 14)
      const res = await client.get(kvpTile('inspectors', 'GoogleMapsCompatible', 14, t.y, t.x), command)
      expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
      expect(res.headers['cache-control']).to.equal('no-store')
      expect(imageCache(client.context).size).to.equal(0)
    })
  })

  describe('GetFeatureInfo', () => {
    const info = (set: string, m: number, row: number, col: number, i: number, j: number, format = 'application/json') =>
      `${KVP}&REQUEST=GetFeatureInfo&VERSION=1.0.0&LAYER=components&STYLE=default&FORMAT=image/png&TILEMATRIXSET=${set}` +
      `&TILEMATRIX=${m}&TILEROW=${row}&TILECOL=${col}&I=${i}&J=${j}&INFOFORMAT=${format}`

    it('reports the component at the pixel where the tile formulas put it, in both matrix sets', async () => {
      const t = xyz(part.lon, part.lat, 18)
      const c = cgcs(part.lon, part.lat, 18)
      for (const url of [info('GoogleMapsCompatible', 18, t.y, t.x, t.px, t.py), info('CGCS2000', 18, c.row, c.col, c.px, c.py)]) {
        const res = await client.get(url, command)
        expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
        expect(res.headers['content-type']).to.match(/^application\/json/)
        expect(res.json().features.map((f: { id: string }) => f.id), url).to.include(`components.${part.id}`)
      }
      // a pixel at the far side of an empty tile reports nothing
      const empty = await client.get(info('CGCS2000', 18, c.row, c.col + 5000, 128, 128), command)
      expect(empty.json().features).to.deep.equal([])
      const html = await client.get(info('GoogleMapsCompatible', 18, t.y, t.x, t.px, t.py, 'text/html'), command)
      expect(html.headers['content-type']).to.match(/^text\/html/)
      expect(html.body).to.contain(part.id)
    })

    it('refuses a pixel outside the tile, an unknown INFOFORMAT and a missing I', async () => {
      const t = xyz(part.lon, part.lat, 18)
      expectException(await client.get(info('GoogleMapsCompatible', 18, t.y, t.x, 256, 0), command), 400, 'PointIJOutOfRange', 'i')
      expectException(await client.get(info('GoogleMapsCompatible', 18, t.y, t.x, 0, 300), command), 400, 'PointIJOutOfRange', 'j')
      expectException(await client.get(info('GoogleMapsCompatible', 18, t.y, t.x, 0, 0, 'text/plain'), command), 400, 'InvalidParameterValue', 'infoformat')
      expectException(await client.get(info('GoogleMapsCompatible', 18, t.y, t.x, 0, 0).replace(/&I=\d+/, ''), command), 400, 'MissingParameterValue', 'i')
      expectException(await client.get(info('GoogleMapsCompatible', 18, 1 << 18, t.x, 0, 0), command), 400, 'TileOutOfRange', 'tilerow')
    })
  })

  describe('extra (raster) layers registered with the WMS', () => {
    const NAME = 'wmts_test_raster'
    let box: [number, number, number, number]
    before(() => {
      box = [part.lon - 0.01, part.lat - 0.01, part.lon + 0.01, part.lat + 0.01]
      registerLayerSource({ id: 'wmts-test', layers: async () => [{
        name: NAME, title: '测试影像', abstract: 'test', bbox: box, version: '1',
        // opaque red wherever asked: the tile shows whether WMTS drew this layer
        draw: async (area) => new Uint8ClampedArray(area.width * area.height * 4).map((_, i) => (i % 4 === 1 || i % 4 === 2 ? 0 : 255)),
      }] })
    })
    after(() => registerLayerSource({ id: 'wmts-test', layers: async () => [] }))

    it('are listed with their extent and one default style, drawn as tiles, and not queryable', async () => {
      const root = parse((await client.get(`${KVP}&REQUEST=GetCapabilities`)).body)
      const layer = kids(kid(root, 'Contents'), 'Layer').find((l) => kid(l, 'ows:Identifier').text === NAME)!
      expect(kid(kid(layer, 'ows:WGS84BoundingBox'), 'ows:LowerCorner').text.split(' ').map(Number)[0]).to.be.closeTo(box[0], 1e-7)
      expect(kids(layer, 'Style').map((s) => kid(s, 'ows:Identifier').text)).to.deep.equal(['default'])
      expect(kids(layer, 'InfoFormat')).to.deep.equal([])
      const t = xyz(part.lon, part.lat, 15)
      const res = await client.get(googleTileUrl('', NAME, 15, t.x, t.y), command)
      expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
      expect(pixel(await decode(res.rawPayload), 128, 128)).to.deep.equal([255, 0, 0, 255])
      expectException(await client.get(`${KVP}&REQUEST=GetFeatureInfo&VERSION=1.0.0&LAYER=${NAME}&STYLE=default&TILEMATRIXSET=GoogleMapsCompatible` +
        `&TILEMATRIX=15&TILEROW=${t.y}&TILECOL=${t.x}&I=1&J=1&INFOFORMAT=application/json`, command), 400, 'InvalidParameterValue', 'layer')
      expectException(await client.get(googleTileUrl('', NAME, 15, t.x, t.y, 'by_state'), command), 400, 'InvalidParameterValue', 'style')
    })
  })

  describe('refusals (OWS 1.1 ExceptionReport, version 1.0.0)', () => {
    const tile = (p: Record<string, string>) => {
      const all = { SERVICE: 'WMTS', REQUEST: 'GetTile', VERSION: '1.0.0', LAYER: 'base_grids', STYLE: 'default', FORMAT: 'image/png',
        TILEMATRIXSET: 'GoogleMapsCompatible', TILEMATRIX: '3', TILEROW: '2', TILECOL: '6', ...p }
      return `/ogc/wmts?${Object.entries(all).filter(([, v]) => v !== '-').map(([k, v]) => `${k}=${v}`).join('&')}`
    }

    it('names the code and the parameter of each fault', async () => {
      const cases: [string, string, string][] = [
        [tile({ TILEROW: '8' }), 'TileOutOfRange', 'tilerow'],
        [tile({ TILECOL: '8' }), 'TileOutOfRange', 'tilecol'],
        [tile({ TILEMATRIXSET: 'CGCS2000', TILEMATRIX: '3', TILEROW: '4', TILECOL: '0' }), 'TileOutOfRange', 'tilerow'],
        [tile({ TILEMATRIX: '21' }), 'InvalidParameterValue', 'tilematrix'],
        [tile({ TILEMATRIXSET: 'CGCS2000', TILEMATRIX: '0' }), 'InvalidParameterValue', 'tilematrix'],
        [tile({ TILEROW: '-1' }), 'InvalidParameterValue', 'tilerow'],
        [tile({ TILECOL: '1e3' }), 'InvalidParameterValue', 'tilecol'],
        [tile({ LAYER: 'nope' }), 'InvalidParameterValue', 'layer'],
        [tile({ STYLE: 'nope' }), 'InvalidParameterValue', 'style'],
        [tile({ FORMAT: 'image/gif' }), 'InvalidParameterValue', 'format'],
        [tile({ TILEMATRIXSET: 'EPSG:4326' }), 'InvalidParameterValue', 'tilematrixset'],
        [tile({ TILEROW: '-' }), 'MissingParameterValue', 'tilerow'],
        [tile({ LAYER: '-' }), 'MissingParameterValue', 'layer'],
        [tile({ VERSION: '-' }), 'MissingParameterValue', 'version'],
        [tile({ VERSION: '2.0.0' }), 'InvalidParameterValue', 'version'],
        [tile({ SERVICE: '-' }), 'MissingParameterValue', 'service'],
        [tile({ SERVICE: 'WMS' }), 'InvalidParameterValue', 'service'],
        [tile({ REQUEST: 'GetFeature' }), 'OperationNotSupported', 'request'],
        [`${KVP}&REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.0`, 'VersionNegotiationFailed', 'acceptversions'],
        [`${REST}/base_grids/default/GoogleMapsCompatible/3/2/6.gif`, 'InvalidParameterValue', 'format'],
        [`${REST}/base_grids/default/GoogleMapsCompatible/3/9/6.png`, 'TileOutOfRange', 'tilerow'],
        [`${REST}/nope/default/GoogleMapsCompatible/3/2/6.png`, 'InvalidParameterValue', 'layer'],
      ]
      for (const [url, code, locator] of cases) {
        const res = await client.get(url, command)
        expectException(res, 400, code, locator)
        const root = parse(res.body)
        expect(root.attrs.version, url).to.equal('1.0.0')
        expect(root.attrs['xmlns:ows'], url).to.equal('http://www.opengis.net/ows/1.1')
      }
    })

    it('asks anonymous callers of GetTile for credentials', async () => {
      const res = await client.get(tile({}))
      expectException(res, 401, 'NoApplicableCode')
      expect(res.headers['www-authenticate']).to.match(/^Basic /)
    })
  })
})
