// Backup and restore of a PostgreSQL server (DATABASE_URL): a custom-format pg_dump taken in an
// exported snapshot, so that the table counts and the list of attachment files read in the same
// transaction describe exactly the dumped rows; restore with pg_restore in one transaction.
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { sqlFile } from '../db/sql.ts'
import { BackupError } from './errors.ts'
import { PG_DUMP, countRows, readFacts, type Query } from './manifest.ts'
import {
  attachmentSources, compareFacts, installAttachments, refuseEngine, refuseExisting, run, unpackAndVerify, writeBackup, type BackupResult,
} from './files.ts'

const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin'
const tool = (name: string) => (fs.existsSync(path.join(BIN, name)) ? path.join(BIN, name) : name)

/** The URL without its password (the password goes to the tools as PGPASSWORD, not on a command line). */
function split(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url)
  const password = decodeURIComponent(u.password)
  u.password = ''
  return { url: u.toString(), env: password ? { PGPASSWORD: password } : {} }
}

async function connect(url: string): Promise<{ client: pg.Client; query: Query }> {
  const client = new pg.Client({ connectionString: url, application_name: 'gridgov-backup' })
  await client.connect().catch((err: Error) => {
    throw new BackupError('database_unreachable', `cannot connect to the database: ${err.message}`)
  })
  client.on('error', () => undefined)
  const query: Query = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[]
  return { client, query }
}

export async function backupPostgres(databaseUrl: string, dataDir: string, out: string): Promise<BackupResult> {
  refuseExisting(out)
  const { client, query } = await connect(databaseUrl)
  const staging = await fs.promises.mkdtemp(`${path.resolve(out)}.parts-`).catch(async () => {
    await fs.promises.mkdir(path.dirname(path.resolve(out)), { recursive: true })
    return fs.promises.mkdtemp(`${path.resolve(out)}.parts-`)
  })
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const [{ snapshot }] = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows as [{ snapshot: string }]
    const target = split(databaseUrl)
    const dumpFile = path.join(staging, PG_DUMP)
    const dump = run(tool('pg_dump'), ['--format=custom', '--no-password', `--snapshot=${snapshot}`, `--file=${dumpFile}`, `--dbname=${target.url}`], target.env)
    // the facts are read in the transaction that exported the snapshot: the dump sees the same rows
    const facts = await readFacts(query).finally(() => dump.catch(() => undefined))
    await dump
    await client.query('COMMIT')
    const version = (await run(tool('pg_dump'), ['--version'])).trim()
    const { sources, missing } = attachmentSources(dataDir, facts.attachments)
    return await writeBackup(out, 'postgresql', facts, version, [{ name: PG_DUMP, file: dumpFile }, ...sources], missing)
  } finally {
    await client.end().catch(() => undefined)
    await fs.promises.rm(staging, { recursive: true, force: true })
  }
}

export interface RestoreOptions { force?: boolean; log?: (m: string) => void }

/**
 * Restores into the database DATABASE_URL names, which must exist and be empty (or --force).
 * The archive is unpacked and checked completely before the database is touched.
 */
export async function restorePostgres(databaseUrl: string, dataDir: string, archive: string, opts: RestoreOptions = {}): Promise<void> {
  const log = opts.log ?? (() => undefined)
  const { client, query } = await connect(databaseUrl)
  try {
    const existing = await query<{ schema: string; name: string }>(sqlFile('backup/user_tables'))
    if (existing.length && !opts.force) {
      throw new BackupError('target_not_empty', `the target database is not empty (${existing.length} tables, e.g. ${existing[0]!.schema}.${existing[0]!.name}); ` +
        'restore into a new empty database (createdb), or pass --force to drop its tables, views, sequences and functions first')
    }
    const unpacked = await unpackAndVerify(archive)
    try {
      refuseEngine(unpacked.manifest, 'postgresql')
      log(`archive verified: ${unpacked.manifest.parts.length} parts, made ${unpacked.manifest.createdAt}`)
      await ensureExtensions(query, unpacked.manifest.extensions.map((e) => e.name))
      if (existing.length) await dropEverything(client, query, log)
      const target = split(databaseUrl)
      const list = path.join(unpacked.dir, 'restore.list')
      fs.writeFileSync(list, await restoreList(unpacked.file(PG_DUMP), query))
      await run(tool('pg_restore'), ['--no-owner', '--no-acl', '--single-transaction', '--exit-on-error', '--no-password',
        `--use-list=${list}`, `--dbname=${target.url}`, unpacked.file(PG_DUMP)], target.env)
      const files = await installAttachments(unpacked, dataDir)
      log(`database restored; ${files} attachment files written to ${path.join(dataDir, 'attachments')}`)
      const migrations = (await query<{ name: string }>('SELECT name FROM schema_migration ORDER BY version')).map((r) => r.name)
      compareFacts(unpacked.manifest, migrations, await countRows(query))
    } finally {
      await unpacked.cleanup()
    }
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The extensions come from the target (a superuser installs PostGIS), never from the dump. */
async function ensureExtensions(query: Query, names: string[]): Promise<void> {
  for (const name of names) {
    try {
      await query(`CREATE EXTENSION IF NOT EXISTS "${name.replace(/"/g, '')}"`)
    } catch (err) {
      throw new BackupError('extension_missing', `the target database lacks the extension ${name} and this role cannot create it ` +
        `(${(err as Error).message}): ask a superuser to run CREATE EXTENSION ${name} in it (or in template1) first`)
    }
  }
}

/**
 * The dump's table of contents without what belongs to extensions: their creation and comment
 * (owned by the superuser who installed them) and the data of their configuration tables
 * (spatial_ref_sys), which the target's extension already holds.
 */
async function restoreList(dump: string, query: Query): Promise<string> {
  const config = new Set((await query<{ t: string }>(
    "SELECT n.nspname || ' ' || c.relname AS t FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS x(oid) " +
    'JOIN pg_class c ON c.oid = x.oid JOIN pg_namespace n ON n.oid = c.relnamespace')).map((r) => r.t))
  const toc = await run(tool('pg_restore'), ['--list', dump])
  return toc.split('\n').filter((line) => {
    const m = /^\d+; \d+ \d+ (.+?) (\S+) (\S+) \S*$/.exec(line)
    if (/^\d+; \d+ \d+ (EXTENSION|COMMENT - EXTENSION) /.test(line)) return false
    return !(m && m[1] === 'TABLE DATA' && config.has(`${m[2]} ${m[3]}`))
  }).join('\n')
}

/** --force: removes our objects (never an extension's) so the dump can be restored cleanly. */
async function dropEverything(client: pg.Client, query: Query, log: (m: string) => void): Promise<void> {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`
  await client.query('BEGIN')
  try {
    const objects = await query<{ kind: string; schema: string; name: string; args: string | null }>(sqlFile('backup/droppable_objects'))
    for (const o of objects) {
      const args = o.args === null ? '' : `(${o.args})`
      await client.query(`DROP ${o.kind} IF EXISTS ${q(o.schema)}.${q(o.name)}${args} CASCADE`)
    }
    await client.query('COMMIT')
    log(`--force: dropped ${objects.length} objects of the target database`)
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  }
}
