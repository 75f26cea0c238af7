// The WMTS through real clients over a real port: OWSLib's WebMapTileService (Debian's
// python3-owslib in /usr/bin/python3) reads the capabilities and fetches tiles by KVP and by the
// RESTful template; GDAL's WMTS driver (gdalinfo, gdal_translate; it follows the ResourceURL
// template and answers the 401 challenge with GDAL_HTTP_USERPWD) reads both matrix sets, and a
// window it cuts at a tile's exact box has the pixels of that tile.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { createApp } from '../../server/app.ts'
import { getTestContext } from '../support/db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { countPainted, decode, diffRatio, gridExtent } from './wms-support.ts'

const run = promisify(execFile)
const GDAL_TRANSLATE = '/usr/bin/gdal_translate'
const GDALINFO = '/usr/bin/gdalinfo'
const PYTHON = '/usr/bin/python3'
const R = 6378137
const AUTH = { authorization: `Basic ${Buffer.from(`command:${DEMO_PASSWORD}`).toString('base64')}` }

function hasOwsLib(): boolean {
  try {
    return fs.existsSync(PYTHON) && fs.readdirSync('/usr/lib/python3/dist-packages').includes('owslib')
  } catch {
    return false
  }
}

describe('WMTS through real clients', function () {
  this.timeout(180_000)
  let server: http.Server
  let origin: string
  let base: string
  let city: [number, number, number, number]
  let centre: [number, number]
  let tmp: string

  before(async () => {
    const context = await getTestContext()
    city = await gridExtent(context.knex, '9901')
    centre = [(city[0] + city[2]) / 2, (city[1] + city[3]) / 2]
    server = http.createServer(createApp(context).callback())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    base = `${origin}/ogc/wmts`
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-wmts-'))
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  /** The XYZ tile (z) holding the city's centre. */
  const centreTile = (z: number) => {
    const n = 2 ** z, phi = (centre[1] * Math.PI) / 180
    return { x: Math.floor(((centre[0] + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n) }
  }
  const fetchTile = async (url: string) => {
    const res = await fetch(url, { headers: AUTH })
    expect(res.status, url).to.equal(200)
    return Buffer.from(await res.arrayBuffer())
  }

  describe('OWSLib', () => {
    before(function () {
      if (!hasOwsLib()) {
        console.log('      (skipped: python3-owslib is not installed in /usr/bin/python3; apt-get install python3-owslib)')
        this.skip()
      }
    })

    const script = `
import json, sys
from owslib.wmts import WebMapTileService
url, password, out_kvp, row, col = sys.argv[1:6]
wmts = WebMapTileService(url, username='command', password=password)
layer = wmts['base_grids']
tms = wmts.tilematrixsets
tile = wmts.gettile(layer='base_grids', tilematrixset='GoogleMapsCompatible', tilematrix='15', row=int(row), column=int(col), format='image/png')
open(out_kvp, 'wb').write(tile.read())
print(json.dumps({
  'version': wmts.version, 'title': wmts.identification.title, 'type': wmts.identification.type,
  'layers': list(wmts.contents), 'sets': sorted(tms.keys()),
  'crs': {k: v.crs for k, v in tms.items()},
  'c1': [tms['CGCS2000'].tilematrix['1'].topleftcorner, tms['CGCS2000'].tilematrix['1'].matrixwidth, tms['CGCS2000'].tilematrix['1'].matrixheight,
         tms['CGCS2000'].tilematrix['1'].scaledenominator],
  'g0': [tms['GoogleMapsCompatible'].tilematrix['0'].topleftcorner, tms['GoogleMapsCompatible'].tilematrix['0'].scaledenominator],
  'links': sorted(layer.tilematrixsetlinks.keys()), 'styles': list(layer.styles.keys()), 'formats': layer.formats,
  'wgs84': layer.boundingBoxWGS84, 'restonly': wmts.restonly,
  'rest': wmts.buildTileResource(layer='base_grids', tilematrixset='GoogleMapsCompatible', tilematrix='15', row=int(row), column=int(col)),
  'operations': [op.name for op in wmts.operations],
}))
`
    it('reads the capabilities, the matrix sets and the layers, and fetches a tile by KVP that equals the RESTful one', async () => {
      const t = centreTile(15)
      const out = path.join(tmp, 'owslib.png')
      const { stdout } = await run(PYTHON, ['-c', script, base, DEMO_PASSWORD, out, String(t.y), String(t.x)])
      const r = JSON.parse(stdout)
      expect(r.version).to.equal('1.0.0')
      expect(r.type).to.equal('OGC WMTS')
      expect(r.title).to.contain('gridgov')
      expect(r.layers).to.include.members(['admin_divisions', 'base_grids', 'components', 'addresses'])
      expect(r.sets).to.deep.equal(['CGCS2000', 'GoogleMapsCompatible'])
      expect(r.crs).to.deep.equal({ CGCS2000: 'urn:ogc:def:crs:EPSG::4490', GoogleMapsCompatible: 'urn:ogc:def:crs:EPSG::3857' })
      // OWSLib keeps TopLeftCorner as written: latitude first for the URN of EPSG:4490
      expect(r.c1).to.deep.equal([[90, -180], 2, 1, 279541132.0143589])
      expect(r.g0[0][0]).to.be.closeTo(-Math.PI * R, 1e-6)
      expect(r.g0[1]).to.be.closeTo(559082264.0287178, 1e-6)
      expect(r.links).to.deep.equal(['CGCS2000', 'GoogleMapsCompatible'])
      expect(r.styles).to.deep.equal(['default'])
      expect(r.formats).to.deep.equal(['image/png', 'image/jpeg'])
      expect(r.wgs84[0]).to.be.closeTo(city[0], 0.01)
      expect(r.wgs84[3]).to.be.closeTo(city[3], 0.01)
      expect(r.restonly).to.equal(false)
      expect(r.operations).to.include.members(['GetCapabilities', 'GetTile'])
      // OWSLib picks one of the layer's ResourceURLs at random, whatever the format
      expect(r.rest).to.match(new RegExp(`^${base}/1\\.0\\.0/base_grids/default/GoogleMapsCompatible/15/${t.y}/${t.x}\\.(png|jpg)$`))
      const kvp = fs.readFileSync(out)
      const img = await decode(kvp)
      expect([img.width, img.height]).to.deep.equal([256, 256])
      expect(countPainted(img, [0, 0, 0, 0])).to.be.above(256 * 10)
      expect((await fetchTile(r.rest.replace(/\.jpg$/, '.png'))).equals(kvp), 'KVP and RESTful tiles are the same bytes').to.equal(true)
    })
  })

  describe('GDAL', () => {
    before(function () {
      if (!fs.existsSync(GDAL_TRANSLATE) || !fs.existsSync(GDALINFO)) {
        console.log('      (skipped: gdal-bin is not installed; apt-get install gdal-bin)')
        this.skip()
      }
    })
    const env = () => ({ ...process.env, GDAL_HTTP_USERPWD: `command:${DEMO_PASSWORD}`, GDAL_HTTP_AUTH: 'BASIC', CPL_DEBUG: 'OFF',
      GDAL_DEFAULT_WMS_CACHE_PATH: path.join(tmp, 'gdalcache') })
    const caps = () => `WMTS:${base}?SERVICE=WMTS&REQUEST=GetCapabilities`

    it('gdalinfo lists each layer in both matrix sets and reads the CGCS2000 set with its grid and CRS', async () => {
      const { stdout } = await run(GDALINFO, [caps()], { env: env() })
      expect(stdout).to.contain('Driver: WMTS')
      for (const id of ['admin_divisions', 'base_grids', 'components']) {
        for (const set of ['GoogleMapsCompatible', 'CGCS2000']) expect(stdout).to.match(new RegExp(`SUBDATASET_\\d+_NAME=WMTS:.*layer=${id},tilematrixset=${set}`))
      }
      const info = JSON.parse((await run(GDALINFO, ['-json', `${caps()},layer=base_grids,tilematrixset=CGCS2000,tilematrix=16`], { env: env() })).stdout)
      expect(info.coordinateSystem.wkt).to.match(/CGCS2000|China Geodetic Coordinate System 2000/)
      expect(info.coordinateSystem.wkt).to.contain('ID["EPSG",4490]')
      // level 16: 180° / 2^15 per tile of 256 px
      const res = 180 / 2 ** 15 / 256
      expect(info.geoTransform[1]).to.be.closeTo(res, 1e-12)
      expect(info.geoTransform[5]).to.be.closeTo(-res, 1e-12)
      // the raster is cut to the layer's extent on the tile grid (origin -180, 90)
      expect(Math.abs((info.geoTransform[0] + 180) / res - Math.round((info.geoTransform[0] + 180) / res))).to.be.below(1e-6)
      const [west, north] = [info.geoTransform[0], info.geoTransform[3]]
      expect(west).to.be.within(city[0] - 180 / 2 ** 15, city[0] + 1e-9)
      expect(north).to.be.within(city[3] - 1e-9, city[3] + 180 / 2 ** 15)
    })

    it('gdallocationinfo asks GetFeatureInfo at a component and gets it back', async () => {
      const { rows } = await (await getTestContext()).knex.raw(
        "SELECT id, ST_X(geom) lon, ST_Y(geom) lat FROM component WHERE community_code LIKE '9901%' ORDER BY id LIMIT 1")
      const { stdout } = await run('/usr/bin/gdallocationinfo', ['-xml', '-wgs84',
        `${caps()},layer=components,tilematrixset=GoogleMapsCompatible,tilematrix=18`, String(rows[0].lon), String(rows[0].lat)], { env: env() })
      expect(stdout).to.contain('<LocationInfo>')
      expect(stdout).to.contain(`components.${rows[0].id}`)
    })

    for (const set of ['GoogleMapsCompatible', 'CGCS2000'] as const) {
      it(`gdal_translate of one ${set} tile's box gives that tile's pixels`, async () => {
        let projwin: number[], tileUrl: string
        if (set === 'GoogleMapsCompatible') {
          const t = centreTile(15), span = (2 * Math.PI * R) / 2 ** 15
          const x0 = -Math.PI * R + t.x * span, y1 = Math.PI * R - t.y * span
          projwin = [x0, y1, x0 + span, y1 - span]
          tileUrl = `${base}/1.0.0/base_grids/default/GoogleMapsCompatible/15/${t.y}/${t.x}.png`
        } else {
          const span = 180 / 2 ** 14
          const col = Math.floor((centre[0] + 180) / span), row = Math.floor((90 - centre[1]) / span)
          projwin = [-180 + col * span, 90 - row * span, -180 + (col + 1) * span, 90 - (row + 1) * span]
          tileUrl = `${base}/1.0.0/base_grids/default/CGCS2000/15/${row}/${col}.png`
        }
        const out = path.join(tmp, `gdal-${set}.png`)
        await run(GDAL_TRANSLATE, ['-q', '-of', 'PNG', '-projwin', ...projwin.map(String), '-outsize', '256', '256',
          `${caps()},layer=base_grids,tilematrixset=${set},tilematrix=15`, out], { env: env() })
        const got = await decode(fs.readFileSync(out))
        const tile = await decode(await fetchTile(tileUrl))
        expect(countPainted(tile, [0, 0, 0, 0])).to.be.above(256 * 10)
        expect(diffRatio(got, tile, 8), 'GDAL placed the tile where it belongs').to.be.below(0.002)
      })
    }
  })
})
