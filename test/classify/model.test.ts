// The classifier's parts without the database: the features, training (deterministic), the
// probabilities against a softmax computed here from the stored weights, and the configuration.
import { expect } from 'chai'
import { featuresOf } from '../../server/classify/features.ts'
import { predict, train, vectorize, type Sample } from '../../server/classify/model.ts'
import { applyConfidence, DEFAULT_APPLY_CONFIDENCE } from '../../server/classify/policy.ts'
import { demandTypeOf } from '../../server/classify/demand.ts'
import { loadConfig } from '../../server/config.ts'

const samples: Sample[] = [
  { text: '路边一堆垃圾没人清', label: 'trash' }, { text: '垃圾桶满了溢出来', label: 'trash' }, { text: '垃圾袋扔了一地', label: 'trash' },
  { text: '半夜施工噪音扰民', label: 'noise' }, { text: '工地晚上还在打桩很吵', label: 'noise' }, { text: '装修电钻声音太吵', label: 'noise' },
  { text: '汽车停在人行道上', label: 'parking' }, { text: '私家车乱停堵住路口', label: 'parking' }, { text: '违停车辆占用消防通道', label: 'parking' },
]

describe('classify: model', function () {
  this.timeout(30_000)

  it('features a text by jieba words, characters and character bigrams', () => {
    const f = featuresOf('垃圾桶满了')
    expect(f).to.include.members(['c:垃', 'b:垃圾', 'b:圾桶', 'w:满'])
    expect(f.some((x) => x.startsWith('w:垃圾'))).to.equal(true)
    // punctuation and stop words are no features; full-width letters fold (NFKC, lower case)
    expect(featuresOf('，。！')).to.deep.equal([])
    expect(featuresOf('ＡＢＣ')).to.include('w:abc')
  })

  it('trains the same model from the same samples, and tells the classes apart', () => {
    const a = train(samples)
    const b = train(samples)
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).to.equal(true)
    expect(predict(a, '小区门口垃圾成堆').ranked[0]!.label).to.equal('trash')
    expect(predict(a, '凌晨还在施工太吵了').ranked[0]!.label).to.equal('noise')
    expect(predict(a, '有车乱停在路口').ranked[0]!.label).to.equal('parking')
  })

  it('answers probabilities equal to a softmax of the weights computed here', () => {
    const m = train(samples)
    const text = '路口垃圾很多还有车乱停'
    const v = vectorize(m, text)
    const F = m.idf.length
    const z = m.classes.map((_, c) => v.idx.reduce((s, col, i) => s + m.weights[c * F + col]! * v.val[i]!, m.bias[c]!))
    const e = z.map((x) => Math.exp(x))
    const total = e.reduce((s, x) => s + x, 0)
    const { ranked } = predict(m, text)
    for (const r of ranked) expect(r.probability).to.be.closeTo(e[m.classes.indexOf(r.label)]! / total, 1e-6)
    expect(ranked.reduce((s, r) => s + r.probability, 0)).to.be.closeTo(1, 1e-9)
    // the vector is L2-normalised TF-IDF
    expect(Math.hypot(...v.val)).to.be.closeTo(1, 1e-6)
  })

  it('reads the apply confidence from the environment; the start-up check refuses a bad one naming the key', () => {
    expect(applyConfidence({})).to.equal(DEFAULT_APPLY_CONFIDENCE)
    expect(applyConfidence({ GRIDGOV_CLASSIFY_APPLY_CONFIDENCE: '0.85' })).to.equal(0.85)
    expect(() => applyConfidence({ GRIDGOV_CLASSIFY_APPLY_CONFIDENCE: '2' })).to.throw(/GRIDGOV_CLASSIFY_APPLY_CONFIDENCE/)
    expect(() => loadConfig({ GRIDGOV_CLASSIFY_APPLY_CONFIDENCE: '1.5' })).to.throw(/GRIDGOV_CLASSIFY_APPLY_CONFIDENCE/)
    expect(() => loadConfig({ GRIDGOV_CLASSIFY_APPLY_CONFIDENCE: '0.7' })).not.to.throw()
  })

  it('reads the demand type from cue words, a complaint by default', () => {
    expect(demandTypeOf('请问垃圾几点清运？').demandType).to.equal('咨询')
    expect(demandTypeOf('感谢网格员及时处理').demandType).to.equal('建议感谢')
    expect(demandTypeOf('孩子走丢了').demandType).to.equal('求助')
    expect(demandTypeOf('路边垃圾没人清')).to.deep.equal({ demandType: '投诉举报', cue: null })
  })
})
