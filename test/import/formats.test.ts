// Imports of MapInfo MIF/MID and TAB, DXF, GeoPackage (through GDAL) and KML/KMZ (in JavaScript)
// through POST /api/v1/import: files made by ogr2ogr from a GeoJSON written here (KML by hand),
// imported, and the stored grids compared with the source (count, attributes, every vertex within
// 1e-7°); a declared CRS is honoured (a GeoPackage in a Gauss-Krüger zone), a file without one
// needs crs=…; broken files are a 4xx naming the problem with nothing written; without GDAL the
// GDAL formats are a 415 saying so.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { A, polygon, setUp, tearDown } from '../grids/fixture.ts'
import { zipOf } from './support.ts'
import { haveGdal, makeFiles, multipart } from './formatFiles.ts'
import { readSource } from '../../server/import/source.ts'
import { openOwnContext } from '../support/ownDatabase.ts'
import type { AppContext } from '../../server/context.ts'

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry })

/** Four base grids tiling community A, with odd coordinates (not on a round grid). */
const SOURCE = {
  type: 'FeatureCollection',
  features: [
    feature({ code: `${A}001`, name: '西北网格', households: 310, floors: 6 }, polygon(116.1, 36.5051234, 116.1052345, 36.51)),
    feature({ code: `${A}002`, name: '东北网格', households: 280, floors: 9 }, polygon(116.1052345, 36.5051234, 116.11, 36.51)),
    feature({ code: `${A}003`, name: '西南网格', households: 120, floors: 3 }, polygon(116.1, 36.5, 116.1052345, 36.5051234)),
    feature({ code: `${A}004`, name: '东南网格', households: 95, floors: 4 }, polygon(116.1052345, 36.5, 116.11, 36.5051234)),
  ],
}
type Ring = number[][]
const sourceRings = () => SOURCE.features.map((f) => (f.geometry as { coordinates: Ring[] }).coordinates[0]!)

/** Every vertex of `want` has a vertex of `got` within 1e-7° and the rings have as many vertices. */
function sameRing(got: Ring, want: Ring): void {
  expect(got.length, 'vertex count').to.equal(want.length)
  for (const [x, y] of want) {
    const d = Math.min(...got.map(([gx, gy]) => Math.max(Math.abs(gx! - x!), Math.abs(gy! - y!))))
    expect(d, `vertex ${x},${y}`).to.be.below(1e-7)
  }
}

const kml = (placemarks: string) => `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>测试网格</name>${placemarks}</Document></kml>`
const placemark = (f: (typeof SOURCE.features)[number], coords?: string) => {
  const p = f.properties as Record<string, unknown>
  const ring = (f.geometry as { coordinates: Ring[] }).coordinates[0]!
  return `<Placemark><name>${p.name}</name><ExtendedData>
    <Data name="code"><value>${p.code}</value></Data><Data name="households"><value>${p.households}</value></Data>
    <Data name="floors"><value>${p.floors}</value></Data></ExtendedData>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>${coords ?? ring.map(([x, y]) => `${x},${y},0`).join(' ')}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>`
}

