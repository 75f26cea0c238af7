// Imports through POST /api/v1/import and `npm run import`: GeoJSON and zipped Shapefiles
// (with .prj detection and reprojection, GBK DBFs, missing .prj, truncated zips), dry runs that
// report every violation, all-or-nothing writes, jurisdiction; and the GeoJSON export round trip.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestDatabase } from '../support/db.ts'
import { A, B, polygon, setUp, tearDown } from '../grids/fixture.ts'
import { tempDir, zippedShapefile, zipOf } from './support.ts'

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry })
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features })

/** Four base grids tiling community A (2 × 2), DBF-style property names. */
const quarterGrids = () => collection(
  feature({ GRID_CODE: `${A}001`, NAME: '西北网格', HOUSEHOLDS: 310 }, polygon(116.1, 36.505, 116.105, 36.51)),
  feature({ GRID_CODE: `${A}002`, NAME: '东北网格', HOUSEHOLDS: 280 }, polygon(116.105, 36.505, 116.11, 36.51)),
  feature({ GRID_CODE: `${A}003`, NAME: '西南网格' }, polygon(116.1, 36.5, 116.105, 36.505)),
  feature({ GRID_CODE: `${A}004`, NAME: '东南网格' }, polygon(116.105, 36.5, 116.11, 36.505)),
)

