// Shared setup of the privacy tests: demo users signed in, a second department that does not hold
// the cases, and events with a reporter whose name and phone are unique to the run.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { createUser } from '../../server/auth/users.ts'
import { uniq } from '../events/helpers.ts'

const PASSWORD = 'Privacy-Test-2026!x'

export const USERS = ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst'] as const

export async function signIn(client: Client, knex: Knex): Promise<Record<string, Record<string, string>>> {
  const auth: Record<string, Record<string, string>> = {}
  for (const u of USERS) auth[u] = await loginAs(client, u)
  auth.system = { 'x-api-key': DEMO_API_KEY }
  // a department of the same district that does not hold the demo cases (it exists only here)
  const username = `privacy_dept_${process.pid}`
  if (!await knex('app_user').where({ username }).first()) {
    const [dep] = await knex('department').insert({ code: `PRIV-${process.pid}`, name: '园林局（测试）', kind: 'functional', admin_code: '990102000000', city_code: '990100' })
      .returning('id').catch(async () => [await knex('department').where({ code: `PRIV-${process.pid}` }).first('id')])
    await createUser(knex, { username, displayName: '园林局（测试）', password: PASSWORD, role: 'department', cityCode: '990100', adminCodes: ['990102000000'], departmentId: Number(dep.id) })
  }
  const res = await client.post('/api/v1/auth/login', { username, password: PASSWORD })
  expect(res.statusCode, res.body).to.equal(200)
  auth.otherDept = { authorization: `Bearer ${res.json().token}` }
  return auth
}

/** A reporter unique to the run, and its masks computed by hand (not by the code under test). */
export function newReporter() {
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  const given = ['梅', '兰', '竹', '菊', '松', '柏'][Math.floor(Math.random() * 6)]!
  const name = `司马${given}${given}`
  return { name, phone, maskedPhone: `${phone.slice(0, 3)}****${phone.slice(7)}`, maskedName: '司***' }
}

export type Reporter = ReturnType<typeof newReporter>

export async function reportWith(client: Client, headers: Record<string, string>, at: { lon: number; lat: number }, reporter: Reporter, channel = 'superior') {
  const res = await client.post('/api/v1/events', {
    channel, demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾 隐私测试'),
    location: { x: at.lon, y: at.lat }, reporter: { name: reporter.name, phone: reporter.phone },
  }, headers)
  expect(res.statusCode, res.body).to.equal(201)
  return res
}

/** The raw bytes hold neither the full phone (as digits) nor the full name. */
export function expectNoFull(body: string | Buffer, r: Reporter, what: string): void {
  const text = Buffer.isBuffer(body) ? body.toString('latin1') + body.toString('utf8') : body
  expect(text.includes(r.phone), `${what}: full phone in the answer`).to.equal(false)
  expect(text.includes(r.name), `${what}: full name in the answer`).to.equal(false)
}
