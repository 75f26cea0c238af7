// POST /api/v1/classify and GET /model over HTTP, the intake's use of the classifier (a report
// without a class: applied at or above the confidence, left to the operator below it), the
// correction an operator's accept keeps, and a retrain that learns from it.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { openOwnContext } from '../support/ownDatabase.ts'
import type { AppContext } from '../../server/context.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { forgetModel, retrain } from '../../server/classify/store.ts'
import { classify } from '../../server/classify/service.ts'
import { DEFAULT_APPLY_CONFIDENCE } from '../../server/classify/policy.ts'
import { loadCorpus } from '../../server/classify/corpus.ts'
import { wordNote } from '../../web-map/src/panels/events/historyWording.ts'

describe('classify: API, intake and corrections', function () {
  this.timeout(120_000)
  // its own database: the corpus takes the newest events per class, which other files' events
  // (imports, generated history) would push out of a shared database
  let own: { context: AppContext; close(): Promise<void> }
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p: { lon: number; lat: number; grid: string }
  const report = (over: Record<string, unknown>) => client.post('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' }, ...over,
  }, auth.command)

  before(async () => {
    own = await openOwnContext('classify')
    client = await testClient(own.context)
    knex = own.context.knex
    for (const u of ['command', 'analyst', 'inspector']) auth[u] = await loginAs(client, u)
    p = await pointIn(knex, '990102001002', 3)
    forgetModel(knex)
    await retrain(knex, 'test: api')
  })
  after(async () => { await own?.close() })

  it('answers the best class and the next two, most confident first, with demand type and tags', async () => {
    const res = await client.post('/api/v1/classify', { description: '小区门口的垃圾桶满了，垃圾袋扔得满地都是，好几天没人清运' }, auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const { modelId, suggestions } = res.json()
    expect(modelId).to.be.a('number')
    expect(suggestions).to.have.length(3)
    expect(suggestions[0]).to.include({ classCode: '0102', className: '暴露垃圾', demandType: '投诉举报' })
    const c = suggestions.map((s: { confidence: number }) => s.confidence)
    expect(c[0]).to.be.at.least(c[1]).and.at.least(c[2])
    expect(c.reduce((a: number, b: number) => a + b)).to.be.at.most(1.0001)
    expect(new Set(suggestions.map((s: { classCode: string }) => s.classCode)).size).to.equal(3)
    expect(suggestions[0].tags.some((t: string) => t.includes('垃圾'))).to.equal(true)
  })

  it('reads the demand type from cue words', async () => {
    const ask = await classify(knex, '请问小区门口的路灯坏了归哪个部门管？')
    expect(ask.suggestions[0]!.demandType).to.equal('咨询')
    const help = await classify(knex, '路边有位老人摔倒了起不来，请帮忙')
    expect(help.suggestions[0]!.demandType).to.equal('求助')
  })

  it('refuses bad input naming the field: a 1 MB description, none, an unknown field', async () => {
    expectRefusal(await client.post('/api/v1/classify', { description: 'a'.repeat(1024 * 1024) }, auth.command), 'description', '1 MB ASCII')
    expectRefusal(await client.post('/api/v1/classify', { description: '垃'.repeat(350_000) }, auth.command), 'description', '1 MB of Chinese')
    expectRefusal(await client.post('/api/v1/classify', { description: '   ' }, auth.command), 'description', 'blank')
    expectRefusal(await client.post('/api/v1/classify', {}, auth.command), 'description', 'missing')
    const extra = await client.post('/api/v1/classify', { description: '垃圾', classCode: '0102' }, auth.command)
    expect(extra.statusCode).to.equal(400)
    expect(extra.body).to.include('classCode')
  })

  it('is for staff and systems: a GIS analyst is refused, no sign-in is 401', async () => {
    expect((await client.post('/api/v1/classify', { description: '垃圾' }, auth.analyst)).statusCode).to.equal(403)
    expect((await client.post('/api/v1/classify', { description: '垃圾' })).statusCode).to.equal(401)
  })

  it('describes the model in use', async () => {
    const res = await client.get('/api/v1/classify/model', auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const m = res.json()
    const { rows } = await knex.raw('SELECT id, jsonb_array_length(classes) AS n FROM classify_model ORDER BY id DESC LIMIT 1')
    expect(m).to.include({ id: Number(rows[0].id), classes: rows[0].n, applyConfidence: DEFAULT_APPLY_CONFIDENCE })
    expect(m.samples.lexicon).to.be.above(0)
  })

  it('applies a confident class at intake and files the report as usual', async () => {
    const description = uniq('马路边有人偷偷倒了一大堆生活垃圾，臭气熏天')
    const expected = (await classify(knex, description)).suggestions[0]!
    expect(expected.confidence, 'the test needs a confident description').to.be.at.least(DEFAULT_APPLY_CONFIDENCE)
    const res = await report({ description })
    expect(res.statusCode, res.body).to.equal(201)
    const { event } = res.json()
    expect(event.class.code ?? event.classCode).to.equal(expected.classCode)
    expect(event.status).to.equal('dispatched')
    const row = await knex('event_classification').join('event', 'event.id', 'event_classification.event_id').where('event.number', event.number)
      .first('applied', 'suggestions')
    expect(row.applied).to.equal(true)
    expect(row.suggestions[0].classCode).to.equal(expected.classCode)
    const hist = await client.get(`/api/v1/events/${event.number}/history`, auth.command)
    expect(hist.json().items[0].explanation.classification.applied).to.equal(true)
    expect(hist.json().items[0].note).to.deep.include({ code: 'report.classified' })
    expect(hist.json().items[0].note.params).to.include({ classCode: expected.classCode, confidence: expected.confidence, applied: true })
    expect(wordNote(hist.json().items[0].note)).to.include('已采用')
  })

  it('stores nothing when a step after the insert fails, so a retry makes one event, not two', async () => {
    const description = uniq('小区门口的垃圾桶满了好几天没人清运')
    // the classification record is written in the insert's transaction: make it fail once
    await knex.raw(`CREATE FUNCTION pg_temp_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`)
    await knex.raw('CREATE TRIGGER refuse_classification BEFORE INSERT ON event_classification FOR EACH ROW EXECUTE FUNCTION pg_temp_refuse()')
    try {
      const failed = await report({ description })
      expect(failed.statusCode).to.equal(500)
      expect(await knex('event').where({ description }).count('* as n').first().then((r) => Number(r?.n))).to.equal(0)
    } finally {
      await knex.raw('DROP TRIGGER refuse_classification ON event_classification')
      await knex.raw('DROP FUNCTION pg_temp_refuse()')
    }
    const retried = await report({ description })
    expect(retried.statusCode, retried.body).to.equal(201)
    expect(await knex('event').where({ description }).count('* as n').first().then((r) => Number(r?.n))).to.equal(1)
    const number = retried.json().event.number
    expect(await knex('event_classification').join('event', 'event.id', 'event_classification.event_id').where('event.number', number).count('* as n').first().then((r) => Number(r?.n))).to.equal(1)
  })

  it('leaves an unsure class to the operator; accepting with another class keeps a correction, and a retrain learns it', async () => {
    const description = uniq('那边的情况麻烦派人来看一下')
    const before = (await classify(knex, description)).suggestions
    expect(before[0]!.confidence, 'the test needs an unsure description').to.be.below(DEFAULT_APPLY_CONFIDENCE)
    const res = await report({ description })
    expect(res.statusCode, res.body).to.equal(201)
    const { event } = res.json()
    expect(event.status).to.equal('reported')
    const stored = await knex('event_classification').join('event', 'event.id', 'event_classification.event_id').where('event.number', event.number)
      .first('applied', 'suggestions')
    expect(stored.applied).to.equal(false)
    expect(stored.suggestions.map((s: { classCode: string }) => s.classCode)).to.deep.equal(before.map((s) => s.classCode))
    // while the guess waits for an operator, training does not learn it; the confident report it does
    const pending = await loadCorpus(knex)
    expect(pending.samples.some((x) => x.text === description)).to.equal(false)
    expect(pending.samples.some((x) => x.text.startsWith('马路边有人偷偷倒了一大堆生活垃圾'))).to.equal(true)
    const chosen = before[0]!.classCode === '0601' ? '0602' : '0601'
    const bad = await client.post(`/api/v1/events/${event.number}/transitions`, { action: 'accept', classCode: '0600' }, auth.command)
    expectRefusal(bad, 'classCode', 'unknown class')
    const acc = await client.post(`/api/v1/events/${event.number}/transitions`, { action: 'accept', classCode: chosen }, auth.command)
    expect(acc.statusCode, acc.body).to.equal(200)
    const after = await knex('event').where({ number: event.number }).first('class_code', 'status', 'config_versions')
    expect(after).to.deep.include({ class_code: chosen, status: 'accepted' })
    // the event now runs under the chosen class's version in force, the other pins unchanged
    const version = await knex('config_version').where({ kind: 'classes', key: chosen }).where('effective_from', '<=', new Date())
      .where((w) => w.whereNull('effective_to').orWhere('effective_to', '>', new Date())).orderBy('effective_from', 'desc').first('id')
    expect(after.config_versions.classes).to.equal(Number(version.id))
    const corr = await knex('classify_correction').where({ description }).first('suggested_class', 'chosen_class', 'confidence')
    expect(corr).to.deep.include({ suggested_class: before[0]!.classCode, chosen_class: chosen })
    expect(corr.confidence).to.be.closeTo(before[0]!.confidence, 1e-4)
    const hist = await client.get(`/api/v1/events/${event.number}/history`, auth.command)
    const accept = hist.json().items.find((h: { action: string }) => h.action === 'accept')
    expect(accept.explanation.classCode).to.include({ from: before[0]!.classCode, to: chosen })
    expect(accept.note).to.deep.equal({ code: 'accept.reclassified', params: { from: before[0]!.classCode, to: chosen } })
    const reportNote = hist.json().items[0].note
    expect(reportNote.params.applied).to.equal(false)
    expect(wordNote(reportNote)).to.include('待受理时人工确认')
    // the class belongs to accept only
    const wrong = await client.post(`/api/v1/events/${event.number}/transitions`, { action: 'dispatch', classCode: '0102' }, auth.command)
    expectRefusal(wrong, 'classCode', 'not on accept')
    const prob = (r: Awaited<ReturnType<typeof classify>>) => r.suggestions.find((s) => s.classCode === chosen)?.confidence ?? 0
    const was = prob(await classify(knex, description, 50))
    const m = await retrain(knex, 'test: after a correction')
    expect(m.samples.corrections).to.equal(1)
    expect(prob(await classify(knex, description, 50))).to.be.above(was)
  })

  it('requires the class on channels that name it themselves (inspector app), naming classCode', async () => {
    const res = await client.post('/api/v1/events', { channel: 'inspector_app', demandType: '投诉举报', description: uniq('路边垃圾'),
      location: { x: p.lon, y: p.lat, crs: 'EPSG:4490' } }, auth.inspector)
    expectRefusal(res, 'classCode', 'inspector app without a class')
  })

  it('loads a model another instance trained: the newest row wins', async () => {
    const mine = await classify(knex, '垃圾')
    const other = await retrain(knex, 'test: another instance')
    forgetModel(knex)
    expect((await classify(knex, '垃圾')).modelId).to.equal(other.id)
    expect(other.id).to.be.above(mine.modelId)
  })
})
