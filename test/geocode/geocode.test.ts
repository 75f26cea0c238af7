import { expect } from 'chai'
import type { Knex } from 'knex'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import { locatePoints } from '../../server/geocode/repository.ts'
import { resolveAnchor } from './anchors.ts'

const SMALLEST_RULE_SQL = `SELECT array_agg(code ORDER BY code) AS codes FROM grid
  WHERE kind = 'base' AND valid_to IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4490))`

/** Every current base grid that contains the point (closed polygons), from the database itself. */
async function containing(knex: Knex, lon: number, lat: number): Promise<string[]> {
  const { rows } = await knex.raw(SMALLEST_RULE_SQL, [lon, lat]) as { rows: { codes: string[] | null }[] }
  return rows[0]!.codes ?? []
}

/** Points exactly on shared boundaries, taken from the grid geometries of the test database. */
async function boundaryPoints(knex: Knex): Promise<{ vertices: [number, number][]; edges: [number, number][] }> {
  const v = await knex.raw(`
    WITH pts AS (SELECT g.code, (ST_DumpPoints(g.geom)).geom AS pt FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL)
    SELECT ST_X(pt) AS x, ST_Y(pt) AS y, count(DISTINCT code) AS n FROM pts GROUP BY 1, 2
    HAVING count(DISTINCT code) >= 2 ORDER BY count(DISTINCT code) DESC, 1, 2 LIMIT 40`) as { rows: { x: number; y: number }[] }
  // Midpoints of segments: kept only where the database agrees the point is on two grids.
  const e = await knex.raw(`
    WITH seg AS (SELECT (ST_DumpSegments(g.geom)).geom AS s FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL),
    mid AS (SELECT DISTINCT ST_LineInterpolatePoint(s, 0.5) AS p FROM seg)
    SELECT ST_X(p) AS x, ST_Y(p) AS y FROM mid
    WHERE (SELECT count(*) FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, mid.p)) >= 2
    ORDER BY 1, 2 LIMIT 40`) as { rows: { x: number; y: number }[] }
  return { vertices: v.rows.map((r) => [r.x, r.y]), edges: e.rows.map((r) => [r.x, r.y]) }
}

/** Deterministic points spread over the demo city's bounding box (some fall outside it). */
function cityPoints(n: number): [number, number][] {
  let s = 42
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  return Array.from({ length: n }, () => [115.984 + rnd() * 0.036, 36.437 + rnd() * 0.028] as [number, number])
}

