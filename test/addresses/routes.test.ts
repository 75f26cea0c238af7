// HTTP: POST /api/v1/geocode/address, /address/batch and GET /api/v1/geocode/reverse —
// answers, who may call them, and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { createUser } from '../../server/auth/users.ts'
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../fixtures/users.ts'

interface Row { id: number; level: number; full_address: string; community_code: string; lon: number; lat: number }

describe('address geocoding API', () => {
  let client: Client
  let knex: Knex
  let auth: Record<string, string>
  let doorplates: Row[]

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    auth = await loginAs(client, 'street1')
    doorplates = (await knex.raw(`SELECT id::int AS id, level, full_address, community_code, ST_X(geom) AS lon, ST_Y(geom) AS lat
      FROM std_address WHERE level = 50 ORDER BY id`)).rows
  })

  const post = (path: string, body: unknown, headers = auth) => client.post(`/api/v1/geocode${path}`, body, headers)
  const reverse = (query: string, headers = auth) => client.get(`/api/v1/geocode/reverse?${query}`, headers)

  describe('POST /address', () => {
    it('returns the match with level, score, point and codes, and alternatives', async () => {
      const r = doorplates[3]!
      const res = await post('/address', { address: r.full_address, limit: 2 })
      expect(res.statusCode).to.equal(200)
      const body = res.json()
      expect(body.status).to.equal('matched')
      expect(body.match).to.include({ id: r.id, address: r.full_address, level: 50, levelName: '门牌/楼栋', matchedLevel: 50, score: 1 })
      expect(body.match.lon).to.be.closeTo(r.lon, 1e-9)
      expect(body.match.lat).to.be.closeTo(r.lat, 1e-9)
      expect(body.match.communityCode).to.equal(r.community_code)
      expect(body.alternatives.length).to.be.at.most(2)
      expect(body.parsed.present).to.include.members(['road', 'houseNumber'])
    })

    it('answers street1 for an address in another street: geocoding is city-wide', async () => {
      const other = doorplates.find((d) => !d.community_code.startsWith('990102001'))!
      const res = await post('/address', { address: other.full_address })
      expect(res.statusCode).to.equal(200)
      expect(res.json().match.id).to.equal(other.id)
    })

    it('answers 422 no_match with the parse and alternatives', async () => {
      const res = await post('/address', { address: 'XYZ某某路' })
      expect(res.statusCode).to.equal(422)
      const body = res.json()
      expect(body.type).to.match(/no_match$/)
      expect(body.parsed).to.have.property('components')
      expect(body.alternatives).to.be.an('array')
    })

    const hostile: [string, unknown][] = [
      ['no body', undefined],
      ['an empty address', { address: '' }],
      ['a blank address', { address: ' \t\u3000' }],
      ['a 10 KB address', { address: '建'.repeat(10_240) }],
      ['201 characters', { address: '建'.repeat(201) }],
      ['a number', { address: 18 }],
      ['an array', { address: ['建设路18号'] }],
      ['null', { address: null }],
      ['an unknown field', { address: '建设路18号', crs: 'EPSG:4326' }],
      ['a negative limit', { address: '建设路18号', limit: -1 }],
      ['a huge limit', { address: '建设路18号', limit: 1000 }],
      ['a fractional limit', { address: '建设路18号', limit: 1.5 }],
    ]
    for (const [what, body] of hostile) {
      it(`refuses ${what} with 400`, async () => {
        const res = await post('/address', body)
        expect(res.statusCode).to.equal(400)
        expect(res.headers['content-type']).to.match(/problem\+json/)
      })
    }

    it('refuses malformed JSON with 400', async () => {
      const res = await client.request({ method: 'POST', url: '/api/v1/geocode/address', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"address": "建设' })
      expect(res.statusCode).to.equal(400)
    })

    it('treats control characters, emoji and SQL-looking text as text', async () => {
      const r = doorplates[7]!
      const noisy = `😀${r.full_address.replace(/号/, '\u0007号')}'); DELETE FROM std_address; --`
      const res = await post('/address', { address: noisy })
      expect(res.statusCode).to.equal(200)
      expect(res.json().match.id).to.equal(r.id)
      // a NUL is the one character refused before any route reads it (server/http/input.ts)
      const nul = await post('/address', { address: `\u0000${r.full_address}` })
      expect(nul.statusCode).to.equal(400)
      expect(nul.json()).to.deep.include({ code: 'http.nul_character', params: { part: 'body', name: 'address' } })
      const sql = await post('/address', { address: "' OR 1=1 --" })
      expect(sql.statusCode).to.equal(422)
      const { n } = await knex('std_address').count('* as n').first() as { n: string | number }
      expect(Number(n)).to.be.greaterThan(doorplates.length)
    })
  })

  describe('POST /address/batch', () => {
    it('geocodes many addresses in order, counting matches', async () => {
      const picks = doorplates.slice(10, 15)
      const res = await post('/address/batch', { addresses: [...picks.map((p) => p.full_address), 'XYZ'] })
      expect(res.statusCode).to.equal(200)
      const body = res.json()
      expect(body.total).to.equal(6)
      expect(body.matched).to.equal(5)
      expect(body.items.map((i: { index: number }) => i.index)).to.deep.equal([0, 1, 2, 3, 4, 5])
      expect(body.items.slice(0, 5).map((i: { match: { id: number } }) => i.match.id)).to.deep.equal(picks.map((p) => p.id))
      expect(body.items[5]).to.include({ status: 'no_match', match: null })
    })

    it('takes 1,000 addresses and refuses 1,001', async () => {
      const many = Array.from({ length: 1000 }, (_, i) => doorplates[i % doorplates.length]!.full_address)
      const ok = await post('/address/batch', { addresses: many, limit: 0 })
      expect(ok.statusCode).to.equal(200)
      expect(ok.json().matched).to.equal(1000)
      const tooMany = await post('/address/batch', { addresses: [...many, '建设路1号'] })
      expect(tooMany.statusCode).to.equal(400)
    })

    for (const [what, body] of [
      ['an empty list', { addresses: [] }], ['not a list', { addresses: '建设路18号' }],
      ['an oversized item', { addresses: ['建设路18号', 'x'.repeat(201)] }], ['an empty item', { addresses: ['建设路18号', ''] }],
      ['a non-string item', { addresses: ['建设路18号', 7] }], ['a limit above 5', { addresses: ['建设路18号'], limit: 6 }],
    ] as [string, unknown][]) {
      it(`refuses ${what} with 400 naming the field`, async () => {
        const res = await post('/address/batch', body)
        expect(res.statusCode).to.equal(400)
        expect(res.json().errors[0].field).to.match(/^addresses|^limit/)
      })
    }
  })

  describe('GET /reverse', () => {
    // Brute force over every doorplate: what the KNN query must reproduce.
    async function bruteForce(lon: number, lat: number, radius: number, limit: number): Promise<{ id: number; d: number }[]> {
      const { rows } = await knex.raw(`SELECT id::int AS id, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) AS d
        FROM std_address WHERE level = 50 ORDER BY d, id`, [lon, lat])
      return (rows as { id: number; d: number }[]).filter((r) => r.d <= radius).slice(0, limit)
    }

    it('finds the doorplate standing on the point, at distance 0', async () => {
      const r = doorplates[20]!
      const res = await reverse(`lon=${r.lon}&lat=${r.lat}`)
      expect(res.statusCode).to.equal(200)
      const body = res.json()
      expect(body.query).to.include({ crs: 'EPSG:4490', radius: 100 })
      expect(body.items[0].distanceM).to.equal(0)
      const atZero = body.items.filter((i: { distanceM: number }) => i.distanceM === 0)
      expect(body.items.length).to.equal(1)
      expect(atZero[0].level).to.equal(50)
      expect(atZero[0].lon).to.be.closeTo(r.lon, 1e-9)
    })

    it('agrees with a brute-force scan for points across the city, radii and limits', async () => {
      const { rows } = await knex.raw(`SELECT ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1 FROM admin_division WHERE level = 'city'`)
      const b = rows[0] as { x0: number; y0: number; x1: number; y1: number }
      let seed = 7
      const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
      let compared = 0
      for (let i = 0; i < 12; i++) {
        const lon = b.x0 + rnd() * (b.x1 - b.x0)
        const lat = b.y0 + rnd() * (b.y1 - b.y0)
        const radius = [30, 100, 400, 1000][i % 4]!
        const limit = [1, 5, 50][i % 3]!
        const res = await reverse(`lon=${lon}&lat=${lat}&radius=${radius}&limit=${limit}`)
        expect(res.statusCode).to.equal(200)
        const expected = await bruteForce(lon, lat, radius, limit)
        const items = res.json().items as { id: number; distanceM: number }[]
        expect(items.map((x) => x.id), `point ${lon},${lat} r=${radius} n=${limit}`).to.deep.equal(expected.map((e) => e.id))
        items.forEach((x, k) => expect(x.distanceM).to.be.closeTo(expected[k]!.d, 0.06))
        compared += items.length
      }
      expect(compared, 'doorplates compared').to.be.greaterThan(20)
    })

    it('returns nothing when no doorplate lies within the radius', async () => {
      const r = doorplates[0]!
      // ~0.01° of latitude north of the northernmost doorplate: more than 1 km from all of them.
      const north = Math.max(...doorplates.map((d) => d.lat)) + 0.0095
      const near = await reverse(`lon=${r.lon}&lat=${north}&radius=1000`)
      expect(near.statusCode).to.equal(200)
      const nearest = (await bruteForce(r.lon, north, 1e9, 1))[0]!
      expect(near.json().items.length).to.equal(nearest.d <= 1000 ? 1 : 0)
      const far = await reverse('lon=100&lat=30&radius=1000')
      expect(far.json().items).to.deep.equal([])
    })

    it('finds a doorplate just inside the radius and not just outside it', async () => {
      const r = doorplates[30]!
      const lat = r.lat + 0.0004 // ~44 m north
      const [nearest] = await bruteForce(r.lon, lat, 1e9, 1)
      const inside = await reverse(`lon=${r.lon}&lat=${lat}&radius=${Math.ceil(nearest!.d + 0.5)}`)
      expect(inside.json().items.map((i: { id: number }) => i.id)).to.deep.equal([nearest!.id])
      const outside = await reverse(`lon=${r.lon}&lat=${lat}&radius=${Math.max(1, Math.floor(nearest!.d - 0.5))}`)
      expect(outside.json().items).to.deep.equal([])
    })

    it('converts GCJ-02 input and says so', async () => {
      const r = doorplates[40]!
      const { toStorage, fromStorage, parseCrs } = await import('../../server/geo/crs.ts')
      const gcj = parseCrs('GCJ-02')
      const [x, y] = fromStorage(r.lon, r.lat, gcj)
      expect(toStorage(x, y, gcj).lon).to.be.closeTo(r.lon, 1e-6)
      const res = await reverse(`lon=${x}&lat=${y}&crs=GCJ-02&radius=20`)
      expect(res.statusCode).to.equal(200)
      expect(res.json().query.conversion).to.match(/GCJ-02/)
      expect(res.json().items[0].distanceM).to.be.below(1)
    })

    const bad = [
      ['missing lat', 'lon=116'], ['text', 'lon=abc&lat=36'], ['lon out of range', 'lon=200&lat=36'],
      ['lat out of range', 'lon=116&lat=91'], ['swapped lon/lat', 'lon=36.45&lat=116.0'], ['Infinity', 'lon=Infinity&lat=36'],
      ['radius 0', 'lon=116&lat=36&radius=0'], ['negative radius', 'lon=116&lat=36&radius=-5'], ['radius above 1000', 'lon=116&lat=36&radius=1001'],
      ['limit 0', 'lon=116&lat=36&limit=0'], ['limit above 50', 'lon=116&lat=36&limit=51'],
      ['a projected CRS', 'lon=39500000&lat=4035000&crs=EPSG:4527'], ['an unknown CRS', 'lon=116&lat=36&crs=EPSG:9999'],
      ['an unknown parameter', 'lon=116&lat=36&bbox=1,2,3,4'], ['repeated lon', 'lon=116&lon=117&lat=36'],
    ]
    for (const [what, q] of bad) {
      it(`refuses ${what} with 400`, async () => {
        const res = await reverse(q!)
        expect(res.statusCode, res.body).to.equal(400)
      })
    }
  })

  describe('who may geocode', () => {
    it('refuses anonymous callers with 401', async () => {
      expect((await post('/address', { address: '建设路18号' }, {})).statusCode).to.equal(401)
      expect((await post('/address/batch', { addresses: ['建设路18号'] }, {})).statusCode).to.equal(401)
      expect((await reverse('lon=116&lat=36', {})).statusCode).to.equal(401)
    })

    it('refuses the public role with 403', async () => {
      await createUser(knex, { username: 'addr_test_public', displayName: '公众（地址测试）', password: DEMO_PASSWORD, role: 'public', cityCode: '990100', adminCodes: [] })
      const pub = await loginAs(client, 'addr_test_public')
      expect((await post('/address', { address: doorplates[0]!.full_address }, pub)).statusCode).to.equal(403)
      expect((await reverse(`lon=${doorplates[0]!.lon}&lat=${doorplates[0]!.lat}`, pub)).statusCode).to.equal(403)
    })

    it('answers an external system by API key, and an inspector', async () => {
      const r = doorplates[1]!
      const bySystem = await post('/address', { address: r.full_address }, { 'x-api-key': DEMO_API_KEY })
      expect(bySystem.statusCode).to.equal(200)
      const inspector = await loginAs(client, 'inspector')
      const byInspector = await reverse(`lon=${r.lon}&lat=${r.lat}`, inspector)
      expect(byInspector.statusCode).to.equal(200)
      expect(byInspector.json().items[0].distanceM).to.equal(0)
    })

    it('keeps a principal inside its own city', async () => {
      await createUser(knex, { username: 'addr_test_other_city', displayName: '他市用户', password: DEMO_PASSWORD, role: 'command_center', cityCode: '990200', adminCodes: [] })
      const other = await loginAs(client, 'addr_test_other_city')
      const r = doorplates[2]!
      expect((await post('/address', { address: r.full_address }, other)).statusCode).to.equal(422)
      expect((await reverse(`lon=${r.lon}&lat=${r.lat}`, other)).json().items).to.deep.equal([])
    })
  })
})
