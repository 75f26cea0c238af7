// Shared by the disputes tests: demo users signed in, a valid ID number for a prefix, a point
// inside a current base grid of a community (PostGIS's point on its surface), a dispute body.
import type { Knex } from 'knex'
import { loginAs, type Client } from '../support/http.ts'
import { checkCharacter } from '../../server/privacy/idNumber.ts'

export const USERS = ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst', 'auditor'] as const

export async function signIn(client: Client): Promise<Record<string, Record<string, string>>> {
  const auth: Record<string, Record<string, string>> = {}
  for (const u of USERS) auth[u] = await loginAs(client, u)
  return auth
}

export const idOf = (first17: string) => first17 + checkCharacter(first17)
/** The same number with a wrong check character. */
export const badIdOf = (first17: string) => first17 + (checkCharacter(first17) === '1' ? '2' : '1')

export async function pointIn(knex: Knex, community: string): Promise<{ lon: number; lat: number; grid: string }> {
  const g = await knex('grid').where({ community_code: community, kind: 'base' }).whereNull('valid_to').orderBy('code')
    .first('code', knex.raw('ST_X(ST_PointOnSurface(geom)) AS lon'), knex.raw('ST_Y(ST_PointOnSurface(geom)) AS lat')) as { code: string; lon: number; lat: number }
  return { lon: Number(g.lon), lat: Number(g.lat), grid: g.code }
}

let serial = Date.now() % 900 + 100
export function disputeBody(at: { lon: number; lat: number }, over: Record<string, unknown> = {}): Record<string, unknown> {
  serial = (serial + 1) % 1000
  const s = String(serial).padStart(3, '0')
  return {
    title: '楼上漏水邻里纠纷', description: '楼上住户卫生间漏水，多次协商未果。', type: 'neighbour', riskLevel: 'low', amount: 3000,
    location: { lon: at.lon, lat: at.lat },
    parties: [
      { role: 'applicant', name: '欧阳娜娜', idNumber: idOf(`37010219850615${s}`), phone: '13912345678' },
      { role: 'respondent', name: '张三', idNumber: idOf(`37010219900101${s}`), phone: '13800001111' },
    ],
    ...over,
  }
}