describe('import and export', () => {
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let analyst: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await setUp(knex)
    street1 = await loginAs(client, 'street1')
    analyst = await loginAs(client, 'analyst')
  })
  afterEach(async () => {
    await knex('component').whereIn('community_code', [A, B]).delete()
    await knex('grid').whereIn('community_code', [A, B]).delete()
  })
  after(async () => tearDown(knex))

  const upload = (query: string, body: Buffer | string, type: string, auth = street1) =>
    client.request({ method: 'POST', url: `/api/v1/import?${query}`, headers: { 'content-type': type, ...auth }, payload: body })
  const count = async (community: string) => Number((await knex('grid').where({ community_code: community }).count<{ c: number }[]>('* as c'))[0]!.c)

  describe('GeoJSON', () => {
    it('imports a FeatureCollection in one transaction', async () => {
      const res = await upload('kind=base', JSON.stringify(quarterGrids()), 'application/geo+json')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ written: 4, valid: true, dryRun: false, format: 'geojson' })
      expect(await count(A)).to.equal(4)
      const cov = (await client.get(`/api/v1/communities/${A}/coverage`, street1)).json()
      expect(cov.gaps.features).to.deep.equal([])
    })

    it('a dry run reports every violation of every feature and writes nothing', async () => {
      const fc = collection(
        feature({ code: `${A}001`, name: '好' }, polygon(116.1, 36.5, 116.105, 36.51)),
        feature({ code: `${A}002`, name: '越界' }, polygon(116.105, 36.5, 116.112, 36.51)),
        feature({ code: `${A}003`, name: '重叠' }, polygon(116.104, 36.5, 116.106, 36.505)),
        feature({ code: '123', communityCode: A, name: '坏码' }, polygon(116.109, 36.509, 116.1095, 36.5095)),
      )
      const res = await upload('kind=base&dryRun=true', JSON.stringify(fc), 'application/json')
      expect(res.statusCode, res.body).to.equal(200)
      const r = res.json()
      expect(r.valid).to.equal(false)
      expect(r.violations.map((v: { feature: number; rule: string }) => `${v.feature}:${v.rule}`)).to.have.members([
        '1:outside_community', '2:base_overlap', '2:base_overlap', '3:code_format', '3:base_overlap'])
      expect(await count(A)).to.equal(0)
    })

    it('a real run with one bad feature writes nothing (422 listing the violations)', async () => {
      const fc = quarterGrids()
      ;(fc.features[3] as { geometry: unknown }).geometry = polygon(116.104, 36.5, 116.11, 36.505)
      const res = await upload('kind=base', JSON.stringify(fc), 'application/geo+json')
      expect(res.statusCode).to.equal(422)
      expect(res.json().violations.map((v: { feature: number }) => v.feature)).to.deep.equal([3])
      expect(await count(A)).to.equal(0)
    })

    it('malformed GeoJSON, wrong types and bad geometries are 400s naming the problem', async () => {
      const truncated = await upload('kind=base', '{"type":"FeatureCollection","features":[', 'application/geo+json')
      expect(truncated.statusCode).to.equal(400)
      expect(truncated.json().detail).to.match(/malformed GeoJSON/)
      const notFc = await upload('kind=base', '{"type":"Feature"}', 'application/geo+json')
      expect(notFc.statusCode).to.equal(400)
      const fc = collection(
        feature({ code: `${A}001`, name: 'z' }, { type: 'Polygon', coordinates: [[[116.1, 36.5, 1], [116.2, 36.5, 1], [116.2, 36.6, 1], [116.1, 36.5, 1]]] }),
        feature({ code: `${A}002`, name: 'pt' }, { type: 'Point', coordinates: [116.1, 36.5] }),
      )
      const bad = await upload('kind=base', JSON.stringify(fc), 'application/geo+json')
      expect(bad.statusCode).to.equal(400)
      expect(bad.json().problems.map((p: { feature: number }) => p.feature)).to.deep.equal([0, 1])
      expect((await upload('kind=parcel', '{}', 'application/json')).statusCode).to.equal(400)
      expect((await upload('kind=base', '', 'application/geo+json')).statusCode).to.equal(400)
    })

    it('features outside the jurisdiction are refused (403), nothing written', async () => {
      const fc = collection(feature({ code: `${B}001`, name: '乙' }, polygon(116.11, 36.5, 116.115, 36.51)))
      const res = await upload('kind=base', JSON.stringify(fc), 'application/geo+json')
      expect(res.statusCode).to.equal(403)
      expect(res.json().outside).to.deep.equal([{ feature: 0, code: B }])
      expect((await upload('kind=base', JSON.stringify(fc), 'application/geo+json', await loginAs(client, 'inspector'))).statusCode).to.equal(403)
    })
  })

  describe('zipped Shapefile', () => {
    it('reads the .prj, reprojects Gauss-Krüger (EPSG:4548) to EPSG:4490 and imports', async () => {
      const zip = zippedShapefile(quarterGrids(), 'grids', { epsg: 4548 })
      const res = await upload('kind=base', zip, 'application/zip')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().source).to.match(/EPSG:4548/)
      const f = (await client.get(`/api/v1/grids/${A}001`, street1)).json()
      expect(f.properties).to.include({ name: '西北网格', households: 310 })
      const xs = (f.geometry.coordinates[0][0] as number[][]).map((p) => p[0]!)
      expect(Math.min(...xs)).to.be.closeTo(116.1, 1e-6)
    })

    it('decodes a GBK DBF without a .cpg', async () => {
      const zip = zippedShapefile(quarterGrids(), 'gbk', { encoding: 'GBK', drop: ['cpg'] })
      const res = await upload('kind=base&dryRun=true', zip, 'application/zip')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().source).to.match(/gbk/)
      const real = await upload('kind=base', zip, 'application/zip')
      expect(real.statusCode, real.body).to.equal(200)
      expect((await client.get(`/api/v1/grids/${A}003`, street1)).json().properties.name).to.equal('西南网格')
    })

    it('a Shapefile without .prj is a 400 unless crs is given', async () => {
      const zip = zippedShapefile(quarterGrids(), 'noprj', { drop: ['prj'] })
      const res = await upload('kind=base', zip, 'application/zip')
      expect(res.statusCode).to.equal(400)
      expect(res.json().detail).to.match(/no \.prj/)
      expect((await upload('kind=base&crs=EPSG:4490', zip, 'application/zip')).statusCode).to.equal(200)
    })

    it('truncated zips, zips without a layer and zips with two layers are 400s', async () => {
      const zip = zippedShapefile(quarterGrids(), 'grids')
      const truncated = await upload('kind=base', zip.subarray(0, Math.floor(zip.length / 2)), 'application/zip')
      expect(truncated.statusCode).to.equal(400)
      expect(truncated.json().detail).to.match(/zip/)
      const empty = await upload('kind=base', zipOf({ 'readme.txt': Buffer.from('hi') }), 'application/zip')
      expect(empty.statusCode).to.equal(400)
      expect(empty.json().detail).to.match(/no \.shp/)
      const dir = tempDir()
      try {
        const two = zipOf({ 'a.shp': Buffer.from('x'), 'b.shp': Buffer.from('y') })
        expect((await upload('kind=base', two, 'application/zip')).json().detail).to.match(/2 layers/)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  describe('communities and components', () => {
    const C = '990102001191'
    after(async () => {
      await knex('component').where({ community_code: C }).delete()
      await knex('admin_division').where({ code: C }).delete()
    })

    it('imports a community (analyst) and refuses overlaps and street staff', async () => {
      const fc = collection(feature({ QHDM: C, MC: '导入社区' }, polygon(116.1, 36.511, 116.11, 36.52)))
      expect((await upload('kind=community', JSON.stringify(fc), 'application/geo+json')).statusCode).to.equal(403)
      const overlap = collection(feature({ QHDM: '990102001192', MC: '重叠社区' }, polygon(116.1, 36.505, 116.11, 36.515)))
      const dry = await upload('kind=community&dryRun=true', JSON.stringify(overlap), 'application/geo+json', analyst)
      expect(dry.json().violations.map((v: { rule: string }) => v.rule)).to.deep.equal(['community_overlap'])
      const res = await upload('kind=community', JSON.stringify(fc), 'application/geo+json', analyst)
      expect(res.statusCode, res.body).to.equal(200)
      const row = await knex('admin_division').where({ code: C }).first('parent_code', 'level')
      expect(row).to.deep.equal({ parent_code: '990102001000', level: 'community' })
    })

    it('imports components and geocodes them to their base grid', async () => {
      await upload('kind=base', JSON.stringify(quarterGrids()), 'application/geo+json')
      const fc = collection(
        feature({ BJBM: '9901020305000901', MC: '垃圾箱', communityCode: A }, { type: 'Point', coordinates: [116.101, 36.501] }),
        feature({ BJBM: '9901020305000902', MC: '垃圾箱', communityCode: A }, { type: 'Point', coordinates: [116.109, 36.509] }),
      )
      const res = await upload('kind=component', JSON.stringify(fc), 'application/geo+json')
      expect(res.statusCode, res.body).to.equal(200)
      const rows = await knex('component').whereIn('id', ['9901020305000901', '9901020305000902']).orderBy('id').pluck('grid_code')
      expect(rows).to.deep.equal([`${A}003`, `${A}002`])
      const bad = collection(
        feature({ BJBM: '9901029999000001', communityCode: A }, { type: 'Point', coordinates: [116.101, 36.501] }),
        feature({ BJBM: '9901020305000901', communityCode: A }, { type: 'Point', coordinates: [116.2, 36.501] }),
      )
      const dry = await upload('kind=component&dryRun=true', JSON.stringify(bad), 'application/geo+json')
      expect(dry.json().violations.map((v: { feature: number; rule: string }) => `${v.feature}:${v.rule}`)).to.deep.equal([
        '0:unknown_class', '1:code_taken', '1:outside_community'])
    })
  })

  describe('export', () => {
    it('round-trips: exported GeoJSON re-imports as a clean dry run after the grids are gone', async () => {
      await upload('kind=base', JSON.stringify(quarterGrids()), 'application/geo+json')
      const exported = await client.get(`/api/v1/grids/export?community=${A}`, street1)
      expect(exported.json().features).to.have.length(4)
      await knex('grid').where({ community_code: A }).delete()
      const res = await upload('kind=base&dryRun=true', exported.body, 'application/geo+json')
      expect(res.json()).to.include({ valid: true, features: 4 })
    })
  })

  describe('npm run import', () => {
    it('imports a file from the command line, and a dry run writes nothing', async function () {
      const { url } = await getTestDatabase()
      if (client.context.dbMode === 'embedded') this.skip() // PGlite serves one connection: the CLI cannot share it
      const dir = tempDir()
      const file = path.join(dir, 'grids.geojson')
      fs.writeFileSync(file, JSON.stringify(quarterGrids()))
      const run = (...args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'server/cli/import.ts', file, ...args],
          { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } },
          (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }))
      })
      try {
        const dry = await run('--dry-run', '--kind', 'base')
        expect(dry.code, dry.err).to.equal(0)
        expect(dry.out).to.match(/dry run: 4 feature\(s\), 0 violation/)
        expect(await count(A)).to.equal(0)
        const real = await run('--kind', 'base')
        expect(real.code, real.err).to.equal(0)
        expect(await count(A)).to.equal(4)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})
