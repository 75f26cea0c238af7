// The Node encoder (embedded PostGIS has no ST_AsMVT) must give the same tiles as ST_AsMVT:
// same features and attributes, geometry within a pixel or two. Runs where the server has
// ST_AsMVT (real PostGIS via DATABASE_URL); on PGlite only the Node path exists and is tested
// by routes.test.ts.
import { expect } from 'chai'
import type { VectorTileFeature } from '@mapbox/vector-tile'
import { getTestContext } from '../support/db.ts'
import { TileService } from '../../tiles/service.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { AppContext } from '../../server/context.ts'
import { decode, features, streetsMeetingPoint, tileAt } from './support.ts'

type Pt = { x: number; y: number }

function segmentDistance(p: Pt, a: Pt, b: Pt): number {
  const dx = b.x - a.x, dy = b.y - a.y
  const len = dx * dx + dy * dy
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len))
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
}

/** The largest distance from a vertex of one geometry to the other geometry (both directions). */
function hausdorffish(a: Pt[][], b: Pt[][]): number {
  const oneWay = (from: Pt[][], to: Pt[][]) => Math.max(0, ...from.flat().map((p) => Math.min(...to.flatMap((ring) =>
    ring.length === 1 ? [Math.hypot(p.x - ring[0]!.x, p.y - ring[0]!.y)] : ring.slice(1).map((q, i) => segmentDistance(p, ring[i]!, q))))))
  return Math.max(oneWay(a, b), oneWay(b, a))
}

function area(rings: Pt[][]): number {
  return rings.reduce((s, r) => s + r.reduce((t, p, i) => { const q = r[(i + 1) % r.length]!; return t + p.x * q.y - q.x * p.y }, 0) / 2, 0)
}

/** Near the edge of the buffered box, clipping rules may keep a feature in one encoder only. */
function nearBufferEdge(f: VectorTileFeature): boolean {
  return f.loadGeometry().flat().some((p) => Math.min(Math.abs(p.x + 64), Math.abs(p.x - 4160), Math.abs(p.y + 64), Math.abs(p.y - 4160)) <= 2)
}

function keyOf(layer: LayerDef, f: VectorTileFeature, clustered: boolean): string {
  if (!clustered) return String(f.properties[layer.attributes.find((a) => a.sql === `t.${layer.key}`)?.name ?? layer.key])
  const p = f.loadGeometry()[0]![0]!
  return `${Math.round(p.x / 8)}/${Math.round(p.y / 8)}` // clusters have no key: match by position
}

describe('Node encoder vs ST_AsMVT', function () {
  let app: AppContext
  let service: TileService
  let hasMvt = false
  let centre: [number, number]

  before(async function () {
    this.timeout(600_000) // the first file to run creates the shared test database (embedded: minutes on a busy machine)
    app = await getTestContext()
    service = new TileService(app.knex, app.catalogue, app.logger, { cacheBytes: 0 })
    hasMvt = (await service.encoder()) === 'postgis'
    centre = await streetsMeetingPoint(app.knex)
  })

  const cases: [string, number][] = [
    ['admin_divisions', 11], ['admin_divisions', 15], ['base_grids', 12], ['base_grids', 14], ['base_grids', 16],
    ['zongzhi_grids', 14], ['components', 12], ['components', 15], ['addresses', 13], ['addresses', 16],
  ]
  for (const [layerId, z] of cases) {
    it(`${layerId} at z${z}: same features, attributes and geometry within 2 px`, async function () {
      if (!hasMvt) this.skip()
      const layer = app.catalogue.get(layerId)!
      const tile = tileAt(centre[0], centre[1], z)
      const patterns = Jurisdiction.of(['990100000000']).patterns
      const a = features(decode(await service.render(layer, tile, patterns, 'postgis')), layerId)
      const b = features(decode(await service.render(layer, tile, patterns, 'node')), layerId)
      expect(a.length, 'the tile is not empty').to.be.greaterThan(0)
      const clustered = z < layer.minZoom
      const byKey = new Map(b.map((f) => [keyOf(layer, f, clustered), f]))
      let matched = 0
      for (const fa of a) {
        const fb = byKey.get(keyOf(layer, fa, clustered))
        if (!fb) {
          const tiny = fa.type === 3 && Math.abs(area(fa.loadGeometry())) < 16
          expect(tiny || nearBufferEdge(fa), `feature ${keyOf(layer, fa, clustered)} only in the ST_AsMVT tile`).to.equal(true)
          continue
        }
        matched++
        byKey.delete(keyOf(layer, fa, clustered))
        expect(fb.properties).to.deep.equal(fa.properties)
        expect(fb.type).to.equal(fa.type)
        expect(hausdorffish(fa.loadGeometry(), fb.loadGeometry()), `geometry of ${keyOf(layer, fa, clustered)}`).to.be.at.most(2)
        if (fa.type === 3) expect(Math.sign(area(fb.loadGeometry()))).to.equal(Math.sign(area(fa.loadGeometry())))
      }
      for (const [k, fb] of byKey) {
        const tiny = fb.type === 3 && Math.abs(area(fb.loadGeometry())) < 16
        expect(tiny || nearBufferEdge(fb), `feature ${k} only in the Node tile`).to.equal(true)
      }
      expect(matched).to.be.at.least(a.length * 0.95)
    })
  }
})
