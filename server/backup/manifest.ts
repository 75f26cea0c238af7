// The manifest: the first entry of every archive, naming what it holds and the SHA-256 of each
// part; the second entry is the manifest's own SHA-256, so the manifest is checked too.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { z } from 'zod'
import { readMigrations } from '../db/migrate.ts'
import { sqlFile } from '../db/sql.ts'
import { BackupError } from './errors.ts'
import type { ReadEntry } from './archive.ts'

export const FORMAT = 'gridgov-backup'
export const FORMAT_VERSION = 1
export const MANIFEST = 'manifest.json'
export const MANIFEST_SUM = 'manifest.json.sha256'
/** The custom-format pg_dump of a PostgreSQL database. */
export const PG_DUMP = 'database.pgdump'
/** The embedded engine's data directory, file by file. */
export const PGDATA_PREFIX = 'pgdata/'
export const ATTACHMENTS_PREFIX = 'attachments/'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)
const part = z.object({ name: z.string().min(1).max(255), size: z.number().int().min(0), sha256: sha256Hex })

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  engine: z.enum(['postgresql', 'embedded']),
  createdAt: z.iso.datetime(),
  gridgov: z.string().max(50),
  /** Migration files applied in the database at backup time, in order. */
  migrations: z.array(z.string().regex(/^\d{4}_[a-z0-9_]+\.sql$/)),
  database: z.object({ serverVersion: z.string().max(300), tool: z.string().max(300) }),
  extensions: z.array(z.object({ name: z.string().regex(/^[a-z0-9_]{1,63}$/), version: z.string().max(50) })),
  /** Rows of every table (schema.table) at backup time; a restore ends by checking them. */
  tables: z.record(z.string().max(130), z.number().int().min(0)),
  /** Attachment files the rows name that were missing from the store at backup time. */
  missingAttachments: z.array(sha256Hex),
  parts: z.array(part),
})
export type Manifest = z.output<typeof manifestSchema>
export type Part = z.output<typeof part>

/** A query runner over whichever client the engine offers. */
export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>

export interface DatabaseFacts {
  migrations: string[]
  serverVersion: string
  extensions: Manifest['extensions']
  tables: Record<string, number>
  attachments: string[]
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`

/** Row counts of every table of ours, keyed schema.table. */
export async function countRows(query: Query): Promise<Record<string, number>> {
  const tables = await query<{ schema: string; name: string }>(sqlFile('backup/user_tables'))
  const counts: Record<string, number> = {}
  for (const t of tables) {
    // identifiers come from the catalogue just read, quoted
    const [row] = await query<{ n: string | number }>(`SELECT count(*) AS n FROM ${ident(t.schema)}.${ident(t.name)}`)
    counts[`${t.schema}.${t.name}`] = Number(row!.n)
  }
  return counts
}

/** What a manifest records about the database, read in one consistent view. */
export async function readFacts(query: Query): Promise<DatabaseFacts> {
  const migrations = (await query<{ name: string }>('SELECT name FROM schema_migration ORDER BY version')).map((r) => r.name)
  const [version] = await query<{ v: string }>('SELECT version() AS v')
  const extensions = await query<{ name: string; version: string }>(sqlFile('backup/extensions'))
  const attachments = (await query<{ sha256: string }>(sqlFile('backup/attachment_blobs'))).map((r) => r.sha256.trim())
  return { migrations, serverVersion: version!.v, extensions, tables: await countRows(query), attachments }
}

export const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex')

export function gridgovVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** The names an archive may hold: anything else is refused before it is unpacked. */
export function acceptedName(name: string): boolean {
  return name === MANIFEST || name === MANIFEST_SUM || name === PG_DUMP ||
    /^attachments\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(name) ||
    (name.startsWith(PGDATA_PREFIX) && name.length > PGDATA_PREFIX.length)
}

/** Ample for a million attachment files (about 200 bytes each); a larger one is not ours. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024

const fail = (why: string) => new BackupError('archive_corrupt', `the archive does not match its manifest: ${why}`)

/**
 * Checks the archive's entries against its manifest while they are unpacked: first the manifest
 * (its own checksum, its form, migrations this code knows), then each part as it arrives (name,
 * size and SHA-256 as listed; an attachment's bytes hash to its name), so a damaged archive
 * stops at the first difference; `complete()` checks that no listed part is missing.
 */
export function manifestChecker(): { onEntry(entry: ReadEntry, index: number): void; complete(count: number): Manifest } {
  let first: ReadEntry | undefined
  let manifest: Manifest | undefined
  return {
    onEntry(entry, index) {
      if (index === 0) {
        if (entry.name !== MANIFEST) throw fail('it does not start with manifest.json')
        if (entry.size > MAX_MANIFEST_BYTES) throw fail(`the manifest is ${entry.size} bytes (at most ${MAX_MANIFEST_BYTES})`)
        first = entry
      } else if (index === 1) {
        if (entry.name !== MANIFEST_SUM) throw fail('manifest.json is not followed by its checksum')
        manifest = verifyManifest(first!, entry)
      } else {
        const p = manifest!.parts[index - 2]
        if (!p) throw fail(`more parts than the ${manifest!.parts.length} listed`)
        if (entry.name !== p.name || entry.size !== p.size || entry.sha256 !== p.sha256) throw fail(`part ${p.name}: checksum or size differs`)
        if (p.name.startsWith(ATTACHMENTS_PREFIX) && p.name.slice(-64) !== p.sha256) throw fail(`attachment ${p.name}: its bytes do not hash to its name`)
      }
    },
    complete(count) {
      if (!manifest) throw fail('the manifest is missing')
      if (count - 2 !== manifest.parts.length) throw fail(`${count - 2} parts present, ${manifest.parts.length} listed`)
      return manifest
    },
  }
}

function verifyManifest(manifestEntry: ReadEntry, sumEntry: ReadEntry): Manifest {
  const text = fs.readFileSync(manifestEntry.file)
  const stated = fs.readFileSync(sumEntry.file, 'utf8').trim().split(/\s+/)[0]
  if (stated !== sha256(text)) throw fail('the manifest checksum differs')
  let json: unknown
  try {
    json = JSON.parse(text.toString('utf8'))
  } catch {
    throw fail('the manifest is not JSON')
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    const format = (json as { format?: unknown; version?: unknown } | null)
    if (format?.format === FORMAT && format.version !== FORMAT_VERSION) {
      throw new BackupError('archive_version', `archive format version ${String(format.version)} is not supported by this gridgov (it reads version ${FORMAT_VERSION})`)
    }
    throw fail(`the manifest is invalid (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`)
  }
  const manifest = parsed.data
  const known = new Set(readMigrations().map((m) => m.name))
  const unknown = manifest.migrations.filter((m) => !known.has(m))
  if (unknown.length) {
    throw new BackupError('archive_newer', `the archive was made by a newer gridgov (migrations unknown here: ${unknown.join(', ')}); restore it with that version`)
  }
  return manifest
}
