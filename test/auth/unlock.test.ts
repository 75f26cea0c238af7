// Lockout as a denial of service (server/auth/unlock.ts, networks.ts): the command centre ends a
// lock at once (POST /api/v1/auth/unlock), and failures from the city's own networks
// (TRUSTED_NETWORKS) are counted per name only, so a guesser inside cannot lock the office out.
import { expect } from 'chai'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { loadConfig } from '../../server/config.ts'
import { trustedNetworks, parseCidr } from '../../server/auth/networks.ts'
import { POLICY, STRONG, freshUser, login } from './helpers.ts'

describe('unlock and trusted networks (解锁 · 本市内网)', () => {
  let client: Client
  let admin: Record<string, string>
  before(async () => {
    client = await testClient(await getTestContext({ loginThrottle: POLICY, trustProxy: true, trustedNetworks: ['10.99.0.0/16', 'fd00:99::/32'] }))
    admin = await loginAs(client, 'command')
  })
  const unlock = (body: unknown, auth = admin) => client.post('/api/v1/auth/unlock', body, { ...auth, 'accept-language': 'zh-CN' })
  async function lockAccount(user: string, ip: string): Promise<void> {
    for (let i = 0; i < POLICY.accountMaxFailures; i++) await login(client, user, 'wrong-password', ip)
    expect((await login(client, user, STRONG, ip)).statusCode, 'locked').to.equal(429)
  }

  it('the command centre unlocks an account at once: the right password signs in again', async () => {
    const user = await freshUser(client, 'unl')
    await lockAccount(user, '10.40.0.1')
    const res = await unlock({ username: user })
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.deep.include({ username: user, cleared: { account: 1, address: 0 } })
    expect((await login(client, user, STRONG, '10.40.0.1')).statusCode).to.equal(200)
    // nothing left to clear
    expect((await unlock({ username: user })).json().cleared).to.deep.equal({ account: 0, address: 0 })
    // the access audit names who unlocked what, with the request id
    const rid = res.headers['x-request-id'] as string
    const rows = await client.context.knex('access_audit').where({ request_id: rid }).select('username', 'action', 'resource_type', 'resource_id', 'status')
    expect(rows).to.deep.equal([{ username: 'command', action: 'update', resource_type: 'login_throttle', resource_id: `account:${user}`, status: 200 }])
  })

  it('unlocks an address (both spellings of a dual-stack IPv4), and not the others', async () => {
    const other = '10.41.0.9'
    for (let i = 0; i < POLICY.addressMaxFailures; i++) {
      await login(client, `nobody-${i}`, 'x', '10.41.0.1')
      await login(client, `nobody-${i}`, 'x', '::ffff:10.41.0.2')
    }
    for (let i = 0; i < POLICY.addressMaxFailures; i++) await login(client, `nobody-o${i}`, 'x', other)
    const user = await freshUser(client, 'unl')
    for (const ip of ['10.41.0.1', '::ffff:10.41.0.2', other]) expect((await login(client, user, STRONG, ip)).json().params.scope, ip).to.equal('address')
    expect((await unlock({ address: '10.41.0.1' })).json().cleared).to.deep.equal({ account: 0, address: 1 })
    expect((await unlock({ address: '10.41.0.2' })).json().cleared).to.deep.equal({ account: 0, address: 1 })
    expect((await login(client, user, STRONG, '10.41.0.1')).statusCode).to.equal(200)
    expect((await login(client, user, STRONG, '::ffff:10.41.0.2')).statusCode).to.equal(200)
    expect((await login(client, user, STRONG, other)).statusCode).to.equal(429)
  })

  it('only the command centre, only users of its city; hostile bodies are 4xx naming the field', async () => {
    for (const who of ['district', 'street1', 'analyst']) {
      expect((await unlock({ username: 'street1' }, await loginAs(client, who))).statusCode, who).to.equal(403)
    }
    expect((await client.post('/api/v1/auth/unlock', { username: 'street1' })).statusCode).to.equal(401)
    expect((await client.post('/api/v1/auth/unlock', { username: 'street1' }, { 'x-api-key': 'demo12345678.gridgov-demo-external-system-key' })).statusCode).to.equal(403)
    const unknown = await unlock({ username: 'no-such-user' })
    expect(unknown.statusCode).to.equal(404)
    expect(unknown.json()).to.include({ code: 'auth.unlock_unknown_user', detail: '本市没有用户 no-such-user' })
    const cases: [unknown, string][] = [
      [{}, 'username'], [{ username: '' }, 'username'], [{ username: 'a'.repeat(65) }, 'username'],
      [{ username: "x' OR 1=1 --" }, 'username'], [{ username: '用户' }, 'username'], [{ username: ['street1'] }, 'username'],
      [{ address: '999.1.1.1' }, 'address'], [{ address: '10.0.0.0/8' }, 'address'], [{ address: 'localhost' }, 'address'],
      [{ address: '1'.repeat(100000) }, 'address'], [{ address: 42 }, 'address'], [{ username: 'street1', extra: 1 }, ''],
    ]
    for (const [body, field] of cases) {
      const res = await unlock(body)
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).to.equal(400)
      const named = (res.json().errors ?? []).map((e: { field: string }) => e.field)
      if (field) expect(named, JSON.stringify(body).slice(0, 80)).to.include(field)
    }
    expect((await client.request({ method: 'POST', url: '/api/v1/auth/unlock', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"username":' })).statusCode).to.equal(400)
    expect((await unlock({ username: 'stre\u0000et1' })).json().code).to.equal('http.nul_character')
  })

  it('failures from a trusted network are counted per name, never per address', async () => {
    // an insider guessing across many names from 10.99.x: the address is never locked
    for (let i = 0; i < POLICY.addressMaxFailures * 2; i++) await login(client, `guess-${i}`, 'x', '10.99.3.4')
    const user = await freshUser(client, 'trust')
    expect((await login(client, user, STRONG, '10.99.3.4')).statusCode).to.equal(200)
    expect(await client.context.knex('login_throttle').where({ scope: 'address' }).whereRaw("locked_until > now()").count('* as n')
      .then((r) => Number(r[0]!.n))).to.be.greaterThan(0) // positive control: untrusted addresses above did lock
    // the account is still counted, from a trusted address too
    const named = await freshUser(client, 'trust')
    await lockAccount(named, '10.99.3.5')
    expect((await login(client, named, STRONG, '10.99.200.1')).json().params.scope).to.equal('account')
    // the same guessing from outside the block locks the address
    for (let i = 0; i < POLICY.addressMaxFailures; i++) await login(client, `guess-o${i}`, 'x', '10.98.3.4')
    expect((await login(client, user, STRONG, '10.98.3.4')).json().params.scope).to.equal('address')
  })

  it('reads and checks TRUSTED_NETWORKS', () => {
    expect(loadConfig({ TRUSTED_NETWORKS: '10.0.0.0/8, 192.168.1.0/24 2001:db8::/32' }).trustedNetworks).to.deep.equal(['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32'])
    expect(loadConfig({}).trustedNetworks).to.deep.equal([])
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'example.org/8', '2001:db8::/129', '10.0.0.0/-1', '*']) {
      expect(() => loadConfig({ TRUSTED_NETWORKS: bad }), bad).to.throw(/TRUSTED_NETWORKS/)
    }
    const t = trustedNetworks(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'])
    for (const ip of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::1', '192.0.2.7']) expect(t.has(ip), ip).to.equal(true)
    for (const ip of ['11.1.2.3', '2001:db9::1', '192.0.2.8', '', 'garbage', '::ffff:11.0.0.1']) expect(t.has(ip), ip).to.equal(false)
    expect(parseCidr('10.0.0.0/8')).to.deep.equal({ address: '10.0.0.0', prefix: 8, type: 'ipv4' })
    expect(trustedNetworks([]).has('10.0.0.1')).to.equal(false)
  })
})
