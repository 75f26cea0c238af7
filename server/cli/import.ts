// `npm run import -- <file> [--dry-run] [--kind base|industry|grid|community|component] [--crs EPSG:n] [--as user]`
// Imports a GeoJSON FeatureCollection (.geojson/.json) or a zipped Shapefile (.zip) into the
// configured database: all or nothing, after every topology rule. --dry-run reports every
// violation and writes nothing. Without --as the import runs with city-wide rights (an operator
// at the console); with --as it runs with that user's role and jurisdiction.
// Exit codes: 0 imported (or dry run clean), 1 violations or failure (nothing written), 2 usage.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import type { Knex } from 'knex'
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { findUserByName, toPrincipal, type Principal } from '../auth/users.ts'
import { IMPORT_KINDS, runImport, type ImportKind } from '../import/job.ts'
import { readSource } from '../import/source.ts'

const USAGE = `usage: npm run import -- <file.geojson|file.zip> [--dry-run] [--kind ${IMPORT_KINDS.join('|')}] [--crs EPSG:n] [--as username]`

async function principalFor(knex: Knex, username: string | undefined): Promise<Principal> {
  if (username) {
    const row = await findUserByName(knex, username)
    if (!row || row.disabled) throw new AppError(400, 'bad_request', `no enabled user ${username}`)
    return toPrincipal(row, 'user')
  }
  const cities = await knex('admin_division').where({ level: 'city' }).pluck('code')
  return {
    kind: 'user', userId: null, username: 'console', displayName: '控制台导入', role: 'command_center',
    departmentId: null, cityCode: null, jurisdiction: Jurisdiction.of(cities as string[]),
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false }, kind: { type: 'string', default: 'grid' }, crs: { type: 'string' }, as: { type: 'string' }, help: { type: 'boolean', default: false } },
  })
  if (values.help || positionals.length !== 1 || !(IMPORT_KINDS as readonly string[]).includes(values.kind!)) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const file = positionals[0]!
  const data = fs.readFileSync(file)
  const config = loadConfig()
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`))
  const bar = new cliProgress.SingleBar({ format: 'import [{bar}] {value}/{total} {step}', stream: process.stderr }, cliProgress.Presets.shades_classic)
  try {
    const source = await readSource(data, values.crs)
    process.stderr.write(`${file}: ${source.features.length} feature(s), ${source.note}\n`)
    const principal = await principalFor(db.knex, values.as)
    bar.start(4, 0, { step: 'convert' })
    const report = await runImport(db.knex, principal, source.features, {
      kind: values.kind as ImportKind, dryRun: values['dry-run']!, crs: source.crs,
      onProgress: (p) => bar.update(p.done, { step: p.step }),
    })
    bar.stop()
    for (const v of report.violations) process.stdout.write(`feature ${v.feature} ${v.code}: ${v.rule}: ${v.message}\n`)
    process.stdout.write(report.dryRun
      ? `dry run: ${report.features} feature(s), ${report.violations.length} violation(s), nothing written\n`
      : `imported ${report.written} ${report.kind} feature(s)\n`)
    return report.valid ? 0 : 1
  } catch (err) {
    bar.stop()
    if (err instanceof AppError && err.status < 500) {
      process.stderr.write(`gridgov import: ${err.detail}\n`)
      const listed = (err.extra.violations ?? err.extra.problems ?? err.extra.outside ?? []) as { feature?: number; rule?: string; message?: string; code?: string }[]
      for (const v of listed) process.stderr.write(`  feature ${v.feature}${v.rule ? ` ${v.rule}` : ''}: ${v.message ?? v.code}\n`)
      process.stderr.write('nothing was written\n')
      return 1
    }
    throw err
  } finally {
    await db.close()
  }
}

try {
  process.exitCode = await main()
} catch (err) {
  process.stderr.write(`gridgov import: ${(err as Error).message}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
