// Per member-day numbers (kilometres, time on duty, events found) and per grid-day coverage,
// each checked against an independent reference: PostGIS ST_Length(geography) of the same
// fixes; hand-counted duty intervals; a brute-force walk along the roads in 1 m steps measuring
// the distance to the track; PostGIS intersections of each H3 cell's hexagon with the track.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { CITY, DAY, P, P001, Q, at, insertFixes, offset, setUp, stay, tearDown, walk, type Fix, type People } from './fixture.ts'

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// local metres around a point (equirectangular on the sphere: the reference's own, simple model)
const R = 6371008.8
const toXY = (lon: number, lat: number, lat0: number): [number, number] => [lon * (Math.PI / 180) * R * Math.cos((lat0 * Math.PI) / 180), lat * (Math.PI / 180) * R]

function distToSegment(p: [number, number], a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

describe('patrol metrics', () => {
  let client: Client
  let knex: Knex
  let people: People
  let staff: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    people = await setUp(knex)
    staff = await loginAs(client, 'patrol_staff')
  })
  after(async () => tearDown(knex))

  describe('kilometres', () => {
    it('equal PostGIS ST_Length(geography) of the same valid fixes, over two devices and a change of hands', async () => {
      const rnd = random(42)
      const fixes: Fix[] = []
      let [lon, lat] = [116.1425, 36.5225]
      for (let i = 0; i < 1500; i++) {
        ;[lon, lat] = offset(lon, lat, (rnd() - 0.5) * 40, (rnd() - 0.5) * 40)
        const t = new Date(at('08:00').getTime() + i * 15_000)
        // every 50th fix a filtered jump 3 km away: kept in history, never counted
        fixes.push(i % 50 === 25 ? { t, ...{ lon: lon + 0.03, lat }, filter: 'jump' } : { t, lon, lat })
      }
      await insertFixes(knex, people.devices.pq, people.pq, fixes)
      // a second device handed to pq at 15:00; its fixes before then were someone else's
      const [d] = await knex('device').insert({ identifier: 'patrol-test-pq2', city_code: CITY, kind: 'patrol_car', name: 'car', admin_code: Q }).returning('id')
      await knex('device_binding').insert({ device_id: d.id, member_id: people.pq, valid_from: at('15:00') })
      const before = walk([116.141, 36.521], [116.149, 36.529], at('14:00'), 10)
      const carried = walk([116.149, 36.529], [116.141, 36.529], at('15:00'), 8)
      await insertFixes(knex, Number(d.id), null as unknown as number, before)
      await insertFixes(knex, Number(d.id), people.pq, carried)

      const { rows: [ref] } = await knex.raw(`SELECT sum(len)::float8 AS m FROM (
          SELECT ST_Length(ST_MakeLine(geom ORDER BY fixed_at)::geography) AS len FROM position
          WHERE device_id IN (?, ?) AND member_id = ? AND filter IS NULL AND fixed_at >= ? AND fixed_at < ? GROUP BY device_id) x`,
      [people.devices.pq, d.id, people.pq, at('00:00'), at('23:59:59')])
      const res = await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}&memberId=${people.pq}`, await loginAs(client, 'district'))
      expect(res.statusCode, res.body).to.equal(200)
      const s = res.json()
      expect(s.fixes).to.equal(1500 - 30 + carried.length)
      expect(ref.m).to.be.greaterThan(10_000)
      expect(s.kilometres * 1000).to.be.closeTo(ref.m, 1.5) // rounded to metres; the model agrees to millimetres
    })
  })

  describe('time on duty and the summary', () => {
    const p: [number, number] = [116.1375, 36.5225]
    before(async () => {
      // 08:00-10:00, silent 10 minutes, 10:10-11:00, silent 4 minutes, 11:04-12:30; and a holiday morning
      await insertFixes(knex, people.devices.pb, people.pb, [...stay(p, at('08:00'), 120), ...stay(p, at('10:10'), 50), ...stay(p, at('11:04'), 86),
        ...stay(p, at('09:00', '2026-10-01'), 60)])
      const cls = await knex('event_class').whereRaw("code ~ '^[0-9]{4}$'").whereNotNull('parent_code').first('code')
      const event = (n: number, channel: string, created: Date) => ({
        number: `E9901950${String(n).padStart(5, '0')}`, city_code: CITY, channel, demand_type: '投诉举报', class_code: cls.code,
        description: '巡查发现', geom: knex.raw('ST_SetSRID(ST_MakePoint(116.1375, 36.5225), 4490)'), source_position: {},
        community_code: P, street_code: '990102001000', district_code: '990102000000', h3_r12: 1, status: 'reported',
        reporter_user_id: people.users.patrol_pb, created_at: created,
      })
      await knex('event').insert([event(1, 'inspector_app', at('09:10')), event(2, 'inspector_app', at('23:50')), event(3, 'resident', at('10:00')),
        event(4, 'inspector_app', at('23:59', '2026-11-17'))])
    })

    it('counts intervals of ≤ 5 minutes inside the work periods (08:30-12:00): 90 + 110 minutes', async () => {
      const s = (await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}&memberId=${people.pb}`, staff)).json()
      expect(s).to.include({ dutyMinutes: 200, trackedMinutes: 260, workday: true, memberId: people.pb, eventsFound: 2 })
      expect(s.eventNumbers).to.deep.equal(['E990195000001', 'E990195000002'])
      expect(s.tasks).to.deep.equal({ total: 0, done: 0 })
    })

    it('a holiday has no duty time, but its tracked time is kept', async () => {
      const s = (await client.get(`/api/v1/patrol-tasks/summary?date=2026-10-01&memberId=${people.pb}`, staff)).json()
      expect(s).to.include({ workday: false, dutyMinutes: 0, trackedMinutes: 60, eventsFound: 0 })
    })

    it('an inspector reads only their own summary; staff only inside the jurisdiction', async () => {
      const pb = await loginAs(client, 'patrol_pb')
      expect((await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}`, pb)).json().memberId).to.equal(people.pb)
      expect((await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}&memberId=${people.pa}`, pb)).statusCode).to.equal(403)
      expect((await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}&memberId=${people.pq}`, staff)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}`, staff)).statusCode).to.equal(400)
      expect((await client.get(`/api/v1/patrol-tasks/summary?date=${DAY}`, await loginAs(client, 'patrol_nomember'))).statusCode).to.equal(403)
      for (const q of ['date=2026-02-29', 'memberId=1.5', 'memberId=0', 'day=2026-11-18']) {
        const res = await client.get(`/api/v1/patrol-tasks/summary?${q}`, staff)
        expect(res.statusCode, q).to.equal(400)
      }
    })
  })

  describe('grid coverage', () => {
    const grid = { x0: 116.13, y0: 36.52, x1: 116.135, y1: 36.525 }
    const roads: number[][][][] = [
      [[[116.128, 36.5225], [116.137, 36.5225]]], // crosses the grid west to east (clipped both sides)
      [[[116.131, 36.5205], [116.134, 36.5245]]], // diagonal
      [[[116.1345, 36.5205], [116.1345, 36.5245]], [[116.1305, 36.5242], [116.1325, 36.5242]]], // two parts
    ]
    const track = new Map<number, Fix[]>()

    before(async () => {
      for (const [i, coordinates] of roads.entries()) {
        await knex('road').insert({ city_code: CITY, name: `巡查测试路${i}`, community_code: P, geom: knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [JSON.stringify({ type: 'MultiLineString', coordinates })]) })
      }
      const a = offset(116.1295, 36.5225, 0, 10)
      const b = offset(116.1333, 36.5225, 0, 10)
      const fixes = [
        ...walk(a, b, at('16:00')), // along road 0, 10 m north of it
        ...walk(b, offset(b[0], b[1], 0, 40), at('16:05')), // north, 50 m off road 0
        ...walk(offset(b[0], b[1], 0, 40), offset(116.1344, 36.5225, 0, 50), at('16:06')), // parallel, 50 m off
        // silent 10 minutes, then at the far side: the line between would cross road 2 but is not walked
        { t: at('16:30'), lon: 116.1312, lat: 36.5210 },
        // a lone fix near road 2's short part (silent before and after)
        { t: at('17:00'), lon: 116.1320, lat: 36.5240 },
      ]
      await insertFixes(knex, people.devices.pa, people.pa, fixes)
      track.set(people.devices.pa, fixes)
      // pq's track crosses the grid too, but pq serves another community: not counted by default
      await insertFixes(knex, people.devices.pq, people.pq, walk([116.1301, 36.5202], [116.1349, 36.5248], at('16:00', DAY)))
    })

    /** The track as pieces in local metres: segments ≤ 5 minutes apart and the fixes on none. */
    function pieces(lat0: number) {
      const out: [[number, number], [number, number]][] = []
      for (const list of track.values()) {
        const onSeg = new Set<number>()
        for (let i = 1; i < list.length; i++) {
          if (list[i]!.t.getTime() - list[i - 1]!.t.getTime() > 300_000) continue
          out.push([toXY(list[i - 1]!.lon, list[i - 1]!.lat, lat0), toXY(list[i]!.lon, list[i]!.lat, lat0)])
          onSeg.add(i - 1).add(i)
        }
        list.forEach((f, i) => { if (!onSeg.has(i)) out.push([toXY(f.lon, f.lat, lat0), toXY(f.lon, f.lat, lat0)]) })
      }
      return out
    }

    function bruteForce() {
      const lat0 = 36.5225
      const segs = pieces(lat0)
      let length = 0
      let covered = 0
      for (const road of roads) {
        for (const part of road) {
          for (let k = 1; k < part.length; k++) {
            const [a, b] = [part[k - 1]!, part[k]!]
            const [pa, pb] = [toXY(a[0]!, a[1]!, lat0), toXY(b[0]!, b[1]!, lat0)]
            const n = Math.ceil(Math.hypot(pb[0] - pa[0], pb[1] - pa[1])) // 1 m steps
            const step = Math.hypot(pb[0] - pa[0], pb[1] - pa[1]) / n
            for (let i = 0; i < n; i++) {
              const f = (i + 0.5) / n
              const [lon, lat] = [a[0]! + (b[0]! - a[0]!) * f, a[1]! + (b[1]! - a[1]!) * f]
              if (lon < grid.x0 || lon > grid.x1 || lat < grid.y0 || lat > grid.y1) continue
              length += step
              const p = toXY(lon, lat, lat0)
              if (segs.some(([s, e]) => distToSegment(p, s, e) <= 30)) covered += step
            }
          }
        }
      }
      return { length, covered }
    }

    it('road share equals a brute-force 1 m walk along the roads measuring the distance to the track', async () => {
      const res = await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}`, staff)
      expect(res.statusCode, res.body).to.equal(200)
      const c = res.json()
      expect(c.members).to.include(people.pa)
      expect(c.members).not.to.include(people.pq)
      const ref = bruteForce()
      expect(ref.covered).to.be.greaterThan(300)
      expect(c.roads.lengthM).to.be.closeTo(ref.length, ref.length * 0.003 + 1)
      expect(c.roads.coveredM).to.be.closeTo(ref.covered, ref.covered * 0.005 + 2)
      expect(c.roads.share).to.be.closeTo(ref.covered / ref.length, 0.005)
    })

    it('road coverage equals PostGIS ST_Length(ST_Intersection(road, ST_Buffer(track::geography, 30)))', async function () {
      // buffering in the embedded PostGIS (PGlite) loses its connection: this reference needs a real server
      if (client.context.dbMode !== 'external') this.skip()
      const c = (await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}`, staff)).json()
      const fixes = track.get(people.devices.pa)!
      const parts: object[] = []
      for (let i = 1; i < fixes.length; i++) {
        if (fixes[i]!.t.getTime() - fixes[i - 1]!.t.getTime() <= 300_000) parts.push({ type: 'LineString', coordinates: [[fixes[i - 1]!.lon, fixes[i - 1]!.lat], [fixes[i]!.lon, fixes[i]!.lat]] })
      }
      parts.push(...fixes.slice(-2).map((f) => ({ type: 'Point', coordinates: [f.lon, f.lat] })))
      const { rows: [ref] } = await knex.raw(`WITH b AS (SELECT ST_SetSRID(ST_Union(ST_Buffer(p::geography, 30, 'quad_segs=64')::geometry), 4490) AS geom
            FROM json_array_elements(?::json) j, ST_SetSRID(ST_GeomFromGeoJSON(j::text), 4490) p),
          r AS (SELECT ST_Intersection(road.geom, grid.geom) AS geom FROM road, grid WHERE grid.code = ? AND grid.valid_to IS NULL AND road.community_code = ?)
        SELECT sum(ST_Length(r.geom::geography))::float8 AS length, sum(ST_Length(ST_Intersection(r.geom, b.geom)::geography))::float8 AS covered FROM r, b`,
      [JSON.stringify(parts), P001, P])
      expect(c.roads.lengthM).to.be.closeTo(ref.length, ref.length * 1e-4 + 0.2)
      expect(c.roads.coveredM).to.be.closeTo(ref.covered, ref.covered * 0.002 + 0.5)
    })

    it('H3 share equals the cells (centre in the grid) whose hexagon the track touches, by PostGIS', async () => {
      const c = (await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}`, staff)).json()
      // the grid's cells: every cell met on a 5 m lattice over the grid, kept when its centre is inside
      const cells = new Set<string>()
      for (let lat = grid.y0 - 0.0003; lat <= grid.y1 + 0.0003; lat += 0.000045) {
        for (let lon = grid.x0 - 0.0003; lon <= grid.x1 + 0.0003; lon += 0.000056) cells.add(latLngToCell(lat, lon, 11))
      }
      const inside = [...cells].filter((h) => { const [lat, lon] = cellToLatLng(h); return lon >= grid.x0 && lon <= grid.x1 && lat >= grid.y0 && lat <= grid.y1 })
      expect(c.h3.cells).to.equal(inside.length)
      const fixes = track.get(people.devices.pa)!
      const parts = [] as object[]
      for (let i = 1; i < fixes.length; i++) {
        if (fixes[i]!.t.getTime() - fixes[i - 1]!.t.getTime() <= 300_000) parts.push({ type: 'LineString', coordinates: [[fixes[i - 1]!.lon, fixes[i - 1]!.lat], [fixes[i]!.lon, fixes[i]!.lat]] })
      }
      parts.push(...fixes.slice(-2).map((f) => ({ type: 'Point', coordinates: [f.lon, f.lat] })))
      const hexes = inside.map((h) => ({ type: 'Polygon', coordinates: [cellToBoundary(h, true)] }))
      const { rows: [ref] } = await knex.raw(`SELECT count(*)::int AS n FROM json_array_elements(?::json) h
        WHERE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(h::text), 4490), ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))`,
      [JSON.stringify(hexes), JSON.stringify({ type: 'GeometryCollection', geometries: parts })])
      expect(ref.n).to.be.greaterThan(10)
      // sampling every 0.25 m may miss a hexagon corner clipped by less than that
      expect(c.h3.visited).to.be.within(ref.n - 1, ref.n)
      expect(c.h3.share).to.be.closeTo(c.h3.visited / c.h3.cells, 1e-4)
    })

    it('one member\'s track only, with memberId; jurisdiction, roles and hostile queries', async () => {
      const pq = (await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}&memberId=${people.pq}`, await loginAs(client, 'district'))).json()
      expect(pq.members).to.deep.equal([people.pq])
      expect(pq.roads.share).to.be.greaterThan(0)
      expect((await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}`, await loginAs(client, 'street2'))).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=${DAY}&memberId=${people.pq}`, staff)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}`, await loginAs(client, 'patrol_pa'))).statusCode).to.equal(403)
      const empty = (await client.get(`/api/v1/patrol-tasks/coverage?grid=${P001}&date=2026-11-10`, staff)).json()
      expect(empty.roads.coveredM).to.equal(0)
      expect(empty.h3.visited).to.equal(0)
      for (const q of ['', `grid=${P001}'--`, 'grid=1', `grid=${P001}&date=2026-1-1`, `grid=${P001}&grid=${P001}`, `grid=${P001}&memberId=x`]) {
        const res = await client.get(`/api/v1/patrol-tasks/coverage?${q}`, staff)
        expect(res.statusCode, q).to.equal(400)
        expect(res.json().detail, q).to.match(/grid|date|memberId/)
      }
    })
  })
})
