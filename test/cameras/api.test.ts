// /api/v1/cameras: the register (field of view refused naming fieldOfView), the cameras whose view
// covers a point or an event, nearest first (checked against a point-in-polygon test and a
// haversine distance computed here), jurisdiction (404 outside), and the cameras layer in WFS.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'

const C1 = '990102001001'
type Pos = [number, number]

/** A field of view: a triangle from the camera along a bearing (degrees from north), `len` degrees long, ±`half` degrees wide. */
function fov(at: Pos, bearing: number, len = 0.002, half = 25): { type: 'Polygon'; coordinates: Pos[][] } {
  const tip = (b: number): Pos => [at[0] + len * Math.sin((b * Math.PI) / 180), at[1] + len * Math.cos((b * Math.PI) / 180)]
  return { type: 'Polygon', coordinates: [[at, tip(bearing - half), tip(bearing + half), at]] }
}

/** Ray casting over the outer ring, in the same lon/lat plane the register stores. */
function inside(p: Pos, ring: Pos[]): boolean {
  let c = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c
  }
  return c
}

function haversine(a: Pos, b: Pos): number {
  const r = (d: number) => (d * Math.PI) / 180
  const h = Math.sin(r(b[1] - a[1]) / 2) ** 2 + Math.cos(r(a[1])) * Math.cos(r(b[1])) * Math.sin(r(b[0] - a[0]) / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h))
}

