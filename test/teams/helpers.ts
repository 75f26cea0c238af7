// Shared pieces of the teams and party tests: signed-in demo users, problem fields, a fresh team.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { loadDemoTeams } from '../../fixtures/registers/teams.ts'
import { DEFAULT_SEED } from '../../fixtures/random.ts'

export const USERS = ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'analyst', 'department', 'auditor'] as const
export type User = (typeof USERS)[number]

export async function signIn(client: Client, login: (c: Client, u: string) => Promise<Record<string, string>>) {
  const auth = {} as Record<User, Record<string, string>>
  for (const u of USERS) auth[u] = await login(client, u)
  return auth
}

/** The demo teams, loaded once into the test database unless the register loader did already. */
export async function ensureDemo(knex: Knex): Promise<void> {
  const [{ n }] = await knex('team').count({ n: '*' }) as [{ n: number }]
  if (Number(n) > 0) return
  await knex.transaction((trx) => loadDemoTeams(trx, { scale: 'small', seed: DEFAULT_SEED, cityCode: '990100' }))
}

export const fields = (res: { json(): unknown }) => ((res.json() as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field)
export const code = (res: { json(): unknown }) => (res.json() as { code?: string }).code

export function patch(client: Client, url: string, body: unknown, headers: Record<string, string>) {
  return client.request({ method: 'PATCH', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
}
export function put(client: Client, url: string, body: unknown, headers: Record<string, string>) {
  return client.request({ method: 'PUT', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
}

let seq = 0
/** A team created through the API (201 checked); answers its JSON. */
export async function newTeam(client: Client, headers: Record<string, string>, body: Record<string, unknown>) {
  const res = await client.post('/api/v1/teams', { name: `测试队伍${Date.now() % 100000}-${++seq}`, kind: 'volunteer_group', ...body }, headers)
  expect(res.statusCode, res.body).to.equal(201)
  return res.json() as Record<string, unknown> & { id: number; version: number; gridCode: string | null }
}
