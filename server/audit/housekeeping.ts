// The audit's daily pass in the field loop (server/positions/loop.ts): month partitions of
// access_audit a year ahead (idempotent, like position's), and the login throttle's dead rows.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

/** Login throttle rows are kept this long after their window began (at most a day of history). */
export const THROTTLE_KEEP_MS = 86_400_000

export async function pruneLoginThrottle(knex: Knex, now = new Date()): Promise<number> {
  const { rowCount } = await knex.raw(sqlFile('audit/throttle_prune'), { before: new Date(now.getTime() - THROTTLE_KEEP_MS), now }) as { rowCount: number }
  return rowCount
}

export async function runAuditHousekeeping(knex: Knex, now = new Date()): Promise<{ partitions: number; throttlePruned: number }> {
  const { rows } = await knex.raw("SELECT access_audit_ensure_partitions((now() AT TIME ZONE 'Asia/Shanghai')::date, 13) AS created") as { rows: { created: number }[] }
  return { partitions: Number(rows[0]!.created), throttlePruned: await pruneLoginThrottle(knex, now) }
}
