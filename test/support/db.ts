// The test database, shared by every test file of one mocha run:
// * DATABASE_URL set: a throwaway database created on that server (the role needs CREATEDB),
//   dropped at the end, so tests never touch real data;
// * otherwise: a fresh embedded PGlite PostGIS in a temporary directory.
// It is migrated and holds the small demo city and the demo users.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import pino from 'pino'
import { loadConfig, type Config } from '../../server/config.ts'
import { openDatabase, type Database } from '../../server/db/index.ts'
import { migrate } from '../../server/db/migrate.ts'
import { TokenService } from '../../server/auth/tokens.ts'
import type { AppContext } from '../../server/context.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { createTestDatabaseFrom, loadTestContent, TEST_RUN_ENV } from './template.ts'

export { TEST_RUN_ENV }

export interface TestDatabase {
  db: Database
  config: Config
  /** A connection string to the test database (embedded: the loopback socket). */
  url: string
}

let shared: Promise<TestDatabase> | undefined
let cleanup: (() => Promise<void>) | undefined

export function getTestDatabase(): Promise<TestDatabase> {
  shared ??= createTestDatabase()
  return shared
}

export async function getTestDb(): Promise<Knex> {
  return (await getTestDatabase()).db.knex
}

/** An application context over the test database, for in-process HTTP tests. */
export async function getTestContext(overrides: Partial<Config> = {}): Promise<AppContext> {
  const { db, config } = await getTestDatabase()
  return {
    config: { ...config, ...overrides }, knex: db.knex, knexRead: db.knexRead, dbMode: db.mode, listen: db.listen,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    tokens: new TokenService('test-secret-test-secret-test-secret-0123', 3600), startedAt: new Date(),
    catalogue: await loadCatalogue(db.knex),
  }
}

async function createTestDatabase(): Promise<TestDatabase> {
  const base = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-test-'))
  let config: Config
  let dropDatabase = async () => undefined as void
  let copied = false
  if (base.databaseUrl) {
    const name = `gridgov_test_${process.env[TEST_RUN_ENV] ?? Date.now()}_${process.pid}`
    const admin = knexFactory({ client: 'pg', connection: base.databaseUrl, pool: { min: 0, max: 1 } })
    copied = await createTestDatabaseFrom(admin, name)
    const url = new URL(base.databaseUrl)
    url.pathname = `/${name}`
    config = { ...base, databaseUrl: url.toString(), dataDir }
    dropDatabase = async () => {
      // FORCE ends our own sessions, but not an autovacuum worker busy in it (a superuser's):
      // that one ends soon, so try again a few times before giving up
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.raw("DROP DATABASE IF EXISTS ?? WITH (FORCE)", [name])
          break
        } catch (err) {
          if ((err as { code?: string }).code !== '42501' || attempt >= 10) throw err
          await new Promise((r) => setTimeout(r, 1000))
        }
      }
      await admin.destroy()
    }
  } else {
    config = { ...base, dataDir }
  }
  const db = await openDatabase(config)
  // a copy of the template only checks that nothing is pending
  if (copied) await migrate(db.knex)
  else await loadTestContent(db.knex)
  cleanup = async () => {
    await db.close()
    await dropDatabase()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  return { db, config, url: db.url }
}

export async function closeTestDatabase(): Promise<void> {
  if (!shared) return
  await shared.catch(() => undefined)
  await cleanup?.()
  shared = undefined
}
