// Backup and restore of the embedded engine (PGlite in DATA_DIR/pgdata, no DATABASE_URL): the
// server is stopped (its lock file says), PGlite is opened once to read the manifest's facts and
// closed (a clean shutdown, so the files are consistent), and the data directory is archived file
// by file. A physical copy: it restores into the embedded engine of the same PGlite release, not
// into a PostgreSQL server (PGlite is PostgreSQL 18, and pg_dump 15 cannot read it).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { BackupError } from './errors.ts'
import { PGDATA_PREFIX, countRows, readFacts, type Query } from './manifest.ts'
import {
  attachmentSources, compareFacts, installAttachments, lockDataDir, refuseEngine, refuseExisting, unpackAndVerify, writeBackup, type BackupResult,
} from './files.ts'
import type { EntrySource } from './archive.ts'
import type { RestoreOptions } from './postgres.ts'

const pgdataOf = (dataDir: string) => path.join(dataDir, 'pgdata')

function pgliteVersion(): string {
  // the package's exports do not include package.json: read it beside the resolved entry point
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')))
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string }
  return `${pkg.name} ${pkg.version}`
}

async function withPglite<T>(pgdata: string, fn: (query: Query) => Promise<T>): Promise<T> {
  const db = await PGlite.create({ dataDir: pgdata, extensions: { postgis } })
  try {
    return await fn(async <R>(sql: string, params: unknown[] = []) => (await db.query<R>(sql, params)).rows)
  } finally {
    await db.close()
  }
}

/**
 * Every directory and file of the data directory, with its archive name (pgdata/...): the empty
 * directories too, PostgreSQL does not start without them (pg_tblspc, pg_notify, ...).
 */
function dataFiles(pgdata: string): EntrySource[] {
  const names = (fs.readdirSync(pgdata, { recursive: true }) as string[]).sort()
  return names.flatMap((rel): EntrySource[] => {
    const st = fs.lstatSync(path.join(pgdata, rel))
    const name = PGDATA_PREFIX + rel.split(path.sep).join('/')
    if (st.isDirectory()) return [{ name: `${name}/`, directory: true }]
    if (!st.isFile()) throw new BackupError('pgdata_unexpected', `unexpected non-file ${rel} in ${pgdata}`)
    return path.basename(rel) === 'postmaster.pid' ? [] : [{ name, file: path.join(pgdata, rel) }]
  })
}

export async function backupEmbedded(dataDir: string, out: string): Promise<BackupResult> {
  refuseExisting(out)
  const pgdata = pgdataOf(dataDir)
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    throw new BackupError('no_database', `no embedded database in ${dataDir} (${pgdata} is missing): check DATA_DIR`)
  }
  const release = lockDataDir(dataDir)
  try {
    const facts = await withPglite(pgdata, readFacts)
    const { sources, missing } = attachmentSources(dataDir, facts.attachments)
    return await writeBackup(out, 'embedded', facts, pgliteVersion(), [...dataFiles(pgdata), ...sources], missing)
  } finally {
    release()
  }
}

/**
 * Restores into DATA_DIR, whose embedded database must not exist (or --force: it is moved aside
 * to pgdata.before-restore-<time>, not deleted). The archive is checked completely first; the
 * restored database is opened and compared with the manifest, and put back out if it differs.
 */
export async function restoreEmbedded(dataDir: string, archive: string, opts: RestoreOptions = {}): Promise<void> {
  const log = opts.log ?? (() => undefined)
  const pgdata = pgdataOf(dataDir)
  const occupied = fs.existsSync(pgdata) && fs.readdirSync(pgdata).length > 0
  if (occupied && !opts.force) {
    throw new BackupError('target_not_empty', `${dataDir} already holds an embedded database (${pgdata}); ` +
      'restore into an empty DATA_DIR, or pass --force to move the existing one aside')
  }
  const unpacked = await unpackAndVerify(archive)
  try {
    refuseEngine(unpacked.manifest, 'embedded')
    log(`archive verified: ${unpacked.manifest.parts.length} parts, made ${unpacked.manifest.createdAt}`)
    const release = lockDataDir(dataDir)
    try {
      const aside = occupied ? `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}` : undefined
      if (aside) {
        await fs.promises.rename(pgdata, aside)
        log(`--force: the previous database was moved to ${aside}`)
      }
      await fs.promises.rm(pgdata, { recursive: true, force: true })
      await moveTree(path.join(unpacked.dir, 'pgdata'), pgdata)
      try {
        const { migrations, tables } = await withPglite(pgdata, async (query) => ({
          migrations: (await query<{ name: string }>('SELECT name FROM schema_migration ORDER BY version')).map((r) => r.name),
          tables: await countRows(query),
        }))
        compareFacts(unpacked.manifest, migrations, tables)
      } catch (err) {
        await fs.promises.rm(pgdata, { recursive: true, force: true })
        if (aside) await fs.promises.rename(aside, pgdata)
        throw err instanceof BackupError ? err
          : new BackupError('restore_failed', `the restored database does not open (${(err as Error).message}); was the archive made by another PGlite release? ${unpacked.manifest.database.tool}`)
      }
      const files = await installAttachments(unpacked, dataDir)
      log(`embedded database restored; ${files} attachment files written to ${path.join(dataDir, 'attachments')}`)
    } finally {
      release()
    }
  } finally {
    await unpacked.cleanup()
  }
}

/** Moves the unpacked directory into place (a copy when the temporary directory is on another disk). */
async function moveTree(from: string, to: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(to), { recursive: true })
  try {
    await fs.promises.rename(from, to)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
    await fs.promises.cp(from, `${to}.partial`, { recursive: true })
    await fs.promises.rename(`${to}.partial`, to)
  }
}
