// Multinomial logistic regression (softmax) over TF-IDF, trained by stochastic gradient descent
// with L2 regularisation: the standard text classifier, small enough to test and to read. Chosen
// over naive Bayes because its probabilities are not pushed to 0 and 1 by the many correlated
// features (words and the bigrams inside them), and the intake compares them with a threshold.
import { featuresOf } from './features.ts'

export interface Sample { text: string; label: string; weight?: number }

export interface Model {
  classes: string[]
  /** feature → column */
  index: Map<string, number>
  idf: Float32Array
  /** classes × features, row-major */
  weights: Float32Array
  bias: Float32Array
}

export interface TrainOptions { epochs?: number; rate?: number; l2?: number; seed?: number }
const DEFAULTS: Required<TrainOptions> = { epochs: 40, rate: 0.8, l2: 1e-5, seed: 20261204 }

interface Vector { idx: Int32Array; val: Float32Array }

/** The TF-IDF vector of a text (binary term frequency: descriptions are short), L2-normalised. */
export function vectorize(m: Pick<Model, 'index' | 'idf'>, text: string): Vector {
  const cols: number[] = []
  for (const f of featuresOf(text)) {
    const c = m.index.get(f)
    if (c !== undefined) cols.push(c)
  }
  const val = new Float32Array(cols.length)
  let norm = 0
  cols.forEach((c, i) => { val[i] = m.idf[c]!; norm += val[i]! * val[i]! })
  norm = Math.sqrt(norm) || 1
  for (let i = 0; i < val.length; i++) val[i]! /= norm
  return { idx: Int32Array.from(cols), val }
}

/** A deterministic generator (mulberry32): the same samples train the same model. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function scores(m: Model, v: Vector, out: Float64Array): void {
  const F = m.idf.length
  for (let c = 0; c < m.classes.length; c++) {
    let s = m.bias[c]!
    const row = c * F
    for (let i = 0; i < v.idx.length; i++) s += m.weights[row + v.idx[i]!]! * v.val[i]!
    out[c] = s
  }
  let max = -Infinity
  for (let c = 0; c < out.length; c++) max = Math.max(max, out[c]!)
  let sum = 0
  for (let c = 0; c < out.length; c++) { out[c] = Math.exp(out[c]! - max); sum += out[c]! }
  for (let c = 0; c < out.length; c++) out[c]! /= sum
}

export function train(samples: readonly Sample[], options: TrainOptions = {}): Model {
  const o = { ...DEFAULTS, ...options }
  const classes = [...new Set(samples.map((s) => s.label))].sort()
  const classOf = new Map(classes.map((c, i) => [c, i]))
  const docs = samples.map((s) => featuresOf(s.text))
  const df = new Map<string, number>()
  for (const d of docs) for (const f of d) df.set(f, (df.get(f) ?? 0) + 1)
  const names = [...df.keys()].sort()
  const index = new Map(names.map((f, i) => [f, i]))
  const idf = Float32Array.from(names, (f) => Math.log((1 + docs.length) / (1 + df.get(f)!)) + 1)
  const m: Model = { classes, index, idf, weights: new Float32Array(classes.length * names.length), bias: new Float32Array(classes.length) }
  const vectors = samples.map((s) => vectorize(m, s.text))
  const order = samples.map((_, i) => i)
  const next = rng(o.seed)
  const p = new Float64Array(classes.length)
  const F = names.length
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!] }
    const rate = o.rate / (1 + epoch * 0.1)
    for (const n of order) {
      const v = vectors[n]!
      const w = samples[n]!.weight ?? 1
      const y = classOf.get(samples[n]!.label)!
      scores(m, v, p)
      const shrink = 1 - rate * o.l2
      for (let c = 0; c < classes.length; c++) {
        const g = (p[c]! - (c === y ? 1 : 0)) * w * rate
        const row = c * F
        for (let i = 0; i < v.idx.length; i++) {
          const k = row + v.idx[i]!
          m.weights[k] = m.weights[k]! * shrink - g * v.val[i]!
        }
        m.bias[c]! -= g * 0.1
      }
    }
  }
  return m
}

export interface Scored { label: string; probability: number; column: number }

/** Every class with its probability, most probable first. */
export function predict(m: Model, text: string): { ranked: Scored[]; vector: Vector } {
  const vector = vectorize(m, text)
  const p = new Float64Array(m.classes.length)
  scores(m, vector, p)
  const ranked = m.classes.map((label, column) => ({ label, probability: p[column]!, column })).sort((a, b) => b.probability - a.probability)
  return { ranked, vector }
}

/** The features of the text that speak most for a class (positive contributions, largest first). */
export function evidence(m: Model, vector: Vector, column: number, max: number): string[] {
  const F = m.idf.length
  const names = featureNames(m)
  const contrib: { f: string; v: number }[] = []
  for (let i = 0; i < vector.idx.length; i++) {
    const v = m.weights[column * F + vector.idx[i]!]! * vector.val[i]!
    if (v > 0) contrib.push({ f: names[vector.idx[i]!]!, v })
  }
  return contrib.sort((a, b) => b.v - a.v).slice(0, max).map((c) => c.f)
}

const namesCache = new WeakMap<Model, string[]>()
function featureNames(m: Model): string[] {
  let n = namesCache.get(m)
  if (!n) {
    n = new Array<string>(m.index.size)
    for (const [f, i] of m.index) n[i] = f
    namesCache.set(m, n)
  }
  return n
}
