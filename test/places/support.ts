// Shared by the places tests: the demo places loaded once (until test/support/db.ts loads every
// demo register), logins, a point inside a community's first base grid, valid credit codes.
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { loadDemoPlaces } from '../../fixtures/registers/places.ts'
import { creditCheckChar } from '../../server/units/creditCode.ts'

export const COMMUNITY = '990102001001'
export const OTHER_STREET_COMMUNITY = '990102002001'

export interface World { knex: Knex; client: Client; as: Record<string, Record<string, string>> }

let world: Promise<World> | undefined

export function getWorld(): Promise<World> {
  world ??= (async () => {
    const knex = await getTestDb()
    if (Number((await knex('place').count<{ n: string }[]>('* as n'))[0]!.n) === 0) {
      await loadDemoPlaces(knex, { scale: 'small', seed: 20261203, cityCode: '990100' })
    }
    const client = await testClient()
    const as: Record<string, Record<string, string>> = {}
    for (const u of ['command', 'analyst', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'auditor']) as[u] = await loginAs(client, u)
    return { knex, client, as }
  })()
  return world
}

/** A point inside the community's first current base grid, and that grid. */
export async function pointIn(knex: Knex, community: string): Promise<{ lon: number; lat: number; grid: string }> {
  const { rows } = await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1`, [community]) as { rows: { code: string; lon: number; lat: number }[] }
  return { lon: rows[0]!.lon, lat: rows[0]!.lat, grid: rows[0]!.code }
}

let seq = 0
/** A fresh valid credit code (registering authority 9, enterprise, division 990102). */
export function newCreditCode(): string {
  seq += 1
  const first17 = `91990102T${String(Date.now() % 1e6).padStart(6, '0')}${String(seq).padStart(2, '0')}`
  return first17 + creditCheckChar(first17)
}
