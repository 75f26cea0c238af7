// `npm run backup [-- --out FILE]`: one archive file with the database (a pg_dump with
// DATABASE_URL, else the embedded engine's data directory, the server stopped) and the attachment
// files, with a manifest of checksums. See README "Backup and restore".
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { BackupError } from '../backup/errors.ts'
import { backupPostgres } from '../backup/postgres.ts'
import { backupEmbedded } from '../backup/embedded.ts'

const usage = 'usage: npm run backup [-- --out FILE]   (default: backups/gridgov-<engine>-<time>.tar)'

try {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean' } }, strict: true })
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const config = loadConfig()
  const engine = config.databaseUrl ? 'postgresql' : 'embedded'
  const out = values.out ?? path.join('backups', `gridgov-${engine}-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`)
  const result = config.databaseUrl
    ? await backupPostgres(config.databaseUrl, config.dataDir, out)
    : await backupEmbedded(config.dataDir, out)
  const m = result.manifest
  const rows = Object.values(m.tables).reduce((a, b) => a + b, 0)
  const files = m.parts.filter((p) => p.name.startsWith('attachments/')).length
  process.stdout.write(`backup written: ${result.file}\n  engine ${m.engine}, ${m.migrations.length} migrations, ` +
    `${Object.keys(m.tables).length} tables (${rows} rows), ${files} attachment files\n`)
  if (m.missingAttachments.length) {
    process.stderr.write(`warning: ${m.missingAttachments.length} attachment files named by the database were missing from ${config.dataDir}/attachments ` +
      `(listed in the manifest as missingAttachments)\n`)
  }
} catch (err) {
  const known = err instanceof BackupError || err instanceof ConfigError || ((err as { code?: string }).code ?? "").startsWith('ERR_PARSE_ARGS')
  process.stderr.write(`gridgov backup: ${(err as Error).message}\n${known ? '' : `${(err as Error).stack ?? ''}\n`}`)
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`${usage}\n`)
  process.exit(err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1)
}
