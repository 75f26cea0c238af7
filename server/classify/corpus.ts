// The training samples: the seed lexicon, each class's own texts, the newest event descriptions
// of each class (the demo generator's, then real ones) and the operators' corrections. Weights
// balance the sources: a class with a thousand generated events must not drown one with none,
// and a correction says more than a generated description.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { LEXICON } from './lexicon.ts'
import { EXAMPLES } from './examples.ts'
import type { Sample } from './model.ts'

/** Newest event descriptions per class; together they weigh as much as a class's lexicon. */
export const EVENTS_PER_CLASS = 40
export const MAX_CORRECTIONS = 20_000
const CORRECTION_WEIGHT = 3

export interface Corpus { samples: Sample[]; counts: { lexicon: number; classTexts: number; events: number; corrections: number }; classNames: Map<string, string> }

export async function loadCorpus(knex: Knex): Promise<Corpus> {
  const { rows: classes } = await knex.raw(sqlFile('classify/training_classes')) as { rows: { code: string; name: string; filing: string; closure: string }[] }
  const known = new Set(classes.map((c) => c.code))
  const { rows: events } = await knex.raw(sqlFile('classify/training_events'), { perClass: EVENTS_PER_CLASS }) as { rows: { class_code: string; description: string }[] }
  const { rows: corrections } = await knex.raw(sqlFile('classify/training_corrections'), { max: MAX_CORRECTIONS }) as { rows: { class_code: string; description: string }[] }
  const samples: Sample[] = []
  const counts = { lexicon: 0, classTexts: 0, events: 0, corrections: 0 }
  for (const c of classes) {
    for (const text of [c.name, c.filing, c.closure].filter(Boolean)) { samples.push({ text, label: c.code }); counts.classTexts++ }
    for (const text of [...LEXICON[c.code] ?? [], ...EXAMPLES[c.code] ?? []]) { samples.push({ text, label: c.code }); counts.lexicon++ }
  }
  const perClass = new Map<string, number>()
  for (const e of events) perClass.set(e.class_code, (perClass.get(e.class_code) ?? 0) + 1)
  for (const e of events) {
    if (!known.has(e.class_code)) continue
    // a class's events together weigh like ten lexicon phrases, however many there are
    samples.push({ text: e.description, label: e.class_code, weight: 10 / perClass.get(e.class_code)! })
    counts.events++
  }
  for (const c of corrections) {
    if (!known.has(c.class_code)) continue
    samples.push({ text: c.description, label: c.class_code, weight: CORRECTION_WEIGHT })
    counts.corrections++
  }
  return { samples, counts, classNames: new Map(classes.map((c) => [c.code, c.name])) }
}
