// `npm run import:raster`: the same all-or-nothing import from the console, and the clear refusal
// of a machine without GDAL (run with a PATH that has no gdal-bin), which registers nothing.
import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { getTestContext, getTestDatabase } from '../support/db.ts'
import { hasGdal, rasterFiles, rgbTiff, scratchDir } from './support.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url))

describe('rasters: npm run import:raster', function () {
  this.timeout(120_000)
  let dir: string
  let env: NodeJS.ProcessEnv

  before(async function () {
    // the command opens its own connection: it needs a real server (the embedded one is this process's)
    if (!process.env.DATABASE_URL) this.skip()
    if (!hasGdal()) this.skip() // CI installs gdal-bin
    const context = await getTestContext()
    const { url } = await getTestDatabase()
    env = { ...process.env, DATABASE_URL: url, DATA_DIR: context.config.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' }
    dir = scratchDir()
  })
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [tsx, 'server/cli/import-raster.ts', ...args], { cwd: root, env: { ...env, ...extra }, encoding: 'utf8' })
  const names = async () => (await (await getTestContext()).knex('raster_layer').pluck('name')) as string[]

  it('imports a GeoTIFF and prints what it registered', async () => {
    const file = rgbTiff(dir, 'cli', 'EPSG:4490', 117.3, 31.9, 0.0001)
    const r = run([file, '--name', 'cli-ortho', '--kind', 'ortho', '--title', '命令行影像'])
    expect(r.status, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/GeoTIFF, 256×192 px, 3 band\(s\), EPSG:4490/)
    expect(r.stdout).to.match(/registered cli-ortho \(ortho\): rasters\/cli-ortho-[0-9a-f]{8}\.tif, .* EPSG:3857 COG/)
    expect(await names()).to.include('cli-ortho')
  })

  it('without GDAL: exit 1 with a message that names gdal-bin, nothing registered', async () => {
    const file = rgbTiff(dir, 'nogdal', 'EPSG:4490', 117.3, 31.9, 0.0001)
    const before = [await names(), rasterFiles(env.DATA_DIR!)]
    const r = run([file, '--name', 'cli-nogdal', '--kind', 'ortho'], { PATH: '/nonexistent' })
    expect(r.status).to.equal(1)
    expect(r.stderr).to.match(/needs GDAL \(the Debian package gdal-bin/)
    expect([await names(), rasterFiles(env.DATA_DIR!)]).to.deep.equal(before)
  })

  it('usage errors exit 2', () => {
    expect(run(['x.tif', '--name', 'a']).status).to.equal(2)
    expect(run(['x.tif', '--name', 'a', '--kind', 'vector']).status).to.equal(2)
  })
})
