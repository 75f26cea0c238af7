// The classifier's quality figures: metrics.ts against an independent computation (confusion
// counts per class, F1 as 2TP / (2TP + FP + FN)), on a case worked by hand and on the model's
// answers for the hand-written held-out sets; and the quality the README and bench report.
import fs from 'node:fs'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { evaluate } from '../../server/classify/metrics.ts'
import { forgetModel, retrain, type Loaded } from '../../server/classify/store.ts'
import { classifyWith } from '../../server/classify/service.ts'

interface Item { text: string; classCode: string }
const load = (name: string) => (JSON.parse(fs.readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as { items: Item[] }).items

/** The same figures computed another way: per-class confusion counts over the union of labels. */
function independent(pairs: { truth: string; ranked: string[] }[]) {
  const labels = [...new Set(pairs.flatMap((p) => [p.truth, p.ranked[0]!]))]
  let f1sum = 0
  for (const c of labels) {
    let tp = 0; let fp = 0; let fn = 0
    for (const p of pairs) {
      const hit = p.ranked[0] === c
      if (p.truth === c && hit) tp++
      else if (hit) fp++
      else if (p.truth === c) fn++
    }
    f1sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn)
  }
  const within = (k: number) => pairs.filter((p) => { const i = p.ranked.indexOf(p.truth); return i >= 0 && i < k }).length / pairs.length
  return { top1: within(1), top3: within(3), macroF1: f1sum / labels.length }
}

describe('classify: quality figures', function () {
  this.timeout(120_000)
  let knex: Knex
  let model: Loaded

  before(async () => {
    knex = await getTestDb()
    forgetModel(knex)
    model = await retrain(knex, 'test: metrics')
  })

  it('computes top-1, top-3 and macro-F1 as worked by hand', () => {
    // truth a,a,b,c; top-1 a,b,b,a → a: tp1 fp1 fn1 → F1 .5; b: tp1 fp1 fn0 → 2/3; c: tp0 → 0
    const m = evaluate([
      { label: 'a', ranked: ['a', 'b', 'c'] }, { label: 'a', ranked: ['b', 'c', 'a'] },
      { label: 'b', ranked: ['b', 'a', 'c'] }, { label: 'c', ranked: ['a', 'b', 'd'] },
    ])
    expect(m.top1).to.equal(2 / 4)
    expect(m.top3).to.equal(3 / 4)
    expect(m.macroF1).to.be.closeTo((0.5 + 2 / 3 + 0) / 3, 1e-12)
  })

  it('counts a class only ever answered wrongly with F1 0 (the union of labels)', () => {
    const m = evaluate([{ label: 'a', ranked: ['z'] }, { label: 'a', ranked: ['a'] }])
    expect(m.macroF1).to.be.closeTo((2 / 3 + 0) / 2, 1e-12)
  })

  for (const name of ['heldout', 'heldout-blind', 'heldout-blind2']) {
    it(`agrees with an independent computation on ${name}.json`, () => {
      const items = load(name)
      const pairs = items.map((it) => ({ truth: it.classCode, ranked: classifyWith(model, it.text).suggestions.map((s) => s.classCode) }))
      const mine = evaluate(pairs.map((p) => ({ label: p.truth, ranked: p.ranked })))
      const other = independent(pairs)
      expect(mine.n).to.equal(items.length)
      expect(mine.top1).to.be.closeTo(other.top1, 1e-12)
      expect(mine.top3).to.be.closeTo(other.top3, 1e-12)
      expect(mine.macroF1).to.be.closeTo(other.macroF1, 1e-12)
    })
  }

  it('holds the quality the README reports (a regression floor, not a target met by construction)', () => {
    const main = load('heldout')
    const blind = load('heldout-blind')
    const blind2 = load('heldout-blind2')
    expect(main.length).to.be.at.least(150)
    const score = (items: Item[]) => evaluate(items.map((it) => ({ label: it.classCode, ranked: classifyWith(model, it.text).suggestions.map((s) => s.classCode) })))
    const a = score(main)
    const b = score(blind)
    expect(a.top1, 'top-1 on heldout.json').to.be.above(0.85)
    expect(a.top3).to.be.above(0.95)
    expect(b.top1, 'top-1 on heldout-blind.json').to.be.above(0.7)
    expect(score(blind2).top1, 'top-1 on heldout-blind2.json').to.be.above(0.85)
  })

  it('shares no sentence between the held-out sets and the training texts', async () => {
    const { LEXICON } = await import('../../server/classify/lexicon.ts')
    const { EXAMPLES } = await import('../../server/classify/examples.ts')
    const training = new Set([...Object.values(LEXICON), ...Object.values(EXAMPLES)].flat())
    const held = [...load('heldout'), ...load('heldout-blind'), ...load('heldout-blind2')].map((it) => it.text)
    expect(held.filter((t) => training.has(t))).to.deep.equal([])
    expect(new Set(held).size).to.equal(held.length)
  })
})
