// Broken, hostile and oversized input to the fence API: each a clear 4xx naming the field.
import { expectRefusal } from '../support/problem.ts'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { gridsOf, removeFences, sender, square } from './apiSupport.ts'

const C1 = '990102001001'

describe('fences API: hostile input', () => {
  let client: Client
  let knex: Knex
  let s1: ReturnType<typeof sender>
  let at: { code: string; lon: number; lat: number }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    s1 = sender(client, await loginAs(client, 'street1'))
    at = (await gridsOf(knex, C1))[0]!
  })
  after(async () => removeFences(knex, []))

  /** POSTs a fence and returns status, the fields named and the detail. */
  const refuse = async (body: unknown, status = 400) => {
    const res = await s1.post('/api/v1/fences', body)
    expect(res.statusCode, res.body).to.equal(status)
    expect(res.headers['content-type']).to.match(/problem\+json/)
    const j = res.json()
    return { fields: (j.errors ?? []).map((e: { field: string }) => e.field) as string[], detail: j.detail as string, json: j }
  }
  const polygon = (coordinates: unknown, extra = {}) => ({ name: 'api-test bad', kind: 'polygon', coordinates, ...extra })
  const circle = (extra: Record<string, unknown>) => ({ name: 'api-test bad', kind: 'circle', center: [at.lon, at.lat], radius: 100, ...extra })

  it('a ring that does not close, or has too few points', async () => {
    const open = square(at.lon, at.lat, 0.001).slice(0, 4)
    open.push([at.lon + 0.0001, at.lat + 0.0001])
    const r1 = await refuse(polygon([open]))
    expect(r1.fields).to.deep.equal(['coordinates'])
    expect(r1.detail).to.match(/ring 0 is not closed/)
    const r2 = await refuse(polygon([[[at.lon, at.lat], [at.lon + 0.001, at.lat], [at.lon, at.lat]]]))
    expect(r2.detail).to.match(/coordinates: .*needs at least 4/)
  })

  it('a self-intersecting polygon is a 422 with the reason and its location', async () => {
    const { lon, lat } = at
    const bowtie = [[lon, lat], [lon + 0.002, lat + 0.002], [lon + 0.002, lat], [lon, lat + 0.002], [lon, lat]]
    const r = await refuse(polygon([bowtie]), 422)
    expect(r.fields).to.deep.equal(['coordinates'])
    expect(r.detail, r.detail).to.match(/Self-intersection at or near 1\d\d\.\d+, 36\.\d+ \(EPSG:4326\)/)
    expect(r.json.location.type).to.equal('Point')
    expect(r.json.location.coordinates[0]).to.be.closeTo(lon + 0.001, 1e-6)
  })

  it('non-numeric, non-finite and out-of-range coordinates, Z ordinates, swapped axes', async () => {
    const ring = square(at.lon, at.lat, 0.001)
    const nan = await refuse(polygon([[['NaN', at.lat], ...ring.slice(1, 4), ['NaN', at.lat]]]))
    expect(nan.detail).to.match(/non-numeric/)
    // JSON has no NaN: a literal one is malformed JSON, 1e999 parses as Infinity
    expect((await s1.post('/api/v1/fences', '{"name":"x","kind":"circle","center":[NaN,36],"radius":9}')).statusCode).to.equal(400)
    const inf = await refuse('{"name":"x","kind":"circle","center":[1e999,36.4],"radius":90}')
    expect(inf.fields).to.deep.equal(['center.0'])
    expect((await refuse(circle({ center: [at.lat, at.lon] }))).detail).to.match(/center: coordinates look swapped/)
    const far = await refuse(circle({ center: [116, 95] }))
    expect(far.fields).to.deep.equal(['center'])
    expect(far.detail).to.match(/latitude within ±90/)
    const range = await refuse(polygon([ring.map(([x, y]) => [x! + 100, y])]))
    expect(range.fields).to.deep.equal(['coordinates'])
    expect(range.detail).to.match(/out of range/)
    const z = await refuse({ name: 'x', kind: 'corridor', line: [[at.lon, at.lat, 5], [at.lon + 0.001, at.lat, 5]], width: 10 })
    expect(z.fields).to.deep.equal(['line[0]'])
    const swapped = await refuse({ name: 'x', kind: 'corridor', line: [[at.lat, at.lon], [at.lat + 0.001, at.lon]], width: 10 })
    expect(swapped.detail).to.match(/swapped/)
  })

  it('radius and width out of range, an unknown CRS, an unknown kind or field', async () => {
    expect((await refuse(circle({ radius: 4 }))).fields).to.deep.equal(['radius'])
    expect((await refuse(circle({ radius: 50_001 }))).fields).to.deep.equal(['radius'])
    expect((await refuse(circle({ radius: '300' }))).fields).to.deep.equal(['radius'])
    const line = [[at.lon, at.lat], [at.lon + 0.001, at.lat]]
    expect((await refuse({ name: 'x', kind: 'corridor', line, width: 1 })).fields).to.deep.equal(['width'])
    expect((await refuse({ name: 'x', kind: 'corridor', line, width: 2001 })).fields).to.deep.equal(['width'])
    expect((await refuse({ name: 'x', kind: 'corridor', line: [line[0]], width: 10 })).fields).to.deep.equal(['line'])
    const crs = await refuse(circle({ crs: 'EPSG:9999' }))
    expect(crs.fields).to.deep.equal(['crs'])
    expect(crs.detail).to.match(/unsupported CRS/)
    expect((await refuse({ name: 'x', kind: 'hexagon' })).fields).to.deep.equal(['kind'])
    expect((await refuse(circle({ colour: 'red' }))).detail).to.match(/colour/)
    expect((await refuse(circle({ name: '' }))).fields).to.deep.equal(['name'])
  })

  it('more than 10,000 vertices', async () => {
    const ring: number[][] = []
    for (let i = 0; i < 10_050; i++) {
      const a = (2 * Math.PI * i) / 10_050
      ring.push([at.lon + 0.002 * Math.cos(a), at.lat + 0.002 * Math.sin(a)])
    }
    ring.push(ring[0]!)
    const r = await refuse(polygon([ring]))
    expect(r.fields).to.deep.equal(['coordinates'])
    expect(r.detail).to.match(/more than 10000 vertices/)
    const line = ring.slice(0, 10_001)
    expect((await refuse({ name: 'x', kind: 'corridor', line, width: 10 })).fields).to.deep.equal(['line'])
  })

  it('a body over the size limit is a 413', async () => {
    const res = await s1.post('/api/v1/fences', circle({ name: 'x'.repeat(3 * 1024 * 1024) }))
    expect(res.statusCode).to.equal(413)
  })

  it('unknown grid codes, retired grids, grids outside the jurisdiction or outside the fence\'s area', async () => {
    const unknown = await refuse({ name: 'x', kind: 'grid', gridCodes: [at.code, '990102001001999'] })
    expect(unknown.fields).to.deep.equal(['gridCodes[1]'])
    expect(unknown.detail).to.match(/no current grid 990102001001999/)
    const retired = '990102001001998'
    await knex('grid').insert({
      code: retired, kind: 'base', name: '已撤销', community_code: C1, city_code: '990100', valid_from: new Date('2020-01-01'), valid_to: new Date('2021-01-01'),
      geom: knex.raw('ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(?, ?), 4490), 0.0005))', [at.lon, at.lat]),
    })
    try {
      const gone = await refuse({ name: 'x', kind: 'grid', gridCodes: [retired] })
      expect(gone.fields).to.deep.equal(['gridCodes[0]'])
    } finally {
      await knex('grid').where({ code: retired }).delete()
    }
    expect((await refuse({ name: 'x', kind: 'grid', gridCodes: ['12345'] })).fields).to.deep.equal(['gridCodes.0'])
    expect((await refuse({ name: 'x', kind: 'grid', gridCodes: [] })).fields).to.deep.equal(['gridCodes'])
    expect((await refuse({ name: 'x', kind: 'grid', gridCodes: [at.code, at.code] })).fields).to.deep.equal(['gridCodes'])
    const outside = await refuse({ name: 'x', kind: 'grid', gridCodes: [at.code, '990102002001001'] }, 403)
    expect(outside.detail).to.match(/gridCodes\[1\]: grid 990102002001001 is outside your jurisdiction/)
    const area = await refuse({ name: 'x', kind: 'grid', gridCodes: [at.code], adminCode: '990102001002' })
    expect(area.fields).to.deep.equal(['gridCodes[0]'])
  })

  it('unknown members, members outside the jurisdiction, repeated members', async () => {
    const foreign = await knex('grid_member').where('community_code', 'like', '990102002%').first('id')
    const own = await knex('grid_member').where('community_code', C1).first('id')
    const unknown = await refuse(circle({ memberIds: [Number(own.id), 99_999_999] }))
    expect(unknown.fields).to.deep.equal(['memberIds[1]'])
    const outside = await refuse(circle({ memberIds: [Number(foreign.id)] }))
    expect(outside.fields).to.deep.equal(['memberIds[0]'])
    expect(outside.detail).to.equal(`invalid fence: memberIds[0]: no active grid member ${foreign.id} in your jurisdiction`)
    expect((await refuse(circle({ memberIds: [Number(own.id), Number(own.id)] }))).fields).to.deep.equal(['memberIds'])
    expect((await refuse(circle({ memberIds: [-1] }))).fields).to.deep.equal(['memberIds.0'])
  })

  it('bad rules, schedules and areas', async () => {
    expect((await refuse(circle({ rules: { enter: false, exit: false } }))).detail).to.match(/at least one rule/)
    expect((await refuse(circle({ rules: { dwellMinutes: 0 } }))).fields).to.deep.equal(['rules.dwellMinutes'])
    expect((await refuse(circle({ schedule: { days: [8], from: '08:00', to: '17:00' } }))).fields).to.deep.equal(['schedule.days.0'])
    expect((await refuse(circle({ schedule: { days: [1], from: '08:00', to: '08:00' } }))).fields).to.deep.equal(['schedule.to'])
    expect((await refuse(circle({ schedule: { days: [1], from: '8:00', to: '17:00' } }))).fields).to.deep.equal(['schedule.from'])
    expect((await refuse(circle({ schedule: { calendar: 'holiday' } }))).fields).to.deep.equal(['schedule.calendar'])
    expect((await refuse(circle({ adminCode: '990102001009' }))).fields).to.deep.equal(['adminCode'])
    await refuse(circle({ adminCode: '990102002000' }), 403)
  })

  it('bad ids, versions and query parameters', async () => {
    for (const id of ["1'--", '0']) {
      const res = await s1.get(`/api/v1/fences/${id}`)
      expectRefusal(res, '(root)', id)
      expect(res.json().detail, id).to.match(/^invalid fence id: /)
    }
    expect((await s1.get('/api/v1/fences/99999999')).statusCode).to.equal(404)
    expect((await s1.put('/api/v1/fences/99999999', circle({ version: 1 }))).statusCode).to.equal(404)
    const noVersion = await s1.put('/api/v1/fences/99999999', circle({}))
    expect(noVersion.statusCode).to.equal(400)
    expect(noVersion.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['version'])
    const named: [query: string, field: string][] = [['bbox=200,0,201,1', 'bbox'], ['bbox=1,2,3', 'bbox'], ['limit=501', 'limit'], ['limit=0', 'limit'],
      ['active=maybe', 'active'], ['kind=square', 'kind'], ['colour=red', '(root)'], ['cursor=abc', 'cursor'], ['f=kml', 'f'], ['kind=circle&kind=grid', 'kind']]
    for (const [q, field] of named) expectRefusal(await s1.get(`/api/v1/fences?${q}`), field, q)
  })
})
