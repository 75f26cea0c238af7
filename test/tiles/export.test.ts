// Offline PMTiles export: the format read back with the `pmtiles` reader, the tiles compared
// with the live /tiles endpoint for a user of the same jurisdiction, the bounds on the work, and
// hostile input to the function and the CLI.
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { PMTiles, zxyToTileId as referenceTileId, tileIdToZxy, type RangeResponse, type Source } from 'pmtiles'
import type { AppContext } from '../../server/context.ts'
import { AppError } from '../../server/http/errors.ts'
import { getTestDatabase } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { exportDistrict, type ExportResult } from '../../tiles/export/district.ts'
import { extentTileCounts, planTiles, PlanTooLarge } from '../../tiles/export/plan.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import { buildDirectories, ROOT_BUDGET, zxyToTileId } from '../../tiles/export/pmtiles.ts'
import { PMTilesWriter } from '../../tiles/export/writer.ts'
import { tilesTouching, type BBox } from '../../tiles/tilemath.ts'
import { decode, features, streetsMeetingPoint, tileAt, tileUrl } from './support.ts'

const run = promisify(execFile)
const DISTRICT = '990102000000'
const STREET1 = '990102001000'
const LAYERS = 'base_grids,addresses,components'

/** The pmtiles package's Source over a local file (its FileSource wants a browser File). */
class NodeFileSource implements Source {
  constructor(private readonly file: string) {}
  getKey(): string {
    return this.file
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const fh = await fs.promises.open(this.file, 'r')
    try {
      const buf = Buffer.alloc(length)
      const { bytesRead } = await fh.read(buf, 0, length, offset)
      return { data: buf.buffer.slice(0, bytesRead) as ArrayBuffer }
    } finally {
      await fh.close()
    }
  }
}

const open = (file: string) => new PMTiles(new NodeFileSource(file))

async function tileBytes(p: PMTiles, z: number, x: number, y: number): Promise<Buffer | undefined> {
  const r = await p.getZxy(z, x, y)
  return r ? Buffer.from(r.data) : undefined
}

/** A deterministic PRNG (mulberry32) for synthetic archives. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A tile's content independent of feature order: per layer, its extent and the sorted features
 * (type, attributes, geometry). Not the bytes: PostgreSQL may return rows in another order once
 * a prepared statement switches to its generic plan, and ST_AsMVT writes them as they come.
 */
function contents(tile: ReturnType<typeof decode>): Record<string, { extent: number; features: string[] }> {
  const out: Record<string, { extent: number; features: string[] }> = {}
  for (const [name, layer] of Object.entries(tile.layers)) {
    out[name] = {
      extent: layer.extent,
      features: features(tile, name).map((f) => JSON.stringify([f.type, Object.entries(f.properties).sort(), f.loadGeometry()])).sort(),
    }
  }
  return out
}

async function expectAppError(p: Promise<unknown>, status: number, pattern: RegExp): Promise<AppError> {
  try {
    await p
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError)
    const e = err as AppError
    expect(e.status, e.detail).to.equal(status)
    expect(e.detail).to.match(pattern)
    return e
  }
  throw new Error(`expected an AppError ${status}`)
}

