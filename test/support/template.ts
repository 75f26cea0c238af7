// On a real server, a run migrates and loads the small demo city once, into a template database;
// the shared test database and every file's own database (ownDatabase.ts) are then copies of it
// (CREATE DATABASE … TEMPLATE copies the files, about a second instead of the twelve that
// migrating and loading take). The embedded PGlite mode has no templates and loads each time.
import knexFactory, { type Knex } from 'knex'
import { openDatabase } from '../../server/db/index.ts'
import { migrate } from '../../server/db/migrate.ts'
import { loadConfig } from '../../server/config.ts'
import { generateCity, CITY_CODE } from '../../fixtures/generate.ts'
import { loadCity } from '../../fixtures/load.ts'
import { createDemoUsers, DEMO_PASSWORD, demoUsers } from '../../fixtures/users.ts'
import { hashPassword } from '../../server/auth/passwords.ts'
import { loadDemoRegisters } from '../../fixtures/registers/index.ts'
import { DEFAULT_SEED } from '../../fixtures/random.ts'

/** Set by the root hooks' global setup: names this run's databases so its teardown finds them. */
export const TEST_RUN_ENV = 'GRIDGOV_TEST_RUN'

const TEST_SCRYPT_COST = 2 ** 10

/** What every test database starts with: the migrations, the small demo city, its users and registers. */
export async function loadTestContent(knex: Knex): Promise<void> {
  await migrate(knex)
  await loadCity(knex, generateCity({ scale: 'small' }))
  await createDemoUsers(knex)
  // the demo users sign in thousands of times across the suite: a cheap scrypt cost (stored with
  // the hash, so sign-in verifies it as any other) saves minutes; new passwords keep the real cost
  const cheap = await hashPassword(DEMO_PASSWORD, TEST_SCRYPT_COST)
  await knex('app_user').whereIn('username', demoUsers.map((u) => u.username)).whereNotNull('password_hash')
    .update({ password_hash: cheap })
  await loadDemoRegisters(knex, { scale: 'small', seed: DEFAULT_SEED, cityCode: CITY_CODE })
}

export function templateName(): string | undefined {
  const run = process.env[TEST_RUN_ENV]
  return run ? `gridgov_test_${run}_template` : undefined
}

/** Builds this run's template once (mocha's main process, before any file); no-op without DATABASE_URL. */
export async function buildTemplate(): Promise<void> {
  const url = process.env.DATABASE_URL
  const name = templateName()
  if (!url || !name) return
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
  try {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
    await admin.raw('CREATE DATABASE ??', [name])
  } finally {
    await admin.destroy()
  }
  const target = new URL(url)
  target.pathname = `/${name}`
  const base = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  const db = await openDatabase({ ...base, databaseUrl: target.toString() })
  try {
    await loadTestContent(db.knex)
  } finally {
    await db.close()
  }
}

/**
 * Creates database `name` on the server of `admin`: a copy of the run's template when there is
 * one (true), else empty (false: the caller loads it).
 */
export async function createTestDatabaseFrom(admin: Knex, name: string): Promise<boolean> {
  const template = templateName()
  if (template) {
    const { rows } = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [template]) as { rows: unknown[] }
    if (rows.length) {
      await admin.raw('CREATE DATABASE ?? TEMPLATE ??', [name, template])
      return true
    }
  }
  await admin.raw('CREATE DATABASE ??', [name])
  return false
}
