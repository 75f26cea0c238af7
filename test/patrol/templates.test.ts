// Patrol templates through the API: create over grids and checkpoints (any CRS), read, change,
// deactivate; jurisdiction (404 outside, 403 naming an area outside); roles; hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import { P, P001, P002, Q, Q001, setUp, tearDown, type People } from './fixture.ts'

describe('patrol templates', () => {
  let client: Client
  let knex: Knex
  let people: People
  let street1: Record<string, string>
  let staff: Record<string, string>
  let street2: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    people = await setUp(knex)
    street1 = await loginAs(client, 'street1')
    street2 = await loginAs(client, 'street2')
    staff = await loginAs(client, 'patrol_staff')
  })
  after(async () => tearDown(knex))

  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, body: unknown, auth: Record<string, string>) =>
    client.request({ method, url, headers: { 'content-type': 'application/json', ...auth }, payload: typeof body === 'string' ? body : JSON.stringify(body) })

  const gridTemplate = (extra: object = {}) => ({
    name: '巡查测试网格日巡', adminCode: P, period: 'daily', target: { kind: 'grid', gridCodes: [P001, P002] }, activeFrom: '2026-11-01', ...extra,
  })

  it('creates a daily grid template with the defaults (10 minutes, 1 visit, members from the grids)', async () => {
    const res = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate(), staff)
    expect(res.statusCode, res.body).to.equal(201)
    const t = res.json()
    expect(res.headers.location).to.equal(`/api/v1/patrol-tasks/templates/${t.id}`)
    expect(t).to.include({ period: 'daily', minMinutes: 10, requiredVisits: 1, adminCode: P, activeFrom: '2026-11-01', activeTo: null, active: true })
    expect(t.target).to.deep.equal({ kind: 'grid', gridCodes: [P001, P002] })
    expect(t.memberIds).to.deep.equal([])
    const read = await client.get(`/api/v1/patrol-tasks/templates/${t.id}`, street1)
    expect(read.statusCode).to.equal(200)
    expect(read.json().name).to.equal('巡查测试网格日巡')
  })

  it('creates a weekly checkpoint template with points in GCJ-02 and Gauss-Krüger, kept with their conversion', async () => {
    const [gx, gy] = fromStorage(116.1325, 36.5225, parseCrs('GCJ-02'))
    const [n, e] = fromStorage(116.1375, 36.5225, parseCrs('EPSG:4549'))
    const res = await send('POST', '/api/v1/patrol-tasks/templates', {
      name: '巡查测试点位周巡', adminCode: P, period: 'weekly', weekdays: [5, 1, 3],
      target: { kind: 'checkpoint', checkpoints: [{ name: '东门', x: gx, y: gy, crs: 'GCJ-02' }, { name: '西门', x: n, y: e, crs: 'EPSG:4549', radius: 50 }] },
      requiredVisits: 2, memberIds: [people.pa],
    }, street1)
    expect(res.statusCode, res.body).to.equal(201)
    const t = res.json()
    expect(t.weekdays).to.deep.equal([1, 3, 5])
    expect(t.minMinutes).to.equal(2)
    const [a, b] = t.target.checkpoints
    expect(a).to.include({ seq: 1, name: '东门', radius: 30 })
    expect(a.lon).to.be.closeTo(116.1325, 1e-5)
    expect(a.lat).to.be.closeTo(36.5225, 1e-5)
    expect(a.source.crs).to.equal('GCJ-02')
    expect(b.lon).to.be.closeTo(116.1375, 1e-7)
    expect(b.radius).to.equal(50)
  })

  it('lists the templates in the jurisdiction only', async () => {
    const made = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ name: '巡查测试乙社区', adminCode: Q, target: { kind: 'grid', gridCodes: [Q001] } }), await loginAs(client, 'district'))
    expect(made.statusCode, made.body).to.equal(201)
    const mine = (await client.get('/api/v1/patrol-tasks/templates', street1)).json().items.map((t: { adminCode: string }) => t.adminCode)
    expect(mine).to.include(P)
    expect(mine).not.to.include(Q)
    const other = (await client.get('/api/v1/patrol-tasks/templates', street2)).json().items.map((t: { adminCode: string }) => t.adminCode)
    expect(other).not.to.include(Q)
    expect(other).not.to.include(P)
    const district = (await client.get(`/api/v1/patrol-tasks/templates?adminCode=${Q}`, await loginAs(client, 'district'))).json().items
    expect(district.map((t: { adminCode: string }) => t.adminCode)).to.deep.equal([Q])
  })

  it('a template outside the jurisdiction is 404; naming an area outside it is 403', async () => {
    const [q] = (await client.get(`/api/v1/patrol-tasks/templates?adminCode=${Q}`, await loginAs(client, 'district'))).json().items
    expect((await client.get(`/api/v1/patrol-tasks/templates/${q.id}`, street1)).statusCode).to.equal(404)
    expect((await send('PATCH', `/api/v1/patrol-tasks/templates/${q.id}`, { name: 'x' }, street1)).statusCode).to.equal(404)
    expect((await send('DELETE', `/api/v1/patrol-tasks/templates/${q.id}`, {}, street1)).statusCode).to.equal(404)
    const res = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ adminCode: Q, target: { kind: 'grid', gridCodes: [Q001] } }), street1)
    expect(res.statusCode).to.equal(403)
  })

  it('inspectors, analysts and departments may not edit', async () => {
    for (const user of ['patrol_pa', 'analyst', 'department']) {
      const res = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate(), await loginAs(client, user))
      expect(res.statusCode, user).to.equal(403)
    }
    expect((await client.get('/api/v1/patrol-tasks/templates')).statusCode).to.equal(401)
  })

  it('refuses grids, members and checkpoints that are not of the area (422 naming each)', async () => {
    const grids = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ target: { kind: 'grid', gridCodes: [P001, Q001, '990102001195999'] } }), street1)
    expect(grids.statusCode).to.equal(422)
    expect(grids.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['target.gridCodes.1', 'target.gridCodes.2'])
    const members = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ memberIds: [people.pa, people.pq] }), street1)
    expect(members.statusCode).to.equal(422)
    expect(members.json().errors[0].field).to.equal('memberIds.1')
    const cps = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 116.131, y: 36.521 }, { name: 'b', x: 116.2, y: 36.6 }] } }), street1)
    expect(cps.statusCode).to.equal(422)
    expect(cps.json().errors[0].field).to.equal('target.checkpoints.1')
  })

  it('changes schedule, rules and members; refuses a new target; deactivates', async () => {
    const t = (await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ name: '巡查测试变更' }), staff)).json()
    const res = await send('PATCH', `/api/v1/patrol-tasks/templates/${t.id}`, { period: 'custom', everyDays: 3, from: '2026-11-02', minMinutes: 5, memberIds: [people.pb], activeTo: '2026-12-31' }, staff)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ period: 'custom', everyDays: 3, from: '2026-11-02', minMinutes: 5, activeTo: '2026-12-31', version: 2 })
    expect(res.json().memberIds).to.deep.equal([people.pb])
    expect((await send('PATCH', `/api/v1/patrol-tasks/templates/${t.id}`, { target: { kind: 'grid', gridCodes: [P001] } }, staff)).statusCode).to.equal(400)
    expect((await send('PATCH', `/api/v1/patrol-tasks/templates/${t.id}`, { period: 'weekly' }, staff)).json().detail).to.match(/weekdays/)
    expect((await send('PATCH', `/api/v1/patrol-tasks/templates/${t.id}`, { activeTo: '2026-01-01' }, staff)).statusCode).to.equal(400)
    expect((await send('DELETE', `/api/v1/patrol-tasks/templates/${t.id}`, {}, staff)).statusCode).to.equal(204)
    const after = await client.get(`/api/v1/patrol-tasks/templates/${t.id}`, staff)
    expect(after.json().active).to.equal(false)
    const active = (await client.get('/api/v1/patrol-tasks/templates', staff)).json().items.map((x: { id: number }) => x.id)
    expect(active).not.to.include(t.id)
  })

  describe('hostile input', () => {
    const bad: [string, unknown, RegExp][] = [
      ['malformed JSON', '{"name":', /./],
      ['unknown key', { ...gridTemplate(), colour: 'red' }, /colour|Unrecognized/i],
      ['missing target', { name: 'x', adminCode: P, period: 'daily' }, /target/],
      ['bad period', gridTemplate({ period: 'hourly' }), /period/],
      ['weekly without weekdays', gridTemplate({ period: 'weekly' }), /weekdays/],
      ['weekday 8', gridTemplate({ period: 'weekly', weekdays: [8] }), /weekdays\.0/],
      ['weekday twice', gridTemplate({ period: 'weekly', weekdays: [1, 1] }), /weekdays/],
      ['custom without everyDays', gridTemplate({ period: 'custom' }), /everyDays/],
      ['impossible date', gridTemplate({ activeFrom: '2026-02-30' }), /activeFrom/],
      ['activeTo before activeFrom', gridTemplate({ activeTo: '2026-10-01' }), /activeTo/],
      ['SQL in a grid code', gridTemplate({ target: { kind: 'grid', gridCodes: ["1' OR 1=1--"] } }), /gridCodes\.0/],
      ['too many grids', gridTemplate({ target: { kind: 'grid', gridCodes: Array(201).fill(P001) } }), /gridCodes/],
      ['NaN coordinates', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 'NaN', y: 1 }] } }), /checkpoints\.0\.x/],
      ['out-of-range coordinates', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 500, y: 36.5 }] } }), /checkpoints\.0.*out of range/],
      ['swapped lon/lat', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 36.52, y: 116.13 }] } }), /swapped/],
      ['unknown CRS', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 116.13, y: 36.52, crs: 'EPSG:9999' }] } }), /unsupported CRS/],
      ['radius 0', gridTemplate({ target: { kind: 'checkpoint', checkpoints: [{ name: 'a', x: 116.13, y: 36.52, radius: 0 }] } }), /radius/],
      ['minMinutes 0', gridTemplate({ minMinutes: 0 }), /minMinutes/],
      ['requiredVisits 1.5', gridTemplate({ requiredVisits: 1.5 }), /requiredVisits/],
      ['negative member id', gridTemplate({ memberIds: [-1] }), /memberIds\.0/],
      ['huge name', gridTemplate({ name: 'x'.repeat(101) }), /name/],
      ['admin code not 12 digits', gridTemplate({ adminCode: '9901' }), /adminCode/],
    ]
    for (const [what, body, detail] of bad) {
      it(`refuses ${what} with 400 naming the field`, async () => {
        const res = await send('POST', '/api/v1/patrol-tasks/templates', body, staff)
        expect(res.statusCode, res.body).to.equal(400)
        expect(res.json().detail).to.match(detail)
      })
    }

    it('refuses an oversized body with 413 and bad ids and query keys with 400', async () => {
      const big = await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ name: 'x'.repeat(3 * 1024 * 1024) }), staff)
      expect(big.statusCode).to.equal(413)
      for (const url of ['/api/v1/patrol-tasks/templates/abc', '/api/v1/patrol-tasks/templates/0', '/api/v1/patrol-tasks/templates/99999999999999999999',
        '/api/v1/patrol-tasks/templates?colour=red', '/api/v1/patrol-tasks/templates?limit=100000', '/api/v1/patrol-tasks/templates?adminCode=1']) {
        expect((await client.get(url, staff)).statusCode, url).to.equal(400)
      }
      expect((await client.get('/api/v1/patrol-tasks/templates/987654321', staff)).statusCode).to.equal(404)
    })

    it('refuses hostile changes and deletions with 400 naming the field', async () => {
      const t = (await send('POST', '/api/v1/patrol-tasks/templates', gridTemplate({ name: '巡查测试恶意' }), staff)).json()
      const cases: [unknown, RegExp][] = [
        ['{"name":', /./], [{ colour: 'red' }, /colour|Unrecognized/i], [{ requiredVisits: 0 }, /requiredVisits/],
        [{ minMinutes: 'NaN' }, /minMinutes/], [{ memberIds: [1, 'x'] }, /memberIds\.1/], [{ activeTo: '2026-02-30' }, /activeTo/],
        [{ active: 'yes' }, /active/], [{ memberIds: [987654321] }, /no active member 987654321/], [[], /root|expected object/],
      ]
      for (const [body, detail] of cases) {
        const res = await send('PATCH', `/api/v1/patrol-tasks/templates/${t.id}`, body, staff)
        expect(res.statusCode, JSON.stringify(body)).to.equal(400)
        expect(res.json().detail, JSON.stringify(body)).to.match(detail)
      }
      expect((await send('PATCH', '/api/v1/patrol-tasks/templates/x1', { name: 'a' }, staff)).statusCode).to.equal(400)
      expect((await send('DELETE', '/api/v1/patrol-tasks/templates/-1', {}, staff)).statusCode).to.equal(400)
      expect((await send('DELETE', '/api/v1/patrol-tasks/templates/987654321', {}, staff)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/templates/${t.id}`, staff)).json().version).to.equal(1)
    })
  })
})
