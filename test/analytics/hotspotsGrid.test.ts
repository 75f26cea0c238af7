// GET /api/v1/analytics/hotspots?unit=grid: Gi* per current base grid with queen contiguity.
// Counts against point-in-polygon of the event points, neighbours against ST_Touches pairs,
// z / p / pFdr against the dense textbook reference (gistarSupport.ts); jurisdiction, bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { insertEvents, placeEvents, type PlacedEvent } from './heatmapSupport.ts'
import { reference } from './gistarSupport.ts'

const C1 = '990102001001'
const C2 = '990102003001'
// a window of its own
const FROM = '2020-08-01T00:00:00+08:00'
const TO = '2020-09-01T00:00:00+08:00'
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`

interface Fc { unit: string; cells: number; total: number; features: { id: string; geometry: { type: string }; properties: { grid: string; count: number; z: number; p: number; pFdr: number; class: string } }[] }

describe('analytics hotspots API, unit=grid', () => {
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>
  const get = (q: string, h: Record<string, string>) => client.get(`/api/v1/analytics/hotspots?unit=grid&${q}`, h)

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[analyst, street1] = [await loginAs(client, 'analyst'), await loginAs(client, 'street1')]
    const at = new Date('2020-08-10T10:00:00+08:00')
    const events: PlacedEvent[] = [
      ...await placeEvents(knex, { community: C1, at }, 300, 31),
      ...await placeEvents(knex, { community: C2, at }, 40, 32),
    ]
    await insertEvents(knex, events)
    // intake stores the grid the point lies in; the shared helper does not
    await knex.raw(`UPDATE event e SET grid_code = g.code, grid_version = g.version FROM grid g
      WHERE e.created_at >= ? AND e.created_at < ? AND e.description = 'analytics test'
        AND g.kind = 'base' AND g.valid_to IS NULL AND ST_Covers(g.geom, e.geom)`, [FROM, TO])
  })

  after(async () => {
    await knex.raw("DELETE FROM event WHERE description = 'analytics test' AND created_at >= ? AND created_at < ?", [FROM, TO])
  })

  /** Current base grids under a prefix with their event counts by point in polygon, and ST_Touches pairs. */
  async function expected(prefix: string): Promise<{ codes: string[]; counts: number[]; w: Uint8Array[] }> {
    const grids = (await knex.raw(`SELECT g.code, (SELECT count(*)::int FROM event e WHERE e.created_at >= ? AND e.created_at < ?
        AND e.community_code LIKE ? AND ST_Covers(g.geom, e.geom)) AS n
      FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code LIKE ? ORDER BY g.code`, [FROM, TO, `${prefix}%`, `${prefix}%`])).rows as { code: string; n: number }[]
    const pairs = (await knex.raw(`SELECT a.code AS a, b.code AS b FROM grid a JOIN grid b ON ST_Touches(a.geom, b.geom)
      WHERE a.kind = 'base' AND b.kind = 'base' AND a.valid_to IS NULL AND b.valid_to IS NULL
        AND a.community_code LIKE ? AND b.community_code LIKE ?`, [`${prefix}%`, `${prefix}%`])).rows as { a: string; b: string }[]
    const codes = grids.map((g) => g.code)
    const at = new Map(codes.map((c, i) => [c, i]))
    const w = codes.map((_, i) => { const r = new Uint8Array(codes.length); r[i] = 1; return r })
    for (const p of pairs) w[at.get(p.a)!]![at.get(p.b)!] = 1
    return { codes, counts: grids.map((g) => g.n), w }
  }

  for (const [who, prefix] of [['analyst', '9901'], ['street1', '990102001']] as const) {
    it(`every current base grid of ${who}'s jurisdiction, counts, queen neighbours and Gi* equal to the references`, async () => {
      const r = await get(WINDOW, who === 'analyst' ? analyst : street1)
      expect(r.statusCode, r.body.slice(0, 300)).to.equal(200)
      const fc = r.json() as Fc
      const want = await expected(prefix)
      expect(fc.unit).to.equal('grid')
      expect(fc.features.map((f) => f.id)).to.deep.equal(want.codes)
      expect(fc.features.map((f) => f.properties.count)).to.deep.equal(want.counts)
      expect(fc.total).to.equal(who === 'analyst' ? 340 : 300)
      const ref = reference(want.counts, want.w)
      fc.features.forEach((f, i) => {
        expect(Math.abs(f.properties.z - ref.z[i]!), f.id).to.be.below(1e-9)
        expect(Math.abs(f.properties.p - ref.p[i]!), f.id).to.be.below(1e-9)
        expect(Math.abs(f.properties.pFdr - ref.q[i]!), f.id).to.be.below(1e-9)
        expect(f.geometry.type).to.match(/Polygon/)
      })
      // the cluster's community holds the hottest grid
      const hottest = fc.features.reduce((a, b) => (b.properties.z > a.properties.z ? b : a))
      expect(hottest.id.startsWith(C1), hottest.id).to.equal(true)
      expect(hottest.properties.z).to.be.above(0)
    })
  }

  it('an area narrows it; outside the jurisdiction is 403; k other than 1 is a 400 naming k', async () => {
    const a = await get(`area=${C1}&${WINDOW}`, street1)
    expect(a.statusCode).to.equal(200)
    expect((a.json() as Fc).features.every((f) => f.id.startsWith(C1))).to.equal(true)
    const out = await get(`area=${C2}&${WINDOW}`, street1)
    expect(out.statusCode).to.equal(403)
    expect(out.json().errors[0].field).to.equal('area')
    const k = await get(`k=2&${WINDOW}`, analyst)
    expect(k.statusCode).to.equal(400)
    expect(k.json().errors[0].field).to.equal('k')
    const unit = await client.get('/api/v1/analytics/hotspots?unit=district', analyst)
    expect(unit.statusCode).to.equal(400)
    expect(unit.json().errors[0].field).to.equal('unit')
  })
})
