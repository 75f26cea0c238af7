// An external system rotates its own API key (POST /api/v1/auth/api-keys/self/rotate): the key
// authorises its own rotation, whatever its scopes; the new key carries the same scopes and expiry;
// the old one works until the grace end, then not; nothing else may use this path.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'

describe('API key self-rotation (外部系统自助轮换密钥)', () => {
  let client: Client
  let admin: Record<string, string>
  before(async () => {
    client = await testClient()
    admin = await loginAs(client, 'command')
  })
  const asKey = (key: string) => ({ 'x-api-key': key, 'accept-language': 'zh-CN' })
  const selfRotate = (key: string, body: unknown = {}) => client.post('/api/v1/auth/api-keys/self/rotate', body, asKey(key))
  async function issue(scopes: string[]): Promise<{ key: string; id: number; expiresAt: string }> {
    const res = await client.post('/api/v1/auth/api-keys', { username: 'system', name: '自助轮换', scopes }, admin)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json()
  }

  it('the key rotates itself: a new key with its scopes and expiry, the old one valid for the grace period', async () => {
    const old = await issue(['events:read'])
    const res = await selfRotate(old.key, { graceHours: 3 })
    expect(res.statusCode, res.body).to.equal(201)
    const made = res.json()
    expect(made).to.include({ replaces: old.id })
    expect(made.key).to.match(/^[a-z0-9]{12}\.[A-Za-z0-9_-]{32}$/).and.not.equal(old.key)
    expect(made.scopes).to.deep.equal(['events:read'])
    const rows = await client.context.knex('api_key').whereIn('id', [old.id, made.id])
      .select('id', 'scopes', 'replaced_by', 'expires_at', client.context.knex.raw('extract(epoch FROM (expires_at - now())) AS left_s'))
    const oldRow = rows.find((r) => Number(r.id) === old.id)!
    const newRow = rows.find((r) => Number(r.id) === made.id)!
    expect(Number(oldRow.replaced_by)).to.equal(made.id)
    expect(Number(oldRow.left_s)).to.be.within(3 * 3600 - 120, 3 * 3600)
    expect(new Date(newRow.expires_at).toISOString()).to.equal(old.expiresAt) // the same expiry as the old key had
    for (const key of [old.key, made.key]) expect((await client.get('/api/v1/events?limit=1', asKey(key))).statusCode).to.equal(200)
    // the new key has the old one's scopes, no more
    expect((await client.get('/tiles/all.json', asKey(made.key))).statusCode).to.equal(403)
    // the old key, in its grace period, cannot rotate again (one change at a time)
    expect((await selfRotate(old.key)).json().code).to.equal('auth.api_key_inactive')
    // the grace end passes (moved in the database, no sleep)
    await client.context.knex('api_key').where({ id: old.id }).update({ expires_at: client.context.knex.raw("now() - interval '1 second'") })
    expect((await client.get('/api/v1/events?limit=1', asKey(old.key))).statusCode).to.equal(401)
    expect((await selfRotate(old.key)).statusCode).to.equal(401)
    // the new key may rotate in turn; the default grace is 24 h
    const next = await selfRotate(made.key)
    expect(next.statusCode).to.equal(201)
    const left = await client.context.knex.raw('SELECT extract(epoch FROM (expires_at - now())) AS s FROM api_key WHERE id = ?', [made.id])
    expect(Number(left.rows[0].s)).to.be.within(24 * 3600 - 120, 24 * 3600)
  })

  it('any scope may rotate itself; users, anonymous callers and revoked keys may not', async () => {
    const k = await issue(['positions:write'])
    expect((await selfRotate(k.key)).statusCode).to.equal(201)
    const user = await client.post('/api/v1/auth/api-keys/self/rotate', {}, { ...admin, 'accept-language': 'zh-CN' })
    expect(user.statusCode).to.equal(403)
    expect(user.json()).to.include({ code: 'auth.api_key_self_only' })
    expect(user.json().detail).to.include('API 密钥本身')
    const anon = await client.post('/api/v1/auth/api-keys/self/rotate', {})
    expect(anon.statusCode).to.equal(401)
    const r = await issue(['events:read'])
    await client.request({ method: 'DELETE', url: `/api/v1/auth/api-keys/${r.id}`, headers: admin })
    expect((await selfRotate(r.key)).json().code).to.equal('auth.invalid_api_key')
    expect((await selfRotate('zzzzzzzz.not-a-real-key-at-all-123')).statusCode).to.equal(401)
  })

  it('two rotations of one key at once: one wins, the other is refused and leaves no live key behind', async () => {
    const k = await issue(['events:read'])
    const [a, b] = await Promise.all([selfRotate(k.key), selfRotate(k.key)])
    const codes = [a.statusCode, b.statusCode].sort()
    expect(codes).to.deep.equal([201, 409])
    const children = await client.context.knex('api_key').where({ name: '自助轮换' }).where('id', '>', k.id).whereNull('revoked_at').pluck('id')
    const winner = (a.statusCode === 201 ? a : b).json().id
    expect(children.map(Number)).to.deep.equal([winner])
  })

  it('refuses broken, hostile and oversized bodies naming the field', async () => {
    const k = await issue(['events:read'])
    for (const body of [{ graceHours: -1 }, { graceHours: 169 }, { graceHours: 1.5 }, { graceHours: '24' }, { graceHours: 1e308 }, { graceHours: 1, id: 7 }]) {
      const res = await selfRotate(k.key, body)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      if ('id' in body) continue
      expect(res.json().errors.map((e: { field: string }) => e.field), JSON.stringify(body)).to.include('graceHours')
    }
    expect((await client.request({ method: 'POST', url: '/api/v1/auth/api-keys/self/rotate', headers: { ...asKey(k.key), 'content-type': 'application/json' }, payload: '[' })).statusCode).to.equal(400)
    expect((await client.request({ method: 'POST', url: '/api/v1/auth/api-keys/self/rotate', headers: { ...asKey(k.key), 'content-type': 'application/json' }, payload: JSON.stringify({ graceHours: 'x'.repeat(3_000_000) }) })).statusCode).to.equal(413)
    // the key still works and was not rotated by any of these
    expect(await client.context.knex('api_key').where({ id: k.id }).first('replaced_by')).to.deep.equal({ replaced_by: null })
  })
})
