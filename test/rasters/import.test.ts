// Raster import (issue 16 item 4): real GDAL builds real COGs from rasters made here with GDAL;
// the register's figures are checked against the known georeferencing; refusals leave nothing.
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { demAsc, gdal, hasGdal, rasterFiles, rgbTiff, scratchDir, upload, zipOf } from './support.ts'

describe('rasters: import', function () {
  this.timeout(120_000)
  let client: Client
  let analyst: Record<string, string>
  let street1: Record<string, string>
  let dir: string
  let rgb: string

  before(async function () {
    if (!hasGdal()) this.skip() // CI installs gdal-bin; without it only the refusal below applies
    client = await testClient(await getTestContext())
    analyst = await loginAs(client, 'analyst')
    street1 = await loginAs(client, 'street1')
    dir = scratchDir()
    rgb = rgbTiff(dir, 'rgb', 'EPSG:4490', 117.2, 31.86, 0.0001)
  })
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

  const dataDir = () => client.context.config.dataDir
  const registered = async () => ((await client.get('/api/v1/rasters', analyst)).json().rasters as { name: string }[]).map((r) => r.name)

  it('imports a GeoTIFF into a COG in EPSG:3857 and registers its CGCS2000 extent and resolution', async () => {
    const res = await upload(client, analyst, 'name=imp-ortho&kind=ortho&title=%E6%AD%A3%E5%B0%84', fs.readFileSync(rgb), 'image/tiff')
    expect(res.statusCode, res.body).to.equal(201)
    const report = res.json()
    expect(report).to.include({ name: 'imp-ortho', kind: 'ortho', format: 'GeoTIFF', sourceCrs: 'EPSG:4490', bands: 3 })
    expect(report.size).to.deep.equal([256, 192])
    // the known georeferencing: 256×192 pixels of 0.0001° from (117.2, 31.86)
    const [w, s, e, n] = report.extent as number[]
    expect(w).to.be.closeTo(117.2, 1e-9); expect(e).to.be.closeTo(117.2256, 1e-9)
    expect(n).to.be.closeTo(31.86, 1e-9); expect(s).to.be.closeTo(31.8408, 1e-9)
    const m = 6378137 * Math.PI / 180 * 0.0001
    expect(report.resolution).to.be.closeTo((m * Math.cos(((31.86 + 31.8408) / 2) * Math.PI / 180) + m) / 2, 0.01)
    const file = path.join(dataDir(), report.registered[0].file)
    const info = JSON.parse(gdal('gdalinfo', ['-json', file]))
    expect(info.metadata.IMAGE_STRUCTURE.LAYOUT).to.equal('COG')
    expect(info.stac['proj:epsg']).to.equal(3857)
    expect(info.metadata.TILING_SCHEME.NAME).to.equal('GoogleMapsCompatible')
    const one = (await client.get('/api/v1/rasters/imp-ortho', analyst)).json()
    expect(one).to.include({ name: 'imp-ortho', kind: 'ortho', title: '正射', crs: 'EPSG:3857', sourceCrs: 'EPSG:4490', createdBy: 'analyst' })
    expect(one.extent).to.deep.equal([117.2, 31.8408, 117.2256, 31.86])
  })

  it('imports an ERDAS IMAGINE .img (HFA) as a topographic raster', async () => {
    const img = path.join(dir, 'topo.img')
    gdal('gdal_translate', ['-q', '-of', 'HFA', rgb, img])
    const res = await upload(client, analyst, 'name=imp-topo&kind=topo', fs.readFileSync(img))
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.include({ format: 'ERDAS IMAGINE (.img)', kind: 'topo' })
    expect(res.json().extent[0]).to.be.closeTo(117.2, 1e-7)
  })

  it('imports a zipped ASCII-grid DEM with its .prj and makes its hillshade, both COGs', async () => {
    const asc = demAsc(dir, 'dem', 520000, 3385000)
    fs.writeFileSync(asc.replace(/\.asc$/, '.prj'), gdal('gdalsrsinfo', ['-o', 'wkt_esri', '--single-line', 'EPSG:4547']).trim())
    const zip = zipOf(dir, 'dem', [asc, asc.replace(/\.asc$/, '.prj')])
    const res = await upload(client, analyst, 'name=imp-dem&kind=dem', fs.readFileSync(zip), 'application/zip')
    expect(res.statusCode, res.body).to.equal(201)
    const report = res.json()
    expect(report.format).to.equal('Arc/Info ASCII Grid (.asc)')
    expect(report.resolution).to.be.closeTo(30, 1e-9)
    expect(report.registered.map((r: { name: string; kind: string }) => [r.name, r.kind])).to.deep.equal([['imp-dem', 'dem'], ['imp-dem-hillshade', 'hillshade']])
    for (const r of report.registered) {
      expect(JSON.parse(gdal('gdalinfo', ['-json', path.join(dataDir(), r.file)])).metadata.IMAGE_STRUCTURE.LAYOUT).to.equal('COG')
    }
    const dem = (await client.get('/api/v1/rasters/imp-dem', analyst)).json()
    const mm = JSON.parse(gdal('gdalinfo', ['-json', '-mm', asc])).bands[0]
    expect(dem.minValue).to.be.closeTo(mm.computedMin, 1e-3)
    expect(dem.maxValue).to.be.closeTo(mm.computedMax, 1e-3)
    expect((await client.get('/api/v1/rasters/imp-dem-hillshade', analyst)).json()).to.include({ kind: 'hillshade', parent: 'imp-dem' })
  })

  describe('refusals: a clear 4xx naming the problem, nothing registered, no file left', () => {
    const refused = async (query: string, body: Buffer, status: number, code: string, type?: string) => {
      const before = [await registered(), rasterFiles(dataDir())]
      const res = await upload(client, analyst, query, body, type)
      expect(res.statusCode, res.body).to.equal(status)
      expect(res.json().code).to.equal(code)
      expect([await registered(), rasterFiles(dataDir())]).to.deep.equal(before)
      return res.json()
    }
    it('a broken file', async () => {
      const p = await refused('name=bad1&kind=ortho', Buffer.from('II*\0 this is not really a TIFF'), 400, 'rasters.unreadable')
      expect(p.detail).to.match(/not a raster GDAL can read/)
    })
    it('a grid without a CRS', async () => {
      const p = await refused('name=bad2&kind=dem', fs.readFileSync(demAsc(dir, 'nocrs', 0, 0)), 400, 'rasters.no_crs')
      expect(p.detail).to.match(/no coordinate reference system/)
    })
    it('an unsupported format (PNG)', async () => {
      const png = path.join(dir, 'x.png')
      gdal('gdal_translate', ['-q', '-of', 'PNG', rgb, png])
      const p = await refused('name=bad3&kind=ortho', fs.readFileSync(png), 415, 'rasters.unsupported_format')
      expect(p.detail).to.match(/PNG is not imported/)
    })
    it('a VRT (which would make GDAL open other files) is refused unopened', async () => {
      const vrt = `<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1"><SimpleSource><SourceFilename>${rgb}</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>`
      const p = await refused('name=bad8&kind=ortho', Buffer.from(vrt), 415, 'rasters.unsupported_format')
      expect(p.params.format).to.equal('VRT')
    })
    it('three bands as a DEM', () => refused('name=bad4&kind=dem', fs.readFileSync(rgb), 400, 'rasters.bands'))
    it('a name in use, or a catalogue layer\'s', async () => {
      await refused('name=imp-ortho&kind=ortho', fs.readFileSync(rgb), 409, 'rasters.name_taken')
      await refused('name=base_grids&kind=ortho', fs.readFileSync(rgb), 409, 'rasters.name_taken')
    })
    it('a zip holding no raster', () => refused('name=bad5&kind=dem', fs.readFileSync(zipOf(dir, 'empty', [path.join(dir, 'rgb.ppm')])), 400, 'rasters.zip_contents'))
    it('a bad name or kind', async () => {
      await refused('name=Bad%20Name&kind=ortho', fs.readFileSync(rgb), 400, 'http.validation_failed')
      await refused('name=bad6&kind=vector', fs.readFileSync(rgb), 400, 'http.validation_failed')
    })
    it('JSON instead of a file', () => refused('name=bad7&kind=ortho', Buffer.from('{"a":1}'), 415, 'rasters.body_type', 'application/json'))
  })

  it('roles: only map-data administrators import, list and delete; others 403, anonymous 401', async () => {
    expect((await upload(client, street1, 'name=x1&kind=ortho', fs.readFileSync(rgb))).statusCode).to.equal(403)
    expect((await client.get('/api/v1/rasters', street1)).statusCode).to.equal(403)
    expect((await client.request({ method: 'DELETE', url: '/api/v1/rasters/imp-topo', headers: street1 })).statusCode).to.equal(403)
    expect((await client.get('/api/v1/rasters')).statusCode).to.equal(401)
    const command = await loginAs(client, 'command')
    expect((await client.get('/api/v1/rasters', command)).statusCode).to.equal(200)
  })

  it('DELETE removes the row and the file; a DEM takes its hillshade with it', async () => {
    const before = (await client.get('/api/v1/rasters', analyst)).json().rasters as { name: string; file: string }[]
    const files = before.filter((r) => r.name.startsWith('imp-dem')).map((r) => path.join(dataDir(), r.file))
    expect(files).to.have.length(2)
    const res = await client.request({ method: 'DELETE', url: '/api/v1/rasters/imp-dem', headers: analyst })
    expect(res.statusCode).to.equal(204)
    expect(await registered()).to.not.include.members(['imp-dem', 'imp-dem-hillshade'])
    for (const f of files) expect(fs.existsSync(f), f).to.equal(false)
    expect((await client.get('/api/v1/rasters/imp-dem', analyst)).json().code).to.equal('rasters.not_found')
  })
})
