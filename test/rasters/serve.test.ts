// Serving imported rasters: WMS GetMap against GDAL's own warp of the same window, the raster
// tile against WMS of its box, capabilities, drawing order under vector layers, DEM grey and
// hillshade values against gdallocationinfo / gdaldem, and the tile's HTTP caching.
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { imageCache } from '../../server/ogc/wms/getMap.ts'
import { latToTileY, lonToTileX } from '../../tiles/tilemath.ts'
import { decode, diffRatio, gridExtent, pixel, type Pixels } from '../ogc/wms-support.ts'
import { demAsc, gdal, gdalWindow, hasGdal, patternAt, rgbTiff, scratchDir, upload, valueAt } from './support.ts'

type Box = [number, number, number, number]
const R = 6378137
const merc = (lon: number, lat: number) => [R * lon * Math.PI / 180, R * Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360))] as const

describe('rasters: serving through WMS and raster tiles', function () {
  this.timeout(120_000)
  let client: Client
  let analyst: Record<string, string>
  let street1: Record<string, string>
  let dir: string
  let rgb: string, gk: string, demTif: string
  let ul: [number, number]

  before(async function () {
    if (!hasGdal()) this.skip() // CI installs gdal-bin
    client = await testClient(await getTestContext())
    analyst = await loginAs(client, 'analyst')
    street1 = await loginAs(client, 'street1')
    dir = scratchDir()
    // over the demo city, so vector layers and the raster overlap
    const city = await gridExtent(client.context.knex, '9901')
    ul = [Number(((city[0] + city[2]) / 2 - 0.0128).toFixed(4)), Number(((city[1] + city[3]) / 2 + 0.0096).toFixed(4))]
    rgb = rgbTiff(dir, 'rgb', 'EPSG:4490', ul[0], ul[1], 0.0001)
    gk = rgbTiff(dir, 'gk', 'EPSG:4547', 520000, 3390000, 10)
    demTif = path.join(dir, 'dem.tif')
    gdal('gdal_translate', ['-q', '-a_srs', 'EPSG:4547', demAsc(dir, 'dem', 520000, 3385000), demTif])
    for (const [name, kind, file] of [['srv-ortho', 'ortho', rgb], ['srv-gk', 'ortho', gk], ['srv-dem', 'dem', demTif]] as const) {
      const res = await upload(client, analyst, `name=${name}&kind=${kind}`, fs.readFileSync(file))
      expect(res.statusCode, res.body).to.equal(201)
    }
  })
  beforeEach(() => client && imageCache(client.context).clear())
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

  const wms = async (params: Record<string, string | number>, auth = street1): Promise<Pixels> => {
    const all = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', STYLES: '', FORMAT: 'image/png', TRANSPARENT: 'TRUE', ...params }
    const res = await client.get(`/ogc/wms?${Object.entries(all).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`, auth)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    expect(res.headers['content-type']).to.equal('image/png')
    return decode(res.rawPayload)
  }
  /** Share of pixels where a channel differs by more than 24 between ours and GDAL's (RGBA). */
  const againstGdal = async (ours: Pixels, source: string, srs: string, te: Box) => diffRatio(ours, await decode(gdalWindow(dir, source, srs, te, [ours.width, ours.height])), 24)

  it('GetMap in EPSG:4490 (1.3.0, lat,lon) gives the pattern at known pixels and matches gdalwarp of the window', async () => {
    // an inner window: 0.02° × 0.015° from 0.003° inside the corner, 200×150 px (1 px = 0.0001° = 1 source pixel)
    const te: Box = [ul[0] + 0.003, ul[1] - 0.018, ul[0] + 0.023, ul[1] - 0.003]
    const img = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:4490', BBOX: `${te[1]},${te[0]},${te[3]},${te[2]}`, WIDTH: 200, HEIGHT: 150 })
    // output pixel (i,j) is source pixel (i+30, j+30): its colour is known
    for (const [i, j] of [[10, 10], [150, 20], [40, 120], [190, 140], [90, 60]] as const) {
      const [r, g, b, a] = pixel(img, i, j)
      const [er, eg, eb] = patternAt(i + 30, j + 30)
      expect(a, `alpha at ${i},${j}`).to.equal(255)
      expect(Math.abs(r - er), `red at ${i},${j}`).to.be.at.most(3)
      expect(Math.abs(g - eg), `green at ${i},${j}`).to.be.at.most(3)
      expect(b, `blue at ${i},${j}`).to.be.closeTo(eb, 3)
    }
    expect(await againstGdal(img, rgb, 'EPSG:4490', te)).to.be.below(0.03)
  })

  it('GetMap in EPSG:3857 matches gdalwarp, and CRS:84 equals EPSG:4490 lat,lon', async () => {
    const [x0, y0] = merc(ul[0] + 0.002, ul[1] - 0.017), [x1, y1] = merc(ul[0] + 0.02, ul[1] - 0.002)
    const img = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:3857', BBOX: `${x0},${y0},${x1},${y1}`, WIDTH: 180, HEIGHT: 170 })
    expect(await againstGdal(img, rgb, 'EPSG:3857', [x0, y0, x1, y1])).to.be.below(0.03)
    const b: Box = [ul[0] + 0.001, ul[1] - 0.01, ul[0] + 0.011, ul[1] - 0.001]
    const a84 = await wms({ LAYERS: 'srv-ortho', CRS: 'CRS:84', BBOX: b.join(','), WIDTH: 64, HEIGHT: 64 })
    const a4490 = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:4490', BBOX: `${b[1]},${b[0]},${b[3]},${b[2]}`, WIDTH: 64, HEIGHT: 64 })
    expect(diffRatio(a84, a4490, 0)).to.equal(0)
    // the whole raster in 48×36 px: drawn from an overview, still like GDAL's warp of the source
    const [wx0, wy0] = merc(ul[0] - 0.001, ul[1] - 0.0202), [wx1, wy1] = merc(ul[0] + 0.0266, ul[1] + 0.001)
    const small = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:3857', BBOX: `${wx0},${wy0},${wx1},${wy1}`, WIDTH: 48, HEIGHT: 36 })
    const theirs = await decode(gdalWindow(dir, rgb, 'EPSG:3857', [wx0, wy0, wx1, wy1], [48, 36]))
    // kernels differ at the checker's and the raster's edges; the ramps (position) must agree where both are opaque
    let sum = 0, n = 0
    for (let k = 0; k < 48 * 36 * 4; k += 4) {
      if (small.data[k + 3] !== 255 || theirs.data[k + 3] !== 255) continue
      sum += Math.abs(small.data[k]! - theirs.data[k]!) + Math.abs(small.data[k + 1]! - theirs.data[k + 1]!)
      n += 2
    }
    expect(n).to.be.above(48 * 36 * 1.5)
    expect(sum / n).to.be.below(3)
  })

  it('a raster in CGCS2000 Gauss-Krüger (EPSG:4547) is drawn in EPSG:4547 (1.1.1) and EPSG:4490 like gdalwarp', async () => {
    const te: Box = [520300, 3388400, 522200, 3389700]
    const native = await wms({ VERSION: '1.1.1', SRS: 'EPSG:4547', LAYERS: 'srv-gk', BBOX: te.join(','), WIDTH: 190, HEIGHT: 130 })
    expect(await againstGdal(native, gk, 'EPSG:4547', te)).to.be.below(0.03)
    const [r, g] = pixel(native, 95, 65) // source pixel (30 + 95, 60 + 65)
    expect(r).to.be.closeTo(patternAt(125, 95)[0], 3)
    expect(g).to.be.closeTo(patternAt(125, 95)[1], 3)
    const geo: Box = [114.212, 30.615, 114.23, 30.628]
    const img = await wms({ LAYERS: 'srv-gk', CRS: 'EPSG:4490', BBOX: `${geo[1]},${geo[0]},${geo[3]},${geo[2]}`, WIDTH: 180, HEIGHT: 130 })
    expect(await againstGdal(img, gk, 'EPSG:4490', geo)).to.be.below(0.03)
  })

  it('a raster tile equals WMS GetMap of the same box (TRANSPARENT), with an ETag and 304', async () => {
    const z = 15, x = Math.floor(lonToTileX(ul[0] + 0.0128, z)), y = Math.floor(latToTileY(ul[1] - 0.0096, z))
    const res = await client.get(`/tiles/raster/srv-ortho/${z}/${x}/${y}.png`, street1)
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.equal('image/png')
    expect(res.headers['cache-control']).to.equal('private, max-age=300')
    const size = 2 * Math.PI * R / 2 ** z
    const bbox = [-Math.PI * R + x * size, Math.PI * R - (y + 1) * size, -Math.PI * R + (x + 1) * size, Math.PI * R - y * size]
    const viaWms = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:3857', BBOX: bbox.join(','), WIDTH: 256, HEIGHT: 256 })
    const tile = await decode(res.rawPayload)
    expect(diffRatio(tile, viaWms, 0)).to.equal(0)
    expect(pixel(tile, 128, 128)[3]).to.equal(255)
    const again = await client.get(`/tiles/raster/srv-ortho/${z}/${x}/${y}.png`, { ...street1, 'if-none-match': String(res.headers.etag) })
    expect(again.statusCode).to.equal(304)
    expect((await client.get(`/tiles/raster/srv-ortho/${z}/${x}/${y}.png`)).statusCode).to.equal(401)
    expect((await client.get(`/tiles/raster/nothing/${z}/${x}/${y}.png`, street1)).json().code).to.equal('rasters.not_found')
    expect((await client.get('/tiles/raster/srv-ortho/3/9/0.png', street1)).statusCode).to.equal(400)
  })

  it('WMTS (built on the WMS drawing path) serves the raster: its GoogleMapsCompatible tile has the raster tile\'s pixels', async () => {
    const z = 15, x = Math.floor(lonToTileX(ul[0] + 0.0128, z)), y = Math.floor(latToTileY(ul[1] - 0.0096, z))
    const res = await client.get(`/ogc/wmts/1.0.0/srv-ortho/default/GoogleMapsCompatible/${z}/${y}/${x}.png`, street1)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const wmts = await decode(res.rawPayload)
    const tile = await decode((await client.get(`/tiles/raster/srv-ortho/${z}/${x}/${y}.png`, street1)).rawPayload)
    let compared = 0
    for (let k = 0; k < 256 * 256 * 4; k += 4) {
      if (tile.data[k + 3] !== 255) continue // outside the raster WMTS may paint a background
      compared++
      for (let c = 0; c < 3; c++) expect(Math.abs(wmts.data[k + c]! - tile.data[k + c]!)).to.be.at.most(1)
    }
    expect(compared).to.be.above(256 * 256 * 0.5)
  })

  it('capabilities list the raster layers with their extent; GetFeatureInfo calls them not queryable', async () => {
    const caps = (await client.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities')).body
    const layer = /<Layer queryable="0" opaque="0"><Name>srv-ortho<\/Name>[\s\S]*?<\/Layer>/.exec(caps)?.[0]
    expect(layer).to.be.a('string')
    expect(layer).to.contain(`<westBoundLongitude>${ul[0]}</westBoundLongitude>`)
    expect(layer).to.match(/<BoundingBox CRS="EPSG:3857"/)
    expect(caps).to.contain('<Name>srv-dem-hillshade</Name>')
    const info = await client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=srv-ortho&QUERY_LAYERS=srv-ortho&STYLES=&CRS=EPSG:4490' +
      `&BBOX=${ul[1] - 0.01},${ul[0]},${ul[1]},${ul[0] + 0.01}&WIDTH=10&HEIGHT=10&I=5&J=5&INFO_FORMAT=application/json`, street1)
    expect(info.body).to.contain('LayerNotQueryable')
  })

  it('raster layers are drawn under vector layers whatever their place in LAYERS', async () => {
    const city = await gridExtent(client.context.knex, '9901')
    const bbox = `${city[1]},${city[0]},${city[3]},${city[2]}`
    const under = await wms({ LAYERS: 'srv-ortho,base_grids', CRS: 'EPSG:4490', BBOX: bbox, WIDTH: 200, HEIGHT: 200 })
    const named = await wms({ LAYERS: 'base_grids,srv-ortho', CRS: 'EPSG:4490', BBOX: bbox, WIDTH: 200, HEIGHT: 200 })
    const alone = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:4490', BBOX: bbox, WIDTH: 200, HEIGHT: 200 })
    expect(diffRatio(under, named, 0)).to.equal(0)
    expect(diffRatio(under, alone, 8)).to.be.above(0.01) // the grids are drawn over it
  })

  it('DEM grey and hillshade at a pixel agree with gdallocationinfo and gdaldem', async () => {
    const hs = path.join(dir, 'hs.tif')
    gdal('gdaldem', ['hillshade', '-q', '-compute_edges', demTif, hs])
    const mm = JSON.parse(gdal('gdalinfo', ['-json', '-mm', demTif])).bands[0]
    for (const [col, row] of [[30, 30], [12, 45], [50, 8]] as const) {
      // the DEM pixel's own square in EPSG:4547 (x,y in 1.1.1), drawn as one pixel
      const x = 520000 + (col + 0.5) * 30, y = 3385000 + (60 - row - 0.5) * 30
      const one = (layers: string) => wms({ VERSION: '1.1.1', SRS: 'EPSG:4547', LAYERS: layers, BBOX: [x - 15, y - 15, x + 15, y + 15].join(','), WIDTH: 1, HEIGHT: 1 })
      const shade = pixel(await one('srv-dem-hillshade'), 0, 0)
      expect(shade[0], `hillshade at ${col},${row}`).to.be.closeTo(valueAt(hs, col, row), 8)
      const grey = pixel(await one('srv-dem'), 0, 0)
      const expected = ((valueAt(demTif, col, row) - mm.computedMin) / (mm.computedMax - mm.computedMin)) * 255
      expect(grey[0], `DEM grey at ${col},${row}`).to.be.closeTo(expected, 4)
    }
  })

  it('serving needs no GDAL: with no gdal-bin on the PATH, GetMap and tiles still draw', async () => {
    const path0 = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const img = await wms({ LAYERS: 'srv-ortho', CRS: 'EPSG:4490', BBOX: `${ul[1] - 0.01},${ul[0]},${ul[1]},${ul[0] + 0.01}`, WIDTH: 100, HEIGHT: 100 })
      expect(pixel(img, 50, 50)[3]).to.equal(255)
      const [r, g] = pixel(img, 50, 50)
      expect(r).to.be.closeTo(patternAt(50, 50)[0], 3)
      expect(g).to.be.closeTo(patternAt(50, 50)[1], 3)
    } finally {
      process.env.PATH = path0
    }
  })

  it('a deleted raster is gone from WMS at once (LayerNotDefined)', async () => {
    const res = await upload(client, analyst, 'name=srv-gone&kind=ortho', fs.readFileSync(rgb))
    expect(res.statusCode).to.equal(201)
    const q = `/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=srv-gone&STYLES=&CRS=EPSG:4490&BBOX=${ul[1] - 0.01},${ul[0]},${ul[1]},${ul[0] + 0.01}&WIDTH=8&HEIGHT=8&FORMAT=image/png`
    expect((await client.get(q, street1)).statusCode).to.equal(200)
    expect((await client.request({ method: 'DELETE', url: '/api/v1/rasters/srv-gone', headers: analyst })).statusCode).to.equal(204)
    expect((await client.get(q, street1)).body).to.contain('LayerNotDefined')
  })
})
