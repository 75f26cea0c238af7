// Throwaway PostgreSQL clusters for the replica and restart tests: a primary (and a streaming
// replica) of our own on free ports, migrated and holding the small demo city and the demo
// users, so stopping, pausing or crashing them touches no other test's database.
import knexFactory, { type Knex } from 'knex'
import { clustersAvailable, freePort, startPrimary, startReplica, type PgCluster } from '../../server/cli/cluster/postgres.ts'
import { migrate } from '../../server/db/migrate.ts'
import { generateCity } from '../../fixtures/generate.ts'
import { loadCity } from '../../fixtures/load.ts'
import { createDemoUsers } from '../../fixtures/users.ts'

const quiet = () => undefined

/** Why these tests cannot run here, or undefined. CI runs the real server, so they run there. */
export function clusterSkipReason(): string | undefined {
  if (!process.env.DATABASE_URL) return 'real PostgreSQL server only (a streaming replica and a server restart have no embedded equivalent)'
  if (!clustersAvailable()) return 'PostgreSQL 15 binaries not installed (/usr/lib/postgresql/15/bin)'
  return undefined
}

export interface SeededPrimary { primary: PgCluster; knex: Knex; close(): Promise<void> }

/** A new primary, migrated, with the small demo city and the demo users. */
export async function seededPrimary(): Promise<SeededPrimary> {
  const primary = await startPrimary({ port: await freePort() })
  const knex = knexFactory({ client: 'pg', connection: primary.url(), pool: { min: 0, max: 2 }, log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet } })
  try {
    await migrate(knex)
    await loadCity(knex, generateCity({ scale: 'small' }))
    await createDemoUsers(knex)
  } catch (err) {
    await knex.destroy()
    await primary.destroy()
    throw err
  }
  return { primary, knex, close: async () => { await knex.destroy(); await primary.destroy() } }
}

/** A streaming replica of `primary`, returned once it has replayed everything written so far. */
export async function caughtUpReplica(primary: PgCluster): Promise<PgCluster> {
  const replica = await startReplica(primary, { port: await freePort() })
  await waitForReplay(primary, replica)
  return replica
}

/** Waits until the replica has replayed the primary's current WAL position. */
export async function waitForReplay(primary: PgCluster, replica: PgCluster, ms = 60_000): Promise<void> {
  const target = await primary.psql('SELECT pg_current_wal_lsn()')
  for (const end = Date.now() + ms; ;) {
    const behind = Number(await replica.psql(`SELECT pg_wal_lsn_diff('${target}', pg_last_wal_replay_lsn())`))
    if (behind <= 0) return
    if (Date.now() > end) throw new Error(`replica still ${behind} bytes behind after ${ms} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
