// GET /api/v1/analytics/service-gaps and the yearly report on the shared test database (the demo
// city with its demo facilities). The shares are recomputed here differently: the road lines as
// PostGIS nodes them, lengths by haversine in Node, every house and facility placed on the nearest
// polyline by scanning all of them, and a plain O(V²) Dijkstra from each facility in turn. One city
// case is checked against a distance computed by hand: two points on one straight road, and two on
// crossing roads walked through the crossing, against PostGIS's geodesic distances.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { WalkNetwork, type Segment } from '../../server/service-gaps/walk.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { haversine, independentWalker } from './independent.ts'

const COMMUNITY = '990102001001'
const OTHER_STREET_COMMUNITY = '990102002001'

interface Cell { kind: string; facilities: number; served: number; servedInReach: number; share: number | null; households: number; householdsInReach: number; lacking: boolean; demands: number }

describe('service gaps (一年一体检)', function () {
  let knex: Knex
  let client: Client
  const h: Record<string, Record<string, string>> = {}
  let year: number

  before(async () => {
    const ctx = await getTestContext()
    knex = ctx.knex
    client = await testClient(ctx)
    for (const u of ['command', 'street1', 'inspector', 'system']) h[u] = await loginAs(client, u)
    year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear()
  })

  const get = (q: string, who = 'command') => client.get(`/api/v1/analytics/service-gaps?${q}`, h[who])

  it('counts the residents within a walk of each service as an independent network walk does', async () => {
    const reach = 600
    const r = await get(`area=${COMMUNITY}&reach=${reach}&year=${year}`)
    expect(r.statusCode, r.body).to.equal(200)
    const a = r.json()
    expect(a.communities).to.have.length(1)
    const c = a.communities[0]
    const residents = await knex('resident').where({ community_code: COMMUNITY }).whereNull('moved_out_at').count<{ n: string }[]>({ n: '*' })
    expect(c.residents).to.equal(Number(residents[0]!.n))
    const { rows: lines } = await knex.raw(`SELECT ST_AsGeoJSON(d.geom) AS g FROM (SELECT (ST_Dump(ST_Node(ST_Collect(ST_SnapToGrid(p.geom, 0.0000001))))).geom
      FROM road r CROSS JOIN LATERAL ST_Dump(r.geom) p) AS d`) as { rows: { g: string }[] }
    const polylines = lines.map((l) => (JSON.parse(l.g) as { coordinates: number[][] }).coordinates)
    const { rows: homes } = await knex.raw(`SELECT ST_X(coalesce(h.geom, r.geom)) AS lon, ST_Y(coalesce(h.geom, r.geom)) AS lat
      FROM resident r LEFT JOIN house h ON h.id = r.house_id WHERE r.community_code = ? AND r.moved_out_at IS NULL`, [COMMUNITY]) as { rows: { lon: number; lat: number }[] }
    const walker = independentWalker(polylines, reach)
    let checked = 0
    for (const cell of c.services as Cell[]) {
      if (cell.kind === 'elderly_care') continue // served by age: the same walk, checked through the others
      const { rows: shops } = await knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM place WHERE kind = ?', [cell.kind]) as { rows: { lon: number; lat: number }[] }
      const d = walker(shops.map((s) => [s.lon, s.lat]), homes.map((p) => [p.lon, p.lat]))
      const inReach = d.filter((x) => x <= reach - 3).length
      // projected and geodesic lengths differ by well under 3 m over a walk of this length
      const near = d.filter((x) => x > reach - 3 && x <= reach + 3).length
      expect(cell.served).to.equal(homes.length)
      expect(cell.servedInReach, cell.kind).to.be.within(inReach, inReach + near)
      expect(near, cell.kind).to.be.below(homes.length / 20)
      expect(cell.share).to.equal(Math.round(cell.servedInReach / cell.served * 1000) / 1000)
      expect(cell.lacking).to.equal(cell.servedInReach / cell.served < 0.8)
      checked++
    }
    expect(checked).to.equal(3)
    // a community far from any facility of a kind has a share under 1 somewhere in the city
    const city = (await get(`reach=${reach}&year=${year}`)).json()
    expect(city.communities.length).to.be.greaterThan(5)
    expect(city.kinds.some((k: { communitiesLacking: number }) => k.communitiesLacking > 0)).to.equal(true)
    const inside = await knex('place').whereIn('kind', ['convenience_store', 'parking', 'elderly_care', 'clinic']).count<{ n: string }[]>({ n: '*' })
    expect(city.kinds.reduce((s: number, k: { facilities: number }) => s + k.facilities, 0)).to.equal(Number(inside[0]!.n))
  })

  it('walks a straight road and a corner of the city as computed by hand', async () => {
    const { rows: [road] } = await knex.raw(`SELECT ST_AsGeoJSON(geom) AS g FROM (SELECT (ST_Dump(geom)).geom FROM road) d
      WHERE ST_NPoints(geom) = 2 AND ST_Length(CAST(geom AS geography)) > 300 ORDER BY ST_Length(geom) DESC LIMIT 1`) as { rows: { g: string }[] }
    const [p0, p1] = (JSON.parse(road!.g) as { coordinates: number[][] }).coordinates as [number[], number[]]
    const along = (t: number) => [p0[0]! + t * (p1[0]! - p0[0]!), p0[1]! + t * (p1[1]! - p0[1]!)] as [number, number]
    const { rows: edges } = await knex.raw(sqlFile('service-gaps/edges'), { codes: [COMMUNITY.slice(0, 6).padEnd(12, '0')], dx: 0.05, dy: 0.05 }) as { rows: Segment[] }
    const net = new WalkNetwork(edges.map((e) => ({ ax: +e.ax, ay: +e.ay, bx: +e.bx, by: +e.by, length: +e.length })), p0[1]!)
    const a = along(0.1), b = along(0.9)
    const straight = haversine(a, b)
    expect(net.reach([net.snap(...a, 5)!], 5000).distanceTo(net.snap(...b, 5)!)).to.be.closeTo(straight, straight * 0.003)
    // a corner: from a point on one road to a point on a road crossing it, through the crossing
    const { rows: [x] } = await knex.raw(`SELECT ST_AsGeoJSON(ST_LineInterpolatePoint(r1.g, 0.5)) AS a, ST_AsGeoJSON(ST_LineInterpolatePoint(r2.g, 0.5)) AS b,
        ST_AsGeoJSON(ST_Intersection(r1.g, r2.g)) AS x
      FROM (SELECT (ST_Dump(geom)).geom AS g, name FROM road) r1, (SELECT (ST_Dump(geom)).geom AS g, name FROM road) r2
      WHERE r1.name <> r2.name AND ST_NPoints(r1.g) = 2 AND ST_NPoints(r2.g) = 2 AND ST_Crosses(r1.g, r2.g)
        AND ST_Distance(ST_Intersection(r1.g, r2.g), ST_LineInterpolatePoint(r1.g, 0.5)) > 0.001
        AND ST_Distance(ST_Intersection(r1.g, r2.g), ST_LineInterpolatePoint(r2.g, 0.5)) > 0.001
      ORDER BY r1.name, r2.name LIMIT 1`) as { rows: { a: string; b: string; x: string }[] }
    const pt = (s: string) => (JSON.parse(s) as { coordinates: [number, number] }).coordinates
    const byHand = haversine(pt(x!.a), pt(x!.x)) + haversine(pt(x!.x), pt(x!.b))
    const walked = net.reach([net.snap(...pt(x!.a), 5)!], 10_000).distanceTo(net.snap(...pt(x!.b), 5)!)
    // no shorter way round on the nearly square road grid; the crossing is a node both roads share
    expect(walked).to.be.closeTo(byHand, byHand * 0.01)
  })

  it('refuses a bad year, reach or kind naming the field, and answers 404 outside the jurisdiction', async () => {
    for (const [q, field] of [[`year=${year + 1}`, 'year'], ['year=1999', 'year'], ['reach=50', 'reach'], ['reach=5001', 'reach'], ['reach=abc', 'reach'],
      ['kinds=school', 'kinds'], ['minShare=1.5', 'minShare'], ['colour=red', 'colour']] as const) {
      const r = await get(q)
      expect(r.statusCode, q).to.equal(400)
      expect(r.body, q).to.include(field)
    }
    expect((await get(`area=${OTHER_STREET_COMMUNITY}`, 'street1')).statusCode).to.equal(404)
    expect((await get('area=990102009999')).statusCode).to.equal(404)
    expect((await get('area=990100000000')).statusCode).to.equal(404) // a city is not an area of the check
    expect((await get('', 'inspector')).statusCode).to.equal(403)
    expect((await get('', 'system')).statusCode).to.equal(403)
    const own = (await get('kinds=clinic,parking&reach=300', 'street1')).json()
    expect(own.communities.every((c: { code: string }) => c.code.startsWith('990102001'))).to.equal(true)
    expect(own.kinds.map((k: { kind: string }) => k.kind)).to.deep.equal(['parking', 'clinic'])
  })

  it('reports the year as html with a map per service that shows the check\'s figures, and as pdf', async () => {
    const q = `area=990102001000&reach=800`
    const api = (await get(`${q}&year=${year}`, 'street1')).json()
    const r = await client.get(`/api/v1/reports/service-gaps/${year}?${q}`, h.street1)
    expect(r.statusCode, r.body).to.equal(200)
    expect(r.headers['content-type']).to.match(/text\/html/)
    const maps = [...r.body.matchAll(/<svg[^>]*class="gap-map" data-kind="([a-z_]+)"[\s\S]*?<\/svg>/g)]
    expect(maps.map((m) => m[1])).to.deep.equal(api.kinds.map((k: { kind: string }) => k.kind))
    maps.forEach((m, i) => {
      const shown = [...m[0].matchAll(/class="gap-community" data-code="(\d+)" data-share="([\d.]*)" data-lacking="(true|false)"/g)]
      expect(shown.map((s) => s[1])).to.deep.equal(api.communities.map((c: { code: string }) => c.code))
      shown.forEach((s, j) => {
        const cell = api.communities[j].services[i]
        expect(s[2] === '' ? null : Number(s[2])).to.equal(cell.share)
        expect(s[3]).to.equal(String(cell.lacking))
      })
      expect((m[0].match(/class="facility"/g) ?? []).length).to.equal(api.kinds[i].facilities)
    })
    expect((await client.get(`/api/v1/reports/service-gaps/${year + 1}`, h.street1)).statusCode).to.equal(400)
    expect((await client.get(`/api/v1/reports/service-gaps/${year}?area=${OTHER_STREET_COMMUNITY}`, h.street1)).statusCode).to.equal(404)
    const pdf = await client.get(`/api/v1/reports/service-gaps/${year}?${q}&format=pdf`, h.street1)
    expect(pdf.statusCode).to.equal(200)
    expect(pdf.headers['content-type']).to.equal('application/pdf')
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).to.equal('%PDF-')
  })
})
