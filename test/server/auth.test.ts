import { expect } from 'chai'
import { SignJWT } from 'jose'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../fixtures/users.ts'
import { hashPassword, verifyPassword } from '../../server/auth/passwords.ts'

const TEST_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123')

describe('authentication and jurisdiction', () => {
  let client: Client
  before(async () => { client = await testClient() })

  describe('passwords', () => {
    it('hashes with a salt and verifies', async () => {
      const a = await hashPassword('秘密-1'), b = await hashPassword('秘密-1')
      expect(a).to.match(/^scrypt\$32768\$8\$1\$/).and.not.equal(b)
      expect(await verifyPassword('秘密-1', a)).to.equal(true)
      expect(await verifyPassword('秘密-2', a)).to.equal(false)
      expect(await verifyPassword('x', null)).to.equal(false)
      expect(await verifyPassword('x', 'garbage')).to.equal(false)
    })
  })

  describe('login', () => {
    it('gives a token for the right password', async () => {
      const res = await client.post('/api/v1/auth/login', { username: 'street1', password: DEMO_PASSWORD })
      expect(res.statusCode).to.equal(200)
      const body = res.json()
      expect(body.tokenType).to.equal('Bearer')
      expect(body.user).to.include({ username: 'street1', role: 'street_staff', roleTitle: '街道人员' })
      expect(body.user.jurisdiction).to.deep.equal(['990102001'])
    })

    it('answers a wrong password and an unknown user alike', async () => {
      const wrong = await client.post('/api/v1/auth/login', { username: 'street1', password: 'nope' })
      const unknown = await client.post('/api/v1/auth/login', { username: 'nobody', password: 'nope' })
      expect(wrong.statusCode).to.equal(401)
      expect(unknown.statusCode).to.equal(401)
      expect(wrong.json().detail).to.equal(unknown.json().detail)
      expect(wrong.headers['content-type']).to.match(/application\/problem\+json/)
    })

    it('names what is wrong with a malformed body', async () => {
      const missing = await client.post('/api/v1/auth/login', { username: 'street1' })
      expect(missing.statusCode).to.equal(400)
      expect(missing.json().errors).to.deep.include({ field: 'password', message: 'Invalid input: expected string, received undefined' })
      const extra = await client.post('/api/v1/auth/login', { username: 'a', password: 'b', admin: true })
      expect(extra.statusCode).to.equal(400)
      expect(extra.json().detail).to.match(/admin/)
      const notJson = await client.post('/api/v1/auth/login', '{"username": ')
      expect(notJson.statusCode).to.equal(400)
      const typed = await client.post('/api/v1/auth/login', { username: ['a'], password: 1 })
      expect(typed.statusCode).to.equal(400)
    })

    it('refuses an oversized body with 413', async () => {
      const res = await client.post('/api/v1/auth/login', { username: 'a', password: 'x'.repeat(3 * 1024 * 1024) })
      expect(res.statusCode).to.equal(413)
      expect(res.json().status).to.equal(413)
    })
  })

  describe('tokens', () => {
    it('a token opens /me, which reports role and jurisdiction', async () => {
      const res = await client.get('/api/v1/auth/me', await loginAs(client, 'district'))
      expect(res.statusCode).to.equal(200)
      expect(res.json()).to.include({ username: 'district', role: 'district_staff', via: 'user' })
      expect(res.json().jurisdiction).to.deep.equal(['990102'])
    })

    it('refuses requests without credentials', async () => {
      expect((await client.get('/api/v1/auth/me')).statusCode).to.equal(401)
    })

    it('refuses an expired token', async () => {
      const { id } = await client.context.knex('app_user').where({ username: 'street1' }).first('id')
      const past = Math.floor(Date.now() / 1000) - 7200
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(id))
        .setIssuer('gridgov').setAudience('gridgov-api').setIssuedAt(past).setExpirationTime(past + 60).sign(TEST_SECRET)
      const res = await client.get('/api/v1/auth/me', { authorization: `Bearer ${token}` })
      expect(res.statusCode).to.equal(401)
      expect(res.json().detail).to.equal('token expired')
    })

    it('refuses a forged token (other key, alg none, edited payload)', async () => {
      const { id } = await client.context.knex('app_user').where({ username: 'command' }).first('id')
      const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(id))
        .setIssuer('gridgov').setAudience('gridgov-api').setIssuedAt().setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-another-secret-another'))
      const real = (await loginAs(client, 'street1')).authorization!.slice(7)
      const [h, , s] = real.split('.')
      const payload = Buffer.from(JSON.stringify({ sub: String(id), iss: 'gridgov', aud: 'gridgov-api', iat: 1, exp: 9e9 })).toString('base64url')
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`
      for (const token of [forged, `${h}.${payload}.${s}`, none, 'not-a-token-at-all']) {
        const res = await client.get('/api/v1/auth/me', { authorization: `Bearer ${token}` })
        expect(res.statusCode, token).to.equal(401)
      }
      const odd = await client.get('/api/v1/auth/me', { authorization: 'Digest username="x"' })
      expect(odd.statusCode).to.equal(401)
      expect(odd.json().detail).to.match(/Bearer/)
    })

    it('logout revokes the tokens issued before it', async () => {
      const auth = await loginAs(client, 'analyst')
      expect((await client.post('/api/v1/auth/logout', {}, auth)).statusCode).to.equal(204)
      const res = await client.get('/api/v1/auth/me', auth)
      expect(res.statusCode).to.equal(401)
      expect(res.json().detail).to.match(/revoked/)
      await new Promise((r) => setTimeout(r, 1100)) // iat has one-second resolution
      expect((await client.get('/api/v1/auth/me', await loginAs(client, 'analyst'))).statusCode).to.equal(200)
    })
  })

  describe('HTTP Basic (desktop GIS clients)', () => {
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` })
    it('signs in with the right password, also when repeated (cached)', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await client.get('/api/v1/auth/me', basic('analyst', DEMO_PASSWORD))
        expect(res.statusCode).to.equal(200)
        expect(res.json()).to.include({ username: 'analyst', role: 'gis_analyst' })
      }
    })
    it('refuses a wrong password, an unknown user and garbage', async () => {
      for (const h of [basic('analyst', 'wrong'), basic('nobody', 'x'), { authorization: 'Basic !!!!' }, { authorization: 'Basic Zm9v' }]) {
        expect((await client.get('/api/v1/auth/me', h)).statusCode).to.equal(401)
      }
    })
  })

  describe('API keys', () => {
    it('an API key acts as its system user', async () => {
      const res = await client.get('/api/v1/auth/me', { 'x-api-key': DEMO_API_KEY })
      expect(res.statusCode).to.equal(200)
      expect(res.json()).to.include({ role: 'external_system', via: 'api_key' })
      const viaHeader = await client.get('/api/v1/auth/me', { authorization: `ApiKey ${DEMO_API_KEY}` })
      expect(viaHeader.statusCode).to.equal(200)
    })

    it('refuses unknown, malformed and revoked keys', async () => {
      for (const key of ['demo12345678.wrong-secret-wrong-secret', 'nonsense', `${DEMO_API_KEY}x`]) {
        expect((await client.get('/api/v1/auth/me', { 'x-api-key': key })).statusCode, key).to.equal(401)
      }
    })
  })

  describe('jurisdiction', () => {
    it('a street user lists only its own street and communities', async () => {
      const res = await client.get('/api/v1/admin-divisions', await loginAs(client, 'street1'))
      expect(res.statusCode).to.equal(200)
      const codes: string[] = res.json().items.map((d: { code: string }) => d.code)
      expect(codes.length).to.be.greaterThan(1)
      expect(codes.every((c) => c.startsWith('990102001'))).to.equal(true)
      expect(codes).to.include('990102001000')
    })

    it('a street user cannot read another street or its district', async () => {
      const auth = await loginAs(client, 'street1')
      for (const code of ['990102002000', '990102002001', '990102000000', '990100000000']) {
        const res = await client.get(`/api/v1/admin-divisions/${code}`, auth)
        expect(res.statusCode, code).to.equal(404)
      }
      const own = await client.get('/api/v1/admin-divisions/990102001001', auth)
      expect(own.statusCode).to.equal(200)
      expect(own.json().geometry.type).to.equal('MultiPolygon')
    })

    it('the command centre sees the whole city; the public sees nothing', async () => {
      const res = await client.get('/api/v1/admin-divisions?level=street', await loginAs(client, 'command'))
      expect(res.json().items.map((d: { code: string }) => d.code)).to.include.members(['990102001000', '990102002000'])
      expect((await client.get('/api/v1/admin-divisions')).statusCode).to.equal(401)
    })

    it('rejects hostile query values instead of passing them on', async () => {
      const auth = await loginAs(client, 'command')
      for (const q of ["level=city'%20OR%201=1--", 'parent=99010200100%25', 'parent=1&extra=2', `level=${'x'.repeat(5000)}`]) {
        const res = await client.get(`/api/v1/admin-divisions?${q}`, auth)
        expect(res.statusCode, q).to.equal(400)
      }
      expect((await client.get('/api/v1/admin-divisions/12345', auth)).statusCode).to.equal(400)
    })
  })
})
