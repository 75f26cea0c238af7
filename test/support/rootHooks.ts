// Root hooks, loaded with --require (.mocharc.json). The shared test database (test/support/db.ts)
// is created before the first file runs. In serial mode it is dropped after the last file; in
// parallel mode (--parallel: each worker process runs many files and mocha runs these hooks once
// per file) each worker keeps its own database for all its files, and the global teardown below,
// in mocha's main process, drops every database this run made once all workers are done.
import knexFactory from 'knex'
import { closeTestDatabase, getTestDatabase, TEST_RUN_ENV } from './db.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { buildTemplate } from './template.ts'
import { closeSharedBrowser } from '../web/browser.ts'

const parallel = process.env.MOCHA_WORKER_ID !== undefined

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(15 * 60_000)
    await getTestDatabase()
  },
  async afterAll(this: Mocha.Context) {
    if (parallel) return
    this.timeout(60_000)
    await closeSharedBrowser()
    await closeTestDatabase()
  },
}

/** In mocha's main process, before any worker: the run's name, and the map page built once (workers building it at the same time would swap web-map/dist under each other's feet). */
export async function mochaGlobalSetup(): Promise<void> {
  process.env[TEST_RUN_ENV] ??= `${Date.now().toString(36)}${process.pid}`
  await buildIfStale()
  await buildTemplate()
}

export async function mochaGlobalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL
  const run = process.env[TEST_RUN_ENV]
  if (!url || !run) return
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
  try {
    const { rows } = await admin.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`gridgov_test_${run}_%`]) as { rows: { datname: string }[] }
    for (const { datname } of rows) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname])
  } finally {
    await admin.destroy()
  }
}
