// Sessions (server/auth/sessions.ts): refresh rotation, reuse revoking the family, logout of one
// session, logout everywhere, HTTP Basic after logout, tokens without exp, hostile refresh bodies.
import { expect } from 'chai'
import { SignJWT } from 'jose'
import type { Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { STRONG, basic, freshUser, from, login, throttledClient } from './helpers.ts'

const TEST_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123')

describe('sign-in sessions', () => {
  let client: Client
  before(async () => { client = await throttledClient() })

  const me = (token: string) => client.get('/api/v1/auth/me', { authorization: `Bearer ${token}` })
  const refresh = (refreshToken: unknown) => client.post('/api/v1/auth/refresh', { refreshToken })
  async function signIn(user: string, ip = '10.20.0.1') {
    const res = await login(client, user, STRONG, ip)
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as { token: string; refreshToken: string; expiresAt: string; refreshExpiresAt: string }
  }

  it('login answers a refresh token; refresh rotates it and gives a new access token', async () => {
    const user = await freshUser(client, 'ses')
    const first = await signIn(user)
    expect(first.refreshToken).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(Date.parse(first.refreshExpiresAt)).to.be.greaterThan(Date.parse(first.expiresAt) - 1)
    const second = await refresh(first.refreshToken)
    expect(second.statusCode, second.body).to.equal(200)
    const pair = second.json()
    expect(pair.refreshToken).to.not.equal(first.refreshToken)
    expect(pair.user.username).to.equal(user)
    expect((await me(pair.token)).statusCode).to.equal(200)
    // only a hash is stored
    const stored = await client.context.knex('refresh_token').pluck('token_hash')
    expect(stored).to.not.include(pair.refreshToken)
    const third = await refresh(pair.refreshToken)
    expect(third.statusCode).to.equal(200)
  })

  it('reusing a rotated refresh token revokes the whole family', async () => {
    const user = await freshUser(client, 'ses')
    const first = await signIn(user)
    const second = (await refresh(first.refreshToken)).json()
    const reuse = await refresh(first.refreshToken)
    expect(reuse.statusCode).to.equal(401)
    expect(reuse.json().code).to.equal('auth.refresh_reused')
    // the thief's and the owner's newer tokens are dead too
    expect((await me(second.token)).json().code).to.equal('auth.token_revoked')
    expect((await refresh(second.refreshToken)).json().code).to.equal('auth.invalid_refresh')
    // another session of the user lives on
    expect((await me((await signIn(user)).token)).statusCode).to.equal(200)
  })

  it('logout ends this session only; logout everywhere ends every one; Basic stays a password', async () => {
    const user = await freshUser(client, 'ses')
    const a = await signIn(user), b = await signIn(user)
    expect((await client.post('/api/v1/auth/logout', {}, { authorization: `Bearer ${a.token}` })).statusCode).to.equal(204)
    expect((await me(a.token)).json().code).to.equal('auth.token_revoked')
    expect((await refresh(a.refreshToken)).statusCode).to.equal(401)
    expect((await me(b.token)).statusCode).to.equal(200)
    const viaBasic = () => client.get('/api/v1/auth/me', from('10.20.0.9', { authorization: basic(user, STRONG) }))
    expect((await viaBasic()).statusCode).to.equal(200)
    expect((await client.post('/api/v1/auth/logout-all', {}, { authorization: `Bearer ${b.token}` })).statusCode).to.equal(204)
    expect((await me(b.token)).statusCode).to.equal(401)
    expect((await refresh(b.refreshToken)).statusCode).to.equal(401)
    expect((await viaBasic()).statusCode).to.equal(200) // documented: logout does not end Basic
    const keyed = await client.post('/api/v1/auth/logout-all', {}, { 'x-api-key': DEMO_API_KEY, 'accept-language': 'zh-CN' })
    expect(keyed.statusCode).to.equal(403)
    expect(keyed.json()).to.include({ code: 'auth.no_sessions', detail: 'API 密钥没有可退出的登录会话' })
    const revoked = await client.context.knex('auth_session').join('app_user', 'app_user.id', 'auth_session.user_id')
      .where('app_user.username', user).pluck('revoke_reason')
    expect(revoked.sort()).to.deep.equal(['logout', 'logout_all'])
  })

  it('refuses a token without exp, and one naming an unknown session', async () => {
    const { id } = await client.context.knex('app_user').where({ username: 'street1' }).first('id')
    const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(id))
      .setIssuer('gridgov').setAudience('gridgov-api').setIssuedAt()
    const noExp = await base().sign(TEST_SECRET)
    const res = await me(noExp)
    expect(res.statusCode).to.equal(401)
    expect(res.json().code).to.equal('auth.invalid_token')
    const withExp = await base().setExpirationTime('1h').sign(TEST_SECRET)
    expect((await me(withExp)).statusCode).to.equal(200)
    const ghost = await new SignJWT({ sid: '00000000-0000-4000-8000-000000000000' }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(id)).setIssuer('gridgov').setAudience('gridgov-api').setIssuedAt().setExpirationTime('1h').sign(TEST_SECRET)
    expect((await me(ghost)).json().code).to.equal('auth.token_revoked')
    const badSid = await new SignJWT({ sid: "x' OR 1=1" }).setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(id)).setIssuer('gridgov').setAudience('gridgov-api').setIssuedAt().setExpirationTime('1h').sign(TEST_SECRET)
    expect((await me(badSid)).json().code).to.equal('auth.invalid_token')
  })

  it('refuses broken, hostile and oversized refresh bodies with 4xx naming the field', async () => {
    for (const body of [{}, { refreshToken: 42 }, { refreshToken: '' }, { refreshToken: 'x'.repeat(300) }]) {
      const res = await client.post('/api/v1/auth/refresh', body)
      expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      expect(res.json().errors[0].field).to.equal('refreshToken')
    }
    const extra = await client.post('/api/v1/auth/refresh', { refreshToken: 'a'.repeat(43), admin: true })
    expect(extra.statusCode).to.equal(400)
    for (const token of ['a'.repeat(43), "' OR 1=1 --", 'a\u0000b', '../../etc/passwd']) {
      const res = await refresh(token)
      expect(res.statusCode, token).to.be.oneOf([400, 401])
      if (res.statusCode === 401) expect(res.json().code).to.equal('auth.invalid_refresh')
    }
    expect((await client.post('/api/v1/auth/refresh', '{"refreshToken":')).statusCode).to.equal(400)
  })
})
