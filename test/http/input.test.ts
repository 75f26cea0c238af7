// One input check for the whole service (server/http/input.ts, server/http/dates.ts): a NUL
// character in any text value is a 400 naming where it was (problem JSON on /api, an OWS exception
// report on /ogc), before authentication and routing, on public paths and signed-in ones; an
// impossible calendar date (2026-02-30) is a 400 naming the parameter wherever a date is read.
import { expect } from 'chai'
import type { Response } from 'light-my-request'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { basic, expectException, WFS } from '../ogc/wfs-support.ts'
import { nulIn } from '../../server/http/input.ts'
import { parseClientDay, parseClientInstant } from '../../server/http/dates.ts'

const ZH = { 'accept-language': 'zh-CN' }
const basicOf = (user: string, password = DEMO_PASSWORD) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

/** A problem naming the part and the name where the NUL was (and worded in Chinese when asked). */
function expectNul(res: Response, part: string, name: string): void {
  expect(res.statusCode, res.body).to.equal(400)
  const body = res.json()
  expect(body.code).to.equal('http.nul_character')
  expect(body.params).to.deep.equal({ part, name })
  expect(body.detail).to.include(name || 'path')
  expect(body.errors[0].field).to.equal(name || part)
}

describe('input: NUL characters are refused in every text value', () => {
  let client: Client
  let street: Record<string, string>
  before(async () => {
    client = await testClient()
    street = await loginAs(client, 'street1')
  })

  it('in the path (%00 after decoding), public and signed-in, /api and /ogc', async () => {
    expectNul(await client.get('/api/v1/events/E%00X', street), 'path', '')
    expectNul(await client.get('/api/v1/no-such%00thing'), 'path', '')
    // a feature id on OGC API Features: public collection path and a signed-in item read
    expectException(await client.get('/ogc/features/collections/events%00'), 400, 'InvalidParameterValue', 'path')
    expectException(await client.get('/ogc/features/collections/events/items/1%00', basic('analyst')), 400, 'InvalidParameterValue', 'path')
    // %2500 is the text "%00", not a NUL: it reaches the route (a 404 of its own, not ours)
    const literal = await client.get('/api/v1/events/E%2500X', street)
    expect(literal.json().code).to.not.equal('http.nul_character')
  })

  it('in the query: a search, a filter literal, a parameter name; public and signed-in', async () => {
    expectNul(await client.get('/api/v1/search?q=%E8%B7%AF%00', street), 'query', 'q')
    expectNul(await client.get('/api/v1/events?status=new%00', street), 'query', 'status')
    expectNul(await client.get('/api/v1/events?st%00atus=new', street), 'query', 'status')
    const literal = encodeURIComponent('<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>state</fes:ValueReference><fes:Literal>a\u0000b</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>')
    expectException(await client.get(`${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:components&FILTER=${literal}`, basic('analyst')), 400, 'InvalidParameterValue', 'FILTER')
    // GetCapabilities needs no login
    expectException(await client.get(`${WFS}&REQUEST=GetCapabilities&x=%00`), 400, 'InvalidParameterValue', 'x')
  })

  it('in headers read as text: an HTTP Basic login name, an API key, a bearer token', async () => {
    expectNul(await client.get('/api/v1/auth/me', basicOf('street\u00001')), 'header', 'authorization')
    expectNul(await client.get('/api/v1/auth/me', basicOf('street1', `x\u0000${DEMO_PASSWORD}`)), 'header', 'authorization')
    expectException(await client.get(`${WFS}&REQUEST=GetCapabilities`, basicOf('ana\u0000lyst')), 400, 'InvalidParameterValue', 'authorization')
    expectNul(await client.get('/api/v1/auth/me', { 'x-api-key': 'k\u0000ey' }), 'header', 'x-api-key')
    expectNul(await client.get('/api/v1/events', { authorization: `${street.authorization}\u0000` }), 'header', 'authorization')
    // the refusal is worded in Chinese when asked, naming the header
    const zh = await client.get('/api/v1/auth/me', { ...basicOf('street\u00001'), ...ZH })
    expect(zh.json().detail).to.equal('请求头 authorization 含有空字符（NUL），请删除后重试')
  })

  it('in JSON, form and XML bodies: a login name, a description, a nested field', async () => {
    expectNul(await client.post('/api/v1/auth/login', { username: 'street\u00001', password: DEMO_PASSWORD }), 'body', 'username')
    expectNul(await client.post('/api/v1/auth/login', { username: 'street1', password: DEMO_PASSWORD, ['x\u0000']: 1 }), 'body', 'x')
    const form = await client.request({ method: 'POST', url: '/api/v1/auth/login', payload: 'username=street1%00&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expectNul(form, 'body', 'username')
    const event = { description: '路灯不亮\u0000', location: { type: 'Point', coordinates: [116.4, 39.9] }, extra: [{ deep: ['ok', 'n\u0000'] }] }
    expectNul(await client.post('/api/v1/events', event, street), 'body', 'description')
    expectNul(await client.post('/api/v1/events', { ...event, description: 'ok' }, street), 'body', 'extra.0.deep.1')
    const xml = `<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"><wfs:Query typeNames="gridgov:components\u0000"/></wfs:GetFeature>`
    const posted = await client.request({ method: 'POST', url: '/ogc/wfs', payload: xml, headers: { 'content-type': 'text/xml', ...basic('analyst') } })
    expectException(posted, 400, 'InvalidParameterValue', '(body)')
  })

  it('leaves binary bodies alone (an upload is not text) and survives a deeply nested body', async () => {
    const binary = await client.request({ method: 'POST', url: '/api/v1/events', payload: Buffer.from([0, 1, 2, 0]),
      headers: { 'content-type': 'application/octet-stream', ...street } })
    expect(binary.statusCode).to.be.within(400, 499)
    expect(binary.json().code).to.not.equal('http.nul_character')
    // nulIn walks without recursion and names the field only on a hit
    let deep: unknown = 'x\u0000'
    for (let i = 0; i < 200_000; i++) deep = [deep]
    expect(nulIn(deep)).to.equal(`${'0.'.repeat(199_999)}0`)
    expect(nulIn({ a: [{ b: 'clean' }], c: null, d: 3 })).to.equal(undefined)
    // over HTTP the name is cut: the refusal does not echo a megabyte of path
    const nested = await client.post('/api/v1/events', `{"a":${'['.repeat(3000)}"x\\u0000"${']'.repeat(3000)}}`, street)
    expect(nested.statusCode).to.equal(400)
    expect(nested.json().params.name).to.have.length(100).and.match(/^a\.0\.0\..*…$/)
  })
})

describe('input: one reading of client dates', () => {
  it('refuses impossible calendar days and times, accepts real ones (leap years)', () => {
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-01T24:00:00Z', '2026-01-01T10:60Z',
      '2026-01-01T10:00:61Z', '2026-01-01T10:00:00+15:00', '2026-01-01T10:00:00', '20260101', '2026-1-1', 'x'.repeat(41)]) {
      expect(parseClientInstant(bad), bad).to.equal(undefined)
    }
    expect(parseClientDay('2024-02-29')).to.equal('2024-02-29')
    expect(parseClientDay('2100-02-29')).to.equal(undefined) // not a leap year (divisible by 100)
    expect(parseClientDay('2000-02-29')).to.equal('2000-02-29') // a leap year (divisible by 400)
    expect(parseClientDay('1969-12-31', 1970)).to.equal(undefined)
    expect(parseClientInstant('1969-12-31T23:00:00Z', { fromYear: 1970 })).to.equal(undefined)
    // a bare day is Shanghai midnight; offsets in every spelling; a zoneless time only when asked
    expect(parseClientInstant('2026-03-01')!.toISOString()).to.equal('2026-02-28T16:00:00.000Z')
    expect(parseClientInstant('2026-03-01T08:00:00.5+0800')!.toISOString()).to.equal('2026-03-01T00:00:00.500Z')
    expect(parseClientInstant('2026-03-01 08:00+08')!.toISOString()).to.equal('2026-03-01T00:00:00.000Z')
    expect(parseClientInstant('2026-03-01T08:00:00', { zoneless: 'shanghai' })!.toISOString()).to.equal('2026-03-01T00:00:00.000Z')
  })

  describe('over HTTP: a 400 naming the parameter on every date parameter', () => {
    let client: Client
    const auth: Record<string, Record<string, string>> = {}
    before(async () => {
      client = await testClient()
      for (const u of ['street1', 'command', 'analyst']) auth[u] = await loginAs(client, u)
    })

    /** validate()'s problem: the field is named in errors and params, worded in Chinese too. */
    async function expectField(url: string, who: string, field: string): Promise<void> {
      const res = await client.get(url, { ...auth[who]!, ...ZH })
      expect(res.statusCode, `${url}: ${res.body}`).to.equal(400)
      const body = res.json()
      expect(body.errors?.map((e: { field: string }) => e.field) ?? [body.field], url).to.include(field)
      expect(body.detail, url).to.include(field)
    }

    const cases: [url: string, who: string, field: string][] = [
      ['/api/v1/events?createdFrom=2026-02-30', 'street1', 'createdFrom'],
      ['/api/v1/events?createdTo=2026-02-30T10:00:00%2B08:00', 'street1', 'createdTo'],
      ['/api/v1/analytics/indicators?from=2026-02-30&to=2026-03-31', 'analyst', 'from'],
      ['/api/v1/warnings?from=2026-04-31', 'command', 'from'],
      ['/api/v1/fence-alerts?to=2026-02-29T00:00:00Z', 'command', 'to'],
      ['/api/v1/grids?at=2026-02-30', 'command', 'at'],
      ['/api/v1/patrol-tasks?date=2026-02-30', 'command', 'date'],
      ['/api/v1/assessment-rules/T-IN?at=2026-02-30', 'command', 'at'],
      ['/api/v1/members/1/trajectory?from=2026-02-30', 'command', 'from'],
      ['/api/v1/members/1/replay?date=2026-02-30', 'command', 'date'],
    ]
    for (const [url, who, field] of cases) it(`${url.split('?')[0]} ${field}`, () => expectField(url, who, field))

    it('a WFS filter literal on a date-time attribute: an OWS exception, not a 500; a real date still filters', async () => {
      const f = (v: string) => encodeURIComponent(`<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsGreaterThan><fes:ValueReference>valid_from</fes:ValueReference><fes:Literal>${v}</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter>`)
      const url = (v: string) => `${WFS}&REQUEST=GetFeature&TYPENAMES=gridgov:base_grids&COUNT=1&FILTER=${f(v)}`
      const text = expectException(await client.get(url('2026-02-30'), basic('analyst')), 400, 'InvalidParameterValue', 'FILTER')
      expect(text).to.include('2026-02-30')
      expectException(await client.get(url('2026-01-01T25:00:00Z'), basic('analyst')), 400, 'InvalidParameterValue', 'FILTER')
      expect((await client.get(url('2000-02-29'), basic('analyst'))).statusCode).to.equal(200)
    })

    it('a device position time (OsmAnd): the 400 names timestamp', async () => {
      const res = await client.get('/api/v1/positions/osmand?id=dev-nul-test&lat=39.9&lon=116.4&timestamp=2026-02-30T10:00:00Z')
      expect(res.statusCode, res.body).to.equal(400)
      expect(res.json().field).to.equal('timestamp')
    })
  })
})
