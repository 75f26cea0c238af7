// The round trip both engines' tests share: a database of its own (never the shared test
// database), events with attachments made through the API, the CLI's backup, changes after it,
// and the state compared by content: every table's rows (counted from information_schema, not
// from the backup's own catalogue query), the events' ids, descriptions and geometries, and the
// attachment bytes downloaded through the API of the restored service, hashed here.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'chai'
import type { Knex } from 'knex'
import pino from 'pino'
import { loadConfig, type Config } from '../../server/config.ts'
import { openDatabase, type Database } from '../../server/db/index.ts'
import { migrate } from '../../server/db/migrate.ts'
import { TokenService } from '../../server/auth/tokens.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { generateCity } from '../../fixtures/generate.ts'
import { loadCity } from '../../fixtures/load.ts'
import { createDemoUsers } from '../../fixtures/users.ts'
import { testClient, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'

export const root = path.resolve(import.meta.dirname, '../..')

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `npm run backup|restore`'s script as the operator would (a child process, its own env). */
export function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' }
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k]
    else childEnv[k] = v
  }
  return new Promise((resolve) => {
    execFile(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, `server/cli/${script}.ts`), ...args],
      { cwd: root, env: childEnv, timeout: 5 * 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        resolve({ code, stdout, stderr })
      })
  })
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gridgov-backup-${tag}-`))
}

export async function openSeeded(config: Config): Promise<Database> {
  const db = await openDatabase(config)
  await migrate(db.knex)
  // a copy of the run's template database already holds the city and the users
  if (await db.knex('admin_division').first('code')) return db
  await loadCity(db.knex, generateCity({ scale: 'small' }))
  await createDemoUsers(db.knex)
  return db
}

export async function clientOver(db: Database, config: Config): Promise<Client> {
  return testClient({
    config, knex: db.knex, knexRead: db.knexRead, dbMode: db.mode, listen: db.listen, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    tokens: new TokenService('test-secret-test-secret-test-secret-0123', 3600), startedAt: new Date(),
    catalogue: await loadCatalogue(db.knex),
  })
}

export function baseConfig(): Config {
  return loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' })
}

/** A PNG-signed file of random bytes (the attachment endpoint checks the magic bytes). */
export function png(n: number): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), crypto.randomBytes(n)])
}

export const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex')

/** Reports an event at the nth base grid of a community and attaches the given files. */
export async function eventWithFiles(client: Client, auth: Record<string, string>, nth: number, text: string, files: Buffer[]): Promise<string> {
  const p = await pointIn(client.context.knex, '990102001001', nth)
  const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
    description: text, location: { x: p.lon, y: p.lat } }, auth)
  expect(res.statusCode, res.body).to.equal(201)
  const number = res.json().event.number as string
  for (const f of files) {
    const up = await client.request({ method: 'POST', url: `/api/v1/events/${number}/attachments?stage=intake`, payload: f,
      headers: { ...auth, 'content-type': 'image/png' } })
    expect(up.statusCode, up.body).to.equal(201)
  }
  return number
}

export interface State {
  tables: Record<string, number>
  events: { id: number; number: string; description: string; geom: string }[]
  /** Attachment id → SHA-256 of the bytes the API serves. */
  attachments: Record<string, string>
}

/**
 * The database by content: every table's rows and the events. Read with knex only, no request:
 * a request may write (sessions, the access log), so the API reads come before or after this.
 */
export async function dbState(knex: Knex): Promise<Omit<State, 'attachments'>> {
  const names = (await knex('information_schema.tables').whereNotIn('table_schema', ['pg_catalog', 'information_schema'])
    .where('table_type', 'BASE TABLE').select('table_schema', 'table_name')) as { table_schema: string; table_name: string }[]
  const tables: Record<string, number> = {}
  for (const t of names) {
    const [row] = await knex(`${t.table_schema}.${t.table_name}`).count({ n: '*' })
    tables[`${t.table_schema}.${t.table_name}`] = Number(row!.n)
  }
  const events = (await knex('event').orderBy('id').select('id', 'number', 'description', knex.raw('ST_AsEWKT(geom) AS geom')))
    .map((e: { id: number; number: string; description: string; geom: string }) => ({ id: Number(e.id), number: e.number, description: e.description, geom: e.geom }))
  return { tables, events }
}

/** Every attachment's bytes as the API serves them, hashed here. */
export async function attachmentState(client: Client, auth: Record<string, string>): Promise<Record<string, string>> {
  const attachments: Record<string, string> = {}
  const rows = await client.context.knex('event_attachment as a').join('event as e', 'e.id', 'a.event_id').orderBy('a.id').select('a.id', 'e.number')
  for (const r of rows as { id: number; number: string }[]) {
    const res = await client.request({ method: 'GET', url: `/api/v1/events/${r.number}/attachments/${r.id}`, headers: auth })
    expect(res.statusCode, `attachment ${r.id}: ${res.body.slice(0, 200)}`).to.equal(200)
    attachments[String(r.id)] = sha(res.rawPayload)
  }
  return attachments
}

/** Tables of ours in a database (empty: a fresh target). */
export async function tableCount(knex: Knex): Promise<number> {
  const [row] = await knex('information_schema.tables').whereNotIn('table_schema', ['pg_catalog', 'information_schema'])
    .whereNot('table_name', 'spatial_ref_sys').where('table_type', 'BASE TABLE').count({ n: '*' })
  return Number(row!.n)
}

/** The archive with one byte changed (XOR 0x01) at `at`. */
export function flipped(archive: string, at: number, dir: string): string {
  const bytes = fs.readFileSync(archive)
  bytes[at] = bytes[at]! ^ 0x01
  const file = path.join(dir, `flipped-${at}.tar`)
  fs.writeFileSync(file, bytes)
  return file
}

/**
 * Byte positions worth flipping: inside the first header, the manifest, its checksum entry, the
 * middle of the archive, a padding byte after the manifest, the end-of-archive zeros, and a few
 * seeded random ones.
 */
export function flipPositions(archive: string, random = 3): number[] {
  const size = fs.statSync(archive).size
  const manifestSize = Number.parseInt(fs.readFileSync(archive).toString('latin1', 124, 135), 8)
  let seed = 20261203
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  const positions = [10, 140, 512 + 40, 512 + manifestSize - 2, 512 + manifestSize + 1, Math.ceil((512 + manifestSize) / 512) * 512 + 512 + 5,
    Math.floor(size / 2), size - 700, size - 1]
  for (let i = 0; i < random; i++) positions.push(Math.floor(rnd() * size))
  return positions
}
