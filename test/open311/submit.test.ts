// Open311 POST requests: form-encoded and JSON bodies, api_key and other credentials, the
// location (WGS84, GCJ-02 extension, address_id, address_string), idempotent retries, and
// hostile input: missing/invalid key, bad service_code, outside the city, missing location,
// oversized or control-character descriptions, bad attributes.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import { EXTENSIONS, expectElements, expectError, json, postForm, SPEC, textOf, xml, GRIDGOV_NS } from './helpers.ts'

const BASE = '/open311/v2'

describe('open311: POST requests', function () {
  let client: Client
  let knex: Knex
  let p1: { lon: number; lat: number; grid: string }
  const form = (over: Record<string, string | number> = {}) => ({
    api_key: DEMO_API_KEY, service_code: '0102', lat: p1.lat, long: p1.lon,
    description: uniq('路口有暴露垃圾'), 'attribute[demand_type]': '投诉举报', ...over,
  })
  const eventRow = async (number: string) => knex('event').where({ number }).first()

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    p1 = await pointIn(knex, '990102001001', 2)
  })

  it('creates a request from a form-encoded POST with api_key and answers the spec XML', async () => {
    const res = await postForm(client, `${BASE}/requests.xml`, form({
      first_name: '三', last_name: '张', phone: '13800001111', email: 'zhang@example.cn',
      media_url: 'https://img.example.cn/a.jpg', account_id: 'acc-7', device_id: 'dev-1',
      'attribute[external_ref]': 'SZCG-2026-001',
    }))
    expect(res.statusCode, res.body).to.equal(201)
    const tree = xml(res)
    const root = tree.service_requests as Record<string, unknown>
    expect(root['@_xmlns:gridgov']).to.equal(GRIDGOV_NS)
    const items = root.request as Record<string, unknown>[]
    expect(items).to.have.length(1)
    expectElements(items[0], SPEC.post_response, SPEC.post_response, EXTENSIONS)
    const id = textOf(items[0]!.service_request_id)
    expect(id).to.match(/^E\d{12}$/)
    expect(res.headers.location).to.equal(`${BASE}/requests/${id}.xml`)
    expect(textOf(items[0]!.token)).to.match(/^[A-Za-z0-9_-]{32}$/)
    expect(textOf(items[0]!.account_id)).to.equal('acc-7')
    expect(textOf(items[0]!.service_notice)).to.match(/处置时限：4工作小时/)
    // third_party: filed and dispatched automatically
    expect(textOf(items[0]!['gridgov:status'])).to.equal('dispatched')
    expect(textOf(items[0]!['gridgov:grid_code'])).to.equal(p1.grid)
    const ev = await eventRow(id)
    expect(ev).to.include({ channel: 'third_party', demand_type: '投诉举报', class_code: '0102', grid_code: p1.grid,
      reporter_name: '张三', reporter_phone: '13800001111', external_ref: 'SZCG-2026-001' })
    expect(ev.source_position).to.include({ crs: 'EPSG:4326', x: p1.lon, y: p1.lat })
    expect(ev.source_position.conversion).to.match(/WGS84 ≡ CGCS2000/)
    const o = await knex('open311_request').where({ event_number: id }).first()
    expect(o).to.include({ media_url: 'https://img.example.cn/a.jpg', token: textOf(items[0]!.token) })
    expect(o.contact).to.deep.equal({ email: 'zhang@example.cn', first_name: '三', last_name: '张', phone: '13800001111', device_id: 'dev-1', account_id: 'acc-7' })
    expect(o.attributes).to.deep.equal({ demand_type: '投诉举报', external_ref: 'SZCG-2026-001' })
  })

  it('accepts a JSON body, with attributes nested or as flat attribute[code] keys', async () => {
    const nested = await client.post(`${BASE}/requests.json`, {
      api_key: DEMO_API_KEY, service_code: '0505', lat: p1.lat, long: p1.lon, description: uniq('机动车占用人行道'),
      attribute: { demand_type: '投诉举报' },
    })
    expect(nested.statusCode, nested.body).to.equal(201)
    const body = json(nested) as Record<string, unknown>[]
    expect(body).to.have.length(1)
    expectElements(body[0], SPEC.post_response, SPEC.post_response, ['gridgov:status', 'gridgov:status_title', 'gridgov:grid_code'])
    expect(body[0]!.account_id).to.equal(null)
    const flat = await client.post(`${BASE}/requests.json`, {
      api_key: DEMO_API_KEY, service_code: '9901', lat: String(p1.lat), long: String(p1.lon), description: uniq('老人需要帮助'),
      'attribute[demand_type]': '求助',
    })
    expect(flat.statusCode, flat.body).to.equal(201)
    const ev = await eventRow((flat.json() as { service_request_id: string }[])[0]!.service_request_id)
    expect(ev).to.include({ demand_type: '求助', class_code: '9901' })
  })

  it('accepts the caller\'s own credentials instead of api_key (a staff user reports as a resident)', async () => {
    const auth = await loginAs(client, 'command')
    const { api_key: _key, ...rest } = form()
    const res = await postForm(client, `${BASE}/requests.json`, rest, auth)
    expect(res.statusCode, res.body).to.equal(201)
    const item = (res.json() as Record<string, unknown>[])[0]!
    expect(item['gridgov:status']).to.equal('reported')
    expect((await eventRow(String(item.service_request_id))).channel).to.equal('resident')
    // the X-API-Key header works like api_key
    const header = await postForm(client, `${BASE}/requests.json`, rest, { 'x-api-key': DEMO_API_KEY })
    expect(header.statusCode, header.body).to.equal(201)
    // a role that may not report through the resident channel is refused by intake
    const inspector = await postForm(client, `${BASE}/requests.json`, rest, await loginAs(client, 'analyst'))
    expectError(inspector, 403, /gis_analyst may not report through channel resident/)
  })

  it('answers 403 without an api_key or with a wrong one, in XML and JSON', async () => {
    const { api_key: _key, ...rest } = form()
    for (const fmt of ['xml', 'json']) {
      expectError(await postForm(client, `${BASE}/requests.${fmt}`, rest), 403, /api_key was not provided/)
      expectError(await postForm(client, `${BASE}/requests.${fmt}`, { ...rest, api_key: 'demo12345678.wrong-secret-wrong-secret' }), 403, /Invalid api_key/)
      expectError(await postForm(client, `${BASE}/requests.${fmt}`, { ...rest, api_key: '<script>'.repeat(100) }), 403, /Invalid api_key/)
    }
    expect(await knex('event').where({ description: rest.description }).first()).to.equal(undefined)
  })

  it('answers a retried POST with the same Idempotency-Key with the same request and token', async () => {
    const body = form()
    const headers = { 'idempotency-key': `o311-${Math.random()}` }
    const first = await postForm(client, `${BASE}/requests.json`, body, headers)
    const again = await postForm(client, `${BASE}/requests.json`, body, headers)
    expect(first.statusCode, first.body).to.equal(201)
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json()).to.deep.equal(first.json())
    const id = (first.json() as { service_request_id: string }[])[0]!.service_request_id
    expect(await knex('open311_request').where({ event_number: id }).count('* as n').first().then((r) => Number(r?.n))).to.equal(1)
    const other = await postForm(client, `${BASE}/requests.json`, { ...body, description: uniq('别的内容') }, headers)
    expectError(other, 409, /Idempotency-Key .* different request body/)
  })

  it('refuses unknown or malformed service codes', async () => {
    expectError(await postForm(client, `${BASE}/requests.xml`, form({ service_code: '9998' })), 400, /service_code 9998 not found/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ service_code: '01' })), 400, /service_code: must be a 4-digit service_code/)
    const { service_code: _c, ...none } = form()
    expectError(await postForm(client, `${BASE}/requests.json`, none), 400, /service_code: was not provided/)
  })

  it('refuses a point outside the city and names the distance to the nearest grid', async () => {
    for (const fmt of ['xml', 'json']) {
      const res = await postForm(client, `${BASE}/requests.${fmt}`, form({ lat: 36.0, long: 117.5 }))
      expectError(res, 422, /lies outside every grid of the city: the nearest grid \d{15} is [\d.]+ m away/)
    }
  })

  it('requires a location, both coordinates, in range', async () => {
    const { lat: _a, long: _b, ...noPlace } = form()
    expectError(await postForm(client, `${BASE}/requests.xml`, noPlace), 400, /a location is required: lat and long \(WGS84\), or address_id, or address_string/)
    const { long: _c, ...latOnly } = form()
    expectError(await postForm(client, `${BASE}/requests.json`, latOnly), 400, /lat and long must be given together/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ lat: 100 })), 400, /latitude within ±90, got lon [\d.]+, lat 100/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ long: 'east' })), 400, /long: /)
    // swapped WGS84 coordinates are caught by the CRS helpers, not silently misplaced
    expectError(await postForm(client, `${BASE}/requests.json`, form({ lat: p1.lon, long: p1.lat })), 400, /look swapped/)
  })

  it('refuses oversized, empty or control-character descriptions', async () => {
    expectError(await postForm(client, `${BASE}/requests.json`, form({ description: '长'.repeat(4001) })), 400, /description: may not exceed 4000 characters/)
    expectError(await postForm(client, `${BASE}/requests.xml`, form({ description: '   ' })), 400, /description: was not provided/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ description: 'bell \u0007 here' })), 400, /description: must not contain control characters/)
  })

  it('checks attributes against the service definition', async () => {
    const { 'attribute[demand_type]': _d, ...noDemand } = form()
    expectError(await postForm(client, `${BASE}/requests.json`, noDemand), 400, /required attribute\[demand_type\] was not provided/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ 'attribute[demand_type]': 'complaint' })), 400, /attribute\[demand_type\] "complaint" is not one of 咨询, 求助, 投诉举报, 建议感谢/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ 'attribute[colour]': 'red' })), 400, /attribute\[colour\] is not an attribute of this service/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ 'attribute[external_ref]': 'x'.repeat(101) })), 400, /attribute\[external_ref\] must be 1-100 characters/)
  })

  it('refuses malformed contact fields and non-http media URLs', async () => {
    expectError(await postForm(client, `${BASE}/requests.json`, form({ email: 'not-an-email' })), 400, /email: /)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ phone: '<script>' })), 400, /phone: /)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ media_url: 'javascript:alert(1)' })), 400, /media_url: must be an http\(s\) URL/)
  })

  it('takes GCJ-02 coordinates through the gridgov:crs extension and records the conversion', async () => {
    const [gx, gy] = fromStorage(p1.lon, p1.lat, parseCrs('GCJ-02'))
    const res = await postForm(client, `${BASE}/requests.json`, form({ lat: gy, long: gx, 'gridgov:crs': 'GCJ-02' }))
    expect(res.statusCode, res.body).to.equal(201)
    const ev = await knex.raw(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, source_position FROM event WHERE number = ?`,
      [(res.json() as { service_request_id: string }[])[0]!.service_request_id])
    const row = ev.rows[0]
    expect(row.source_position.crs).to.equal('GCJ-02')
    expect(row.source_position.conversion).to.match(/GCJ-02 → WGS84/)
    expect(Math.abs(row.lon - p1.lon) * 90_000).to.be.lessThan(1) // < ~1 m
    expect(Math.abs(row.lat - p1.lat) * 111_000).to.be.lessThan(1)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ 'gridgov:crs': 'EPSG:4527' })), 400, /geographic CRS/)
    expectError(await postForm(client, `${BASE}/requests.json`, form({ 'gridgov:crs': 'EPSG:9999' })), 400, /unsupported CRS/)
  })

  it('locates by address_id and by address_string (standard addresses), or says lat/long are needed', async () => {
    const addr = await knex('std_address').where({ city_code: '990100', level: 50 }).orderBy('id').offset(3)
      .first('id', 'full_address', knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'))
    const { lat: _a, long: _b, ...noPlace } = form()
    const byId = await postForm(client, `${BASE}/requests.json`, { ...noPlace, address_id: String(addr.id) })
    expect(byId.statusCode, byId.body).to.equal(201)
    const idA = (byId.json() as { service_request_id: string }[])[0]!.service_request_id
    const a = (await knex.raw(`SELECT address, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM event WHERE number = ?`, [idA])).rows[0]
    expect(a.address).to.equal(addr.full_address)
    expect(a.lon).to.be.closeTo(addr.lon, 1e-7)
    expect(a.lat).to.be.closeTo(addr.lat, 1e-7)
    const byText = await postForm(client, `${BASE}/requests.json`, { ...noPlace, address_string: addr.full_address })
    expect(byText.statusCode, byText.body).to.equal(201)
    const idB = (byText.json() as { service_request_id: string }[])[0]!.service_request_id
    expect((await knex('open311_request').where({ event_number: idB }).first()).address_id).to.equal(String(addr.id))
    expectError(await postForm(client, `${BASE}/requests.json`, { ...noPlace, address_string: '火星大道9999号' }), 400, /matches no standard address.*send lat and long \(WGS84\)/)
    expectError(await postForm(client, `${BASE}/requests.json`, { ...noPlace, address_id: '999999999' }), 400, /address_id 999999999 not found.*send lat and long/)
    expectError(await postForm(client, `${BASE}/requests.json`, { ...noPlace, address_id: '1; DROP TABLE event' }), 400, /address_id: /)
  })
})
