// GET /api/v1/analytics/heatmap: counts per H3 cell checked cell by cell against h3-js on the
// event points read back; filters, jurisdiction, roles and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToBoundary, cellToParent, gridDistance, latLngToCell } from 'h3-js'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { insertEvents, placeEvents, type PlacedEvent } from './heatmapSupport.ts'

const C1 = '990102001001' // street1
const C1B = '990102001002' // street1
const C2 = '990102002001' // street2
const FROM = '2021-03-01T00:00:00+08:00'
const TO = '2021-04-01T00:00:00+08:00'
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`
const at = (s: string) => new Date(s)

interface Fc { type: string; resolution: number; total: number; maxCount: number; features: { id: string; geometry: { type: string; coordinates: number[][][] }; properties: { h3: string; count: number; share: number } }[] }
const countsOf = (fc: Fc) => new Map(fc.features.map((f) => [f.properties.h3, f.properties.count]))

/** The reference: every event point of the window read back, binned in Node with h3-js. */
async function reference(knex: Knex, res: number, community = '%'): Promise<Map<string, number>> {
  const { rows } = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event
    WHERE created_at >= ? AND created_at < ? AND community_code LIKE ?`, [FROM, TO, community])
  const m = new Map<string, number>()
  for (const r of rows as { lon: number; lat: number }[]) {
    const c = cellToParent(latLngToCell(Number(r.lat), Number(r.lon), 12), res)
    m.set(c, (m.get(c) ?? 0) + 1)
  }
  return m
}