describe('cameras API', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let target: Pos
  let number: string
  const made: { id: number; at: Pos; ring: Pos[] }[] = []
  let serial = 0
  const gbId = () => `99010200001320${String(Date.now() % 1e4).padStart(4, '0')}${String(++serial).padStart(2, '0')}`.slice(0, 20)

  const camera = (at: Pos, view: ReturnType<typeof fov>, extra: Record<string, unknown> = {}) => ({
    name: `测试监控${serial}`, owner: '区公安分局', kind: 'public_security', deviceId: gbId(), channelId: gbId(), direction: 0, lon: at[0], lat: at[1], fieldOfView: view, ...extra,
  })

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    for (const u of ['district', 'street1', 'street2']) auth[u] = await loginAs(client, u)
    const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
      WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1) s`, [C1]) as { rows: { lon: number; lat: number }[] }
    target = [rows[0]!.lon, rows[0]!.lat]
    // three cameras south of the target looking north (two reach it, at different distances), one looking away
    const specs: [Pos, number][] = [
      [[target[0], target[1] - 0.0009], 0], [[target[0] + 0.0002, target[1] - 0.0003], 330], [[target[0] - 0.0001, target[1] - 0.0002], 180],
    ]
    for (const [at, bearing] of specs) {
      const body = camera(at, fov(at, bearing))
      const res = await client.post('/api/v1/cameras', body, auth.street1)
      expect(res.statusCode, res.body).to.equal(201)
      made.push({ id: res.json().id, at, ring: body.fieldOfView.coordinates[0]! })
    }
    const ev = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: `监控覆盖测试 ${Date.now()}`, location: { x: target[0], y: target[1] } }, auth.district)
    expect(ev.statusCode, ev.body).to.equal(201)
    number = ev.json().event.number
  })

  after(async () => {
    await knex('camera').whereIn('id', made.map((m) => m.id)).delete()
  })

  it('registers a camera in the community holding its point and reads it back', async () => {
    const res = await client.get(`/api/v1/cameras/${made[0]!.id}`, auth.street1)
    expect(res.statusCode).to.equal(200)
    const c = res.json()
    expect(c).to.include({ communityCode: C1, owner: '区公安分局', kind: 'public_security' })
    expect(c.fieldOfView.type).to.equal('Polygon')
    expect(c.fieldOfView.coordinates[0][1][0]).to.be.closeTo(made[0]!.ring[1]![0], 1e-6)
  })

  it('answers the cameras covering a point, nearest first, as a point-in-polygon test and haversine distances say', async () => {
    const res = await client.get(`/api/v1/cameras/covering?x=${target[0]}&y=${target[1]}`, auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const ours = new Set(made.map((m) => m.id))
    const items = (res.json().items as { id: number; distanceM: number }[]).filter((c) => ours.has(c.id))
    const expected = made.filter((m) => inside(target, m.ring)).map((m) => ({ id: m.id, d: haversine(m.at, target) })).sort((a, b) => a.d - b.d)
    expect(expected.length, 'the fixture has covering cameras').to.equal(2)
    expect(items.map((c) => c.id)).to.deep.equal(expected.map((e) => e.id))
    // the ellipsoid and the sphere differ by well under 0.5 % at this range
    items.forEach((c, i) => expect(c.distanceM).to.be.closeTo(expected[i]!.d, expected[i]!.d * 0.005 + 0.2))
  })

  it('answers the cameras covering an event, and 404 for an event outside the jurisdiction', async () => {
    const res = await client.get(`/api/v1/cameras/covering/events/${number}`, auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const ids = (res.json().items as { id: number }[]).map((c) => c.id).filter((id) => made.some((m) => m.id === id))
    expect(ids).to.deep.equal(made.filter((m) => inside(target, m.ring)).sort((a, b) => haversine(a.at, target) - haversine(b.at, target)).map((m) => m.id))
    expect((await client.get(`/api/v1/cameras/covering/events/${number}`, auth.street2)).statusCode).to.equal(404)
  })

  it('hides cameras outside the jurisdiction: 404 for one, none in lists and covering', async () => {
    expect((await client.get(`/api/v1/cameras/${made[0]!.id}`, auth.street2)).statusCode).to.equal(404)
    const list = (await client.get('/api/v1/cameras?limit=1000', auth.street2)).json().items as { id: number }[]
    expect(list.filter((c) => made.some((m) => m.id === c.id))).to.deep.equal([])
    const cover = (await client.get(`/api/v1/cameras/covering?x=${target[0]}&y=${target[1]}`, auth.street2)).json().items
    expect(cover).to.deep.equal([])
  })

  it('refuses a field of view that is not a polygon, is invalid or lies away from the camera, naming fieldOfView', async () => {
    const at: Pos = [target[0], target[1] - 0.0005]
    expectRefusal(await client.post('/api/v1/cameras', camera(at, { type: 'Point', coordinates: at } as never), auth.street1), 'fieldOfView.type', 'a point')
    const bowtie = { type: 'Polygon', coordinates: [[at, [at[0] + 0.001, at[1] + 0.001], [at[0] + 0.001, at[1]], [at[0], at[1] + 0.001], at]] }
    expectRefusal(await client.post('/api/v1/cameras', camera(at, bowtie as never), auth.street1), 'fieldOfView', 'self-intersecting')
    expectRefusal(await client.post('/api/v1/cameras', camera(at, fov([at[0] + 0.01, at[1]], 0)), auth.street1), 'fieldOfView', 'away from the camera')
    expectRefusal(await client.get('/api/v1/cameras/covering?y=30', auth.street1), 'x', 'no x')
    expectRefusal(await client.post('/api/v1/cameras', { ...camera(at, fov(at, 0)), deviceId: '123' }, auth.street1), 'deviceId', 'short GB code')
  })

  it('refuses the same device channel twice (409 naming channelId) and a camera placed outside the jurisdiction (403)', async () => {
    const first = await client.get(`/api/v1/cameras/${made[0]!.id}`, auth.street1)
    const at = made[0]!.at
    const dup = await client.post('/api/v1/cameras', { ...camera(at, fov(at, 0)), deviceId: first.json().deviceId, channelId: first.json().channelId }, auth.street1)
    expect(dup.statusCode, dup.body).to.equal(409)
    expect(dup.json().errors[0].field).to.equal('channelId')
    expect((await client.post('/api/v1/cameras', camera(at, fov(at, 0)), auth.street2)).statusCode).to.equal(403)
  })

  it('publishes the cameras layer through WFS inside the jurisdiction', async () => {
    const url = '/ogc/wfs?service=WFS&version=2.0.0&request=GetFeature&typeNames=gridgov:cameras&outputFormat=application/json&count=1000'
    const res = await client.get(url, auth.street1)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    const ids = (res.json().features as { properties: { id: number } }[]).map((f) => Number(f.properties.id))
    expect(ids).to.include.members(made.map((m) => m.id))
    const other = await client.get(url, auth.street2)
    expect((other.json().features as { properties: { id: number } }[]).map((f) => Number(f.properties.id))).to.not.include(made[0]!.id)
  })

  it('plays a camera through its own stream URL, and answers 409 naming no stream when it has none and no platform is set', async () => {
    const at = made[1]!.at
    const res = await client.post('/api/v1/cameras', camera(at, fov(at, 10), { streamUrlTemplate: 'http://video.example/live/{deviceId}_{channelId}.m3u8' }), auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    const c = res.json()
    made.push({ id: c.id, at, ring: c.fieldOfView.coordinates[0] })
    const play = await client.post(`/api/v1/cameras/${c.id}/play`, {}, auth.street1)
    expect(play.statusCode, play.body).to.equal(200)
    expect(play.json()).to.include({ source: 'template', protocol: 'hls', url: `http://video.example/live/${c.deviceId}_${c.channelId}.m3u8` })
    const none = await client.post(`/api/v1/cameras/${made[0]!.id}/play`, {}, auth.street1)
    expect(none.statusCode, none.body).to.equal(409)
    expect(none.json()).to.include({ code: 'cameras.no_stream' })
  })
})
