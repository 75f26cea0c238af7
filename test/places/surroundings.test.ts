// A school's surroundings (周边): the units and places within its radius, checked against PostGIS
// ST_DWithin on geography and an independent haversine distance, with controls just outside.
import { expect } from 'chai'
import { COMMUNITY, OTHER_STREET_COMMUNITY, getWorld, newCreditCode, pointIn, type World } from './support.ts'

let w: World
const R = 6_371_008.8
function haversine(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}

describe('places: a school\'s surroundings', function () {
  this.timeout(120_000)
  let school: number
  let centre: { lon: number; lat: number }
  const names: Record<string, number> = {}

  before(async () => {
    w = await getWorld()
    centre = await pointIn(w.knex, COMMUNITY)
    const created = await w.client.post('/api/v1/places', { name: '周边测试小学', kind: 'school', communityCode: COMMUNITY, lon: centre.lon, lat: centre.lat }, w.as.command)
    expect(created.statusCode, created.body).to.equal(201)
    school = created.json().id
    // units at geodesic distances from the school (ST_Project on the spheroid), around the 200 m default
    for (const [metres, azimuth] of [[50, 0], [150, 90], [195, 200], [206, 45], [260, 300]] as const) {
      const { rows } = await w.knex.raw('SELECT ST_X(p::geometry) AS lon, ST_Y(p::geometry) AS lat FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, ?::float8, radians(?::float8)) AS p) s',
        [centre.lon, centre.lat, metres, azimuth])
      const name = `周边测试商铺${metres}米`
      const res = await w.client.post('/api/v1/units', { name, kind: 'shop', creditCode: newCreditCode(), communityCode: COMMUNITY, lon: rows[0].lon, lat: rows[0].lat }, w.as.command)
      expect(res.statusCode, res.body).to.equal(201)
      names[name] = res.json().id
    }
    // 100 m away but registered in the other street's community: street1 does not see it
    const { rows } = await w.knex.raw('SELECT ST_X(p::geometry) AS lon, ST_Y(p::geometry) AS lat FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography, 100::float8, radians(120)) AS p) s', [centre.lon, centre.lat])
    const other = await w.client.post('/api/v1/units', { name: '周边测试外街道商铺', kind: 'shop', creditCode: newCreditCode(), communityCode: OTHER_STREET_COMMUNITY, lon: rows[0].lon, lat: rows[0].lat }, w.as.command)
    expect(other.statusCode, other.body).to.equal(201)
  })

  it('lists what lies within the default 200 m, as PostGIS ST_DWithin on geography finds it, nearest first', async () => {
    const res = await w.client.get(`/api/v1/places/${school}/surroundings`, w.as.command)
    expect(res.statusCode, res.body).to.equal(200)
    const body = res.json()
    expect(body.radiusM).to.equal(200)
    const got = body.items.map((i: { target: string; id: number }) => `${i.target}:${i.id}`).sort()
    const { rows } = await w.knex.raw(`
      SELECT 'unit:' || u.id AS k FROM unit u, place p WHERE p.id = ? AND ST_DWithin(u.geom::geography, p.geom::geography, 200)
      UNION ALL SELECT 'place:' || q.id FROM place q, place p WHERE p.id = ? AND q.id <> p.id AND ST_DWithin(q.geom::geography, p.geom::geography, 200)`, [school, school])
    expect(got).to.deep.equal(rows.map((r: { k: string }) => r.k).sort())
    // by content: the three test shops inside, the two just outside absent, the other street's one present for the command centre
    const ids = new Set(body.items.map((i: { id: number; target: string }) => i.target === 'unit' ? i.id : -1))
    for (const m of [50, 150, 195]) expect(ids.has(names[`周边测试商铺${m}米`]), `${m} m`).to.equal(true)
    for (const m of [206, 260]) expect(ids.has(names[`周边测试商铺${m}米`]), `${m} m`).to.equal(false)
    expect(body.items.some((i: { name: string }) => i.name === '周边测试外街道商铺')).to.equal(true)
    // distances: an independent haversine within 0.5 %, sorted ascending
    for (const i of body.items) expect(i.distanceM).to.be.closeTo(haversine(centre, i), haversine(centre, i) * 0.005 + 0.2)
    const d = body.items.map((i: { distanceM: number }) => i.distanceM)
    expect(d).to.deep.equal([...d].sort((a, b) => a - b))
    expect(body.counts.units + body.counts.places).to.equal(body.items.length)
  })

  it('uses the school\'s own radius and a radius given for one request; the jurisdiction applies', async () => {
    const wide = (await w.client.get(`/api/v1/places/${school}/surroundings?radius=230`, w.as.command)).json()
    expect(wide.items.some((i: { id: number; target: string }) => i.target === 'unit' && i.id === names['周边测试商铺206米'])).to.equal(true)
    expect(wide.items.some((i: { id: number; target: string }) => i.target === 'unit' && i.id === names['周边测试商铺260米'])).to.equal(false)
    const [{ version }] = await w.knex('place').where({ id: school }).select('version')
    expect((await w.client.request({ method: 'PATCH', url: `/api/v1/places/${school}`, headers: { ...w.as.command, 'content-type': 'application/json' }, payload: JSON.stringify({ version, surroundingsRadiusM: 300 }) })).statusCode).to.equal(200)
    const own = (await w.client.get(`/api/v1/places/${school}/surroundings`, w.as.command)).json()
    expect(own.radiusM).to.equal(300)
    expect(own.items.some((i: { id: number; target: string }) => i.target === 'unit' && i.id === names['周边测试商铺260米'])).to.equal(true)
    const street = (await w.client.get(`/api/v1/places/${school}/surroundings`, w.as.street1)).json()
    expect(street.items.some((i: { name: string }) => i.name === '周边测试外街道商铺')).to.equal(false)
    expect(street.items.some((i: { name: string }) => i.name === '周边测试商铺50米')).to.equal(true)
    expect((await w.client.get(`/api/v1/places/${school}/surroundings`, w.as.street2)).statusCode).to.equal(404)
  })

  it('refuses broken radius and limit values, naming them', async () => {
    for (const [q, field] of [['radius=5', 'radius'], ['radius=99999', 'radius'], ['radius=abc', 'radius'], ['limit=0', 'limit'], ['radius=1&radius=2', 'radius'], ['x=1', '(root)']]) {
      const res = await w.client.get(`/api/v1/places/${school}/surroundings?${q}`, w.as.command)
      expect(res.statusCode, q).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), q).to.include(field)
    }
    const noPoint = await w.client.post('/api/v1/places', { name: '无坐标测试小学', kind: 'school', communityCode: COMMUNITY }, w.as.command)
    expect((await w.client.get(`/api/v1/places/${noPoint.json().id}/surroundings`, w.as.command)).statusCode).to.equal(409)
  })
})
