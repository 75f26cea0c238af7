// Start-up and shut-down of everything below the HTTP listener, shared by `npm start`,
// the CLI tools and the tests.
import cluster from 'node:cluster'
import pino, { type Logger } from 'pino'
import type { Config } from './config.ts'
import { openDatabase, type Database } from './db/index.ts'
import { migrate } from './db/migrate.ts'
import { resolveSecret, TokenService } from './auth/tokens.ts'
import type { AppContext } from './context.ts'
import { AppError } from './http/errors.ts'
import { loadCatalogue } from '../tiles/catalogue.ts'
import { dataKeyring } from './privacy/keyring.ts'

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  // with several HTTP workers (WORKERS) each line says which one wrote it
  return pino({ level: config.logLevel, base: cluster.isWorker ? { service: 'gridgov', worker: cluster.worker!.id, pid: process.pid } : { service: 'gridgov' } })
}

export interface Booted { context: AppContext; db: Database }

export async function boot(config: Config, logger: Logger): Promise<Booted> {
  dataKeyring((msg) => logger.warn(msg)) // refused here when NODE_ENV=production lacks GRIDGOV_DATA_KEY
  const db = await openDatabase(config, (msg) => logger.warn(msg))
  try {
    logger.info({ mode: db.mode }, 'database open')
    const applied = await migrate(db.knex)
    if (applied.length) logger.info({ applied }, 'migrations applied')
    if (config.seedDemo) await seedDemoIfEmpty(db, logger)
    if (config.env === 'production') await refuseDemoCredentials(db)
    const tokens = new TokenService(resolveSecret(config.authSecret, config.dataDir), config.tokenTtlSeconds)
    const catalogue = await loadCatalogue(db.knex)
    return { db, context: { config, knex: db.knex, knexRead: db.knexRead, dbMode: db.mode, listen: db.listen, logger, tokens, catalogue, startedAt: new Date() } }
  } catch (err) {
    await db.close().catch(() => undefined)
    throw err
  }
}

/** Loads the small demo city, the demo users and a day of demo tracks into an empty database. */
async function seedDemoIfEmpty(db: Database, logger: Logger): Promise<void> {
  const { count } = await db.knex('admin_division').count<{ count: number }>('* as count').first() ?? { count: 0 }
  if (Number(count) > 0) return
  const started = Date.now()
  const { generateCity } = await import('../fixtures/generate.ts')
  const { loadCity } = await import('../fixtures/load.ts')
  const { createDemoUsers } = await import('../fixtures/users.ts')
  const { loadTracks } = await import('../fixtures/tracksload.ts')
  const city = generateCity({ scale: 'small' })
  const summary = await loadCity(db.knex, city)
  await createDemoUsers(db.knex)
  const tracks = await loadTracks(db.knex, city)
  const { loadDemoRegisters } = await import('../fixtures/registers/index.ts')
  const { DEFAULT_SEED } = await import('../fixtures/random.ts')
  const registers = await loadDemoRegisters(db.knex, { scale: 'small', seed: DEFAULT_SEED, cityCode: city.cityCode })
  logger.info({ summary, tracks, registers, ms: Date.now() - started }, 'demo city loaded')
}

async function refuseDemoCredentials(db: Database): Promise<void> {
  const { demoCredentialsInUse } = await import('../fixtures/users.ts')
  const inUse = await demoCredentialsInUse(db.knex)
  if (inUse.length) {
    throw new AppError(500, 'demo_credentials', `refusing to start in production: demo credentials still work for ${inUse.join(', ')}; ` +
      'change their passwords, disable them or revoke the demo API key first')
  }
}
