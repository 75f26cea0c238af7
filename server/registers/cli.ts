// `npm run import:register -- <register> <file.xlsx|file.csv> [--dry-run] [--encoding gbk] [--as user]`
// Imports a register file into the configured database, all or nothing, like
// POST /api/v1/registers/{name}/import but without its size limit. Without --as it runs with
// city-wide command-centre rights (an operator at the console). Every problem is printed (row,
// field, reason). Exit codes: 0 imported (or a clean dry run), 1 problems or failure (nothing
// written), 2 usage.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { TokenService } from '../auth/tokens.ts'
import { principalFor, refusal, runCommand, usage } from '../cli/importKit.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { routeFactories } from '../routes.ts'
import { allRegisters, registerNamed } from './registry.ts'
import { runRegisterImport, type RowProblem } from './importJob.ts'

const USAGE = 'usage: npm run import:register -- <register> <file.xlsx|file.csv> [--dry-run] [--encoding utf-8|gbk] [--as username]'

const printProblems = (problems: RowProblem[]) => {
  for (const p of problems) process.stdout.write(`row ${p.row} ${p.title ?? p.field} (${p.field}): ${p.message} [${p.code}]\n`)
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    'dry-run': { type: 'boolean', default: false }, encoding: { type: 'string' }, as: { type: 'string' }, help: { type: 'boolean', default: false },
  } })
  const [name, file] = positionals
  const ext = path.extname(file ?? '').toLowerCase()
  if (values.help || !name || !file || !['.xlsx', '.csv', '.txt'].includes(ext) || positionals.length !== 2) {
    return usage(USAGE, values.help)
  }
  const config = loadConfig()
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`))
  try {
    // the registers define themselves when their routes are built
    const context = { config, knex: db.knex, knexRead: db.knexRead, dbMode: db.mode, listen: db.listen, logger: pino({ level: 'warn' }),
      tokens: new TokenService('console-import-not-serving-requests-0000', 60), catalogue: await loadCatalogue(db.knex), startedAt: new Date() }
    for (const make of routeFactories) make(context)
    const def = registerNamed(name)
    if (!def) {
      process.stderr.write(`no register ${name}: one of ${allRegisters().map((d) => d.name).join(', ')}\n`)
      return 2
    }
    const principal = await principalFor(db.knex, values.as)
    const bytes = fs.readFileSync(file)
    const report = await runRegisterImport(db.knex, principal, def, { bytes, format: ext === '.xlsx' ? 'xlsx' : 'csv', charset: values.encoding }, { dryRun: values['dry-run']! })
    process.stdout.write(report.dryRun
      ? `dry run: ${report.rows} row(s) of ${def.title}, ${report.inserted} new and ${report.updated} updated; nothing written\n`
      : `imported ${report.rows} row(s) of ${def.title}: ${report.inserted} new, ${report.updated} updated\n`)
    if (report.ignoredColumns.length) process.stderr.write(`ignored columns: ${report.ignoredColumns.join(', ')}\n`)
    return 0
  } catch (err) {
    return refusal('gridgov import:register', err, (e) => { if (Array.isArray(e.extra.problems)) printProblems(e.extra.problems as RowProblem[]) })
  } finally {
    await db.close()
  }
}

await runCommand('gridgov import:register', main)