describe('PMTiles format', () => {
  it('numbers tiles on the Hilbert curve exactly as the reference reader does', () => {
    for (let z = 0; z <= 7; z++) {
      for (let x = 0; x < 2 ** z; x++) {
        for (let y = 0; y < 2 ** z; y++) expect(zxyToTileId(z, x, y), `${z}/${x}/${y}`).to.equal(referenceTileId(z, x, y))
      }
    }
    const rnd = prng(7)
    for (let i = 0; i < 2000; i++) {
      const z = 8 + Math.floor(rnd() * 15)
      const x = Math.floor(rnd() * 2 ** z)
      const y = Math.floor(rnd() * 2 ** z)
      const id = zxyToTileId(z, x, y)
      expect(tileIdToZxy(id), `${z}/${x}/${y}`).to.deep.equal([z, x, y])
    }
    expect(() => zxyToTileId(3, 8, 0)).to.throw(RangeError)
    expect(() => zxyToTileId(27, 0, 0)).to.throw(RangeError)
  })

  describe('writer', () => {
    let dir: string
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-pmtiles-'))
    })
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

    it('stores a run of identical tiles as one entry and a repeat elsewhere once, and reads back', async () => {
      const out = path.join(dir, 'a.pmtiles')
      const w = await PMTilesWriter.create(out)
      const same = Buffer.from('identical tile bytes')
      const tiles: [number, Buffer][] = [[1, same], [2, same], [3, same], [4, Buffer.from('four')], [9, same], [10, Buffer.from('ten')]]
      for (const [id, b] of tiles) await w.add(id, b)
      await expectThrows(() => w.add(10, Buffer.from('again')), /ascend/)
      await expectThrows(() => w.add(11, Buffer.alloc(0)), /empty/)
      const s = await w.finish({ minZoom: 1, maxZoom: 2, bounds: [-180, -85, 180, 85], centerZoom: 1, center: [0, 0], metadata: { name: '测试' } })
      expect(s).to.include({ tiles: 6, entries: 4, contents: 3, leafDirectories: 0 })
      expect(s.bytes).to.equal(fs.statSync(out).size)
      expect(fs.readdirSync(dir)).to.deep.equal(['a.pmtiles'])
      const p = open(out)
      const h = await p.getHeader()
      expect(h).to.include({ specVersion: 3, numAddressedTiles: 6, numTileEntries: 4, numTileContents: 3, clustered: true, tileType: 1, tileCompression: 2, internalCompression: 2 })
      for (const [id, b] of tiles) {
        const [z, x, y] = tileIdToZxy(id)
        expect(await tileBytes(p, z, x, y), `tile ${id}`).to.deep.equal(b)
      }
      for (const id of [0, 5, 8, 11, 20]) {
        const [z, x, y] = tileIdToZxy(id)
        expect(await tileBytes(p, z, x, y), `tile ${id}`).to.equal(undefined)
      }
      expect(await p.getMetadata()).to.deep.equal({ name: '测试' })
    })

    it('splits a large directory into leaves so header and root fit 16 KiB, and every tile is found', async function () {
      this.timeout(120_000)
      const out = path.join(dir, 'big.pmtiles')
      const w = await PMTilesWriter.create(out)
      const rnd = prng(42)
      const written: [number, Buffer][] = []
      let id = 0
      for (let i = 0; i < 12_000; i++) {
        id += 1 + Math.floor(rnd() * 3000)
        const b = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)))
        written.push([id, b])
        await w.add(id, b)
      }
      const s = await w.finish({ minZoom: 0, maxZoom: 14, bounds: [115, 36, 117, 37], centerZoom: 10, center: [116, 36.5], metadata: {} })
      expect(s.leafDirectories).to.be.greaterThan(1)
      const p = open(out)
      const h = await p.getHeader()
      expect(h.rootDirectoryOffset + h.rootDirectoryLength).to.be.at.most(16_384)
      expect(h.numAddressedTiles).to.equal(12_000)
      const sample = written.filter((_, i) => i % 97 === 0 || i === written.length - 1)
      for (const [tid, b] of sample) {
        const [z, x, y] = tileIdToZxy(tid)
        expect(await tileBytes(p, z, x, y), `tile ${tid}`).to.deep.equal(b)
        const [z2, x2, y2] = tileIdToZxy(tid + 1)
        if (!written.some(([t]) => t === tid + 1)) expect(await tileBytes(p, z2, x2, y2)).to.equal(undefined)
      }
      expect(buildDirectories([{ tileId: 0, offset: 0, length: 1, runLength: 1 }]).root.length).to.be.below(ROOT_BUDGET)
    })

    it('leaves nothing behind when aborted, and refuses an empty archive', async () => {
      const out = path.join(dir, 'none.pmtiles')
      const w = await PMTilesWriter.create(out)
      await w.add(0, Buffer.from('x'))
      await w.abort()
      expect(fs.readdirSync(dir)).to.deep.equal([])
      const empty = await PMTilesWriter.create(out)
      await expectThrows(() => empty.finish({ minZoom: 0, maxZoom: 0, bounds: [0, 0, 1, 1], centerZoom: 0, center: [0, 0], metadata: {} }), /at least one/)
      await empty.abort()
      expect(fs.readdirSync(dir)).to.deep.equal([])
    })
  })
})

