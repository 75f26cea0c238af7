// A test file's own database (the small demo city and demo users), for files whose requests
// create or change rows (the fuzz) or plant far-away places (the role × channel matrix) that
// must never reach the shared test database other files count on.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import knexFactory from 'knex'
import pino from 'pino'
import { openDatabase } from '../../server/db/index.ts'
import { migrate } from '../../server/db/migrate.ts'
import { TokenService } from '../../server/auth/tokens.ts'
import type { AppContext } from '../../server/context.ts'
import type { Config } from '../../server/config.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { getTestDatabase } from './db.ts'
import { createTestDatabaseFrom, loadTestContent } from './template.ts'

export async function openOwnContext(prefix: string, overrides: Partial<Config> = {}): Promise<{ context: AppContext; close(): Promise<void> }> {
  const base = (await getTestDatabase()).config
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `gridgov-${prefix}-`))
  let config: Config = { ...base, dataDir, ...overrides }
  let drop = async (): Promise<void> => undefined
  let copied = false
  if (base.databaseUrl) {
    const name = `gridgov_${prefix}_${Date.now()}_${process.pid}`
    const admin = knexFactory({ client: 'pg', connection: base.databaseUrl, pool: { min: 0, max: 1 } })
    copied = await createTestDatabaseFrom(admin, name)
    const url = new URL(base.databaseUrl)
    url.pathname = `/${name}`
    config = { ...config, databaseUrl: url.toString() }
    drop = async () => {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => undefined)
      await admin.destroy()
    }
  }
  const db = await openDatabase(config)
  if (copied) await migrate(db.knex)
  else await loadTestContent(db.knex)
  const context: AppContext = {
    config, knex: db.knex, knexRead: db.knex, dbMode: db.mode, listen: db.listen,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    tokens: new TokenService(`${prefix}-secret-`.padEnd(40, 'x'), 3600), startedAt: new Date(),
    catalogue: await loadCatalogue(db.knex),
  }
  return {
    context,
    close: async () => {
      await db.close()
      await drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
