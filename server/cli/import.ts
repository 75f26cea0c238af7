// `npm run import -- <file> [--dry-run] [--kind base|industry|grid|community|component] [--crs EPSG:n] [--as user]`
// Imports a GeoJSON FeatureCollection (.geojson/.json) or a zipped Shapefile (.zip) into the
// configured database: all or nothing, after every topology rule. --dry-run reports every
// violation and writes nothing. Without --as the import runs with city-wide rights (an operator
// at the console); with --as it runs with that user's role and jurisdiction.
// Exit codes: 0 imported (or dry run clean), 1 violations or failure (nothing written), 2 usage.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { principalFor, refusal, runCommand, usage } from './importKit.ts'
import { IMPORT_KINDS, runImport, type ImportKind } from '../import/job.ts'
import { readSource } from '../import/source.ts'

const USAGE = `usage: npm run import -- <file.geojson|file.zip> [--dry-run] [--kind ${IMPORT_KINDS.join('|')}] [--crs EPSG:n] [--as username]`

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false }, kind: { type: 'string', default: 'grid' }, crs: { type: 'string' }, as: { type: 'string' }, help: { type: 'boolean', default: false } },
  })
  if (values.help || positionals.length !== 1 || !(IMPORT_KINDS as readonly string[]).includes(values.kind!)) {
    return usage(USAGE, values.help)
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
    return refusal('gridgov import', err, (e) => {
      const listed = (e.extra.violations ?? e.extra.problems ?? e.extra.outside ?? []) as { feature?: number; rule?: string; message?: string; code?: string }[]
      for (const v of listed) process.stderr.write(`  feature ${v.feature}${v.rule ? ` ${v.rule}` : ''}: ${v.message ?? v.code}\n`)
    })
  } finally {
    await db.close()
  }
}

await runCommand('gridgov import', main)
