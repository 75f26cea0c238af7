// Quality of a classifier on a labelled set: top-1 and top-3 accuracy, and macro-F1: the mean of
// each class's F1 (from the top-1 answers) over every class that is either a true label or a
// top-1 answer, as scikit-learn's f1_score(average='macro') does, so a class the classifier
// answers wrongly but never is right about counts with F1 0.
export interface Labelled { label: string; ranked: readonly string[] }

export interface Metrics { n: number; top1: number; top3: number; macroF1: number; perClass: Record<string, { precision: number; recall: number; f1: number; support: number }> }

export function evaluate(items: readonly Labelled[]): Metrics {
  let top1 = 0
  let top3 = 0
  const tp = new Map<string, number>()
  const predicted = new Map<string, number>()
  const support = new Map<string, number>()
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
  for (const it of items) {
    const best = it.ranked[0]
    if (best === it.label) { top1++; add(tp, it.label) }
    if (it.ranked.slice(0, 3).includes(it.label)) top3++
    if (best !== undefined) add(predicted, best)
    add(support, it.label)
  }
  const perClass: Metrics['perClass'] = {}
  for (const label of new Set([...support.keys(), ...predicted.keys()])) {
    const s = support.get(label) ?? 0
    const t = tp.get(label) ?? 0
    const p = predicted.get(label) ? t / predicted.get(label)! : 0
    const r = s ? t / s : 0
    perClass[label] = { precision: p, recall: r, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0, support: s }
  }
  const f1s = Object.values(perClass).map((c) => c.f1)
  const n = items.length
  return { n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0, macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0, perClass }
}
