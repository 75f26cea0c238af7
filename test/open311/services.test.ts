// Open311 discovery, services and service definitions in XML and JSON, checked against the
// GeoReport v2 element names; format and jurisdiction errors; the error format writer.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { XMLParser } from 'fast-xml-parser'
import { getTestDb } from '../support/db.ts'
import { testClient, type Client } from '../support/http.ts'
import { demandTypes } from '../../server/events/intake.ts'
import { AppError } from '../../server/http/errors.ts'
import { writeOpen311Error } from '../../server/open311/errors.ts'
import { expectElements, expectError, json, SPEC, textOf, xml, errorsOf } from './helpers.ts'

const BASE = '/open311/v2'

describe('open311: discovery, services, service definitions', function () {
  let client: Client
  let knex: Knex
  let smallClasses: { code: string; name: string; group: string }[]

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    const { rows } = await knex.raw(`SELECT s.code, s.name, b.name AS "group" FROM event_class s JOIN event_class b ON b.code = s.parent_code
      WHERE length(s.code) = 4 ORDER BY s.code`)
    smallClasses = rows
  })

  it('answers discovery in XML and JSON with this endpoint and both formats', async () => {
    const tree = xml(await client.get(`${BASE}/discovery.xml`))
    const d = tree.discovery as Record<string, unknown>
    expectElements(d, SPEC.discovery)
    const ep = (d.endpoints as { endpoint: Record<string, unknown>[] }).endpoint
    expect(ep).to.have.length(1)
    expectElements(ep[0], SPEC.endpoint)
    expect(textOf(ep[0]!.url)).to.match(/^https?:\/\/[^/]+\/open311\/v2$/)
    expect(textOf(ep[0]!.specification)).to.equal('http://wiki.open311.org/GeoReport_v2')
    expect((ep[0]!.formats as { format: string[] }).format).to.deep.equal(['text/xml', 'application/json'])
    const j = json(await client.get(`${BASE}/discovery.json`)) as { endpoints: { formats: string[]; url: string }[]; changeset: string }
    expect(j.endpoints[0]!.formats).to.deep.equal(['text/xml', 'application/json'])
    expect(j.endpoints[0]!.url).to.equal(textOf(ep[0]!.url))
    expect(Number.isNaN(Date.parse(j.changeset))).to.equal(false)
  })

  it('lists every small event class as a service, in XML and JSON alike', async () => {
    const tree = xml(await client.get(`${BASE}/services.xml`))
    const services = (tree.services as { service: Record<string, unknown>[] }).service
    expect(services.map((s) => textOf(s.service_code))).to.deep.equal(smallClasses.map((c) => c.code))
    for (const s of services) expectElements(s, SPEC.service)
    const list = json(await client.get(`${BASE}/services.json`)) as Record<string, unknown>[]
    expect(list).to.have.length(smallClasses.length)
    for (const s of list) expectElements(s, SPEC.service)
    const garbage = list.find((s) => s.service_code === '0102')!
    expect(garbage).to.include({ service_name: '暴露垃圾', group: '市容环境', metadata: true, type: 'realtime' })
    expect(garbage.keywords).to.equal('暴露垃圾, 市容环境, 城市管理')
    expect(garbage.description).to.match(/暴露垃圾/)
    // XML carries the same values as text
    const x = services.find((s) => textOf(s.service_code) === '0102')!
    expect(textOf(x.group)).to.equal('市容环境')
    expect(textOf(x.metadata)).to.equal('true')
    // no big class is a service
    expect(list.some((s) => String(s.service_code).length !== 4)).to.equal(false)
  })

  it('defines each service: demand type as a required singlevaluelist, in presentation order', async () => {
    const tree = xml(await client.get(`${BASE}/services/0102.xml`))
    const def = tree.service_definition as Record<string, unknown>
    expectElements(def, SPEC.service_definition)
    expect(textOf(def.service_code)).to.equal('0102')
    const attrs = (def.attributes as { attribute: Record<string, unknown>[] }).attribute
    for (const a of attrs) expectElements(a, SPEC.attribute, SPEC.attribute.filter((n) => n !== 'values'))
    const demand = attrs.find((a) => textOf(a.code) === 'demand_type')!
    expect(textOf(demand.datatype)).to.equal('singlevaluelist')
    expect(textOf(demand.required)).to.equal('true')
    const values = (demand.values as { value: Record<string, unknown>[] }).value
    for (const v of values) expectElements(v, SPEC.value)
    expect(values.map((v) => textOf(v.key))).to.deep.equal([...demandTypes])

    const j = json(await client.get(`${BASE}/services/0102.json`)) as { service_code: string; attributes: Record<string, unknown>[] }
    expect(j.service_code).to.equal('0102')
    expect(j.attributes.map((a) => a.order)).to.deep.equal([1, 2, 3])
    const jd = j.attributes.find((a) => a.code === 'demand_type') as { values: { key: string }[]; variable: boolean; required: boolean }
    expect(jd).to.include({ variable: true, required: true })
    expect(jd.values.map((v) => v.key)).to.deep.equal([...demandTypes])
    const info = j.attributes.find((a) => a.code === 'filing_condition')!
    expect(info).to.include({ variable: false, required: false })
    expect(String(info.description)).to.match(/^立案条件：/)
  })

  it('answers 404 for unknown service codes and big classes, in either format', async () => {
    for (const code of ['0000', '01', 'abc', '0102x']) {
      expectError(await client.get(`${BASE}/services/${code}.json`), 404, /service_code .* not found/)
    }
    expectError(await client.get(`${BASE}/services/9998.xml`), 404, /service_code 9998 not found/)
  })

  it('refuses unknown format extensions', async () => {
    for (const url of ['/services.csv', '/services.html', '/discovery.yaml', '/services/0102.geojson', '/requests.txt']) {
      expectError(await client.get(`${BASE}${url}`), 400, /format ".*" is not supported: use \.xml or \.json/)
    }
    expectError(await client.get(`${BASE}/services`), 404, /no resource|not found/)
  })

  it('accepts the jurisdiction_id of the city and refuses others', async () => {
    for (const id of ['990100000000', '990100']) {
      expect((await client.get(`${BASE}/services.json?jurisdiction_id=${id}`)).statusCode).to.equal(200)
    }
    expectError(await client.get(`${BASE}/services.json?jurisdiction_id=110100000000`), 404, /jurisdiction_id "110100000000" not found.*990100000000/)
    expectError(await client.get(`${BASE}/services.xml?jurisdiction_id=${encodeURIComponent('<x>&')}`), 404, /jurisdiction_id "<x>&" not found/)
  })

  it('writes errors in the GeoReport format (the error middleware routes /open311 to it)', async function () {
    const res = await client.get(`${BASE}/services/0000.xml`)
    const tree = xml(res)
    const errs = (tree.errors as { error: Record<string, unknown>[] }).error
    for (const e of errs) expectElements(e, SPEC.error)
    expect(errorsOf(res)).to.deep.equal([{ code: 404, description: 'service_code 0000 not found' }])
    const j = await client.get(`${BASE}/services/0000.json`)
    expect(j.json()).to.deep.equal([{ code: 404, description: 'service_code 0000 not found' }])
  })
})

