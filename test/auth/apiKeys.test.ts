// API keys (server/auth/apiKeys.ts, scopes.ts): the command centre issues, lists, rotates and
// revokes keys; a key's scopes allow and refuse by content; rotation keeps two keys valid until
// the grace end; the demo key keeps every scope.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { API_KEY_SCOPES, scopeFor } from '../../server/auth/scopes.ts'

describe('API keys', () => {
  let client: Client
  let admin: Record<string, string>
  before(async () => {
    client = await testClient()
    admin = await loginAs(client, 'command')
  })
  const issue = (body: unknown) => client.post('/api/v1/auth/api-keys', body, admin)
  const asKey = (key: string) => ({ 'x-api-key': key })

  it('maps every family of paths to a scope', () => {
    expect(scopeFor('GET', '/api/v1/events')).to.equal('events:read')
    expect(scopeFor('POST', '/api/v1/events')).to.equal('events:write')
    expect(scopeFor('POST', '/open311/v2/requests.json')).to.equal('events:write')
    expect(scopeFor('GET', '/open311/v2/requests.json')).to.equal('events:read')
    expect(scopeFor('POST', '/api/v1/positions')).to.equal('positions:write')
    expect(scopeFor('GET', '/api/v1/devices/live')).to.equal('positions:read')
    expect(scopeFor('POST', '/ogc/wfs')).to.equal('ogc:read')
    expect(scopeFor('GET', '/tiles/all.json')).to.equal('ogc:read')
    expect(scopeFor('GET', '/api/v1/admin-divisions')).to.equal('reference:read')
    expect(scopeFor('GET', '/api/v1/eventsx')).to.equal('reference:read') // a prefix is a path segment
    expect(scopeFor('GET', '/api/v1/auth/me')).to.equal(undefined)
  })

  it('the demo key keeps every scope it had', async () => {
    const row = await client.context.knex('api_key').where({ prefix: DEMO_API_KEY.split('.')[0] }).first('scopes')
    expect([...row.scopes].sort()).to.deep.equal([...API_KEY_SCOPES].sort())
    for (const url of ['/api/v1/events?limit=1', '/api/v1/devices/live', '/tiles/all.json', '/api/v1/admin-divisions']) {
      expect((await client.get(url, asKey(DEMO_API_KEY))).statusCode, url).to.equal(200)
    }
  })

  it('a key with events:read reads events and is refused positions, layers and writes, naming the scope', async () => {
    const res = await issue({ username: 'system', name: '12345 热线（只读）', scopes: ['events:read'] })
    expect(res.statusCode, res.body).to.equal(201)
    const { key, id } = res.json()
    expect(key).to.match(/^[a-z0-9]{12}\.[A-Za-z0-9_-]{32}$/)
    const events = await client.get('/api/v1/events?limit=5', asKey(key))
    expect(events.statusCode).to.equal(200)
    const demo = await client.get('/api/v1/events?limit=5', asKey(DEMO_API_KEY))
    expect(events.json().items.map((e: { number: string }) => e.number)).to.deep.equal(demo.json().items.map((e: { number: string }) => e.number))
    for (const [method, url, scope] of [['GET', '/api/v1/devices/live', 'positions:read'], ['GET', '/tiles/all.json', 'ogc:read'],
      ['POST', '/api/v1/events', 'events:write'], ['POST', '/api/v1/positions', 'positions:write'], ['GET', '/api/v1/admin-divisions', 'reference:read']] as const) {
      const r = await client.request({ method, url, headers: { ...asKey(key), 'content-type': 'application/json', 'accept-language': 'zh-CN' }, payload: '{}' })
      expect(r.statusCode, url).to.equal(403)
      expect(r.json()).to.include({ code: 'auth.scope_missing', detail: `API 密钥没有 ${scope} 权限范围` })
      expect(r.json().params).to.deep.equal({ scope })
    }
    // Open311's api_key parameter is held to the same scopes
    const o = await client.request({ method: 'POST', url: `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}`, payload: '{}', headers: { 'content-type': 'application/json' } })
    expect(o.statusCode).to.equal(403)
    expect((await client.get('/api/v1/auth/me', asKey(key))).json()).to.include({ via: 'api_key', role: 'external_system' })
    const listed = (await client.get('/api/v1/auth/api-keys', admin)).json().items.find((k: { id: number }) => k.id === id)
    expect(listed).to.include({ username: 'system', state: 'active', name: '12345 热线（只读）' })
    expect(listed.scopes).to.deep.equal(['events:read'])
    expect(JSON.stringify(listed)).to.not.include(key.split('.')[1])
  })

  it('rotation: the new key works at once, the old one until its grace end, then not', async () => {
    const { key: oldKey, id } = (await issue({ username: 'system', name: '数字城管', scopes: ['events:read', 'ogc:read'] })).json()
    const rot = await client.post(`/api/v1/auth/api-keys/${id}/rotate`, { graceHours: 2 }, admin)
    expect(rot.statusCode, rot.body).to.equal(201)
    const { key: newKey, oldKeyValidUntil, replaces } = rot.json()
    expect(replaces).to.equal(id)
    const grace = await client.context.knex.raw("SELECT extract(epoch FROM (expires_at - now())) AS s FROM api_key WHERE id = ?", [id])
    expect(Number(grace.rows[0].s)).to.be.within(2 * 3600 - 120, 2 * 3600)
    expect(Date.parse(oldKeyValidUntil)).to.be.greaterThan(Date.now())
    for (const key of [oldKey, newKey]) expect((await client.get('/tiles/all.json', asKey(key))).statusCode).to.equal(200)
    expect((await client.get('/api/v1/devices/live', asKey(newKey))).statusCode).to.equal(403) // scopes carried over
    const states = (await client.get('/api/v1/auth/api-keys', admin)).json().items
    expect(states.find((k: { id: number }) => k.id === id)).to.include({ state: 'grace', replacedBy: rot.json().id })
    expect((await client.post(`/api/v1/auth/api-keys/${id}/rotate`, {}, admin)).json().code).to.equal('auth.api_key_inactive')
    // the grace end passes (moved in the database, no sleep)
    await client.context.knex('api_key').where({ id }).update({ expires_at: client.context.knex.raw("now() - interval '1 second'") })
    expect((await client.get('/tiles/all.json', asKey(oldKey))).statusCode).to.equal(401)
    expect((await client.get('/api/v1/events?limit=1', asKey(oldKey))).json().code).to.equal('auth.invalid_api_key')
    expect((await client.get('/tiles/all.json', asKey(newKey))).statusCode).to.equal(200)
  })

  it('revoke ends a key at once; other cities and roles cannot manage keys', async () => {
    const { key, id } = (await issue({ username: 'system', name: 'x', scopes: ['reference:read'] })).json()
    expect((await client.get('/api/v1/admin-divisions', asKey(key))).statusCode).to.equal(200)
    expect((await client.request({ method: 'DELETE', url: `/api/v1/auth/api-keys/${id}`, headers: admin })).statusCode).to.equal(204)
    expect((await client.get('/api/v1/admin-divisions', asKey(key))).statusCode).to.equal(401)
    for (const who of ['analyst', 'district', 'street1']) {
      const auth = await loginAs(client, who)
      expect((await client.get('/api/v1/auth/api-keys', auth)).statusCode, who).to.equal(403)
      expect((await client.post('/api/v1/auth/api-keys', { username: 'system', name: 'x', scopes: ['events:read'] }, auth)).statusCode).to.equal(403)
    }
    expect((await client.get('/api/v1/auth/api-keys', asKey(DEMO_API_KEY))).statusCode).to.equal(403)
    expect((await client.post('/api/v1/auth/api-keys/999999/rotate', {}, admin)).json().code).to.equal('auth.api_key_not_found')
  })

  it('refuses broken, hostile and oversized input naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ username: 'system', name: 'x', scopes: ['root'] }, 'scopes.0'],
      [{ username: 'system', name: 'x', scopes: [] }, 'scopes'],
      [{ username: 'system', name: 'x' }, 'scopes'],
      [{ username: 'system', name: 'x'.repeat(101), scopes: ['events:read'] }, 'name'],
      [{ username: 'system', name: 'x', scopes: ['events:read'], expiresAt: '2026-02-30T00:00:00Z' }, 'expiresAt'],
      [{ username: 'system', name: 'x', scopes: ['events:read'], expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ username: 'system', name: 'x', scopes: ['events:read'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ username: 'system', name: 'x', scopes: ['events:read'], expiresAt: '2099-01-01T00:00:00Z' }, 'expiresAt'],
      [{ username: 'command', name: 'x', scopes: ['events:read'] }, 'username'],
      [{ username: "system' OR 1=1", name: 'x', scopes: ['events:read'] }, 'username'],
      [{ username: 'system', name: 'x', scopes: ['events:read'], role: 'command_center' }, ''],
    ]
    for (const [body, field] of cases) {
      const res = await issue(body)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      const named = res.json().errors?.map((e: { field: string }) => e.field) ?? [res.json().field]
      if (field) expect(named, JSON.stringify(body)).to.include(field)
    }
    for (const id of ['abc', '0', '-1', '1e400', "1' OR 1=1"]) {
      expect((await client.post(`/api/v1/auth/api-keys/${encodeURIComponent(id)}/rotate`, {}, admin)).statusCode, id).to.equal(400)
    }
    expect((await client.post('/api/v1/auth/api-keys/1/rotate', { graceHours: 1000 }, admin)).statusCode).to.equal(400)
  })
})
