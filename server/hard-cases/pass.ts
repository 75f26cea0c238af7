// The hard-case rule by the clock: the background pass marks every open event of every city that
// the city's rule (bounced N times, long overdue, many units) makes a hard case, as the scan of
// POST /api/v1/hard-cases/scan would for the whole city. Marking locks the event and checks for
// an open marking first, so instances running the pass together mark (and notify) each event once.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { scan } from './store.ts'

const systemOf = (cityCode: string): Principal => ({
  kind: 'user', userId: null, username: 'system', displayName: '系统自动', role: 'command_center',
  departmentId: null, cityCode, jurisdiction: Jurisdiction.of([`${cityCode}000000`]),
})

/** Marks the rule's new hard cases in every city; answers how many were marked. */
export async function runHardCasePass(knex: Knex, now = new Date()): Promise<number> {
  const cities = await knex('grid').whereNull('valid_to').where('kind', 'base').distinct('city_code').pluck('city_code') as string[]
  let marked = 0
  for (const city of cities) {
    if (!/^[0-9]{6}$/.test(city)) continue
    marked += (await scan(knex, systemOf(city), now)).marked.length
  }
  return marked
}
