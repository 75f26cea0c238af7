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
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { principalFor, refusal, runCommand, usage } from '../cli/importKit.ts'
import { runEventImport, type EventImportReport } from './job.ts'

const USAGE = 'usage: npm run import:events -- --file <x.csv|x.geojson> [--dry-run] [--crs EPSG:n] [--encoding utf-8|gbk] [--as username]'

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
    return usage(USAGE, values.help)
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
    return refusal('gridgov import:events', err, (e) => { if (e.extra.report) printReport(e.extra.report as EventImportReport) })
  } finally {
    await db.close()
  }
}

await runCommand('gridgov import:events', main)
