// `npm run classify:train [-- --heldout test/classify/heldout.json]`: trains the intake classifier
// from the database (seed lexicon, class texts, event descriptions, operators' corrections) and
// stores it as the newest model; every running instance loads it within seconds. With --heldout,
// prints top-1, top-3 and macro-F1 on that labelled set ({items: [{text, classCode}]}).
import fs from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { retrain } from '../classify/store.ts'
import { classifyWith } from '../classify/service.ts'
import { evaluate } from '../classify/metrics.ts'

try {
  const { values } = parseArgs({ options: { heldout: { type: 'string' }, by: { type: 'string' } } })
  const config = loadConfig()
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`))
  try {
    const started = Date.now()
    const m = await retrain(db.knex, values.by ?? `cli: ${os.userInfo().username}@${os.hostname()}`)
    process.stdout.write(`model ${m.id}: ${m.model.classes.length} classes, ${m.model.index.size} features, samples ${JSON.stringify(m.samples)}, ${Date.now() - started} ms\n`)
    if (values.heldout) {
      const items = (JSON.parse(fs.readFileSync(values.heldout, 'utf8')) as { items: { text: string; classCode: string }[] }).items
      const r = evaluate(items.map((it) => ({ label: it.classCode, ranked: classifyWith(m, it.text).suggestions.map((s) => s.classCode) })))
      process.stdout.write(`${values.heldout}: n=${r.n} top-1 ${(r.top1 * 100).toFixed(1)} % top-3 ${(r.top3 * 100).toFixed(1)} % macro-F1 ${(r.macroF1 * 100).toFixed(1)} %\n`)
    }
  } finally {
    await db.close()
  }
} catch (err) {
  process.stderr.write(`gridgov classify:train: ${(err as Error).message}\n`)
  process.exit(err instanceof ConfigError ? 2 : 1)
}
