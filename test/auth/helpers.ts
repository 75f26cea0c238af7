// Shared by the identity tests: a client with a short throttle that trusts X-Forwarded-For (so
// each test signs in from its own address), and users created for one test only.
import type { Response } from 'light-my-request'
import { testClient, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { createUser } from '../../server/auth/users.ts'

export const POLICY = { accountMaxFailures: 3, addressMaxFailures: 6, windowSeconds: 900, lockSeconds: 600 }
/** A password that meets the policy (upper, lower, digit, symbol; 16 characters). */
export const STRONG = 'Lantern-Grid#2026'

export async function throttledClient(): Promise<Client> {
  return testClient(await getTestContext({ loginThrottle: POLICY, trustProxy: true }))
}

let serial = 0
/** A street user with the strong password; the name is unique within the run. */
export async function freshUser(client: Client, stem: string): Promise<string> {
  const username = `${stem}-${process.pid}-${++serial}`
  await createUser(client.context.knex, {
    username, displayName: '测试用户', password: STRONG, role: 'street_staff', cityCode: '990100', adminCodes: ['990102001000'],
  })
  return username
}

export const from = (ip: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...extra })
export const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`

export async function login(client: Client, username: string, password: string, ip: string): Promise<Response> {
  return client.post('/api/v1/auth/login', { username, password }, from(ip))
}