describe('import formats: MapInfo, DXF, GeoPackage, KML', function () {
  this.timeout(120_000)
  // its own database: it changes grids or components that other files read from the shared one
  let own: { close(): Promise<void> } & { context: AppContext } | undefined
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let analyst: Record<string, string>
  const gdal = haveGdal()

  before(async () => {
    own = await openOwnContext('formats')
    client = await testClient(own.context)
    knex = client.context.knex
    await setUp(knex)
    street1 = await loginAs(client, 'street1')
    analyst = await loginAs(client, 'analyst')
    await knex('user_field').where({ layer: 'grids', name: 'floors' }).delete()
    const res = await client.request({ method: 'POST', url: '/api/v1/fields/grids', headers: { 'content-type': 'application/json', ...analyst },
      payload: JSON.stringify({ name: 'floors', label: '楼层数', type: 'integer' }) })
    expect(res.statusCode, res.body).to.equal(201)
  })
  afterEach(async () => {
    await knex('grid').whereIn('community_code', [A]).delete()
  })
  after(async () => {
    await client.request({ method: 'DELETE', url: '/api/v1/fields/grids/floors', headers: analyst })
    await tearDown(knex)
    await own?.close().catch(() => undefined)
  })

  const upload = (query: string, body: Buffer | string, type: string, auth = street1) =>
    client.request({ method: 'POST', url: `/api/v1/import?${query}`, headers: { 'content-type': type, ...auth }, payload: body })
  const stored = async () => (await knex.raw(`SELECT code, name, households, extra, ST_AsGeoJSON(geom, 10) AS g FROM grid
    WHERE community_code = ? AND valid_to IS NULL ORDER BY code`, [A])).rows as { code: string; name: string; households: number; extra: Record<string, unknown>; g: string }[]

  /** The stored grids are the source's: attributes, user field values and every vertex. */
  async function expectSource(): Promise<void> {
    const rows = await stored()
    expect(rows.map((r) => r.code)).to.deep.equal(SOURCE.features.map((f) => f.properties.code))
    rows.forEach((r, i) => {
      const p = SOURCE.features[i]!.properties
      expect({ name: r.name, households: r.households, floors: r.extra.floors }).to.deep.equal({ name: p.name, households: p.households, floors: p.floors })
      const g = JSON.parse(r.g) as { coordinates: Ring[][] }
      sameRing(g.coordinates[0]![0]!, sourceRings()[i]!)
    })
  }

  describe('through GDAL', () => {
    beforeEach(function () {
      if (!gdal) this.skip() // ogr2ogr (gdal-bin) is not installed: CI installs it
    })

    it('MapInfo MIF/MID, zipped', async () => {
      const res = await upload('kind=base', makeFiles(SOURCE, 'mif', 'grids').zip, 'application/zip')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'mif', features: 4, written: 4, valid: true })
      await expectSource()
    })

    it('MapInfo MIF/MID as a multipart file set', async () => {
      const { body, type } = multipart(makeFiles(SOURCE, 'mif', '网格').files)
      const res = await upload('kind=base', body, type)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'mif', written: 4 })
      await expectSource()
    })

    it('MapInfo TAB, zipped; without its .map: 400 naming it, nothing written', async () => {
      const made = makeFiles(SOURCE, 'tab', 'grids')
      const broken = Object.fromEntries(Object.entries(made.files).filter(([n]) => !n.endsWith('.map')))
      const bad = await upload('kind=base', zipOf(broken), 'application/zip')
      expect(bad.statusCode).to.equal(400)
      expect(bad.json()).to.deep.include({ code: 'vector_import.incomplete_set' })
      expect(bad.json().detail).to.include('grids.map')
      expect(await stored()).to.deep.equal([])
      const res = await upload('kind=base', made.zip, 'application/zip')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'tab', written: 4 })
      await expectSource()
    })

    it('GeoPackage in a CGCS2000 Gauss-Krüger zone: the declared CRS is honoured', async () => {
      const made = makeFiles(SOURCE, 'gpkg', 'grids', { epsg: 4549 })
      const res = await upload('kind=base', made.files['grids.gpkg']!, 'application/octet-stream')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'gpkg', written: 4 })
      expect(res.json().source).to.include('reprojected by GDAL')
      await expectSource()
    })

    it('a GeoPackage that is not SQLite, a DXF of noise: 400, nothing written', async () => {
      const noise = Buffer.alloc(200_000, 0)
      for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251
      const gpkg = await upload('kind=base', noise, 'application/geopackage+sqlite3')
      expect(gpkg.statusCode).to.equal(400)
      expect(gpkg.json().code).to.equal('vector_import.not_geopackage')
      const dxf = await upload('kind=base&format=dxf&crs=EPSG:4490', noise, 'application/octet-stream')
      expect(dxf.statusCode, dxf.body).to.equal(400)
      expect(dxf.json().code).to.equal('vector_import.unreadable')
      const sqlite = await upload('kind=base&format=gpkg', Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), noise]), 'application/octet-stream')
      expect(sqlite.statusCode).to.equal(400)
      expect(await stored()).to.deep.equal([])
    })

    it('DXF: no CRS in the file needs crs=…; geometry comes through exactly', async () => {
      const dxf = makeFiles(SOURCE, 'dxf', 'grids').files['grids.dxf']!
      const bare = await upload('kind=water&dryRun=true', dxf, 'application/octet-stream', analyst)
      expect(bare.statusCode).to.equal(400)
      expect(bare.json()).to.deep.include({ code: 'vector_import.missing_crs' })
      // DXF keeps geometry and layer names, not attributes: a base map layer is what it carries
      const dry = await upload('kind=water&dryRun=true&crs=EPSG:4490', dxf, 'image/vnd.dxf', analyst)
      expect(dry.statusCode, dry.body).to.equal(200)
      expect(dry.json()).to.include({ format: 'dxf', features: 4, dryRun: true })
      const source = await readSource(dxf, 'EPSG:4490', 'dxf')
      expect(source.features).to.have.length(4)
      source.features.forEach((f, i) => {
        const g = f.geometry as { type: string; coordinates: Ring[] }
        sameRing(g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates as unknown as Ring, sourceRings()[i]!)
      })
    })

    it('noise under every format and content type: 4xx, never 5xx', async () => {
      const noise = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) % 256))
      const junkZip = zipOf({ 'a.tab': noise, 'a.map': noise, 'a.dat': noise, 'a.id': noise })
      for (const format of ['shapefile', 'geojson', 'kml', 'kmz', 'mif', 'tab', 'dxf', 'gpkg']) {
        for (const body of [noise, junkZip, Buffer.from('0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n'), Buffer.from('Version 300\nColumns 1\n  x Char(5)\nData\n')]) {
          const res = await upload(`kind=base&format=${format}&crs=EPSG:4490`, body, 'application/octet-stream')
          expect(res.statusCode, `${format}: ${res.body}`).to.be.within(400, 499)
        }
      }
      expect(await stored()).to.deep.equal([])
    })

    it('without GDAL: 415 saying the format needs it', async () => {
      const zip = makeFiles(SOURCE, 'mif', 'grids').zip
      const saved = process.env.GRIDGOV_GDAL_DIR
      process.env.GRIDGOV_GDAL_DIR = '/nonexistent-gdal'
      try {
        const res = await upload('kind=base', zip, 'application/zip')
        expect(res.statusCode).to.equal(415)
        expect(res.json()).to.deep.include({ code: 'vector_import.needs_gdal' })
        expect(res.json().detail).to.include('gdal-bin')
      } finally {
        if (saved === undefined) delete process.env.GRIDGOV_GDAL_DIR
        else process.env.GRIDGOV_GDAL_DIR = saved
      }
    })
  })

  describe('KML and KMZ (no GDAL needed)', () => {
    it('a hand-written KML: names, ExtendedData, user field values and coordinates', async () => {
      const res = await upload('kind=base', kml(SOURCE.features.map((f) => placemark(f)).join('')), 'application/vnd.google-earth.kml+xml')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'kml', written: 4 })
      await expectSource()
    })

    it('a KMZ (zipped doc.kml)', async () => {
      const zip = zipOf({ 'doc.kml': Buffer.from(kml(SOURCE.features.map((f) => placemark(f)).join(''))) })
      const res = await upload('kind=base', zip, 'application/vnd.google-earth.kmz')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'kmz', written: 4 })
      await expectSource()
    })

    it('a broken coordinate or broken XML: 400 naming the Placemark, nothing written', async () => {
      const placemarks = SOURCE.features.map((f, i) => placemark(f, i === 2 ? '116.1,36.5,0 116.105,abc,0 116.105,36.505,0 116.1,36.5,0' : undefined))
      const res = await upload('kind=base', kml(placemarks.join('')), 'application/octet-stream')
      expect(res.statusCode).to.equal(400)
      expect(res.json().code).to.equal('vector_import.bad_kml')
      expect(res.json().detail).to.include('Placemark 2 (西南网格)').and.include('116.105,abc,0')
      const xml = await upload('kind=base', kml('<Placemark><name>x</Placemark>'), 'application/vnd.google-earth.kml+xml')
      expect(xml.statusCode).to.equal(400)
      expect(xml.json().code).to.equal('vector_import.bad_kml')
      expect(await stored()).to.deep.equal([])
    })
  })
})
