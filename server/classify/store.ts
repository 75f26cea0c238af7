// Models in the database: a training run writes a row, every instance loads the newest one. An
// instance asks for the newest id at most every CHECK_MS, so a retrain (npm run classify:train,
// on any machine) reaches all instances within that time without a restart. A database with no
// model yet trains one on first use from what it holds.
import type { Knex } from 'knex'
import { loadCorpus } from './corpus.ts'
import { train, type Model } from './model.ts'
import { segmenterWith } from './features.ts'

export const CHECK_MS = 5_000
export const METHOD = 'softmax logistic regression over TF-IDF (jieba words + character bigrams), SGD with L2'

export interface Loaded { id: number; trainedAt: string; model: Model; names: Map<string, string>; samples: Record<string, number> }

interface Row { id: string; trained_at: Date; samples: Record<string, number>; classes: { code: string; name: string }[]; features: [string, number][]; weights: Buffer; bias: Buffer }

const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
// float32 in the platform's order: every supported platform (x86-64, arm64) is little-endian
const bytes = (f: Float32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)

function fromRow(r: Row): Loaded {
  const model: Model = {
    classes: r.classes.map((c) => c.code), index: new Map(r.features.map(([f], i) => [f, i])),
    idf: Float32Array.from(r.features, ([, idf]) => idf), weights: floats(r.weights), bias: floats(r.bias),
  }
  return { id: Number(r.id), trainedAt: new Date(r.trained_at).toISOString(), model, names: new Map(r.classes.map((c) => [c.code, c.name])), samples: r.samples }
}

/** Trains a model from the database's corpus and stores it as the newest. */
export async function retrain(knex: Knex, trainedBy: string): Promise<Loaded> {
  const corpus = await loadCorpus(knex)
  // class names are user words: the segmenter keeps 暴露垃圾 whole in training and prediction alike
  segmenterWith([...corpus.classNames.values()])
  if (corpus.samples.length === 0) throw new Error('no event classes to train on')
  const model = train(corpus.samples)
  const names = [...model.index.keys()]
  const [row] = await knex('classify_model').insert({
    trained_by: trainedBy, method: METHOD, samples: JSON.stringify(corpus.counts),
    classes: JSON.stringify(model.classes.map((code) => ({ code, name: corpus.classNames.get(code) ?? code }))),
    features: JSON.stringify(names.map((f, i) => [f, model.idf[i]])), weights: bytes(model.weights), bias: bytes(model.bias),
    metrics: JSON.stringify({ classes: model.classes.length, features: names.length }),
  }).returning(['id', 'trained_at'])
  const loaded: Loaded = { id: Number(row.id), trainedAt: new Date(row.trained_at).toISOString(), model, names: corpus.classNames, samples: corpus.counts }
  cacheOf(knex).current = Promise.resolve(loaded)
  return loaded
}

interface Cache { current?: Promise<Loaded>; checkedAt: number; checking?: Promise<void> }
const caches = new WeakMap<Knex, Cache>()
function cacheOf(knex: Knex): Cache {
  let c = caches.get(knex)
  if (!c) caches.set(knex, (c = { checkedAt: 0 }))
  return c
}

async function loadNewest(knex: Knex): Promise<Loaded> {
  const row = await knex('classify_model').orderBy('id', 'desc').first<Row | undefined>('id', 'trained_at', 'samples', 'classes', 'features', 'weights', 'bias')
  const loaded = row ? fromRow(row) : await retrain(knex, 'system: first use')
  segmenterWith([...loaded.names.values()])
  return loaded
}

/** The newest model; the check for a newer one runs beside the answer, never in its way. */
export async function currentModel(knex: Knex): Promise<Loaded> {
  const c = cacheOf(knex)
  if (!c.current) {
    c.checkedAt = Date.now()
    c.current = loadNewest(knex)
    c.current.catch(() => { c.current = undefined })
    return c.current
  }
  if (Date.now() - c.checkedAt >= CHECK_MS && !c.checking) {
    c.checkedAt = Date.now()
    c.checking = (async () => {
      const newest = await knex('classify_model').max('id as id').first()
      const have = await c.current!
      if (newest?.id && Number(newest.id) !== have.id) {
        const next = loadNewest(knex)
        await next
        c.current = next
      }
    })().catch(() => undefined).finally(() => { c.checking = undefined })
  }
  return c.current
}

/** Forgets the loaded model (tests that retrain with other data). */
export function forgetModel(knex: Knex): void { caches.delete(knex) }
