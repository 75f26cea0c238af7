// The WMS through real clients over a real port: GDAL (gdalinfo, gdal_translate; the WMS driver
// asks 1.1.1 and answers the 401 challenge with GDAL_HTTP_USERPWD) and OWSLib (Debian's
// python3-owslib in /usr/bin/python3, which builds requests from the capabilities' hrefs).
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
import { countPainted, decode, diffRatio, gridExtent, WHITE } from './wms-support.ts'

const run = promisify(execFile)
const GDAL_TRANSLATE = '/usr/bin/gdal_translate'
const GDALINFO = '/usr/bin/gdalinfo'
const PYTHON = '/usr/bin/python3'

function hasOwsLib(): boolean {
  try {
    return fs.existsSync(PYTHON) && fs.readdirSync('/usr/lib/python3/dist-packages').includes('owslib')
  } catch {
    return false
  }
}

describe('WMS through real clients', function () {
  this.timeout(180_000)
  let server: http.Server
  let base: string
  let city: [number, number, number, number]
  let tmp: string

  before(async () => {
    const context = await getTestContext()
    city = await gridExtent(context.knex, '9901')
    server = http.createServer(createApp(context).callback())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc/wms`
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-wms-'))
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  const gdalEnv = { ...process.env, GDAL_HTTP_USERPWD: 'command:gridgov-demo', GDAL_HTTP_AUTH: 'BASIC', CPL_DEBUG: 'OFF', GDAL_DEFAULT_WMS_CACHE_PATH: '' }

  describe('GDAL', () => {
    before(function () {
      if (!fs.existsSync(GDAL_TRANSLATE) || !fs.existsSync(GDALINFO)) {
        console.log('      (skipped: gdal-bin is not installed; apt-get install gdal-bin)')
        this.skip()
      }
    })

    it('gdalinfo lists every layer from the 1.1.1 capabilities as a subdataset', async () => {
      const { stdout } = await run(GDALINFO, [`WMS:${base}?SERVICE=WMS&REQUEST=GetCapabilities`], { env: gdalEnv })
      expect(stdout).to.contain('Driver: WMS')
      for (const id of ['admin_divisions', 'base_grids', 'components', 'addresses']) {
        expect(stdout).to.match(new RegExp(`SUBDATASET_\\d+_NAME=WMS:.*LAYERS=${id}`))
      }
    })

    it('gdal_translate of a 1.1.1 GetMap gives the same picture as a direct request', async () => {
      const out = path.join(tmp, 'gdal.png')
      const bbox = city.join(',')
      await run(GDAL_TRANSLATE, ['-q', '-of', 'PNG', '-outsize', '256', '256',
        `WMS:${base}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=base_grids&SRS=EPSG:4326&BBOX=${bbox}&FORMAT=image/png`,
        out, '--config', 'GDAL_HTTP_USERPWD', 'command:gridgov-demo'], { env: gdalEnv })
      const got = await decode(fs.readFileSync(out))
      expect([got.width, got.height]).to.deep.equal([256, 256])
      expect(countPainted(got, WHITE)).to.be.above(256 * 256 * 0.3)
      const direct = await fetch(`${base}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=base_grids&STYLES=&SRS=EPSG:4326&BBOX=${bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png`,
        { headers: { authorization: `Basic ${Buffer.from('command:gridgov-demo').toString('base64')}` } })
      const expected = await decode(Buffer.from(await direct.arrayBuffer()))
      // GDAL asks for its own block size and resamples: the same map, not the same bytes
      expect(diffRatio(got, expected, 64)).to.be.below(0.15)
    })

    it('gdal_translate of a 1.3.0 GetMap with CRS=EPSG:4326 (lat,lon BBOX) draws the city too', async () => {
      const out = path.join(tmp, 'gdal13.png')
      await run(GDAL_TRANSLATE, ['-q', '-of', 'PNG', '-outsize', '128', '128',
        `WMS:${base}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=base_grids&CRS=EPSG:4326&BBOX=${city[1]},${city[0]},${city[3]},${city[2]}&FORMAT=image/png`,
        out], { env: gdalEnv })
      const got = await decode(fs.readFileSync(out))
      expect(countPainted(got, WHITE)).to.be.above(128 * 128 * 0.3)
    })
  })

  describe('OWSLib', () => {
    before(function () {
      if (!hasOwsLib()) {
        console.log('      (skipped: python3-owslib is not installed in /usr/bin/python3; apt-get install python3-owslib)')
        this.skip()
      }
    })

    const script = `
import json, sys
from owslib.wms import WebMapService
url, version, out, x0, y0, x1, y1 = sys.argv[1:8]
bbox = (float(x0), float(y0), float(x1), float(y1))
wms = WebMapService(url, version=version, username='command', password='gridgov-demo')
layer = wms['base_grids']
img = wms.getmap(layers=['base_grids'], styles=[''], srs='EPSG:4326', bbox=bbox, size=(200, 150), format='image/png', transparent=True)
open(out, 'wb').write(img.read())
cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
info = wms.getfeatureinfo(layers=['admin_divisions'], styles=[''], srs='EPSG:4326', bbox=bbox, size=(200, 150),
    format='image/png', query_layers=['admin_divisions'], info_format='application/json', xy=(100, 75), feature_count=5)
print(json.dumps({
  'version': wms.identification.version, 'title': wms.identification.title,
  'layers': list(wms.contents), 'operations': [op.name for op in wms.operations],
  'crs': layer.crsOptions, 'wgs84': layer.boundingBoxWGS84, 'queryable': layer.queryable,
  'styles': wms['admin_divisions'].styles, 'getmap_url': wms.getOperationByName('GetMap').methods[0]['url'],
  'info': json.loads(info.read()),
}))
`
    for (const version of ['1.3.0', '1.1.1']) {
      it(`${version}: capabilities, GetMap and GetFeatureInfo`, async () => {
        const out = path.join(tmp, `owslib-${version}.png`)
        const { stdout } = await run(PYTHON, ['-c', script, base, version, out, ...city.map(String)])
        const r = JSON.parse(stdout)
        expect(r.version).to.equal(version)
        expect(r.title).to.contain('gridgov')
        expect(r.layers).to.include.members(['admin_divisions', 'base_grids', 'components', 'addresses'])
        expect(r.operations).to.include.members(['GetCapabilities', 'GetMap', 'GetFeatureInfo'])
        expect(r.crs).to.include.members(['EPSG:4326', 'EPSG:4490', 'EPSG:3857'])
        expect(r.wgs84[0]).to.be.closeTo(city[0], 0.01)
        expect(r.wgs84[3]).to.be.closeTo(city[3], 0.01)
        expect(r.queryable).to.equal(1)
        expect(r.styles).to.have.property('by_level')
        expect(r.getmap_url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/ogc\/wms\?/)
        const img = await decode(fs.readFileSync(out))
        expect([img.width, img.height]).to.deep.equal([200, 150])
        expect(countPainted(img, [0, 0, 0, 0])).to.be.above(200 * 150 * 0.3)
        // the centre of the city: inside a community, a street, the district and the city
        expect(r.info.features.map((f: { properties: { level: string } }) => f.properties.level)).to.include.members(['community', 'street'])
      })
    }
  })
})
