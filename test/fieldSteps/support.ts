// Shared setup of the field-step tests: the demo users signed in, a point of community
// 990102001001, and the grid members the transfers need.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'

export interface World {
  client: Client; knex: Knex; auth: Record<string, Record<string, string>>; p1: { lon: number; lat: number }
  /** the demo inspector's member id, another member of its community, a member of another street */
  me: number; neighbour: number; outsider: number
  report(over?: Record<string, unknown>, who?: string): Promise<{ number: string; status: string; assignee: { department: { code: string }; member: { id: number } | null } | null }>
  fire(number: string, who: string, body: Record<string, unknown>): ReturnType<Client['post']>
  ok(number: string, who: string, body: Record<string, unknown>): Promise<{ event: Record<string, unknown> & { status: string }; allowed: string[] }>
  history(number: string): Promise<{ action: string; from: string; to: string; explanation: Record<string, unknown> | null; comment: string | null }[]>
}

export async function world(): Promise<World> {
  const client = await testClient()
  const knex = await getTestDb()
  const auth: World['auth'] = {}
  for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'system']) auth[u] = await loginAs(client, u)
  const p1 = await pointIn(knex, '990102001001')
  const me = Number((await knex('grid_member as m').join('app_user as u', 'u.id', 'm.user_id').where('u.username', 'inspector').first('m.id')).id)
  const neighbour = Number((await knex('grid_member').where({ community_code: '990102001001', active: true }).whereNot('id', me).whereNotNull('department_id').orderBy('id').first('id')).id)
  const outsider = Number((await knex('grid_member').whereLike('community_code', '990102002%').where('active', true).whereNotNull('department_id').orderBy('id').first('id')).id)
  const w: World = {
    client, knex, auth, p1, me, neighbour, outsider,
    async report(over = {}, who = 'command') {
      const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'),
        location: { x: p1.lon, y: p1.lat }, ...over }, auth[who])
      expect(res.statusCode, res.body).to.equal(201)
      return res.json().event
    },
    fire: (number, who, body) => client.post(`/api/v1/events/${number}/transitions`, body, auth[who]),
    async ok(number, who, body) {
      const res = await w.fire(number, who, body)
      expect(res.statusCode, `${who} ${String(body.action)}: ${res.body}`).to.equal(200)
      return res.json()
    },
    async history(number) {
      const res = await client.get(`/api/v1/events/${number}/history`, auth.command)
      expect(res.statusCode).to.equal(200)
      return res.json().items
    },
  }
  return w
}

/** The field a 4xx names (errors[0].field). */
export const fieldOf = (body: string) => (JSON.parse(body) as { errors?: { field: string }[] }).errors?.[0]?.field
