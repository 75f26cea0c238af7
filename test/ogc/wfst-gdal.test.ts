// GDAL's WFS driver writing through WFS-T against a listening gridgov: `ogr2ogr -update -append`
// of a GeoJSON file into gridgov:components, then read back over the WFS and in the database.
// Skipped, saying so, only when ogr2ogr (Debian gdal-bin) is missing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { newComponentId, pointIn } from './wfst-support.ts'
import { openOwnContext } from '../support/ownDatabase.ts'

const run = promisify(execFile)
const C1 = '990102001001'

describe('WFS-T with GDAL (ogr2ogr -update -append)', function () {
  this.timeout(180_000)
  // its own database: it changes grids or components that other files read from the shared one
  let own: { close(): Promise<void> } & { context: AppContext } | undefined
  let server: http.Server
  let base: string
  let app: AppContext
  let gdal = false
  let dir: string

  before(async () => {
    own = await openOwnContext('wfstgdal')
    app = own.context
    server = http.createServer(createApp(app).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc/wfs`
    gdal = await run('ogr2ogr', ['--version']).then(() => true, () => false)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wfst-gdal-'))
  })
  after(async () => {
    await new Promise((r) => server.close(r))
    fs.rmSync(dir, { recursive: true, force: true })
    await own?.close().catch(() => undefined)
  })

  const gdalArgs = (user: string) => ['--config', 'GDAL_HTTP_USERPWD', `${user}:${DEMO_PASSWORD}`, '--config', 'GDAL_HTTP_AUTH', 'BASIC',
    '--config', 'OGR_WFS_LOAD_MULTIPLE_LAYER_DEFN', 'NO']

  async function geojson(name: string, features: { id: string; name: string; lon: number; lat: number }[]): Promise<string> {
    const file = path.join(dir, name)
    fs.writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature', geometry: { type: 'Point', coordinates: [f.lon, f.lat] },
        properties: { id: f.id, name: f.name, state: '完好', community_code: C1 },
      })),
    }))
    return file
  }

  it('appends GeoJSON features to components; they read back with their attributes and positions', async function () {
    if (!gdal) this.skip() // ogr2ogr (gdal-bin) is not installed
    const p = await pointIn(app.knex, C1)
    const features: { id: string; name: string; lon: number; lat: number }[] = []
    for (let i = 0; i < 3; i++) features.push({ id: await newComponentId(app.knex, C1), name: `外业新增${i + 1}`, lon: p.lon + i * 0.00001, lat: p.lat })
    const file = await geojson('new.geojson', features)
    // the plain URL: GDAL negotiates 2.0.0 yet writes (and reads the answer in) the WFS 1.1 dialect
    const { stderr } = await run('ogr2ogr', ['-update', '-append', ...gdalArgs('street1'), `WFS:${base}`, file,
      '-nln', 'gridgov:components'], { timeout: 120_000 })
    expect(stderr).to.not.match(/ERROR/)
    const rows = await app.knex('component').whereIn('id', features.map((f) => f.id)).orderBy('id')
      .select('id', 'name', 'version', app.knex.raw('ST_X(geom) AS lon'), app.knex.raw('ST_Y(geom) AS lat'))
    expect(rows.map((r) => r.name)).to.deep.equal(features.map((f) => f.name))
    rows.forEach((r, i) => {
      expect(Number(r.lon)).to.be.closeTo(features[i]!.lon, 1e-7)
      expect(Number(r.lat)).to.be.closeTo(features[i]!.lat, 1e-7)
    })
    // and back through the WFS, as another client sees them
    const { stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', ...gdalArgs('analyst'), `WFS:${base}`, 'gridgov:components',
      '-where', `id IN (${features.map((f) => `'${f.id}'`).join(',')})`], { timeout: 60_000, maxBuffer: 32 << 20 })
    const names = (JSON.parse(stdout).features as { properties: { name: string } }[]).map((f) => f.properties.name).sort()
    expect(names).to.deep.equal(features.map((f) => f.name))

    // GDAL's DELETE FROM statement becomes a wfs:Delete with an ogc:Filter
    const gone = features[0]!.id
    const del = await run('ogrinfo', [...gdalArgs('street1'), `WFS:${base}?VERSION=1.1.0`, '-sql', `DELETE FROM gridgov:components WHERE id = '${gone}'`],
      { timeout: 60_000 }).then((r) => r.stderr, (e: { stderr: string }) => e.stderr)
    expect(del).to.not.match(/ERROR/)
    expect(await app.knex('component').where({ id: gone }).first()).to.equal(undefined)
    expect(await app.knex('component').where({ id: features[1]!.id }).first()).to.not.equal(undefined)
  })

  it('a refused append (one feature outside the jurisdiction) writes none of the file: GDAL sends it as one transaction', async function () {
    if (!gdal) this.skip() // ogr2ogr (gdal-bin) is not installed
    const inside = await pointIn(app.knex, C1)
    const good = { id: await newComponentId(app.knex, C1), name: '辖区内', ...inside }
    const file = path.join(dir, 'mixed.geojson')
    const other = '990102002001'
    const far = await pointIn(app.knex, other)
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [good.lon, good.lat] }, properties: { id: good.id, name: good.name, community_code: C1 } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [far.lon, far.lat] }, properties: { id: await newComponentId(app.knex, other), name: '辖区外', community_code: other } },
    ] }))
    const result = await run('ogr2ogr', ['-update', '-append', ...gdalArgs('street1'), `WFS:${base}?VERSION=1.1.0`, file, '-nln', 'gridgov:components'],
      { timeout: 120_000 }).then((r) => r.stderr, (e: { stderr: string }) => e.stderr)
    // GDAL 3.6 shows only the status of a 4xx answer (the ExceptionReport names the feature: wfst.test.ts)
    expect(result).to.match(/HTTP error code : 403/)
    expect(await app.knex('component').where({ id: good.id }).first()).to.equal(undefined)
  })
})
