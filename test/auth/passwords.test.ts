// The password policy (server/auth/passwordPolicy.ts) and POST /api/v1/auth/password.
import { expect } from 'chai'
import type { Client } from '../support/http.ts'
import { AppError } from '../../server/http/errors.ts'
import { checkPasswordPolicy } from '../../server/auth/passwordPolicy.ts'
import { DEMO_API_KEY, DEMO_PASSWORD } from '../../fixtures/users.ts'
import { loginAs } from '../support/http.ts'
import { STRONG, basic, freshUser, from, login, throttledClient } from './helpers.ts'

function codeOf(password: string, username = 'zhangsan'): string | undefined {
  try {
    checkPasswordPolicy(password, username)
    return undefined
  } catch (err) {
    return (err as AppError).code
  }
}

describe('password policy', () => {
  it('names the rule each password breaks', () => {
    expect(codeOf('Ab1!')).to.equal('auth.password_too_short')
    expect(codeOf('Ab1!567890a')).to.equal('auth.password_too_short') // 11
    expect(codeOf('Ab1!5678901x')).to.equal(undefined) // 12, four classes
    expect(codeOf('A1!'.repeat(100))).to.equal('auth.password_too_long')
    expect(codeOf('abcdefghijkl')).to.equal('auth.password_classes')
    expect(codeOf('abcdefgh1234')).to.equal('auth.password_classes') // two classes
    expect(codeOf('abcdefgh-234')).to.equal(undefined) // lower, digit, symbol
    expect(codeOf('Zhangsan-2026x')).to.equal('auth.password_contains_username')
    expect(codeOf('Password123!')).to.equal('auth.password_common')
    expect(codeOf('123456789!A#')).to.equal('auth.password_common') // no letters left: a keyboard run
    expect(codeOf('网格员密码很长的口令Ab1')).to.equal(undefined) // Chinese counts as symbols
    expect(codeOf('\u0000\u0000\u0000Ab1xxxxxxxxx')).to.equal(undefined) // NUL is refused earlier, by input validation
    // length counts characters, not UTF-16 units: 11 emoji + ... is 11
    expect(codeOf('😀'.repeat(11))).to.equal('auth.password_too_short')
    expect(DEMO_PASSWORD.length).to.equal(12)
    expect(codeOf(DEMO_PASSWORD, 'street1')).to.equal('auth.password_classes') // the demo predates the policy
  })

  describe('POST /api/v1/auth/password', () => {
    let client: Client
    before(async () => { client = await throttledClient() })

    it('the demo password still signs in (stored passwords are not re-judged)', async () => {
      expect((await loginAs(client, 'street1')).authorization).to.match(/^Bearer /)
    })

    it('changes a password under the policy, then ends every session and the old password', async () => {
      const user = await freshUser(client, 'pw')
      const token = (await login(client, user, STRONG, '10.30.0.1')).json().token as string
      const auth = { authorization: `Bearer ${token}` }
      const change = (currentPassword: string, newPassword: string, lang = 'en') =>
        client.post('/api/v1/auth/password', { currentPassword, newPassword }, { ...auth, 'accept-language': lang })
      const wrong = await change('not-it', 'Fresh-Lantern#77')
      expect(wrong.statusCode).to.equal(400)
      expect(wrong.json()).to.include({ code: 'auth.wrong_current_password', field: 'currentPassword' })
      const weak = await change(STRONG, 'abcdefghijkl', 'zh-CN')
      expect(weak.statusCode).to.equal(400)
      expect(weak.json()).to.include({ code: 'auth.password_classes', field: 'newPassword', detail: '密码须包含大写字母、小写字母、数字、符号中的至少三类' })
      expect((await change(STRONG, `${user}-X1!`)).json().code).to.equal('auth.password_contains_username')
      expect((await change(STRONG, 'Fresh-Lantern#77')).statusCode).to.equal(204)
      expect((await client.get('/api/v1/auth/me', auth)).statusCode).to.equal(401)
      expect((await login(client, user, STRONG, '10.30.0.2')).statusCode).to.equal(401)
      expect((await login(client, user, 'Fresh-Lantern#77', '10.30.0.2')).statusCode).to.equal(200)
      const oldBasic = await client.get('/api/v1/auth/me', from('10.30.0.3', { authorization: basic(user, STRONG) }))
      expect(oldBasic.statusCode).to.equal(401)
    })

    it('refuses API keys, anonymous callers and broken bodies', async () => {
      expect((await client.post('/api/v1/auth/password', { currentPassword: 'a', newPassword: 'b' })).statusCode).to.equal(401)
      const keyed = await client.post('/api/v1/auth/password', { currentPassword: 'a', newPassword: 'b' }, { 'x-api-key': DEMO_API_KEY })
      expect(keyed.statusCode).to.equal(403)
      expect(keyed.json().code).to.equal('auth.password_needs_user')
      const auth = await loginAs(client, 'analyst')
      for (const body of [{}, { currentPassword: 1, newPassword: 'x' }, { currentPassword: 'a', newPassword: 'x'.repeat(5000) }, { currentPassword: 'a', newPassword: 'b', role: 'command_center' }]) {
        const res = await client.post('/api/v1/auth/password', body, auth)
        expect(res.statusCode, JSON.stringify(body)).to.equal(400)
      }
    })
  })
})