describe('geocode', () => {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  // Interior points of two grids in different streets (990102001, 990102002) of the demo city.
  const G1 = '990102001001001'
  const G2 = '990102002001001'
  let P1: [number, number]
  let P2: [number, number]

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    command = await loginAs(client, 'command')
    P1 = await resolveAnchor(knex, { grid: G1 })
    P2 = await resolveAnchor(knex, { grid: G2 })
  })

  const geocode = (body: unknown, headers = command) => client.post('/api/v1/geocode', body, headers)
  const batch = (body: unknown, headers = command) => client.post('/api/v1/geocode/batch', body, headers)

  describe('shared boundaries', () => {
    it('assigns a point on a vertex or edge shared by several base grids to the smallest code, single and batch alike', async () => {
      const { vertices, edges } = await boundaryPoints(knex)
      expect(vertices.length).to.be.greaterThan(10)
      expect(edges.length).to.be.greaterThan(10)
      const points = [...vertices, ...edges]
      const res = await batch({ crs: 'EPSG:4490', points: points.map(([x, y]) => ({ x, y })) })
      expect(res.statusCode).to.equal(200)
      const results = res.json().results as { baseGrid: { code: string; sharedWith: string[] } }[]
      let threeWay = 0
      for (const [i, [lon, lat]] of points.entries()) {
        const codes = await containing(knex, lon, lat)
        expect(codes.length, `${lon},${lat}`).to.be.greaterThanOrEqual(2)
        if (codes.length >= 3) threeWay++
        expect(results[i]!.baseGrid.code).to.equal(codes[0])
        expect(results[i]!.baseGrid.sharedWith).to.deep.equal(codes.slice(1))
      }
      expect(threeWay).to.be.greaterThan(0)
      for (const [lon, lat] of [vertices[0]!, edges[0]!]) {
        const one = await geocode({ lon, lat })
        expect(one.json().baseGrid.code).to.equal((await containing(knex, lon, lat))[0])
      }
    })

    it('reports no shared grids for a point in a grid interior', async () => {
      const res = await geocode({ x: P1[0], y: P1[1], crs: 'EPSG:4326' })
      expect(res.json().baseGrid).to.include({ code: G1 })
      expect(res.json().baseGrid.sharedWith).to.deep.equal([])
    })

    it('gives each industry type one grid, by the same smallest-code rule', async () => {
      const { vertices } = await boundaryPoints(knex)
      const [lon, lat] = vertices[0]!
      const res = await geocode({ lon, lat })
      const { rows } = await knex.raw(`SELECT industry_type, min(code) AS code FROM grid
        WHERE kind = 'industry' AND valid_to IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4490))
        GROUP BY industry_type`, [lon, lat]) as { rows: { industry_type: string; code: string }[] }
      expect(rows.length).to.be.greaterThan(0)
      const got = res.json().industryGrids as Record<string, { code: string }>
      expect(Object.keys(got).sort()).to.deep.equal(rows.map((r) => r.industry_type).sort())
      for (const r of rows) expect(got[r.industry_type]!.code).to.equal(r.code)
    })
  })

  describe('CRS handling', () => {
    const forms: [string, number][] = [['EPSG:4326', 9], ['urn:ogc:def:crs:EPSG::4326', 9], ['CRS:84', 9], ['EPSG:3857', 3],
      ['EPSG:4527', 3], ['urn:ogc:def:crs:EPSG::4548', 3], ['GCJ-02', 8], ['BD-09', 8]]
    it('locates the same point given in every supported form to the same grid and position', async () => {
      for (const [id, digits] of forms) {
        const [x, y] = fromStorage(P2[0], P2[1], parseCrs(id)).map((v) => Number(v.toFixed(digits)))
        const res = await geocode({ x, y, crs: id })
        expect(res.statusCode, id).to.equal(200)
        const body = res.json()
        expect(body.baseGrid.code, id).to.equal(G2)
        const tolerance = id === 'GCJ-02' || id === 'BD-09' ? 0.5 : 0.01 // metres
        const dLon = (body.location.lon - P2[0]) * 111320 * Math.cos(P2[1] * Math.PI / 180)
        const dLat = (body.location.lat - P2[1]) * 110574
        expect(Math.hypot(dLon, dLat), id).to.be.lessThan(tolerance)
        expect(body.conversion, id).to.be.a('string').and.not.equal('')
      }
    })

    it('names the conversion applied', async () => {
      const gcj = fromStorage(P1[0], P1[1], parseCrs('GCJ-02'))
      expect((await geocode({ x: gcj[0], y: gcj[1], crs: 'GCJ-02' })).json().conversion).to.match(/^GCJ-02 → WGS84 \(gcoord/)
      const gk = fromStorage(P1[0], P1[1], parseCrs('EPSG:4527'))
      expect((await geocode({ x: gk[0], y: gk[1], crs: 'EPSG:4527' })).json().conversion).to.match(/^EPSG:4527 → EPSG:4490 \(proj4/)
      expect((await geocode({ lon: P1[0], lat: P1[1] })).json().conversion).to.match(/^none: EPSG:4490/)
    })

    it('reads {lon, lat} by name whatever the axis order of the CRS identifier', async () => {
      const a = await geocode({ lon: P1[0], lat: P1[1], crs: 'urn:ogc:def:crs:EPSG::4490' })
      expect(a.statusCode).to.equal(200)
      expect(a.json().location.lon).to.be.closeTo(P1[0], 1e-8)
      expect(a.json().location.lat).to.be.closeTo(P1[1], 1e-8)
    })
  })

  describe('batch', () => {
    it('answers exactly what single requests answer, in input order, echoing ids', async () => {
      const pts = cityPoints(60)
      const res = await batch({ crs: 'CRS:84', points: pts.map(([x, y], i) => ({ id: `k${i}`, x, y })) })
      expect(res.statusCode).to.equal(200)
      const body = res.json()
      expect(body.count).to.equal(60)
      expect(body.located + body.failed).to.equal(60)
      expect(body.located).to.be.greaterThan(20)
      expect(body.failed).to.be.greaterThan(0) // the box corners lie outside the city
      for (const [i, [x, y]] of pts.entries()) {
        const one = await geocode({ x, y, crs: 'CRS:84' })
        const r = body.results[i]
        expect(r.id).to.equal(`k${i}`)
        if (one.statusCode === 200) {
          const { id: _id, ...rest } = r
          expect(rest).to.deep.equal(one.json())
        } else {
          expect(one.statusCode).to.equal(422)
          expect(r.error).to.include({ status: 422, type: 'outside_city', distanceMetres: one.json().distanceMetres })
        }
      }
    })

    it('runs a batch as two or three set-based statements, whatever the number of points', async () => {
      const queries: string[] = []
      const listen = (q: { sql: string }) => queries.push(q.sql)
      knex.on('query', listen)
      try {
        const res = await batch({ crs: 'EPSG:4326', points: cityPoints(500).map(([x, y]) => ({ x, y })) })
        expect(res.statusCode).to.equal(200)
      } finally {
        knex.removeListener('query', listen)
      }
      // locate, nearest (some of these points lie outside the city) and details
      expect(queries.filter((q) => /FROM unnest/.test(q)).length).to.equal(3)
      queries.length = 0
      knex.on('query', listen)
      try {
        const inside = Array.from({ length: 300 }, (_, i) => (i % 2 ? P1 : P2)).map(([x, y]) => ({ x, y }))
        expect((await batch({ points: inside })).json().located).to.equal(300)
      } finally {
        knex.removeListener('query', listen)
      }
      // all inside: no nearest-grid statement
      expect(queries.filter((q) => /FROM unnest/.test(q)).length).to.equal(2)
    })

    it('keeps one entry per point for duplicate points', async () => {
      const res = await batch({ points: [{ x: P1[0], y: P1[1] }, { x: P1[0], y: P1[1] }] })
      expect(res.json().results.map((r: { baseGrid: { code: string } }) => r.baseGrid.code)).to.deep.equal([G1, G1])
    })

    it('locates 10,000 points (the limit) in one request', async () => {
      const pts = cityPoints(10_000)
      const res = await batch({ crs: 'EPSG:4326', points: pts.map(([x, y]) => ({ x, y })) })
      expect(res.statusCode).to.equal(200)
      expect(res.json().count).to.equal(10_000)
    })
  })

  describe('outside the city', () => {
    it('answers 422 naming the geodesic distance to the nearest grid, as the database measures it', async () => {
      const { rows: [box] } = await knex.raw(`SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
        FROM (SELECT ST_Extent(geom) AS e FROM grid WHERE kind = 'base' AND valid_to IS NULL) s`) as { rows: { x0: number; y0: number; x1: number; y1: number }[] }
      const mid = [(box!.x0 + box!.x1) / 2, (box!.y0 + box!.y1) / 2] as const
      const outside: [number, number][] = [[box!.x0 - 0.08, mid[1]], [box!.x1 + 0.03, box!.y1 + 0.02], [mid[0], box!.y0 - 0.15], [box!.x1, box!.y1 + 0.04]]
      for (const [lon, lat] of outside) {
        const res = await geocode({ lon, lat })
        expect(res.statusCode).to.equal(422)
        const body = res.json()
        expect(body.type).to.match(/outside_city$/)
        const { rows } = await knex.raw(`SELECT code, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4490)::geography) AS m
          FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY 2, 1 LIMIT 1`, [lon, lat]) as { rows: { code: string; m: number }[] }
        expect(body.nearestGrid).to.equal(rows[0]!.code)
        expect(body.distanceMetres).to.be.closeTo(rows[0]!.m, 0.05)
        expect(body.detail).to.contain(`${body.distanceMetres} m away`)
        expect(body.input).to.deep.equal({ x: lon, y: lat, crs: 'EPSG:4490' })
      }
    })

    it('returns the nearest grid from the repository for far-away points too', async () => {
      const [loc] = await locatePoints(knex, [{ lon: 0, lat: 0 }])
      expect(loc!.inside).to.equal(false)
      if (!loc!.inside) expect(loc!.nearest!.metres).to.be.greaterThan(1e7)
    })
  })

  describe('jurisdiction', () => {
    it('answers any signed-in principal but withholds inspector phones outside its jurisdiction', async () => {
      const street1 = await loginAs(client, 'street1')
      const own = (await geocode({ lon: P1[0], lat: P1[1] }, street1)).json()
      expect(own.personalData.included).to.equal(true)
      expect(own.inspectors.length).to.be.greaterThan(0)
      expect(own.inspectors.every((i: { phone: string | null }) => typeof i.phone === 'string')).to.equal(true)
      const other = await geocode({ lon: P2[0], lat: P2[1] }, street1)
      expect(other.statusCode).to.equal(200)
      expect(other.json().personalData.included).to.equal(false)
      expect(other.json().inspectors.length).to.be.greaterThan(0)
      expect(other.json().inspectors.every((i: { phone: string | null }) => i.phone === null)).to.equal(true)
      expect(other.body).to.not.match(/"phone":"\d/)
      const mixed = (await batch({ points: [{ x: P1[0], y: P1[1] }, { x: P2[0], y: P2[1] }] }, street1)).json()
      expect(mixed.results.map((r: { personalData: { included: boolean } }) => r.personalData.included)).to.deep.equal([true, false])
    })

    it('lists departments from the community committee up to the city, most local first', async () => {
      const body = (await geocode({ lon: P1[0], lat: P1[1] })).json()
      const kinds = body.departments.map((d: { kind: string }) => d.kind)
      expect(kinds[0]).to.equal('community_committee')
      expect(kinds[1]).to.equal('street_office')
      expect(body.departments[0].adminCode).to.equal(body.community.code)
      expect(body.departments[1].adminCode).to.equal(body.street.code)
      for (const d of body.departments as { adminCode: string }[]) {
        expect([body.community.code, body.street.code, body.district.code, '990100000000']).to.include(d.adminCode)
      }
    })

    it('refuses anonymous callers', async () => {
      expect((await client.post('/api/v1/geocode', { lon: P1[0], lat: P1[1] })).statusCode).to.equal(401)
      expect((await client.post('/api/v1/geocode/batch', { points: [{ x: P1[0], y: P1[1] }] })).statusCode).to.equal(401)
    })
  })

  describe('hostile input', () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['a string for x', { x: '116', y: 36.45, crs: 'EPSG:4326' }, 400, /x: .*number/i],
      ['a missing y', { x: 116 }, 400, /y:/],
      ['an unknown field', { x: 116, y: 36.45, z: 1 }, 400, /unrecognized|z/i],
      ['an array body', [116, 36.45], 400, /JSON object/],
      ['null coordinates', { x: null, y: null }, 400, /x:/],
      ['an unknown CRS', { x: 116, y: 36.45, crs: 'EPSG:9999' }, 400, /unsupported CRS "EPSG:9999": supported are/],
      ['a malformed CRS', { x: 116, y: 36.45, crs: 'urn:ogc:def:crs:EPSG::' }, 400, /unsupported CRS/],
      ['a CRS that is not a string', { x: 116, y: 36.45, crs: 4326 }, 400, /crs:/],
      ['longitude out of range', { x: 216, y: 36.45, crs: 'EPSG:4326' }, 400, /longitude must be within ±180/],
      ['latitude out of range', { lon: 116, lat: -91 }, 400, /latitude within ±90/],
      ['lat,lon for a lon,lat CRS', { x: 36.45, y: 116.0, crs: 'EPSG:4326' }, 400, /look swapped: EPSG:4326 .*takes lon,lat/],
      ['lon,lat for a lat,lon URN', { x: 116.0, y: 36.45, crs: 'urn:ogc:def:crs:EPSG::4490' }, 400, /look swapped: .*takes lat,lon/],
      ['GK easting without the zone prefix', { x: 4036647.9, y: 411359.2, crs: 'EPSG:4527' }, 400, /zone number 39.*EPSG:4548/],
      ['GK easting with a prefix for 4548', { x: 4036647.9, y: 39411359.2, crs: 'EPSG:4548' }, 400, /no zone prefix.*EPSG:4527/],
      ['GK easting,northing swapped', { x: 39411359.2, y: 4036647.9, crs: 'EPSG:4527' }, 400, /look swapped: EPSG:4527 takes northing,easting/],
      ['3857 beyond the world', { x: 3e7, y: 4e6, crs: 'EPSG:3857' }, 400, /EPSG:3857/],
      ['projected coordinates without a crs', { x: 12913060.9, y: 4362718.6 }, 400, /out of range.*\(no crs given: read as EPSG:4490 lon,lat\)/],
      ['a projected CRS with {lon, lat}', { lon: 116, lat: 36.45, crs: 'EPSG:3857' }, 400, /geographic CRS/],
    ]
    for (const [what, body, status, re] of cases) {
      it(`refuses ${what} with ${status} naming the problem`, async () => {
        const res = await geocode(body)
        expect(res.statusCode).to.equal(status)
        expect(res.headers['content-type']).to.match(/application\/problem\+json/)
        expect(res.json().detail).to.match(re)
      })
    }

    it('refuses non-finite numbers (1e999 parses as Infinity)', async () => {
      const res = await client.post('/api/v1/geocode', '{"x": 1e999, "y": 36.45}', command)
      expect(res.statusCode).to.equal(400)
      expect(res.json().detail).to.match(/x:/)
    })

    it('refuses malformed JSON', async () => {
      const res = await client.post('/api/v1/geocode', '{"x": 116, "y":', command)
      expect(res.statusCode).to.equal(400)
    })

    it('refuses a batch over 10,000 points with 413 naming the limit', async () => {
      const points = Array.from({ length: 10_001 }, () => ({ x: 116, y: 36.45 }))
      const res = await batch({ points })
      expect(res.statusCode).to.equal(413)
      expect(res.json()).to.include({ limit: 10_000, received: 10_001 })
      expect(res.json().detail).to.match(/at most 10000 points, got 10001/)
    })

    it('refuses a body over the size limit with 413', async () => {
      const res = await client.post('/api/v1/geocode/batch', `{"points": [${'{"x": 116.000000000001, "y": 36.45000000000001},'.repeat(60_000)}{"x":1,"y":1}]}`, command)
      expect(res.statusCode).to.equal(413)
    })

    it('refuses an empty batch, a batch of wrong types and an over-long id', async () => {
      expect((await batch({ points: [] })).statusCode).to.equal(400)
      expect((await batch({ points: 'all' })).statusCode).to.equal(400)
      expect((await batch({ points: [{ x: 116, y: 36.45, id: 'x'.repeat(101) }] })).statusCode).to.equal(400)
      expect((await batch({ points: [{ x: 116, y: 36.45, id: 1.5 }] })).statusCode).to.equal(400)
      const unknownCrs = await batch({ crs: 'EPSG:4214', points: [{ x: 116, y: 36.45 }] })
      expect(unknownCrs.statusCode).to.equal(400)
      expect(unknownCrs.json().detail).to.match(/unsupported CRS "EPSG:4214"/)
    })

    it('answers bad points of a batch with per-point errors instead of failing the batch', async () => {
      const res = await batch({ crs: 'EPSG:4326', points: [{ id: 'ok', x: P1[0], y: P1[1] }, { id: 'bad', x: 36.45, y: 116.0 }, { id: 'far', x: 200, y: 0 }] })
      expect(res.statusCode).to.equal(200)
      const [ok, bad, far] = res.json().results
      expect(ok.baseGrid.code).to.equal(G1)
      expect(bad.error).to.include({ status: 400, type: 'coordinates_swapped' })
      expect(far.error).to.include({ status: 400, type: 'coordinate_out_of_range' })
      expect(res.json()).to.include({ located: 1, failed: 2 })
    })
  })
})