describe('export plan', () => {
  const grids = { id: 'g', geometryType: 'MultiPolygon', minZoom: 10, maxZoom: 22 } as LayerDef
  const points = { id: 'p', geometryType: 'Point', minZoom: 15, maxZoom: 22, clusterMinZoom: 13 } as LayerDef

  it('plans the tiles whose buffered extent touches a feature, per zoom only for the layers drawn there, ascending by tile id', () => {
    // a point in the middle of tile 14/13475/6349, and a grid well inside tile 12/3368/1587
    const boxes = new Map<LayerDef, BBox[]>([
      [points, [[116.08, 36.47, 116.08, 36.47]]],
      [grids, [[116.02, 36.40, 116.03, 36.41]]],
    ])
    const plan = planTiles(boxes, 12, 14, 1000)
    expect(plan.map((t) => t.id)).to.deep.equal([...plan.map((t) => t.id)].sort((a, b) => a - b))
    for (const t of plan) expect(t.id).to.equal(zxyToTileId(t.z, t.x, t.y))
    const at = (z: number) => plan.filter((t) => t.z === z).map((t) => `${t.x}/${t.y}`).sort()
    const g12 = tileAt(116.025, 36.405, 12)
    expect(at(12)).to.deep.equal([`${g12.x}/${g12.y}`]) // the point layer is not drawn at z12
    expect(at(13).length).to.be.at.least(2) // the grid, and the point's clusters from z13
    const p14 = tileAt(116.08, 36.47, 14)
    expect(at(14)).to.include(`${p14.x}/${p14.y}`)
    expect(() => planTiles(boxes, 12, 14, 2)).to.throw(PlanTooLarge)
  })

  it('includes the neighbour whose 64-pixel buffer a feature near the edge falls in', () => {
    const t = tileAt(116.05, 36.45, 14)
    const west = ((t.x) / 2 ** 14) * 360 - 180 // the tile's west edge
    const nearEdge: BBox = [west + 1e-6, 36.45, west + 1e-6, 36.45]
    const plan = planTiles(new Map([[grids, [nearEdge]]]), 14, 14, 100)
    expect(plan.map((p) => p.x).sort()).to.deep.equal([t.x - 1, t.x])
  })
})

async function expectThrows(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await f()
  } catch (err) {
    expect((err as Error).message).to.match(pattern)
    return
  }
  throw new Error(`expected a failure matching ${pattern}`)
}

