// `npm run migrate`: applies pending migrations to the configured database and exits.
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { migrate } from '../db/migrate.ts'

try {
  const config = loadConfig()
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`))
  try {
    const applied = await migrate(db.knex)
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n')
  } finally {
    await db.close()
  }
} catch (err) {
  process.stderr.write(`gridgov migrate: ${(err as Error).message}\n`)
  process.exit(err instanceof ConfigError ? 2 : 1)
}
