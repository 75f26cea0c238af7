// The fence API: a round trip per kind (areas against an independent reference), optimistic
// versions, deactivation, jurisdiction and roles.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { areaM2, distanceM, gridsOf, lengthM, removeFences, sender, square } from './apiSupport.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'

const C1 = '990102001001' // a community of street1
const C2 = '990102002001' // a community of street2

describe('fences API: kinds, versions, jurisdiction, roles', () => {
  let client: Client
  let knex: Knex
  let s1: ReturnType<typeof sender>
  let grids: { code: string; lon: number; lat: number }[]

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    s1 = sender(client, await loginAs(client, 'street1'))
    grids = await gridsOf(knex, C1)
  })
  after(async () => removeFences(knex, []))

  it('a circle: 201, stored in the caller\'s street, its area within 1 % of πr² and every vertex r from the centre', async () => {
    const [g] = grids
    const res = await s1.post('/api/v1/fences', { name: 'api-test circle', kind: 'circle', center: [g!.lon, g!.lat], radius: 300 })
    expect(res.statusCode, res.body).to.equal(201)
    const f = res.json()
    expect(res.headers.location).to.equal(`/api/v1/fences/${f.id}`)
    expect(f).to.include({ kind: 'circle', radius: 300, crs: 'EPSG:4326', adminCode: '990102001000', cityCode: '990100', active: true, version: 1 })
    expect(f.rules).to.deep.equal({ enter: true, exit: true, dwellMinutes: null, absentMinutes: null })
    expect(f.schedule).to.equal(null)
    expect(f.memberIds).to.deep.equal([])
    const reference = Math.PI * 300 ** 2
    expect(Math.abs(areaM2(f.geometry) - reference) / reference).to.be.below(0.01)
    expect(Math.abs(f.areaM2 - reference) / reference).to.be.below(0.01)
    for (const p of f.geometry.coordinates[0][0]) expect(distanceM([g!.lon, g!.lat], p)).to.be.closeTo(300, 3)
  })

  it('a circle given in GCJ-02 lands where its WGS84 centre is', async () => {
    const [g] = grids
    const [gx, gy] = fromStorage(g!.lon, g!.lat, parseCrs('GCJ-02'))
    const res = await s1.post('/api/v1/fences', { name: 'api-test gcj', kind: 'circle', center: [gx, gy], radius: 50, crs: 'GCJ-02' })
    expect(res.statusCode, res.body).to.equal(201)
    const ring: number[][] = res.json().geometry.coordinates[0][0]
    const lon = ring.slice(0, -1).reduce((s, p) => s + p[0]!, 0) / (ring.length - 1)
    const lat = ring.slice(0, -1).reduce((s, p) => s + p[1]!, 0) / (ring.length - 1)
    expect(distanceM([g!.lon, g!.lat], [lon, lat])).to.be.below(1)
    expect(res.json()).to.include({ crs: 'GCJ-02' })
    expect(res.json().center).to.deep.equal([gx, gy])
  })

  it('a corridor: its area ≈ length × width + the round caps (within 1 %)', async () => {
    // a right-angle bend: its outer round join (πr²/4) and inner overlap (r²) nearly cancel
    const [a] = grids
    const line = [[a!.lon, a!.lat], [a!.lon + 0.01, a!.lat], [a!.lon + 0.01, a!.lat + 0.006]]
    const res = await s1.post('/api/v1/fences', { name: 'api-test corridor', kind: 'corridor', line, width: 40 })
    expect(res.statusCode, res.body).to.equal(201)
    const f = res.json()
    const reference = lengthM(line) * 40 + Math.PI * 20 ** 2
    expect(Math.abs(areaM2(f.geometry) - reference) / reference).to.be.below(0.01)
    expect(f).to.include({ kind: 'corridor', width: 40 })
    expect(f.line).to.deep.equal(line)
  })

  it('a polygon: stored as drawn (area as computed from the input), MultiPolygon accepted', async () => {
    const [g] = grids
    const ring = square(g!.lon - 0.001, g!.lat - 0.001, 0.002)
    const res = await s1.post('/api/v1/fences', { name: 'api-test polygon', kind: 'polygon', coordinates: [ring] })
    expect(res.statusCode, res.body).to.equal(201)
    const reference = areaM2({ type: 'Polygon', coordinates: [ring] })
    expect(Math.abs(res.json().areaM2 - reference) / reference).to.be.below(0.001)
    const multi = await s1.post('/api/v1/fences', {
      name: 'api-test multipolygon', kind: 'polygon', coordinates: [[ring], [square(g!.lon + 0.01, g!.lat, 0.001)]],
    })
    expect(multi.statusCode, multi.body).to.equal(201)
    expect(multi.json().geometry.coordinates).to.have.length(2)
  })

  it('a grid fence: the union of its grids, watching the members assigned to them', async () => {
    const codes = grids.slice(0, 2).map((g) => g.code)
    const res = await s1.post('/api/v1/fences', { name: 'api-test grid', kind: 'grid', gridCodes: codes, rules: { enter: false, exit: false, dwellMinutes: null, absentMinutes: 30 }, schedule: { calendar: 'duty' } })
    expect(res.statusCode, res.body).to.equal(201)
    const f = res.json()
    let reference = 0
    for (const code of codes) reference += areaM2((await s1.get(`/api/v1/grids/${code}`)).json().geometry)
    expect(Math.abs(areaM2(f.geometry) - reference) / reference).to.be.below(0.001)
    const assigned = await knex('grid_assignment').whereIn('grid_code', codes).whereNull('valid_to').distinct('member_id')
    expect(f.memberIds).to.have.members(assigned.map((r) => Number(r.member_id)))
    expect(f.memberIds.length).to.be.greaterThan(0)
    expect(f.gridCodes).to.deep.equal(codes)
    expect(f.schedule).to.deep.equal({ calendar: 'duty' })
  })

  it('PUT replaces with the version read (GET → PUT round-trips); a stale version is 409 naming the current one', async () => {
    const [g] = grids
    const created = (await s1.post('/api/v1/fences', { name: 'api-test put', kind: 'circle', center: [g!.lon, g!.lat], radius: 100 })).json()
    const read = (await s1.get(`/api/v1/fences/${created.id}`)).json()
    const res = await s1.put(`/api/v1/fences/${created.id}`, { ...read, radius: 200, schedule: { days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' } })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ version: 2, radius: 200 })
    expect(res.json().areaM2).to.be.closeTo(Math.PI * 200 ** 2, Math.PI * 200 ** 2 * 0.01)
    const stale = await s1.put(`/api/v1/fences/${created.id}`, { ...read, radius: 150 })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json()).to.include({ currentVersion: 2 })
    // two writers with the same version: one wins, the other is told to read again
    const race = await Promise.all([110, 120].map((radius) => s1.put(`/api/v1/fences/${created.id}`, { ...read, version: 2, radius })))
    expect(race.map((r) => r.statusCode).sort()).to.deep.equal([200, 409])
    const kindChange = await s1.put(`/api/v1/fences/${created.id}`, { name: 'api-test put', kind: 'grid', gridCodes: [grids[0]!.code], version: 3 })
    expect(kindChange.statusCode, kindChange.body).to.equal(200)
    expect(kindChange.json()).to.include({ kind: 'grid', version: 4 })
    expect(kindChange.json()).not.to.have.property('radius')
  })

  it('DELETE deactivates: the fence stays readable with active false, leaves the default list, and its alerts stay', async () => {
    const [g] = grids
    const f = (await s1.post('/api/v1/fences', { name: 'api-test delete', kind: 'circle', center: [g!.lon, g!.lat], radius: 100 })).json()
    const device = await knex('device').where({ identifier: 'demo-inspector-phone' }).first('id')
    await knex('fence_alert').insert({ city_code: '990100', fence_id: f.id, device_id: device.id, community_code: C1, kind: 'enter', at: new Date(), geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [g!.lon, g!.lat]) })
    const res = await s1.del(`/api/v1/fences/${f.id}`)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ active: false, version: 2 })
    expect((await s1.get(`/api/v1/fences/${f.id}`)).json()).to.include({ active: false })
    const ids = (await s1.get('/api/v1/fences?limit=500')).json().items.map((x: { id: number }) => x.id)
    expect(ids).not.to.include(f.id)
    const inactive = (await s1.get('/api/v1/fences?active=false&limit=500')).json().items.map((x: { id: number }) => x.id)
    expect(inactive).to.include(f.id)
    expect(await knex('fence_alert').where({ fence_id: f.id }).count('* as n').first()).to.deep.include({ n: 1 })
    expect((await s1.del(`/api/v1/fences/${f.id}`)).json()).to.include({ version: 2 }) // again: nothing changes
    const back = await s1.put(`/api/v1/fences/${f.id}`, { name: 'api-test delete', kind: 'circle', center: [g!.lon, g!.lat], radius: 100, version: 2, active: true })
    expect(back.json()).to.include({ active: true, version: 3 })
  })

  it('lists with filters (kind, bbox, f=geojson) and pages with the cursor', async () => {
    const [g] = grids
    for (let i = 0; i < 3; i++) await s1.post('/api/v1/fences', { name: `api-test page ${i}`, kind: 'circle', center: [g!.lon, g!.lat], radius: 20 + i })
    const seen: number[] = []
    let url: string | null = '/api/v1/fences?kind=circle&limit=2'
    while (url) {
      const page: { items: { id: number; kind: string }[]; next: string | null } = (await s1.get(url)).json()
      expect(page.items.length).to.be.at.most(2)
      for (const item of page.items) expect(item.kind).to.equal('circle')
      seen.push(...page.items.map((x) => x.id))
      url = page.next
    }
    expect(new Set(seen).size).to.equal(seen.length)
    expect(seen.length).to.be.at.least(3)
    const gj = await s1.get(`/api/v1/fences?f=geojson&bbox=${g!.lon - 0.0001},${g!.lat - 0.0001},${g!.lon + 0.0001},${g!.lat + 0.0001}`)
    expect(gj.statusCode).to.equal(200)
    expect(gj.headers['content-type']).to.match(/geo\+json/)
    expect(gj.json().type).to.equal('FeatureCollection')
    expect(gj.json().features.length).to.be.greaterThan(0)
    const far = (await s1.get('/api/v1/fences?bbox=100,10,100.1,10.1')).json()
    expect(far.items).to.deep.equal([])
  })

  it('jurisdiction: street2 cannot see, change or delete street1\'s fence (404), nor create in street1 (403); the district sees both', async () => {
    const [g] = grids
    const f = (await s1.post('/api/v1/fences', { name: 'api-test street1', kind: 'circle', center: [g!.lon, g!.lat], radius: 60 })).json()
    const s2 = sender(client, await loginAs(client, 'street2'))
    expect((await s2.get(`/api/v1/fences/${f.id}`)).statusCode).to.equal(404)
    expect((await s2.put(`/api/v1/fences/${f.id}`, { name: 'x', kind: 'circle', center: [g!.lon, g!.lat], radius: 60, version: 1 })).statusCode).to.equal(404)
    expect((await s2.del(`/api/v1/fences/${f.id}`)).statusCode).to.equal(404)
    expect((await s2.get('/api/v1/fences?limit=500')).json().items.map((x: { id: number }) => x.id)).not.to.include(f.id)
    const intrude = await s2.post('/api/v1/fences', { name: 'api-test intrude', kind: 'circle', center: [g!.lon, g!.lat], radius: 60, adminCode: C1 })
    expect(intrude.statusCode).to.equal(403)
    const foreignGrid = await s2.post('/api/v1/fences', { name: 'api-test intrude', kind: 'grid', gridCodes: [g!.code] })
    expect(foreignGrid.statusCode).to.equal(403)
    expect(foreignGrid.json().detail).to.match(/gridCodes\[0\]/)
    const s2grid = (await gridsOf(knex, C2))[0]!
    const own = await s2.post('/api/v1/fences', { name: 'api-test street2', kind: 'grid', gridCodes: [s2grid.code] })
    expect(own.statusCode, own.body).to.equal(201)
    const district = sender(client, await loginAs(client, 'district'))
    const ids = (await district.get('/api/v1/fences?limit=500')).json().items.map((x: { id: number }) => x.id)
    expect(ids).to.include.members([f.id, own.json().id])
    const noArea = await district.post('/api/v1/fences', { name: 'api-test district', kind: 'grid', gridCodes: [s2grid.code] })
    expect(noArea.statusCode, noArea.body).to.equal(201)
    expect(noArea.json().adminCode).to.equal('990102000000')
  })

  it('roles: an inspector cannot create (403) nor read; an analyst, a department and an external system read but cannot write', async () => {
    const [g] = grids
    const body = { name: 'api-test role', kind: 'circle', center: [g!.lon, g!.lat], radius: 60 }
    const inspector = sender(client, await loginAs(client, 'inspector'))
    expect((await inspector.post('/api/v1/fences', body)).statusCode).to.equal(403)
    expect((await inspector.get('/api/v1/fences')).statusCode).to.equal(403)
    for (const user of ['analyst', 'department']) {
      const s = sender(client, await loginAs(client, user))
      expect((await s.get('/api/v1/fences')).statusCode).to.equal(200)
      expect((await s.post('/api/v1/fences', body)).statusCode).to.equal(403)
    }
    const system = sender(client, { 'x-api-key': 'demo12345678.gridgov-demo-external-system-key' })
    expect((await system.get('/api/v1/fences')).statusCode).to.equal(200)
    expect((await system.post('/api/v1/fences', body)).statusCode).to.equal(403)
    expect((await client.get('/api/v1/fences')).statusCode).to.equal(401)
    const community = sender(client, await loginAs(client, 'community'))
    expect((await community.post('/api/v1/fences', body)).statusCode).to.equal(201)
  })
})
