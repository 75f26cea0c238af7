// PUT /api/v1/integrations/{code}: the command centre configures a platform of its city; the
// secret is never answered; a configured platform receives the city's event changes at once.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { disableTestPlatforms, outboxOf, reportEvent } from './helpers.ts'

describe('integrations: configuring platforms', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const code = `itest_admin_${process.pid % 10000}`
  const put = (c: string, body: unknown, who = auth.command) =>
    client.request({ method: 'PUT', url: `/api/v1/integrations/${c}`, payload: JSON.stringify(body), headers: { ...who, 'content-type': 'application/json' } })
  // a documentation address (TEST-NET-3): public, so the SSRF guard lets it through, and never dialled here
  const good = { name: '12345热线（测试）', endpoint: 'http://203.0.113.10/hook', secret: 'a-secret-of-sixteen+', actions: ['report', 'close'] }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1']) auth[u] = await loginAs(client, u)
  })
  after(async () => disableTestPlatforms(knex))

  it('creates, replaces and lists a platform without ever answering its secret', async () => {
    const created = await put(code, good)
    expect(created.statusCode, created.body).to.equal(201)
    expect(created.json()).to.deep.include({ code, cityCode: '990100', signed: true, enabled: true, timeoutMs: 10_000, maxRejections: 3 })
    expect(created.body).to.not.include(good.secret)
    // no secret in the body: the one on file stays
    const kept = await put(code, { ...good, secret: undefined, timeoutMs: 2000 })
    expect(kept.statusCode).to.equal(200)
    expect(kept.json()).to.deep.include({ signed: true, timeoutMs: 2000 })
    expect((await knex('integration_platform').where({ code }).first('secret')).secret).to.equal(good.secret)
    const list = await client.get('/api/v1/integrations', auth.command)
    expect(list.body).to.not.include(good.secret)
    expect(list.json().items.map((p: { code: string }) => p.code)).to.include(code)
    const unsigned = await put(code, { ...good, secret: null })
    expect(unsigned.json().signed).to.equal(false)
  })

  it('a configured platform receives the city\'s changes it subscribed to, and none once disabled', async () => {
    await put(code, { ...good, actions: ['report'] })
    const e = await reportEvent(client, knex, auth.command!)
    expect((await outboxOf(knex, code, e.number)).map((r) => r.payload.change.action)).to.deep.equal(['report'])
    await put(code, { ...good, enabled: false })
    const later = await reportEvent(client, knex, auth.command!)
    expect(await outboxOf(knex, code, later.number)).to.have.length(0)
  })

  it('refuses bad configurations naming the field, and changes nothing', async () => {
    const before = await knex('integration_platform').where({ code }).first()
    const cases: [unknown, RegExp][] = [
      [{ ...good, endpoint: 'ftp://example.org/x' }, /endpoint/],
      [{ ...good, endpoint: 'not a url' }, /endpoint/],
      [{ ...good, secret: 'short' }, /secret/],
      [{ ...good, timeoutMs: 5 }, /timeoutMs/],
      [{ ...good, classPrefixes: ['1'] }, /classPrefixes/],
      [{ ...good, actions: [] }, /actions/],
      [{ ...good, name: '' }, /name/],
      [{ ...good, adapter: 'soap' }, /adapter/],
      [{ ...good, extra: 1 }, /extra|unrecognized/i],
      [[], /platform/],
    ]
    for (const [body, field] of cases) {
      const res = await put(code, body)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      expect(res.body).to.match(field)
    }
    expect((await put('Bad-Code!', good)).statusCode).to.equal(400)
    expect(await knex('integration_platform').where({ code }).first()).to.deep.equal(before)
  })

  it('refuses an endpoint in an internal network unless WEBHOOK_ALLOWED_NETWORKS allows it', async () => {
    await put(code, good)
    const before = await knex('integration_platform').where({ code }).first()
    // loopback by address and by name, IPv6 loopback, the cloud metadata address, a private network
    for (const endpoint of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/hook']) {
      const res = await put(code, { ...good, endpoint })
      expect(res.statusCode, endpoint).to.equal(400)
      expect(res.json(), endpoint).to.deep.include({ code: 'integrations.endpoint_internal' })
      expect(res.json().errors[0].field).to.equal('endpoint')
    }
    expect(await knex('integration_platform').where({ code }).first(), 'nothing changed').to.deep.equal(before)
    // the city's intranet allowed: its addresses are taken, others still not
    const allowing = await testClient(await getTestContext({ webhookAllowedNetworks: ['10.1.0.0/16'] }))
    const inside = await put(code, { ...good, endpoint: 'http://10.1.2.3/hook' })
    expect(inside.statusCode, 'the strict server').to.equal(400)
    const allowed = await allowing.request({ method: 'PUT', url: `/api/v1/integrations/${code}`, payload: JSON.stringify({ ...good, endpoint: 'http://10.1.2.3/hook' }),
      headers: { ...auth.command, 'content-type': 'application/json' } })
    expect(allowed.statusCode, allowed.body).to.equal(200)
    expect(allowed.json().endpoint).to.equal('http://10.1.2.3/hook')
    const outside = await allowing.request({ method: 'PUT', url: `/api/v1/integrations/${code}`, payload: JSON.stringify({ ...good, endpoint: 'http://10.2.0.1/hook' }),
      headers: { ...auth.command, 'content-type': 'application/json' } })
    expect(outside.statusCode).to.equal(400)
  })

  it('only the command centre configures, and a code of another city is not taken over', async () => {
    expect((await put(code, good, auth.street1)).statusCode).to.equal(403)
    expect((await put(code, good, {})).statusCode).to.equal(401)
    const foreign = `itest_foreign_${process.pid % 10000}`
    await knex('integration_platform').insert({ code: foreign, name: '外市平台', city_code: '990200', endpoint: 'http://127.0.0.1:9/x', enabled: false })
    const res = await put(foreign, good)
    expect(res.statusCode).to.equal(409)
    expect((await knex('integration_platform').where({ code: foreign }).first('city_code')).city_code).to.equal('990200')
  })
})
