// Quality of handling: the score of the formula worked by hand, the reviews over the API (who may
// give which, when, jurisdiction), the versioned weights, and the assessment's handlingQuality
// item as the mean of the unit's event scores recomputed here from the rows.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { DEFAULT_WEIGHTS, qualityScore } from '../../server/quality/score.ts'
import { computeRows } from '../../server/assessment/snapshots.ts'
import { parsePeriod } from '../../server/analytics/calendarPeriods.ts'
import { insertIndicatorEvents } from '../analytics/indicatorsSupport.ts'

describe('quality of handling', () => {
  let ctx: AppContext
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  const put = (url: string, payload: unknown, headers: Record<string, string> | undefined) =>
    client.request({ method: 'PUT', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) })

  before(async () => {
    ctx = await getTestContext()
    knex = ctx.knex
    client = await testClient(ctx)
    for (const u of ['command', 'district', 'street1', 'street2', 'department', 'community']) auth[u] = await loginAs(client, u)
    await knex('quality_weight').where({ city_code: '990100' }).delete()
  })

  after(async () => {
    await knex('quality_weight').where({ city_code: '990100' }).delete()
  })

  it('weighs the parts as the formula says, renormalising over the parts present', () => {
    const w = DEFAULT_WEIGHTS
    // D 90, C 70, satisfied (100) with follow-up 60: R = 0.5·100 + 0.5·60 = 80; 0.3·90 + 0.3·70 + 0.4·80 = 27 + 21 + 32 = 80
    expect(qualityScore({ department: 90, centre: 70, satisfaction: 'satisfied', followUp: 60 }, w).score).to.equal(80)
    // only D 90 and basically satisfied (80): (0.3·90 + 0.4·80) / 0.7 = 59 / 0.7 = 84.2857… → 84.29
    expect(qualityScore({ department: 90, centre: null, satisfaction: 'basically_satisfied', followUp: null }, w).score).to.equal(84.29)
    // only a follow-up 55: it is the resident's part and the only part
    expect(qualityScore({ department: null, centre: null, satisfaction: null, followUp: 55 }, w).score).to.equal(55)
    expect(qualityScore({ department: null, centre: null, satisfaction: null, followUp: null }, w).score).to.equal(null)
    // a zero weight leaves its part out: (0.3·90 + 0.4·0) / 0.7 = 27 / 0.7 = 38.571… → 38.57
    expect(qualityScore({ department: 10, centre: 90, satisfaction: 'dissatisfied', followUp: null }, { ...w, department: 0 }).score).to.equal(38.57)
  })

  it('takes reviews from the roles that give them, once handled, and answers the score', async () => {
    const here = await pointIn(knex, '990102001001')
    const res = await client.post('/api/v1/events', {
      channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('质量测试：道路破损'), location: { x: here.lon, y: here.lat },
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const url = `/api/v1/quality/events/${number}`
    // not handled yet
    const early = await client.post(`${url}/reviews`, { source: 'centre', score: 70 }, auth.command)
    expect(early.statusCode).to.equal(409)
    expect(early.json().code).to.equal('quality.not_handled')
    await knex('event').where({ number }).update({ status: 'closed', closed_at: new Date(), satisfaction: null })
    const noEval = await client.post(`${url}/reviews`, { source: 'follow_up', score: 60 }, auth.command)
    expect(noEval.statusCode).to.equal(409)
    const wrongRole = await client.post(`${url}/reviews`, { source: 'department', score: 90 }, auth.command)
    expect(wrongRole.statusCode).to.equal(403)
    expect(wrongRole.json().errors[0].field).to.equal('source')
    const badScore = await client.post(`${url}/reviews`, { source: 'department', score: 101 }, auth.department)
    expect(badScore.statusCode).to.equal(400)
    expect(badScore.json().errors[0].field).to.equal('score')
    const big = await client.post(`${url}/reviews`, { source: 'department', score: 90, comment: 'x'.repeat(1_000_000) }, auth.department)
    expect([400, 413]).to.include(big.statusCode)
    expect((await client.get(url, auth.street2)).statusCode, 'outside the jurisdiction').to.equal(404)
    expect((await client.post(`${url}/reviews`, { source: 'centre', score: 70 }, auth.community)).statusCode).to.equal(403)

    expect((await client.post(`${url}/reviews`, { source: 'department', score: 90, comment: '处置规范' }, auth.department)).statusCode).to.equal(201)
    expect((await client.post(`${url}/reviews`, { source: 'centre', score: 50 }, auth.command)).statusCode).to.equal(201)
    // the latest of a source counts
    expect((await client.post(`${url}/reviews`, { source: 'centre', score: 70 }, auth.district)).statusCode).to.equal(201)
    await knex('event').where({ number }).update({ satisfaction: 'satisfied' })
    const done = await client.post(`${url}/reviews`, { source: 'follow_up', score: 60 }, auth.street1)
    expect(done.statusCode, done.body).to.equal(201)
    const q = done.json()
    expect(q.score).to.equal(80)
    expect(q.parts).to.deep.equal({ department: 90, centre: 70, evaluation: 100, followUp: 60, resident: 80 })
    expect(q.weights.version).to.equal(0)
    expect(q.reviews.map((r: { source: string; score: number }) => [r.source, r.score])).to.deep.equal([['department', 90], ['centre', 50], ['centre', 70], ['follow_up', 60]])

    // a new weights version (command centre only), in force from before the close: the score follows it
    const refused = await put('/api/v1/quality/weights', { department: 1, centre: 1, resident: 2, followUpShare: 1, satisfied: 100, basically: 80, dissatisfied: 0, reason: 'x' }, auth.district)
    expect(refused.statusCode).to.equal(403)
    const zero = await put('/api/v1/quality/weights', { department: 0, centre: 0, resident: 0, followUpShare: 1, satisfied: 100, basically: 80, dissatisfied: 0, reason: '全零' }, auth.command)
    expect(zero.statusCode).to.equal(400)
    expect(zero.json().errors[0].field).to.equal('resident')
    const v1 = await put('/api/v1/quality/weights', { department: 1, centre: 1, resident: 2, followUpShare: 1, satisfied: 100, basically: 80, dissatisfied: 0,
      effectiveFrom: '2000-01-01T00:00:00+08:00', reason: '群众评价权重加倍' }, auth.command)
    expect(v1.statusCode, v1.body).to.equal(200)
    expect(v1.json().version).to.equal(1)
    const after = (await client.get(url, auth.street1)).json()
    // (1·90 + 1·70 + 2·60) / 4 = 280 / 4 = 70 (share 1: the follow-up replaces the evaluation)
    expect(after.score).to.equal(70)
    expect(after.weights.version).to.equal(1)
    const weights = (await client.get('/api/v1/quality/weights', auth.street1)).json()
    expect(weights.versions.map((v: { version: number }) => v.version)).to.deep.equal([0, 1])
    expect(weights.current.version).to.equal(1)
    await knex('quality_weight').where({ city_code: '990100' }).delete()
  })

  it('feeds the assessment: handlingQuality is each unit\'s mean event score', async () => {
    // March 2003 in Shanghai: no other test puts events there
    const at = (d: string) => `2003-03-${d}T09:00:00+08:00`
    const spec = (community: string, d: string, satisfaction: string | undefined) => ({ community, at: at(d), status: 'closed', closed: at(d), satisfaction })
    await insertIndicatorEvents(knex, [spec('990102001001', '03', 'satisfied'), spec('990102001001', '04', 'dissatisfied'), spec('990102002001', '05', undefined), spec('990102002001', '06', 'basically_satisfied')])
    const events = await knex('event').where('created_at', '>=', '2003-03-01T00:00:00+08:00').andWhere('created_at', '<', '2003-04-01T00:00:00+08:00')
      .orderBy('created_at').select('id', 'city_code', 'community_code', 'satisfaction')
    expect(events).to.have.length(4)
    const reviews: [number, string, number][] = [[0, 'department', 80], [1, 'centre', 40], [2, 'centre', 90], [3, 'department', 70], [3, 'follow_up', 50]]
    for (const [i, source, score] of reviews) await knex('event_quality_review').insert({ event_id: events[i]!.id, city_code: '990100', source, score, reviewer: 'test' })
    // by hand with the defaults (D .3, C .3, R .4; satisfied 100, basically 80, dissatisfied 0; share .5):
    // e0: D 80, R 100 → (24 + 40) / .7 = 91.428… → 91.43      e1: C 40, R 0 → (12 + 0) / .7 = 17.142… → 17.14
    // e2: C 90 → 90                                               e3: D 70, R .5·80 + .5·50 = 65 → (21 + 26) / .7 = 67.142… → 67.14
    const byHand = { '990102001001': (91.43 + 17.14) / 2, '990102002001': (90 + 67.14) / 2 }
    const rule = { code: uniq('q').replace(' ', ''), version: 1, name: '办理质量', unit: 'community' as const, periods: ['monthly' as const],
      items: [{ indicator: 'handlingQuality' as const, weight: 1, better: 'higher' as const }], effectiveFrom: '1970-01-01', createdBy: null, createdAt: '', reason: null }
    const rows = await computeRows(knex, '990100', rule, parsePeriod('monthly', '2003-03'))
    for (const [community, mean] of Object.entries(byHand)) {
      const row = rows.find((r) => r.key === community)!
      expect(row.score).to.be.closeTo(mean, 0.01)
      expect(row.items[0]!.denominator).to.equal(2)
    }
    // a community with no scored event has no score
    expect(rows.find((r) => r.key === '990102001002')!.score).to.equal(null)
  })
})
