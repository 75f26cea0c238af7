// Login throttling (server/auth/throttle.ts): per account and per address, for the login form and
// HTTP Basic alike, 429 with Retry-After, the lock expiring (the clock moved in the database, no
// sleep), a success resetting the account, and an unknown name answered like a real one.
import { expect } from 'chai'
import type { Response } from 'light-my-request'
import type { Client } from '../support/http.ts'
import { POLICY, STRONG, basic, freshUser, from, login, throttledClient } from './helpers.ts'

/** The seconds left on a key's lock by the database's own clock (independent of the answer). */
async function dbSecondsLeft(client: Client): Promise<number[]> {
  const rows = (await client.context.knex.raw(
    "SELECT extract(epoch FROM (locked_until - now())) AS s FROM login_throttle WHERE locked_until > now()")).rows as { s: string }[]
  return rows.map((r) => Number(r.s))
}

function expectLocked(res: Response, scope: 'account' | 'address'): number {
  expect(res.statusCode, res.body).to.equal(429)
  const retryAfter = res.headers['retry-after']
  expect(retryAfter).to.match(/^[1-9][0-9]*$/)
  const seconds = Number(retryAfter)
  expect(seconds).to.be.at.most(POLICY.lockSeconds)
  if (String(res.headers['content-type']).includes('problem+json')) {
    expect(res.json()).to.include({ status: 429, code: 'auth.too_many_failures' })
    expect(res.json().params).to.deep.equal({ scope, retryAfter: seconds })
  }
  return seconds
}

/** Moves a lock and its window into the past, as the passing of time would. */
async function letTimePass(client: Client): Promise<void> {
  await client.context.knex.raw("UPDATE login_throttle SET locked_until = now() - interval '1 second', window_start = now() - interval '1 hour' WHERE locked_until IS NOT NULL")
}

describe('login throttling', () => {
  let client: Client
  before(async () => { client = await throttledClient() })
  afterEach(async () => { await client.context.knex('login_throttle').del() })

  it('locks an account after N failures, from any address, with Retry-After matching the database', async () => {
    const user = await freshUser(client, 'thr')
    for (let i = 0; i < POLICY.accountMaxFailures; i++) {
      expect((await login(client, user, `wrong-${i}`, '10.1.0.1')).statusCode).to.equal(401)
    }
    const locked = await login(client, user, STRONG, '10.1.0.1')
    const seconds = expectLocked(locked, 'account')
    const [left] = await dbSecondsLeft(client)
    expect(Math.abs(seconds - Math.ceil(left!))).to.be.at.most(1)
    // the right password from another address: still the account's lock
    expectLocked(await login(client, user, STRONG, '10.1.0.2'), 'account')
    const zh = await client.post('/api/v1/auth/login', { username: user, password: STRONG }, from('10.1.0.3', { 'accept-language': 'zh-CN' }))
    expect(zh.json().detail).to.match(/^该账号登录失败次数过多，已暂时锁定，请 \d+ 秒后再试$/)
  })

  it('answers an unknown name exactly like a real one (no account enumeration)', async () => {
    const user = await freshUser(client, 'thr')
    const answers: Response[] = []
    for (const name of [user, 'no-such-user-x']) {
      for (let i = 0; i < POLICY.accountMaxFailures; i++) await login(client, name, 'wrong', '10.2.0.1')
      answers.push(await login(client, name, 'wrong', '10.2.0.2'))
      await client.context.knex('login_throttle').del()
    }
    const [real, unknown] = answers.map((r) => ({ status: r.statusCode, code: r.json().code, scope: r.json().params.scope }))
    expect(real).to.deep.equal({ status: 429, code: 'auth.too_many_failures', scope: 'account' })
    expect(unknown).to.deep.equal(real)
  })

  it('the lock expires, and a success resets the account', async () => {
    const user = await freshUser(client, 'thr')
    for (let i = 0; i < POLICY.accountMaxFailures; i++) await login(client, user, 'wrong', '10.3.0.1')
    expectLocked(await login(client, user, STRONG, '10.3.0.1'), 'account')
    await letTimePass(client)
    expect((await login(client, user, STRONG, '10.3.0.1')).statusCode).to.equal(200)
    // reset: N-1 failures, a success, N-1 failures: never locked
    for (const pw of ['wrong', 'wrong', STRONG, 'wrong', 'wrong', STRONG]) {
      expect((await login(client, user, pw, '10.3.0.2')).statusCode, pw).to.equal(pw === STRONG ? 200 : 401)
    }
  })

  it('locks an address guessing across many accounts, not other addresses', async () => {
    const user = await freshUser(client, 'thr')
    for (let i = 0; i < POLICY.addressMaxFailures; i++) {
      expect((await login(client, `guess-${i}`, 'wrong', '10.4.0.1')).statusCode).to.equal(401)
    }
    expectLocked(await login(client, user, STRONG, '10.4.0.1'), 'address')
    expect((await login(client, user, STRONG, '10.4.0.2')).statusCode).to.equal(200)
  })

  it('throttles HTTP Basic too, sharing the count with the login form, on the API and on OGC paths', async () => {
    const user = await freshUser(client, 'thr')
    const me = (pw: string, ip: string) => client.get('/api/v1/auth/me', from(ip, { authorization: basic(user, pw) }))
    expect((await me('wrong', '10.5.0.1')).statusCode).to.equal(401)
    expect((await me('wrong', '10.5.0.1')).statusCode).to.equal(401)
    expect((await login(client, user, 'wrong', '10.5.0.1')).statusCode).to.equal(401)
    expectLocked(await me(STRONG, '10.5.0.2'), 'account')
    const ogc = await client.get('/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities', from('10.5.0.3', { authorization: basic(user, STRONG) }))
    expectLocked(ogc, 'account')
    expect(ogc.body).to.include('ServiceExceptionReport')
    await letTimePass(client)
    expect((await me(STRONG, '10.5.0.1')).statusCode).to.equal(200)
  })

  it('hostile names (NUL, huge, Chinese, SQL) are refused with 4xx and never 500', async () => {
    const names = ['a\u0000b', '网格员', "x' OR '1'='1", '../../etc/passwd', 'a'.repeat(64)]
    // NUL may be refused by the shared input validation (400) before sign-in sees it (401)
    const allowed = (name: string) => (name.includes('\u0000') ? [400, 401] : [401])
    for (const name of names) {
      const res = await login(client, name, 'wrong', '10.6.0.1')
      expect(res.statusCode, name).to.be.oneOf(allowed(name))
      if (res.statusCode === 401) expect(res.json().code).to.equal('auth.invalid_credentials')
      else expect(res.json().detail).to.be.a('string').and.not.equal('')
      const b = await client.get('/api/v1/auth/me', from('10.6.0.2', { authorization: basic(name, 'x') }))
      expect(b.statusCode, name).to.be.oneOf(allowed(name))
    }
    const long = await login(client, 'a'.repeat(65), 'x', '10.6.0.3')
    expect(long.statusCode).to.equal(400)
    expect(long.json().errors[0].field).to.equal('username')
    const huge = await client.get('/api/v1/auth/me', from('10.6.0.4', { authorization: basic('u'.repeat(5000), 'x') }))
    expect(huge.statusCode).to.equal(401)
    expect(huge.json().code).to.equal('auth.bad_authorization')
  })
})
