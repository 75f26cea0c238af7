// One run per period across instances for a periodic pass (migration 0033): the instance whose
// claim moves the pass's start time forward runs it; the others skip it this period.
import os from 'node:os'
import type { Knex } from 'knex'
import { sqlFile } from './db/sql.ts'

const INSTANCE = `${os.hostname()}:${process.pid}`.slice(0, 200)

/** True when this instance claimed the current period of `name` (a period is `periodMs`). */
export async function claimPeriod(knex: Knex, name: string, periodMs: number): Promise<boolean> {
  // a little under the period: the loop's own timer and the database clock need not agree to the millisecond
  const { rows } = await knex.raw(sqlFile('background/pass_claim'), { name, instance: INSTANCE, periodSeconds: (periodMs * 0.98) / 1000 }) as { rows: unknown[] }
  return rows.length > 0
}
