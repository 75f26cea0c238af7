// Real WFS clients against a listening gridgov: GDAL/OGR's WFS driver (ogrinfo, ogr2ogr) and
// OWSLib (Debian's python3-owslib, which lives in /usr/bin/python3). Skipped, saying so, only
// when the binaries are missing.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { mayReadLayer } from '../../tiles/layerAccess.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3'

async function have(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 20_000 })
    return true
  } catch {
    return false
  }
}

describe('real WFS clients (GDAL, OWSLib)', function () {
  this.timeout(180_000)
  let server: http.Server
  let base: string
  let app: AppContext
  let gdal = false
  let owslib = false

  before(async () => {
    app = await getTestContext()
    server = http.createServer(createApp(app).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc/wfs`
    gdal = await have('ogrinfo', ['--version'])
    owslib = fs.existsSync(PYTHON) && await have(PYTHON, ['-c', 'import owslib.wfs'])
  })
  after(async () => {
    await new Promise((r) => server.close(r))
  })

  const gdalArgs = (user: string) => ['--config', 'GDAL_HTTP_USERPWD', `${user}:${DEMO_PASSWORD}`, '--config', 'GDAL_HTTP_AUTH', 'BASIC',
    '--config', 'CPL_CURL_VERBOSE', 'NO', '--config', 'OGR_WFS_LOAD_MULTIPLE_LAYER_DEFN', 'NO']
  const count = async (sql: string) => Number((await app.knex.raw(sql)).rows[0].n)

  it('ogrinfo lists every layer through the WFS driver', async function () {
    if (!gdal) this.skip() // ogrinfo (gdal-bin) is not installed
    const { stdout } = await run('ogrinfo', ['-ro', '-so', ...gdalArgs('analyst'), `WFS:${base}`], { timeout: 60_000 })
    // the layers the analyst may read (tiles/layerAccess.ts): the people registers' are not among them
    for (const layer of app.catalogue.layers.filter((l) => mayReadLayer(l, { kind: 'user', role: 'gis_analyst' }))) expect(stdout, layer.id).to.include(`gridgov:${layer.id}`)
  })

  it('ogrinfo reports the feature count of the caller\'s jurisdiction', async function () {
    if (!gdal) this.skip() // ogrinfo (gdal-bin) is not installed
    const city = await run('ogrinfo', ['-ro', '-so', ...gdalArgs('analyst'), `WFS:${base}`, 'gridgov:components'], { timeout: 60_000 })
    expect(city.stdout).to.include(`Feature Count: ${await count('SELECT count(*)::int AS n FROM component')}`)
    const street = await run('ogrinfo', ['-ro', '-so', ...gdalArgs('street1'), `WFS:${base}`, 'gridgov:base_grids'], { timeout: 60_000 })
    const want = await count("SELECT count(*)::int AS n FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE '990102001%'")
    expect(street.stdout).to.include(`Feature Count: ${want}`)
  })

  it('ogr2ogr fetches features with a -where filter and lon/lat coordinates right', async function () {
    if (!gdal) this.skip() // ogr2ogr (gdal-bin) is not installed
    const { rows } = await app.knex.raw('SELECT id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM component ORDER BY id LIMIT 1 OFFSET 7')
    const c = rows[0]
    const { stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', ...gdalArgs('analyst'), `WFS:${base}`, 'gridgov:components',
      '-where', `id = '${c.id}'`], { timeout: 60_000, maxBuffer: 32 << 20 })
    const fc = JSON.parse(stdout)
    expect(fc.features).to.have.length(1)
    expect(fc.features[0].properties.name).to.equal(c.name)
    const [x, y] = fc.features[0].geometry.coordinates
    expect(x).to.be.closeTo(Number(c.lon), 1e-6)
    expect(y).to.be.closeTo(Number(c.lat), 1e-6)
  })

  it('ogr2ogr pages through a whole layer (STARTINDEX/COUNT) without losing or repeating features', async function () {
    if (!gdal) this.skip() // ogr2ogr (gdal-bin) is not installed
    const { stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', ...gdalArgs('analyst'), '--config', 'OGR_WFS_PAGE_SIZE', '37',
      `WFS:${base}`, 'gridgov:addresses', '-spat', '116.0', '36.43', '116.03', '36.46'], { timeout: 120_000, maxBuffer: 64 << 20 })
    const ids = JSON.parse(stdout).features.map((f: { properties: { id: number } }) => f.properties.id)
    const want = await count("SELECT count(*)::int AS n FROM std_address WHERE level = 50 AND ST_Intersects(geom, ST_MakeEnvelope(116.0, 36.43, 116.03, 36.46, 4490))")
    expect(want).to.be.greaterThan(37)
    expect(new Set(ids).size).to.equal(ids.length)
    expect(ids.length).to.equal(want)
  })

  it('OWSLib reads the capabilities and runs GetFeature with a filter (GET and POST)', async function () {
    if (!owslib) this.skip() // /usr/bin/python3 with owslib (python3-owslib) is not installed
    const script = `
import json, sys
from owslib.wfs import WebFeatureService
from owslib.fes2 import PropertyIsEqualTo
from owslib.etree import etree
wfs = WebFeatureService(sys.argv[1], version='2.0.0', username='analyst', password='${DEMO_PASSWORD}')
flt = etree.tostring(PropertyIsEqualTo(propertyname='state', literal='完好').toXML()).decode()
flt = '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">' + flt + '</fes:Filter>'
get = json.loads(wfs.getfeature(typename='gridgov:components', filter=flt, outputFormat='application/json', maxfeatures=5000).read())
post = wfs.getfeature(typename='gridgov:components', filter=etree.fromstring(flt), method='Post', maxfeatures=3).read().decode()
byid = json.loads(wfs.getfeature(featureid=[get['features'][0]['id']], outputFormat='application/json').read())
print(json.dumps({'types': sorted(wfs.contents), 'ops': [o.name for o in wfs.operations], 'title': wfs.identification.title,
  'get': get['numberMatched'], 'states': sorted(set(f['properties']['state'] for f in get['features'])), 'post': post.count('<wfs:member>'),
  'byid': [f['id'] for f in byid['features']], 'first': get['features'][0]['id']}))
`
    const { stdout } = await run(PYTHON, ['-c', script, `${base}?service=WFS`], { timeout: 120_000, maxBuffer: 32 << 20 })
    const r = JSON.parse(stdout.trim().split('\n').pop()!)
    expect(r.types).to.include.members(['gridgov:base_grids', 'gridgov:components'])
    expect(r.ops).to.include.members(['GetCapabilities', 'GetFeature', 'DescribeFeatureType'])
    expect(r.title).to.include('gridgov')
    expect(r.get).to.equal(await count("SELECT count(*)::int AS n FROM component WHERE state = '完好'"))
    expect(r.states).to.deep.equal(['完好'])
    expect(r.post).to.equal(3)
    expect(r.byid).to.deep.equal([r.first])
  })
})
