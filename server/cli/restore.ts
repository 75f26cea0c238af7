// `npm run restore -- FILE [--force]`: checks every byte of a backup archive against its
// manifest, then restores it into the configured database (DATABASE_URL: an existing, empty
// PostgreSQL database; else the embedded engine in DATA_DIR, the server stopped) and the
// attachment files into DATA_DIR/attachments. See README "Backup and restore".
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { BackupError } from '../backup/errors.ts'
import { restorePostgres } from '../backup/postgres.ts'
import { restoreEmbedded } from '../backup/embedded.ts'

const usage = 'usage: npm run restore -- FILE [--force]   (--force: replace a non-empty target database)'

try {
  const { values, positionals } = parseArgs({ options: { force: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true })
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  if (positionals.length !== 1) throw Object.assign(new Error('name exactly one archive file'), { code: 'ERR_PARSE_ARGS_USAGE' })
  const config = loadConfig()
  const log = (m: string) => process.stdout.write(`${m}\n`)
  const archive = positionals[0]!
  if (config.databaseUrl) await restorePostgres(config.databaseUrl, config.dataDir, archive, { force: values.force, log })
  else await restoreEmbedded(config.dataDir, archive, { force: values.force, log })
  log('restore complete: the row counts of every table match the backup; start the server (it applies any newer migrations)')
} catch (err) {
  const code = (err as { code?: string }).code ?? ''
  const known = err instanceof BackupError || err instanceof ConfigError || code.startsWith('ERR_PARSE_ARGS')
  process.stderr.write(`gridgov restore: ${(err as Error).message}\n${known ? '' : `${(err as Error).stack ?? ''}\n`}`)
  if (code.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`${usage}\n`)
  process.exit(err instanceof ConfigError || code.startsWith('ERR_PARSE_ARGS') ? 2 : 1)
}
