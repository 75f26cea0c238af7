// Applies the numbered migrations in sql/migrations, each in its own transaction, on both
// database modes. A migration that fails leaves nothing behind (the transaction rolls back);
// a migration edited after it was applied is refused rather than silently skipped.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import type pg from 'pg'

export const migrationsDir = fileURLToPath(new URL('../../sql/migrations/', import.meta.url))

// Any constant: serialises migrations of several instances starting together.
const MIGRATION_LOCK = 7_210_442_817

interface Migration { version: string; name: string; sql: string; checksum: string }

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export function readMigrations(dir: string = migrationsDir): Migration[] {
  return fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort().map((file) => {
    const sql = fs.readFileSync(path.join(dir, file), 'utf8')
    return {
      version: file.slice(0, 4),
      name: file,
      sql,
      checksum: crypto.createHash('sha256').update(sql).digest('hex'),
    }
  })
}

export interface MigrateOptions {
  dir?: string
  /** Schema that receives the tables and the bookkeeping (default public). */
  schema?: string
}

/** Applies pending migrations; returns the names of those applied by this call. */
export async function migrate(knex: Knex, opts: MigrateOptions = {}): Promise<string[]> {
  const schema = opts.schema ?? 'public'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new MigrationError(`invalid schema name: ${schema}`)
  const migrations = readMigrations(opts.dir)
  // The statements go through a raw pg connection: migration files are plain multi-statement
  // SQL, and knex would treat every '?' in them as a binding placeholder.
  const conn = await knex.client.acquireConnection() as pg.Client
  const applied: string[] = []
  try {
    await conn.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await conn.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migration (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations) {
      if (await applyOne(conn, m, schema)) applied.push(m.name)
    }
  } finally {
    await knex.client.releaseConnection(conn)
  }
  return applied
}

async function applyOne(conn: pg.Client, m: Migration, schema: string): Promise<boolean> {
  await conn.query('BEGIN')
  try {
    await conn.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    // LOCAL: the setting ends with the transaction, whichever pooled connection this is.
    await conn.query(`SET LOCAL search_path TO ${schema}, public`)
    const done = await conn.query<{ checksum: string }>('SELECT checksum FROM schema_migration WHERE version = $1', [m.version])
    if (done.rows[0]) {
      await conn.query('ROLLBACK')
      if (done.rows[0].checksum !== m.checksum) {
        throw new MigrationError(`migration ${m.name} was changed after it was applied ` +
          '(checksum differs): add a new migration instead of editing an applied one')
      }
      return false
    }
    await conn.query(m.sql)
    await conn.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum])
    await conn.query('COMMIT')
    return true
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined)
    if (err instanceof MigrationError) throw err
    throw new MigrationError(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`, { cause: err })
  }
}
