// Open311 GET requests, GET requests/{id} and GET tokens/{token} in XML and JSON: spec element
// names, status mapping and extensions, filters and the window rule, hostile text round-trips,
// jurisdiction (public view, staff areas, the external system's city) and no personal data.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { EXTENSIONS, expectElements, expectError, json, postForm, SPEC, textOf, xml, GRIDGOV_NS } from './helpers.ts'

const BASE = '/open311/v2'
type Item = Record<string, unknown>

describe('open311: GET requests and tokens', function () {
  let client: Client
  let knex: Knex
  let p1: { lon: number; lat: number; grid: string }
  let p2: { lon: number; lat: number; grid: string }
  const created: Record<string, { id: string; token: string; description: string }> = {}
  const HOSTILE = `<script>alert("x")</script> & ]]> <![CDATA[ y ]]> &amp; &#x41; '引号' <?xml ?> <!DOCTYPE z>`

  async function create(name: string, over: Record<string, string | number>, at = p1): Promise<void> {
    const description = String(over.description ?? uniq(`${name} 测试事件`))
    const res = await postForm(client, `${BASE}/requests.json`, {
      api_key: DEMO_API_KEY, service_code: '0102', lat: at.lat, long: at.lon, 'attribute[demand_type]': '投诉举报',
      first_name: '四', last_name: '李', phone: '13912345678', email: 'li@example.cn', ...over, description,
    })
    expect(res.statusCode, res.body).to.equal(201)
    const item = (res.json() as Item[])[0]!
    created[name] = { id: String(item.service_request_id), token: String(item.token), description }
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    p1 = await pointIn(knex, '990102001001', 4)
    p2 = await pointIn(knex, '990102002001', 1)
    await create('plain', { media_url: 'https://img.example.cn/p.jpg' })
    await create('hostile', { description: HOSTILE })
    await create('street2', {}, p2)
    await create('dispute', { service_code: '0601' })
    await create('closed', { service_code: '0104' })
    // close one directly (the workflow is tested elsewhere): a closed request for the filters
    await knex('event').where({ number: created.closed!.id }).update({ status: 'closed', closed_at: knex.fn.now() })
  })

  it('answers one request in XML with the spec elements, WGS84 lat/long and the gridgov extensions', async () => {
    const res = await client.get(`${BASE}/requests/${created.plain!.id}.xml`)
    expect(res.statusCode, res.body).to.equal(200)
    const root = xml(res).service_requests as Item
    expect(root['@_xmlns:gridgov']).to.equal(GRIDGOV_NS)
    const [r] = root.request as Item[]
    expectElements(r, SPEC.request, SPEC.request, EXTENSIONS)
    expect(textOf(r!.service_request_id)).to.equal(created.plain!.id)
    expect(textOf(r!.status)).to.equal('open')
    expect(textOf(r!['gridgov:status'])).to.equal('dispatched')
    expect(textOf(r!['gridgov:status_title'])).to.equal('已派遣')
    expect(textOf(r!.status_notes)).to.equal('已派遣')
    expect(textOf(r!['gridgov:grid_code'])).to.equal(p1.grid)
    expect(textOf(r!['gridgov:community_code'])).to.equal('990102001001')
    expect(textOf(r!.service_code)).to.equal('0102')
    expect(textOf(r!.service_name)).to.equal('暴露垃圾')
    expect(textOf(r!.media_url)).to.equal('https://img.example.cn/p.jpg')
    expect(textOf(r!.agency_responsible)).to.match(/城市管理局/)
    expect(Number(r!.lat)).to.be.closeTo(p1.lat, 1e-7)
    expect(Number(r!.long)).to.be.closeTo(p1.lon, 1e-7)
    expect(textOf(r!.requested_datetime)).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/)
    expect(Math.abs(Date.parse(textOf(r!.requested_datetime)) - Date.now())).to.be.lessThan(3600_000)
    expect(textOf(r!.expected_datetime)).to.match(/\+08:00$/)
    expect(textOf(r!.zipcode)).to.equal('')
  })

  it('answers the same request in JSON as an array of one', async () => {
    const list = json(await client.get(`${BASE}/requests/${created.plain!.id}.json`)) as Item[]
    expect(list).to.have.length(1)
    expectElements(list[0], SPEC.request, SPEC.request, EXTENSIONS)
    expect(list[0]).to.include({ service_request_id: created.plain!.id, status: 'open', 'gridgov:status': 'dispatched', zipcode: null })
    expect(list[0]!.lat).to.be.a('number')
  })

  it('never returns reporter names, phones or e-mail, to anyone', async () => {
    for (const headers of [{}, { 'x-api-key': DEMO_API_KEY }, await loginAs(client, 'command')]) {
      for (const url of [`${BASE}/requests/${created.plain!.id}.xml`, `${BASE}/requests/${created.plain!.id}.json`, `${BASE}/requests.json`, `${BASE}/requests.xml`]) {
        const res = await client.get(url, headers)
        expect(res.statusCode).to.equal(200)
        for (const secret of ['李四', '13912345678', 'li@example.cn']) expect(res.body).to.not.include(secret)
      }
    }
  })

  it('round-trips hostile XML-ish text escaped, in XML and JSON', async () => {
    const res = await client.get(`${BASE}/requests/${created.hostile!.id}.xml`)
    expect(res.body).to.not.include('<script>')
    expect(res.body).to.not.include('<![CDATA[')
    const [r] = (xml(res).service_requests as Item).request as Item[]
    expect(textOf(r!.description)).to.equal(HOSTILE)
    const [j] = json(await client.get(`${BASE}/requests/${created.hostile!.id}.json`)) as Item[]
    expect(j!.description).to.equal(HOSTILE)
  })

  it('lists requests of the last 90 days, newest first, in XML and JSON', async () => {
    const list = json(await client.get(`${BASE}/requests.json`)) as Item[]
    const ids = list.map((r) => r.service_request_id)
    for (const k of ['plain', 'hostile', 'street2', 'closed']) expect(ids).to.include(created[k]!.id)
    const times = list.map((r) => Date.parse(String(r.requested_datetime)))
    expect(times).to.deep.equal([...times].sort((a, b) => b - a))
    const items = (xml(await client.get(`${BASE}/requests.xml`)).service_requests as Item).request as Item[]
    expect(items.map((r) => textOf(r.service_request_id))).to.deep.equal(ids)
    for (const r of items) expectElements(r, SPEC.request, SPEC.request, EXTENSIONS)
  })

  it('filters by service_request_id (overriding other filters), service_code and status', async () => {
    const two = json(await client.get(`${BASE}/requests.json?service_request_id=${created.plain!.id},${created.closed!.id}&service_code=9999&status=open`)) as Item[]
    expect(two.map((r) => r.service_request_id).sort()).to.deep.equal([created.plain!.id, created.closed!.id].sort())
    const byCode = json(await client.get(`${BASE}/requests.json?service_code=0104`)) as Item[]
    expect(byCode.map((r) => r.service_request_id)).to.include(created.closed!.id)
    expect(byCode.every((r) => r.service_code === '0104')).to.equal(true)
    const closed = json(await client.get(`${BASE}/requests.json?status=closed`)) as Item[]
    expect(closed.map((r) => r.service_request_id)).to.include(created.closed!.id)
    expect(closed.every((r) => r.status === 'closed')).to.equal(true)
    const c = closed.find((r) => r.service_request_id === created.closed!.id)!
    expect(c['gridgov:status']).to.equal('closed')
    expect(c.updated_datetime).to.be.a('string')
    const open = json(await client.get(`${BASE}/requests.json?status=open`)) as Item[]
    expect(open.map((r) => r.service_request_id)).to.not.include(created.closed!.id)
    expect(open.every((r) => r.status === 'open')).to.equal(true)
    const both = json(await client.get(`${BASE}/requests.json?status=open,closed`)) as Item[]
    expect(both.length).to.equal(open.length + closed.length)
    const fine = json(await client.get(`${BASE}/requests.json?gridgov:status=dispatched&gridgov:grid_code=${p1.grid}`)) as Item[]
    expect(fine.map((r) => r.service_request_id)).to.include(created.plain!.id)
    expect(fine.every((r) => r['gridgov:status'] === 'dispatched' && r['gridgov:grid_code'] === p1.grid)).to.equal(true)
  })

  it('filters by start_date/end_date (W3C, at most 90 days apart) and pages', async () => {
    const now = Date.now()
    const iso = (t: number) => new Date(t).toISOString()
    const inWindow = json(await client.get(`${BASE}/requests.json?start_date=${iso(now - 3600_000)}&end_date=${iso(now + 60_000)}`)) as Item[]
    expect(inWindow.map((r) => r.service_request_id)).to.include(created.plain!.id)
    const past = json(await client.get(`${BASE}/requests.json?start_date=2020-01-01&end_date=2020-03-01T00:00:00%2B08:00`)) as Item[]
    expect(past).to.deep.equal([])
    const onePage = json(await client.get(`${BASE}/requests.json?page_size=1`)) as Item[]
    const second = json(await client.get(`${BASE}/requests.json?page_size=1&page=2`)) as Item[]
    expect(onePage).to.have.length(1)
    expect(second).to.have.length(1)
    expect(second[0]!.service_request_id).to.not.equal(onePage[0]!.service_request_id)
  })

  it('refuses bad dates, spans over 90 days, bad statuses, ids and page sizes', async () => {
    const cases: [string, RegExp][] = [
      ['start_date=2026-02-30', /start_date "2026-02-30" is not a calendar date/],
      ['start_date=2026-11-01T08:00:00', /start_date .* is not a W3C date-time/],
      ['end_date=yesterday', /end_date "yesterday" is not a W3C date-time/],
      ['start_date=2026-11-01T25:00:00Z', /impossible time/],
      ['start_date=2026-01-01&end_date=2026-06-01', /may not span more than 90 days/],
      ['start_date=2026-06-01&end_date=2026-01-01', /end_date lies before start_date/],
      ['status=pending', /status: "pending" is not open or closed/],
      ['gridgov:status=lost', /gridgov:status: "lost" is not one of/],
      ['service_code=abc', /service_code: "abc" is not a 4-digit service_code/],
      ['service_request_id=E1,<x>', /service_request_id: "E1" is not a request id/],
      ['page_size=0', /page_size: must be an integer from 1 to 1000/],
      ['page_size=1001', /page_size: must be an integer from 1 to 1000/],
      ['gridgov:grid_code=1%27%20OR%201=1', /gridgov:grid_code: must be a grid code/],
    ]
    for (const [q, pattern] of cases) {
      expectError(await client.get(`${BASE}/requests.json?${q}`), 400, pattern)
      expectError(await client.get(`${BASE}/requests.xml?${q}`), 400, pattern)
    }
  })

  it('shows the public no social-governance requests; the external system key sees its whole city', async () => {
    const id = created.dispute!.id
    expectError(await client.get(`${BASE}/requests/${id}.json`), 404, new RegExp(`service_request_id ${id} not found`))
    expect((json(await client.get(`${BASE}/requests.json`)) as Item[]).map((r) => r.service_request_id)).to.not.include(id)
    const sys = await client.get(`${BASE}/requests/${id}.json?api_key=${encodeURIComponent(DEMO_API_KEY)}`)
    expect(sys.statusCode, sys.body).to.equal(200)
    const sysList = json(await client.get(`${BASE}/requests.json`, { 'x-api-key': DEMO_API_KEY })) as Item[]
    expect(sysList.map((r) => r.service_request_id)).to.include(id)
    // a wrong api_key on a read is refused, not silently downgraded to the public view
    expectError(await client.get(`${BASE}/requests.json?api_key=demo12345678.not-the-right-secret-at-all`), 403, /Invalid api_key/)
  })

  it('restricts staff to their jurisdiction (404 outside, like a missing id)', async () => {
    const street1 = await loginAs(client, 'street1')
    expect((await client.get(`${BASE}/requests/${created.plain!.id}.json`, street1)).statusCode).to.equal(200)
    expectError(await client.get(`${BASE}/requests/${created.street2!.id}.json`, street1), 404, /not found/)
    const list = json(await client.get(`${BASE}/requests.json`, street1)) as Item[]
    expect(list.length).to.be.greaterThan(0)
    expect(list.every((r) => String(r['gridgov:community_code']).startsWith('990102001'))).to.equal(true)
    // naming the city does not widen a staff member's view
    const withCity = json(await client.get(`${BASE}/requests.json?jurisdiction_id=990100000000`, street1)) as Item[]
    expect(withCity.map((r) => r.service_request_id)).to.deep.equal(list.map((r) => r.service_request_id))
  })

  it('answers 404 for unknown or malformed request ids', async () => {
    for (const id of ['E202001010001', 'E20201301000001', 'nothing', '1%27--']) {
      expectError(await client.get(`${BASE}/requests/${id}.xml`), 404, /service_request_id .* not found/)
    }
  })

  it('resolves a token to its request id in XML and JSON', async () => {
    const { id, token } = created.plain!
    const [x] = (xml(await client.get(`${BASE}/tokens/${token}.xml`)).service_requests as Item).request as Item[]
    expectElements(x, SPEC.token)
    expect(textOf(x!.service_request_id)).to.equal(id)
    expect(textOf(x!.token)).to.equal(token)
    expect(json(await client.get(`${BASE}/tokens/${token}.json`))).to.deep.equal([{ service_request_id: id, token }])
    expectError(await client.get(`${BASE}/tokens/AAAAAAAAAAAAAAAAAAAAAAAA.json`), 404, /token .* not found/)
    expectError(await client.get(`${BASE}/tokens/${encodeURIComponent('<x>')}.xml`), 404, /token .* not found/)
  })
})
