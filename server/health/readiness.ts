import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

export interface Readiness { postgis: string; postgres: string; schema_version: string | null }

export async function databaseReadiness(knex: Knex): Promise<Readiness> {
  const { rows } = await knex.raw(sqlFile('health_readiness'))
  return rows[0]
}

export interface ReplicaReadiness { inRecovery: boolean; lagBytes: number | null; replayAgeSeconds: number | null; replayPaused: boolean | null }

/** The read replica's state, its lag measured against the primary's WAL position (read first). */
export async function replicaReadiness(primary: Knex, replica: Knex): Promise<ReplicaReadiness> {
  const { rows: [p] } = await primary.raw(sqlFile('health/primary_lsn'))
  const { rows: [r] } = await replica.raw(sqlFile('health/replica_lag'), [p.lsn])
  return {
    inRecovery: r.in_recovery, lagBytes: r.lag_bytes, replayPaused: r.replay_paused,
    replayAgeSeconds: r.replay_age_seconds === null ? null : Math.round(Number(r.replay_age_seconds) * 10) / 10,
  }
}