describe('open311: the error writer', function () {
  const fake = (path: string) => ({ path, type: '', body: undefined as unknown }) as unknown as Parameters<typeof writeOpen311Error>[0]
  const parser = new XMLParser({ isArray: (n) => n === 'error', parseTagValue: false })

  it('writes one <error> per invalid field, escaped, in XML', () => {
    const ctx = fake('/open311/v2/requests.xml')
    writeOpen311Error(ctx, new AppError(400, 'validation_failed', 'invalid', {
      errors: [{ field: 'lat', message: 'Too big' }, { field: 'description', message: '<b>&"' }],
    }), 'r1')
    expect(ctx.type).to.equal('text/xml; charset=utf-8')
    const tree = parser.parse(String(ctx.body)) as { errors: { error: { code: string; description: string }[] } }
    expect(tree.errors.error).to.deep.equal([
      { code: '400', description: 'lat: Too big' }, { code: '400', description: 'description: <b>&"' },
    ])
    expect(String(ctx.body)).to.include('&lt;b&gt;&amp;')
  })

  it('writes a JSON array on .json paths and hides 5xx details', () => {
    const ctx = fake('/open311/v2/requests.json')
    writeOpen311Error(ctx, new AppError(403, 'invalid_api_key', 'Invalid api_key received'), 'r2')
    expect(ctx.body).to.deep.equal([{ code: 403, description: 'Invalid api_key received' }])
    const five = fake('/open311/v2/services.json')
    writeOpen311Error(five, new AppError(500, 'internal', 'connection string postgres://secret'), 'r3')
    expect(five.body).to.deep.equal([{ code: 500, description: 'internal error (request id r3)' }])
  })
})
