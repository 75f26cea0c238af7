// What both engines share: the attachment files, the external tools, the data directory lock,
// writing an archive from a manifest, and unpacking and checking one before anything is touched.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { blobPath } from '../events/attachments.ts'
import { readArchive, writeArchive, type EntrySource } from './archive.ts'
import { BackupError } from './errors.ts'
import {
  ATTACHMENTS_PREFIX, FORMAT, FORMAT_VERSION, MANIFEST, MANIFEST_SUM, acceptedName, gridgovVersion, manifestChecker, sha256,
  type DatabaseFacts, type Manifest, type Part,
} from './manifest.ts'

export interface BackupResult { file: string; manifest: Manifest }

export const attachmentName = (sha: string) => `${ATTACHMENTS_PREFIX}${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`

/** The attachment files the rows name; those missing from the store are reported, not invented. */
export function attachmentSources(dataDir: string, shas: string[]): { sources: EntrySource[]; missing: string[] } {
  const sources: EntrySource[] = []
  const missing: string[] = []
  for (const sha of shas) {
    const file = blobPath(dataDir, sha)
    if (fs.existsSync(file)) sources.push({ name: attachmentName(sha), file })
    else missing.push(sha)
  }
  return { sources, missing }
}

async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = crypto.createHash('sha256')
  let size = 0
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { size, sha256: hash.digest('hex') }
}

/**
 * Hashes the parts, writes manifest + parts to `<out>.partial` and renames it to `out` only when
 * complete; a part that changed between hashing and writing fails the backup.
 */
export async function writeBackup(out: string, engine: Manifest['engine'], facts: DatabaseFacts, tool: string,
  parts: EntrySource[], missing: string[], createdAt = new Date()): Promise<BackupResult> {
  refuseExisting(out)
  const listed: Part[] = []
  for (const p of parts) listed.push({ name: p.name, ...(p.directory ? { size: 0, sha256: sha256('') } : await hashFile(p.file!)) })
  const manifest: Manifest = {
    format: FORMAT, version: FORMAT_VERSION, engine, createdAt: createdAt.toISOString(), gridgov: gridgovVersion(),
    migrations: facts.migrations, database: { serverVersion: facts.serverVersion, tool },
    extensions: facts.extensions, tables: facts.tables, missingAttachments: missing, parts: listed,
  }
  const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
  const partial = `${out}.partial`
  await fs.promises.mkdir(path.dirname(path.resolve(out)), { recursive: true })
  await fs.promises.rm(partial, { force: true })
  const written = await writeArchive(partial, [
    { name: MANIFEST, bytes: text }, { name: MANIFEST_SUM, bytes: Buffer.from(`${sha256(text)}  ${MANIFEST}\n`) }, ...parts,
  ], createdAt)
  written.slice(2).forEach((w, i) => {
    if (w.sha256 !== listed[i]!.sha256) throw new BackupError('archive_changed', `${w.name} changed while the backup ran; run it again`)
  })
  if (fs.existsSync(out)) {
    await fs.promises.rm(partial, { force: true })
    throw new BackupError('target_exists', `${out} already exists; choose another file`)
  }
  await fs.promises.rename(partial, out)
  return { file: path.resolve(out), manifest }
}

/** Refused before any work: a backup never overwrites a file. */
export function refuseExisting(out: string): void {
  if (fs.existsSync(out)) throw new BackupError('target_exists', `${out} already exists; choose another file`)
}

export interface Unpacked { manifest: Manifest; dir: string; file(name: string): string; cleanup(): Promise<void> }

/** Unpacks the archive into a private temporary directory and checks every byte of it. */
export async function unpackAndVerify(archive: string): Promise<Unpacked> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gridgov-restore-'))
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true })
  try {
    const checker = manifestChecker()
    const entries = await readArchive(archive, dir, acceptedName, checker.onEntry)
    const manifest = checker.complete(entries.length)
    return { manifest, dir, file: (name) => path.join(dir, ...name.split('/')), cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/** Copies the archive's attachments into the store (content-addressed: an existing file is the same bytes). */
export async function installAttachments(unpacked: Unpacked, dataDir: string): Promise<number> {
  let installed = 0
  for (const p of unpacked.manifest.parts) {
    if (!p.name.startsWith(ATTACHMENTS_PREFIX)) continue
    const target = blobPath(dataDir, p.sha256)
    if (fs.existsSync(target)) continue
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    const tmp = `${target}.restore-${process.pid}`
    await fs.promises.copyFile(unpacked.file(p.name), tmp)
    await fs.promises.rename(tmp, target)
    installed++
  }
  return installed
}

export function refuseEngine(manifest: Manifest, engine: Manifest['engine']): void {
  if (manifest.engine === engine) return
  throw new BackupError('engine_mismatch', manifest.engine === 'embedded'
    ? 'this archive is of the embedded engine (a copy of its data directory): restore it without DATABASE_URL into an empty DATA_DIR'
    : 'this archive is of a PostgreSQL server (a pg_dump): set DATABASE_URL to an empty PostgreSQL database to restore it')
}

/** Runs an external tool; a failure carries the end of its stderr. */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
    child.on('error', (err) => reject(new BackupError('tool_missing', `cannot run ${file}: ${err.message}`)))
    child.on('close', (code) => code === 0 ? resolve(stdout)
      : reject(new BackupError('tool_failed', `${path.basename(file)} failed (exit ${code}): ${stderr.trim()}`)))
  })
}

/**
 * The embedded engine's lock (server/db/embedded.ts writes DATA_DIR/gridgov.lock with its pid):
 * held by any live process, this one included, it means the server runs on that directory.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'gridgov.lock')
  fs.mkdirSync(dataDir, { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockPath, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new BackupError('data_dir_locked', `the data directory ${dataDir} is in use by gridgov (pid ${holder}, see ${lockPath}): ` +
          'stop the server first; the embedded engine cannot be copied while it runs')
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new BackupError('data_dir_locked', `could not lock the data directory ${dataDir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Compares the restored database with the manifest: the migrations and every table's rows. */
export function compareFacts(manifest: Manifest, migrations: string[], tables: Record<string, number>): void {
  const problems: string[] = []
  if (migrations.join(',') !== manifest.migrations.join(',')) problems.push('the applied migrations differ')
  for (const [t, n] of Object.entries(manifest.tables)) {
    if (tables[t] !== n) problems.push(`${t}: ${tables[t] ?? 'missing'} rows, ${n} expected`)
  }
  if (problems.length) throw new BackupError('restore_mismatch', `the restored database differs from the backup: ${problems.slice(0, 5).join('; ')}`)
}
