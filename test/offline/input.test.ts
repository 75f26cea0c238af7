// Bad field copies: each is one clear 4xx naming the problem, and nothing of it is applied (the
// files below also carry a valid edit, which must not land). Then the CLI.
import { expect } from 'chai'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Knex } from 'knex'
import { getTestContext, getTestDatabase } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { download, geojsonFile, gpkgSql, hasTool, scratchDir, STREET1, sync, tool } from './support.ts'

const runFile = promisify(execFile)
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c50000000049454e44ae426082', 'hex')

describe('offline sync: bad input', function () {
  this.timeout(600_000)
  let client: Client
  let knex: Knex
  let street1: Record<string, string>
  let dir: string
  let clean: string
  let comp: { id: string; name: string }

  before(async function () {
    if (!hasTool('ogrinfo') || !hasTool('ogr2ogr')) this.skip() // Debian gdal-bin
    client = await testClient()
    knex = client.context.knex
    street1 = await loginAs(client, 'street1')
    dir = scratchDir()
    clean = path.join(dir, 'clean.gpkg')
    expect((await download(client, street1, `${STREET1}.gpkg`, clean)).status).to.equal(200)
    comp = await knex('component').where('community_code', 'like', `${STREET1.slice(0, 9)}%`).orderBy('id', 'desc').first('id', 'name')
  })
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

  /** A copy of the clean package with a valid edit (which must not land) and then the damage. */
  async function damaged(name: string, damage: (file: string) => Promise<unknown>): Promise<Buffer> {
    const file = path.join(dir, `${name}.gpkg`)
    fs.copyFileSync(clean, file)
    await gpkgSql(file, `UPDATE components SET name = '不应写入' WHERE id = '${comp.id}'`)
    await damage(file)
    return fs.readFileSync(file)
  }

  async function expectRefused(body: Buffer, status: number, code: string, detail: RegExp, type?: string) {
    const r = await sync(client, street1, STREET1, body, type)
    expect(r.status, r.body).to.equal(status)
    expect(r.json.code, r.body).to.equal(code)
    expect(r.json.detail).to.match(detail)
    expect((await knex('component').where({ id: comp.id }).first()).name).to.equal(comp.name)
  }

  it('refuses what is not SQLite: a PNG, 50 MB of noise, an empty body, JSON', async () => {
    await expectRefused(PNG, 400, 'offline.not_sqlite', /not a SQLite database/)
    await expectRefused(crypto.randomBytes(50 * 1024 * 1024), 400, 'offline.not_sqlite', /not a SQLite database/)
    await expectRefused(Buffer.alloc(0), 400, 'offline.empty', /empty/)
    // a SQLite header and then nothing: SQLite cannot read it
    await expectRefused(fs.readFileSync(clean).subarray(0, 4096), 400, 'offline.unreadable', /could not be read|not a readable SQLite database/)
    await expectRefused(PNG, 400, 'offline.not_sqlite', /not a SQLite database/, 'application/octet-stream')
    await expectRefused(Buffer.from('{"a":1}'), 415, 'offline.media_type', /application\/geopackage\+sqlite3/, 'application/json')
  })

  it('refuses a body above OFFLINE_SYNC_MAX_BYTES with 413', async () => {
    const small = await testClient(await getTestContext({ offlineSyncMaxBytes: 64 * 1024 }))
    const h = await loginAs(small, 'street1')
    const r = await sync(small, h, STREET1, await damaged('big', async () => undefined))
    expect(r.status, r.body).to.equal(413)
    expect(r.json.code).to.equal('offline.too_large')
  })

  it('refuses a SQLite file that is not a field copy, and a copy of another area', async () => {
    const plain = path.join(dir, 'plain.gpkg')
    await tool('ogr2ogr', ['-f', 'GPKG', plain, geojsonFile(dir, 'p', { a: 1 }, 116, 36.45)])
    await expectRefused(fs.readFileSync(plain), 400, 'offline.missing_table', /no table gridgov_package/)
    await expectRefused(await damaged('nobase', (f) => gpkgSql(f, 'DROP TABLE gridgov_baseline')), 400, 'offline.missing_table', /gridgov_baseline/)
    const r = await sync(client, street1, '990102001001', fs.readFileSync(clean))
    expect(r.status).to.equal(400)
    expect(r.json.code).to.equal('offline.area_mismatch')
    await expectRefused(await damaged('forged', (f) => gpkgSql(f, `UPDATE gridgov_package SET value = '${crypto.randomUUID()}' WHERE key = 'package_id'`)),
      400, 'offline.unknown_package', /not exported by this server/)
  })

  it('refuses a copy reprojected to EPSG:3857 or EPSG:4326', async () => {
    for (const crs of ['EPSG:3857', 'EPSG:4326']) {
      const edited = await damaged(`edited-${crs.slice(5)}`, async () => undefined)
      const src = path.join(dir, `src-${crs.slice(5)}.gpkg`)
      fs.writeFileSync(src, edited)
      const out = path.join(dir, `reprojected-${crs.slice(5)}.gpkg`)
      // the whole package through ogr2ogr, bookkeeping tables included, features reprojected
      await tool('ogr2ogr', ['-f', 'GPKG', out, src, '-t_srs', crs])
      await expectRefused(fs.readFileSync(out), 400, 'offline.wrong_crs', new RegExp(`components is in EPSG:${crs.slice(5)}, not EPSG:4490`))
    }
  })

  it('refuses wrong geometry types: a table declared otherwise, a line in the points', async () => {
    await expectRefused(await damaged('lines', (f) => gpkgSql(f, 'UPDATE components SET geom = (SELECT geom FROM roads LIMIT 1) WHERE fid = 1')),
      400, 'offline.bad_geometry', /components feature 1: bad geometry, it is WKB type 5, not a 2D Point/)
    await expectRefused(await damaged('declared', (f) => gpkgSql(f, "UPDATE gpkg_geometry_columns SET geometry_type_name = 'POLYGON' WHERE table_name = 'reports'")),
      400, 'offline.wrong_geometry', /reports holds POLYGON/)
  })

  describe('the CLI', () => {
    let url: string
    before(async function () {
      if (client.context.dbMode === 'embedded') this.skip() // the embedded socket serves the run's one connection
      url = (await getTestDatabase()).url
    })
    const cli = (args: string[]) => runFile('npx', ['tsx', 'server/cli/export-gpkg.ts', ...args], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' } })
      .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e)

    it('writes a GeoPackage and an MBTiles GDAL reads; exit 2 on usage, 1 on an unknown area', async () => {
      const out = path.join(dir, 'cli.gpkg')
      const r = await cli(['--area', STREET1, '--out', out])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.match(new RegExp(`^wrote .*cli\\.gpkg: .*\\(${STREET1}\\), \\d+ features \\(base_grids \\d+, components \\d+`))
      expect(await tool('ogrinfo', ['-ro', '-so', out, 'components'])).to.match(/ID\["EPSG",4490\]/)
      const mb = path.join(dir, 'cli.mbtiles')
      const m = await cli(['--area', STREET1, '--out', mb, '--max-zoom', '13'])
      expect(m.code, m.stderr).to.equal(0)
      expect(await tool('ogrinfo', ['-ro', '-so', mb])).to.include('MBTiles')
      expect((await cli(['--area', 'abc'])).code).to.equal(2)
      const unknown = await cli(['--area', '990199000000', '--out', path.join(dir, 'u.gpkg')])
      expect(unknown.code).to.equal(1)
      expect(unknown.stderr).to.match(/no admin area 990199000000/)
      expect(fs.existsSync(path.join(dir, 'u.gpkg'))).to.equal(false)
    })
  })
})
