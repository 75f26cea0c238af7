// `npm run import:events -- --file x.csv|x.geojson [--dry-run] [--crs EPSG:n] [--encoding gbk] [--as user]`
// Imports historic events into the configured database, all or nothing, like
// POST /api/v1/event-imports but without its size limit. Without --as it runs with city-wide
// command-centre rights (an operator at the console). Every bad record is printed
// (line or feature, field, reason). Exit codes: 0 imported (or dry run clean), 1 bad records or
// failure (nothing written), 2 usage.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import type { Knex } from 'knex'
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { findUserByName, toPrincipal, type Principal } from '../auth/users.ts'
import { runEventImport, type EventImportReport } from './job.ts'

const USAGE = 'usage: npm run import:events -- --file <x.csv|x.geojson> [--dry-run] [--crs EPSG:n] [--encoding utf-8|gbk] [--as username]'

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

function printReport(r: EventImportReport): void {
  for (const p of r.problems) {
    const where = p.line !== undefined ? `line ${p.line}` : `feature ${p.feature}`
    process.stdout.write(`${where} ${p.field}: ${p.reason}${p.value !== undefined ? ` (value: ${p.value})` : ''}\n`)
  }
  if (r.ignoredColumns.length) process.stderr.write(`ignored columns: ${r.ignoredColumns.join(', ')}\n`)
  const basis = `located by the grid version of their time ${r.gridBasis.atReport}, by today's grids ${r.gridBasis.current}`
  process.stdout.write(r.dryRun
    ? `dry run: ${r.records} record(s), ${r.problems.length} problem(s), ${r.skipped} already imported; ${basis}; nothing written\n`
    : `imported ${r.written} event(s), ${r.skipped} already imported (import ${r.importId}); ${basis}\n`)
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: {
    file: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, crs: { type: 'string' },
    encoding: { type: 'string' }, as: { type: 'string' }, help: { type: 'boolean', default: false },
  } })
  const ext = path.extname(values.file ?? '').toLowerCase()
  if (values.help || !values.file || !['.csv', '.txt', '.geojson', '.json'].includes(ext)) {
    process.stderr.write(`${USAGE}\n`)
    return values.help ? 0 : 2
  }
  const data = fs.readFileSync(values.file)
  const db = await openDatabase(loadConfig(), (m) => process.stderr.write(`${m}\n`))
  const bar = new cliProgress.SingleBar({ format: 'import [{bar}] {value}/{total} {step}', stream: process.stderr }, cliProgress.Presets.shades_classic)
  let started = false
  try {
    const principal = await principalFor(db.knex, values.as)
    const report = await runEventImport(db.knex, principal, {
      format: ext === '.csv' || ext === '.txt' ? 'csv' : 'geojson', data, fileName: path.basename(values.file),
      charset: values.encoding, crs: values.crs,
    }, {
      dryRun: values['dry-run']!,
      onProgress: (p) => { if (!started) { bar.start(p.total, 0, { step: p.step }); started = true } bar.update(p.done, { step: p.step }) },
    })
    bar.stop()
    printReport(report)
    return report.valid ? 0 : 1
  } catch (err) {
    bar.stop()
    if (err instanceof AppError && err.status < 500) {
      process.stderr.write(`gridgov import:events: ${err.detail}\n`)
      if (err.extra.report) printReport(err.extra.report as EventImportReport)
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
  process.stderr.write(`gridgov import:events: ${(err as Error).message}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