describe('offline export of a district (PMTiles)', () => {
  let client: Client
  let app: AppContext
  let dir: string
  let file: string
  let result: ExportResult
  let archive: PMTiles
  let districtUser: Record<string, string>

  before(async function () {
    this.timeout(600_000)
    client = await testClient()
    app = client.context
    districtUser = await loginAs(client, 'district')
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-export-'))
    file = path.join(dir, 'district.pmtiles')
    const progress: [number, number][] = []
    result = await exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 14, out: file, onProgress: (d, t) => progress.push([d, t]) })
    archive = open(file)
    expect(progress.length).to.equal(result.rendered)
    expect(progress.at(-1)).to.deep.equal([result.rendered, result.rendered])
  })

  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('writes a PMTiles v3 MVT archive whose header states the zoom range, the district bounds and the counts', async () => {
    expect(fs.readdirSync(dir)).to.deep.equal(['district.pmtiles'])
    expect(result.bytes).to.equal(fs.statSync(file).size)
    expect(result.tiles).to.be.greaterThan(0)
    const { rows } = await app.knex.raw('SELECT ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM admin_division WHERE code = ?', [DISTRICT])
    const e = rows[0] as { x0: number; y0: number; x1: number; y1: number }
    const h = await archive.getHeader()
    expect(h).to.include({ specVersion: 3, tileType: 1, tileCompression: 2, internalCompression: 2, minZoom: 12, maxZoom: 14, clustered: true })
    expect(h.numAddressedTiles).to.equal(result.tiles)
    expect(h.numTileContents).to.be.at.most(h.numTileEntries)
    expect(h.minLon).to.be.closeTo(e.x0, 2e-6)
    expect(h.minLat).to.be.closeTo(e.y0, 2e-6)
    expect(h.maxLon).to.be.closeTo(e.x1, 2e-6)
    expect(h.maxLat).to.be.closeTo(e.y1, 2e-6)
    expect(h.minLon).to.be.at.most(e.x0)
    expect(h.maxLat).to.be.at.least(e.y1)
    expect(h.centerLon).to.be.within(e.x0, e.x1)
    expect(h.centerLat).to.be.within(e.y0, e.y1)
  })

  it('carries metadata: Chinese name and description, vector_layers for the exported zooms, attribution, time, district', async () => {
    const m = await archive.getMetadata() as Record<string, unknown> & { vector_layers: { id: string; minzoom: number; maxzoom: number; fields: Record<string, string> }[] }
    const name = (await app.knex('admin_division').where({ code: DISTRICT }).first('name')).name as string
    expect(m.name).to.equal(`${name}离线地图`)
    expect(m.description).to.match(/基础网格、标准地址、城市部件/).and.to.include(DISTRICT).and.to.include('z12-14')
    expect(m).to.include({ district: DISTRICT, district_level: 'district', type: 'overlay', format: 'pbf', minzoom: '12', maxzoom: '14' })
    expect(m.attribution).to.be.a('string').and.not.equal('')
    expect(Date.now() - Date.parse(String(m.generated_at))).to.be.within(0, 3_600_000)
    expect(m.vector_layers.map((l) => l.id)).to.deep.equal(['base_grids', 'addresses', 'components'])
    for (const l of m.vector_layers) {
      expect(l).to.include({ minzoom: 12, maxzoom: 14 })
      expect(Object.keys(l.fields).length).to.be.greaterThan(0)
    }
    expect(m.vector_layers[0]!.fields).to.have.property('code')
    expect(m.vector_layers[1]!.fields).to.have.property('point_count')
  })

  it('holds at a known z/x/y the very tile /tiles serves the district user, decoding to the same features', async () => {
    const [lon, lat] = await streetsMeetingPoint(app.knex)
    const t = tileAt(lon, lat, 14)
    const res = await client.get(tileUrl(LAYERS, t), districtUser)
    expect(res.statusCode).to.equal(200)
    const stored = await tileBytes(archive, t.z, t.x, t.y)
    expect(stored, 'tile in the archive').to.not.equal(undefined)
    const live = decode(res.rawPayload)
    const offline = decode(stored!)
    expect(Object.keys(offline.layers).sort()).to.deep.equal(Object.keys(live.layers).sort())
    expect(features(offline, 'base_grids').length).to.be.greaterThan(0)
    expect(contents(offline)).to.deep.equal(contents(live))
  })

  it('holds exactly the non-empty tiles of the district at every exported zoom, and nothing outside it', async function () {
    this.timeout(600_000)
    let present = 0
    for (let z = 12; z <= 14; z++) {
      const r = tilesTouching(result.bounds, z, 0)
      // two tiles of margin all round: tiles beyond the district must be absent
      for (let x = r.minX - 2; x <= r.maxX + 2; x++) {
        for (let y = r.minY - 2; y <= r.maxY + 2; y++) {
          const res = await client.get(tileUrl(LAYERS, { z, x, y }), districtUser)
          expect(res.statusCode).to.equal(200)
          const stored = await tileBytes(archive, z, x, y)
          if (res.rawPayload.length === 0) expect(stored, `${z}/${x}/${y} is empty live`).to.equal(undefined)
          else {
            expect(stored, `${z}/${x}/${y} has features live`).to.not.equal(undefined)
            expect(contents(decode(stored!)), `${z}/${x}/${y}`).to.deep.equal(contents(decode(res.rawPayload)))
            present++
          }
        }
      }
    }
    expect(present).to.equal(result.tiles)
    expect(await tileBytes(archive, 12, 0, 0)).to.equal(undefined)
    expect(await tileBytes(archive, 15, 26845, 12700)).to.equal(undefined) // a zoom not exported
  })

  it('exports a street (a district part) with only that street\'s features', async function () {
    this.timeout(600_000)
    const out = path.join(dir, 'street.pmtiles')
    const r = await exportDistrict(app, { district: STREET1, minZoom: 14, maxZoom: 14, out })
    expect(r.area.level).to.equal('street')
    expect(r.tiles).to.be.greaterThan(0)
    const p = open(out)
    const [lon, lat] = await streetsMeetingPoint(app.knex)
    const t = tileAt(lon, lat, 14)
    const stored = await tileBytes(p, t.z, t.x, t.y)
    expect(stored).to.not.equal(undefined)
    const tile = decode(stored!)
    const all = Object.keys(tile.layers).flatMap((l) => features(tile, l))
    expect(all.length).to.be.greaterThan(0)
    for (const f of all) if (f.properties.community_code !== undefined) expect(String(f.properties.community_code)).to.match(/^990102001/)
    const fromDistrict = decode((await tileBytes(archive, t.z, t.x, t.y))!)
    expect(features(fromDistrict, 'base_grids').length).to.be.greaterThan(features(tile, 'base_grids').length)
    fs.rmSync(out)
  })

  it('replaces an existing file atomically, and leaves it untouched when an export fails', async function () {
    this.timeout(600_000)
    const out = path.join(dir, 'replace.pmtiles')
    fs.writeFileSync(out, 'old contents')
    await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 14, out, maxTiles: 10 }), 413, /limit of 10:/)
    expect(fs.readFileSync(out, 'utf8')).to.equal('old contents')
    await exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 12, out })
    expect((await open(out).getHeader()).maxZoom).to.equal(12)
    fs.rmSync(out)
    expect(fs.readdirSync(dir)).to.deep.equal(['district.pmtiles'])
  })

  describe('hostile input', () => {
    const out = () => path.join(dir, 'hostile.pmtiles')
    afterEach(() => expect(fs.readdirSync(dir), 'no file or temporary file left').to.deep.equal(['district.pmtiles']))

    for (const district of ['99010200000', '9901020000001', '99010200000x', '', '990102000000; DROP TABLE grid']) {
      it(`refuses the admin code ${JSON.stringify(district)} with 400`, async () => {
        await expectAppError(exportDistrict(app, { district, out: out() }), 400, /district: must be a 12-digit admin code/)
      })
    }

    it('answers an unknown code with 404 naming it', async () => {
      await expectAppError(exportDistrict(app, { district: '990199000000', minZoom: 12, maxZoom: 12, out: out() }), 404, /990199000000/)
    })

    it('refuses the whole city (too large for a field team; export its districts)', async () => {
      await expectAppError(exportDistrict(app, { district: '990100000000', minZoom: 12, maxZoom: 12, out: out() }), 400, /is a city/)
    })

    it('refuses an inverted, out-of-range or fractional zoom range', async () => {
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 15, maxZoom: 13, out: out() }), 400, /minZoom: must not exceed maxZoom/)
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 23, out: out() }), 400, /maxZoom/)
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: -1, maxZoom: 12, out: out() }), 400, /minZoom/)
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12.5, maxZoom: 13, out: out() }), 400, /minZoom/)
    })

    it('refuses a zoom range where no exported layer has tiles', async () => {
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 3, maxZoom: 9, out: out() }), 400, /no exported layer has tiles at z3-9/)
    })

    it('refuses a bad target: not .pmtiles, a missing directory, a directory', async () => {
      await expectAppError(exportDistrict(app, { district: DISTRICT, out: path.join(dir, 'a.mbtiles') }), 400, /\.pmtiles/)
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 12, out: path.join(dir, 'missing', 'a.pmtiles') }), 400, /does not exist/)
      const sub = path.join(dir, 'sub.pmtiles')
      fs.mkdirSync(sub)
      try {
        await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 12, out: sub }), 400, /is a directory/)
      } finally {
        fs.rmdirSync(sub)
      }
    })

    it('refuses too many tiles before rendering any, naming the count and a max zoom that fits', async () => {
      // the demo district is small (3 km across: z12-22 is under the default limit), so the limit is lowered
      const limit = 100_000
      const e = await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 22, out: out(), maxTiles: limit }), 413,
        /needs \d+ tiles at z12-22, more than the limit of 100000: lower maxZoom \(--max-zoom\) to \d+/)
      const suggested = e.extra.suggestedMaxZoom as number
      const counts = extentTileCounts(result.bounds, 12, 22)
      const upTo = (zz: number) => counts.slice(0, zz - 12 + 1).reduce((a, b) => a + b, 0)
      expect(e.extra.tiles).to.equal(upTo(22))
      expect(upTo(suggested)).to.be.at.most(limit)
      expect(upTo(suggested + 1)).to.be.above(limit)
      await expectAppError(exportDistrict(app, { district: DISTRICT, out: out(), maxTiles: 10_000_000 }), 400, /maxTiles/)
      // a lower limit: refused at z12-14 too, and the plan's own guard answers the same way
      const small = counts[0]! + counts[1]!
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 14, out: out(), maxTiles: small }), 413, /lower maxZoom \(--max-zoom\) to 13/)
      await expectAppError(exportDistrict(app, { district: DISTRICT, minZoom: 12, maxZoom: 14, out: out(), maxTiles: 1 }), 413, /even z12 alone/)
    })
  })

  describe('CLI (npm run export:tiles)', () => {
    const cli = async (args: string[], env: Record<string, string> = {}) => {
      try {
        const r = await run(process.execPath, ['--import', 'tsx', 'server/cli/export-tiles.ts', ...args], {
          cwd: process.cwd(), timeout: 300_000,
          env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', SEED_DEMO: 'false', DATA_DIR: path.join(dir, 'no-data'), ...env },
        })
        return { code: 0, stdout: r.stdout, stderr: r.stderr }
      } catch (err) {
        const e = err as { code?: number; stdout: string; stderr: string }
        return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr }
      }
    }

    const usage: [string, string[], RegExp][] = [
      ['no arguments', [], /--district is required/],
      ['a short code', ['--district', '990102', '--out', 'x.pmtiles'], /12-digit admin code/],
      ['no --out', ['--district', DISTRICT], /--out is required/],
      ['an MBTiles target', ['--district', DISTRICT, '--out', 'x.mbtiles'], /\.pmtiles/],
      ['an inverted zoom range', ['--district', DISTRICT, '--out', 'x.pmtiles', '--min-zoom', '16', '--max-zoom', '12'], /--min-zoom 16 is above --max-zoom 12/],
      ['a zoom beyond 22', ['--district', DISTRICT, '--out', 'x.pmtiles', '--max-zoom', '30'], /--max-zoom must be a whole number from 0 to 22/],
      ['a bad --max-tiles', ['--district', DISTRICT, '--out', 'x.pmtiles', '--max-tiles', '0'], /--max-tiles must be a whole number from 1 to 5000000/],
      ['an unknown option', ['--district', DISTRICT, '--out', 'x.pmtiles', '--format', 'mbtiles'], /Unknown option/],
    ]
    for (const [what, args, message] of usage) {
      it(`exits 2 on ${what}, before opening any database`, async function () {
        this.timeout(120_000)
        const r = await cli(args)
        expect(r.code, r.stderr).to.equal(2)
        expect(r.stderr).to.match(message).and.to.match(/usage: npm run export:tiles/)
        expect(fs.existsSync(path.join(dir, 'no-data'))).to.equal(false)
      })
    }

    describe('against the database', () => {
      let url: string
      before(async function () {
        // the embedded database's socket serves the test run's one connection only
        if (app.dbMode === 'embedded') this.skip()
        url = (await getTestDatabase()).url
      })

      it('exports and prints a summary (exit 0); the file reads back', async function () {
        this.timeout(300_000)
        const out = path.join(dir, 'cli.pmtiles')
        const r = await cli(['--district', DISTRICT, '--out', out, '--min-zoom', '12', '--max-zoom', '13'], { DATABASE_URL: url })
        expect(r.code, r.stderr).to.equal(0)
        expect(r.stdout).to.match(new RegExp(`^wrote .*cli\\.pmtiles: .*\\(${DISTRICT}\\), z12-13, \\d+ tiles`))
        const h = await open(out).getHeader()
        expect(h).to.include({ minZoom: 12, maxZoom: 13, tileType: 1 })
        fs.rmSync(out)
      })

      it('exits 1 naming an unknown district, 2 on too many tiles or a city', async function () {
        this.timeout(300_000)
        const unknown = await cli(['--district', '990199000000', '--out', path.join(dir, 'u.pmtiles')], { DATABASE_URL: url })
        expect(unknown.code, unknown.stderr).to.equal(1)
        expect(unknown.stderr).to.match(/no admin area with code 990199000000/)
        const many = await cli(['--district', DISTRICT, '--out', path.join(dir, 'm.pmtiles'), '--max-zoom', '22', '--max-tiles', '1000'], { DATABASE_URL: url })
        expect(many.code, many.stderr).to.equal(2)
        expect(many.stderr).to.match(/needs \d+ tiles at z12-22, more than the limit of 1000: lower maxZoom \(--max-zoom\) to \d+/)
        const city = await cli(['--district', '990100000000', '--out', path.join(dir, 'c.pmtiles')], { DATABASE_URL: url })
        expect(city.code, city.stderr).to.equal(2)
        expect(city.stderr).to.match(/is a city/)
        expect(fs.readdirSync(dir).filter((f) => f !== 'no-data')).to.deep.equal(['district.pmtiles'])
      })
    })
  })
})