describe('analytics heatmap API', () => {
  let client: Client
  let knex: Knex
  let analyst: Record<string, string>
  let street1: Record<string, string>
  let street2: Record<string, string>
  const get = (q: string, h: Record<string, string>) => client.get(`/api/v1/analytics/heatmap?${q}`, h)

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[analyst, street1, street2] = [await loginAs(client, 'analyst'), await loginAs(client, 'street1'), await loginAs(client, 'street2')]
    const events: PlacedEvent[] = [
      ...await placeEvents(knex, { community: C1, at: at('2021-03-10T10:00:00+08:00') }, 300, 11),
      ...await placeEvents(knex, { community: C1B, at: at('2021-03-20T10:00:00+08:00'), classCode: '0101', channel: 'resident', demandType: '咨询', status: 'closed' }, 100, 12),
      ...await placeEvents(knex, { community: C2, at: at('2021-03-15T10:00:00+08:00'), classCode: '0501', channel: 'hotline_12345' }, 150, 13),
      // the bounds: `from` is inclusive, `to` exclusive
      ...await placeEvents(knex, { community: C2, at: at(FROM), classCode: '0601' }, 7, 14),
      ...await placeEvents(knex, { community: C2, at: at(TO), classCode: '0601' }, 5, 15),
    ]
    await insertEvents(knex, events)
  })

  after(async () => {
    await knex.raw("DELETE FROM event WHERE description = 'analytics test'")
  })

  it('counts every cell exactly like h3-js on the points read back, at every resolution 5-11', async () => {
    for (let res = 5; res <= 11; res++) {
      const r = await get(`resolution=${res}&${WINDOW}`, analyst)
      expect(r.statusCode, r.body).to.equal(200)
      expect(r.headers['content-type']).to.match(/application\/geo\+json/)
      const fc = r.json() as Fc
      expect(fc.type).to.equal('FeatureCollection')
      expect(fc.resolution).to.equal(res)
      expect(countsOf(fc)).to.deep.equal(await reference(knex, res))
      expect(fc.total).to.equal(300 + 100 + 150 + 7)
      const shares = fc.features.reduce((a, f) => a + f.properties.share, 0)
      expect(shares).to.be.closeTo(1, 1e-9)
    }
  })

  it('draws each cell as its closed H3 hexagon in lon/lat, densest first', async () => {
    const fc = (await get(`resolution=9&${WINDOW}`, analyst)).json() as Fc
    const f = fc.features[0]!
    expect(f.geometry.type).to.equal('Polygon')
    expect(f.geometry.coordinates[0]).to.deep.equal(cellToBoundary(f.properties.h3, true))
    const [lon, lat] = f.geometry.coordinates[0]![0]!
    expect(lon).to.be.within(115, 117)
    expect(lat).to.be.within(36, 37)
    const counts = fc.features.map((x) => x.properties.count)
    expect(counts).to.deep.equal([...counts].sort((a, b) => b - a))
    expect(fc.maxCount).to.equal(counts[0])
  })

  it('binning a point directly at a coarse resolution differs from the parent of its res-12 cell only by one neighbouring cell', async () => {
    // H3 children do not tile their parent exactly: a point near a parent's edge may fall in
    // the neighbour when binned directly. The heatmap counts the parent of the stored cell
    // (issue 11: coarser cells from the fine cell); the totals agree and a move is ≤ 1 ring.
    const { rows } = await knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event WHERE created_at >= ? AND created_at < ?', [FROM, TO])
    for (const res of [5, 7, 9, 11]) {
      for (const r of rows as { lon: number; lat: number }[]) {
        const parent = cellToParent(latLngToCell(r.lat, r.lon, 12), res)
        const direct = latLngToCell(r.lat, r.lon, res)
        expect(gridDistance(parent, direct)).to.be.at.most(1)
      }
    }
  })

  it('h3_cell_parent in SQL equals h3-js cellToParent for random res-12 cells at every resolution 5-11', async () => {
    const cells: string[] = []
    for (let i = 0; i < 500; i++) cells.push(latLngToCell(Math.random() * 170 - 85, Math.random() * 360 - 180, 12))
    const ints = cells.map((c) => BigInt(`0x${c}`).toString())
    for (let res = 5; res <= 11; res++) {
      const { rows } = await knex.raw('SELECT to_hex(h3_cell_parent(c::bigint, ?)) AS p FROM unnest(?::text[]) WITH ORDINALITY AS u(c, i) ORDER BY i', [res, ints])
      expect((rows as { p: string }[]).map((r) => r.p)).to.deep.equal(cells.map((c) => cellToParent(c, res)))
    }
  })

  describe('filters', () => {
    const total = async (q: string, h = analyst) => {
      const r = await get(`resolution=7&${q}`, h)
      expect(r.statusCode, r.body).to.equal(200)
      return (r.json() as Fc).total
    }
    it('class: a big class stands for its small classes, a small class for itself', async () => {
      expect(await total(`${WINDOW}&class=01`)).to.equal(400)
      expect(await total(`${WINDOW}&class=0101`)).to.equal(100)
      expect(await total(`${WINDOW}&class=05`)).to.equal(150)
      expect(await total(`${WINDOW}&class=0103`)).to.equal(0)
    })
    it('channel, demandType and status as comma lists', async () => {
      expect(await total(`${WINDOW}&channel=resident`)).to.equal(100)
      expect(await total(`${WINDOW}&channel=resident,hotline_12345`)).to.equal(250)
      expect(await total(`${WINDOW}&demandType=${encodeURIComponent('咨询')}`)).to.equal(100)
      expect(await total(`${WINDOW}&status=closed,dispatched`)).to.equal(557)
      expect(await total(`${WINDOW}&status=closed&channel=inspector_app`)).to.equal(0)
    })
    it('time: from inclusive, to exclusive; a bare date is midnight in Shanghai', async () => {
      expect(await total(`from=${encodeURIComponent(FROM)}&to=${encodeURIComponent('2021-03-01T00:00:00.001+08:00')}`)).to.equal(7)
      expect(await total(`from=2021-03-01&to=2021-03-02`)).to.equal(7)
      expect(await total(`from=2021-03-31&to=2021-04-01`)).to.equal(0)
      expect(await total(`from=2021-04-01&to=2021-04-02`)).to.equal(5)
      expect(await total(`from=2021-03-10&to=2021-03-11`)).to.equal(300)
    })
    it('area: one community, a street, and its cells match the reference', async () => {
      expect(await total(`${WINDOW}&area=${C1B}`)).to.equal(100)
      expect(await total(`${WINDOW}&area=990102001000`)).to.equal(400)
      const fc = (await get(`resolution=10&${WINDOW}&area=${C2}`, analyst)).json() as Fc
      expect(countsOf(fc)).to.deep.equal(await reference(knex, 10, C2))
    })
    it('defaults to the last 30 days and resolution 9', async () => {
      const fc = (await get('', analyst)).json() as Fc
      expect(fc.resolution).to.equal(9)
      expect(Date.parse((fc as unknown as { to: string }).to) - Date.parse((fc as unknown as { from: string }).from)).to.equal(30 * 86_400_000)
      expect(fc.features.every((f) => !countsOf(fc).has('') && f.properties.count > 0)).to.equal(true)
    })
  })

  describe('jurisdiction and roles', () => {
    it('street2 sees its own events and none of street1\'s', async () => {
      const fc = (await get(`resolution=11&${WINDOW}`, street2)).json() as Fc
      expect(fc.total).to.equal(157)
      expect(countsOf(fc)).to.deep.equal(await reference(knex, 11, '990102002%'))
      const s1 = (await get(`resolution=11&${WINDOW}`, street1)).json() as Fc
      expect(s1.total).to.equal(400)
    })
    it('an area outside the jurisdiction is a 403 naming area; an unknown one a 400', async () => {
      const r = await get(`${WINDOW}&area=${C1}`, street2)
      expect(r.statusCode).to.equal(403)
      expect(r.json().detail).to.match(/area/)
      const u = await get(`${WINDOW}&area=990102001199`, street1)
      expect(u.statusCode).to.equal(400)
      expect(u.json().detail).to.match(/area/)
    })
    it('refuses anonymous callers and field roles; serves external systems and departments', async () => {
      expect((await get(WINDOW, {})).statusCode).to.equal(401)
      expect((await get(WINDOW, await loginAs(client, 'inspector'))).statusCode).to.equal(403)
      const system = await client.get(`/api/v1/analytics/heatmap?${WINDOW}`, { 'x-api-key': 'demo12345678.gridgov-demo-external-system-key' })
      expect(system.statusCode).to.equal(200)
      expect((await get(WINDOW, await loginAs(client, 'department'))).statusCode).to.equal(200)
    })
  })

  describe('bad input: a 400 naming the parameter', () => {
    const bad = async (q: string, field: string) => {
      const r = await get(q, analyst)
      expect(r.statusCode, `${q}: ${r.body}`).to.equal(400)
      expect(r.headers['content-type']).to.match(/problem\+json/)
      expect(r.json().detail, q).to.include(field)
    }
    it('resolution out of 5-11 or not a number', async () => {
      await bad('resolution=4', 'resolution')
      await bad('resolution=12', 'resolution')
      await bad('resolution=-1', 'resolution')
      await bad('resolution=9.5', 'resolution')
      await bad('resolution=', 'resolution')
    })
    it('an unknown or malformed class', async () => {
      await bad('class=0777', 'class')
      await bad('class=07', 'class')
      await bad('class=1', 'class')
    })
    it('a range over ten years, from after to, malformed times', async () => {
      await bad('from=2010-01-01&to=2020-01-02', 'to')
      await bad('from=2021-03-02&to=2021-03-01', 'to')
      await bad('from=2021-03-01&to=2021-03-01', 'to')
      await bad('from=2021-02-30', 'from')
      await bad('from=yesterday', 'from')
      await bad('to=2021-03-01T10:00', 'to')
    })
    it('hostile, oversized, repeated and unknown parameters', async () => {
      await bad(`class=${encodeURIComponent("01' OR '1'='1")}`, 'class')
      await bad(`channel=${encodeURIComponent("resident');DROP TABLE event;--")}`, 'channel')
      await bad(`area=${encodeURIComponent('9901%')}`, 'area')
      await bad(`status=${'x'.repeat(100_000)}`, 'status')
      await bad(`demandType=${encodeURIComponent('<script>')}`, 'demandType')
      await bad('resolution=9&resolution=10', 'resolution')
      await bad('bbox=1,2,3,4', 'bbox')
      await bad(`from=${encodeURIComponent('2021-03-01\u0000')}`, 'from')
    })
  })
})
