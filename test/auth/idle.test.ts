// Idle session timeout (等保; server/auth/sessions.ts useSession, migration 0034): a session unused
// for SESSION_IDLE_MINUTES ends, on a request and on a refresh alike, with a coded 401 worded in
// Chinese; a use moves its last use forward (at most once a minute); a refresh is not a use.
// Idleness is made by moving last_used_at back in the database: no test waits.
import { expect } from 'chai'
import type { Client } from '../support/http.ts'
import { testClient } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { loadConfig } from '../../server/config.ts'
import { STRONG, freshUser, login, POLICY } from './helpers.ts'

const IDLE_MINUTES = 20

describe('idle session timeout (会话空闲超时)', () => {
  let client: Client
  before(async () => {
    client = await testClient(await getTestContext({ loginThrottle: POLICY, trustProxy: true, sessionIdleMinutes: IDLE_MINUTES }))
  })
  const me = (token: string, lang = 'en') => client.get('/api/v1/auth/me', { authorization: `Bearer ${token}`, 'accept-language': lang })
  const refresh = (refreshToken: string) => client.post('/api/v1/auth/refresh', { refreshToken }, { 'accept-language': 'zh-CN' })
  async function signIn(): Promise<{ token: string; refreshToken: string; sid: string }> {
    const res = await login(client, await freshUser(client, 'idle'), STRONG, '10.30.0.1')
    expect(res.statusCode, res.body).to.equal(200)
    const { token, refreshToken } = res.json() as { token: string; refreshToken: string }
    const sid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string
    return { token, refreshToken, sid }
  }
  /** Makes the session's last use `minutes` ago. */
  const lastUse = (sid: string, minutes: number) => client.context.knex('auth_session').where({ id: sid })
    .update({ last_used_at: client.context.knex.raw('now() - CAST(? AS integer) * interval \'1 second\'', [Math.round(minutes * 60)]) })
  const row = (sid: string) => client.context.knex('auth_session').where({ id: sid })
    .first('revoked_at', 'revoke_reason', client.context.knex.raw('extract(epoch FROM (now() - last_used_at)) AS idle_s'))

  it('a session used within the idle time lives on, and the use moves its last use to now', async () => {
    const s = await signIn()
    await lastUse(s.sid, IDLE_MINUTES - 1)
    expect((await me(s.token)).statusCode).to.equal(200)
    const after = await row(s.sid)
    expect(Number(after.idle_s)).to.be.lessThan(60) // touched by that request
    expect(after.revoked_at).to.equal(null)
  })

  it('a session unused for the idle time ends: 401 auth.session_idle in Chinese, then for good', async () => {
    const s = await signIn()
    expect((await me(s.token)).statusCode).to.equal(200) // positive control: the same token worked
    await lastUse(s.sid, IDLE_MINUTES + 1)
    const res = await me(s.token, 'zh-CN')
    expect(res.statusCode).to.equal(401)
    expect(res.json()).to.include({ code: 'auth.session_idle', detail: `登录会话已超时（${IDLE_MINUTES} 分钟未操作），为安全起见请重新登录` })
    expect(res.json().params).to.deep.equal({ minutes: IDLE_MINUTES })
    expect(await row(s.sid)).to.include({ revoke_reason: 'idle' })
    // a use after the timeout does not bring it back, even if last_used_at were fresh again
    await lastUse(s.sid, 0)
    expect((await me(s.token)).json().code).to.equal('auth.session_idle')
    // tiles and other families answer the same
    expect((await client.get('/tiles/all.json', { authorization: `Bearer ${s.token}` })).json().code).to.equal('auth.session_idle')
  })

  it('a request marked X-Background-Request: 1 (a page timer) is checked but is not a use', async () => {
    const s = await signIn()
    await lastUse(s.sid, 10)
    const bg = await client.get('/api/v1/auth/me', { authorization: `Bearer ${s.token}`, 'x-background-request': '1' })
    expect(bg.statusCode).to.equal(200)
    expect(Number((await row(s.sid)).idle_s)).to.be.greaterThan(9 * 60) // not moved
    // any other value is a use (the default of every API client): positive control on the same session
    expect((await client.get('/api/v1/auth/me', { authorization: `Bearer ${s.token}`, 'x-background-request': 'yes' })).statusCode).to.equal(200)
    expect(Number((await row(s.sid)).idle_s)).to.be.lessThan(60)
    await lastUse(s.sid, IDLE_MINUTES + 1)
    const late = await client.get('/api/v1/auth/me', { authorization: `Bearer ${s.token}`, 'x-background-request': '1' })
    expect(late.json().code).to.equal('auth.session_idle')
  })

  it('a refresh of an idle session is refused the same way; a refresh is not a use', async () => {
    const s = await signIn()
    await lastUse(s.sid, IDLE_MINUTES - 5)
    const ok = await refresh(s.refreshToken)
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(Number((await row(s.sid)).idle_s)).to.be.greaterThan((IDLE_MINUTES - 6) * 60) // not moved by the refresh
    await lastUse(s.sid, IDLE_MINUTES + 1)
    const refused = await refresh(ok.json().refreshToken)
    expect(refused.statusCode).to.equal(401)
    expect(refused.json().code).to.equal('auth.session_idle')
    expect(refused.json().detail).to.include('已超时')
    expect(await row(s.sid)).to.include({ revoke_reason: 'idle' })
    expect((await me(ok.json().token)).json().code).to.equal('auth.session_idle')
  })

  it('a logged-out session stays "revoked", not "idle"; another session of the user is untouched', async () => {
    const a = await signIn(), b = await signIn()
    await client.post('/api/v1/auth/logout', {}, { authorization: `Bearer ${a.token}` })
    await lastUse(a.sid, IDLE_MINUTES + 1)
    expect((await me(a.token)).json().code).to.equal('auth.token_revoked')
    await lastUse(b.sid, IDLE_MINUTES + 1)
    expect((await me(b.token)).json().code).to.equal('auth.session_idle')
    expect((await me((await signIn()).token)).statusCode).to.equal(200)
  })

  it('SESSION_IDLE_MINUTES and TOKEN_TTL_SECONDS: defaults 30 and 900, bad values named', () => {
    const c = loadConfig({ NODE_ENV: 'test' })
    expect(c.sessionIdleMinutes).to.equal(30)
    expect(c.tokenTtlSeconds).to.equal(900)
    expect(loadConfig({ SESSION_IDLE_MINUTES: '5' }).sessionIdleMinutes).to.equal(5)
    for (const bad of ['0', '-1', '1441', '30m', '1e3', '９']) {
      expect(() => loadConfig({ SESSION_IDLE_MINUTES: bad }), bad).to.throw(/SESSION_IDLE_MINUTES/)
    }
  })
})
