// The matrix's principals: for EVERY role in server/auth/roles.ts (read from that list, so a new
// role cannot be forgotten) one user of that role whose jurisdiction is the IN community only
// (the public none), signed in through the login endpoint, or through an API key for the external
// system; and the demo command centre, which sees the whole city (the positive control).
import type { Knex } from 'knex'
import { roles, type Role } from '../../server/auth/roles.ts'
import { createApiKey, createUser } from '../../server/auth/users.ts'
import { loginAs, type Client } from '../support/http.ts'

const PASSWORD = 'Matrix-Trust-2026!q'

export interface Principal { role: Role; username: string; headers: Record<string, string> }

/** Roles signed in with an API key rather than a password (what such a client really uses). */
const BY_API_KEY: readonly Role[] = ['external_system']

export async function restrictedPrincipals(client: Client, knex: Knex, community: string): Promise<Principal[]> {
  const dept = await knex('department').where({ code: 'CGJ-990102' }).first('id')
  const out: Principal[] = []
  for (const role of roles) {
    const username = `mx_${role}_${process.pid}`
    let user = await knex('app_user').where({ username }).first('id')
    if (!user) {
      const id = await createUser(knex, {
        username, displayName: `矩阵${role}`, password: PASSWORD, role, cityCode: '990100',
        adminCodes: role === 'public' ? [] : [community], departmentId: role === 'department' ? Number(dept.id) : null,
      })
      user = { id }
    }
    if (BY_API_KEY.includes(role)) {
      const { key } = await createApiKey(knex, Number(user.id), 'matrix')
      out.push({ role, username, headers: { 'x-api-key': key } })
      continue
    }
    const res = await client.post('/api/v1/auth/login', { username, password: PASSWORD })
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`)
    out.push({ role, username, headers: { authorization: `Bearer ${res.json().token}` } })
  }
  return out
}

export const commandCentre = (client: Client) => loginAs(client, 'command')
