// The scheduled pass with a fixed `now`: the last closed period of each kind a rule lists is
// snapshotted once, by the scheduler (computedBy null); run again, or twice at once, it writes
// nothing more.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { runAssessmentPass } from '../../server/assessment/pass.ts'
import { COMMUNITY_ITEMS, seedMay } from './support.ts'

describe('assessment pass', () => {
  let client: Client
  let knex: Knex
  const snapshots = async () => knex('assessment_snapshot').where({ rule_code: 'T-PASS' }).orderBy(['period_kind', 'period_label'])
    .select('period_kind', 'period_label', 'computed_by', 'supersedes', 'rule_version')

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await seedMay(knex)
    const res = await client.post('/api/v1/assessment-rules', { code: 'T-PASS', name: '定时考核（测试）', unit: 'community',
      periods: ['daily', 'weekly', 'monthly', 'annual'], items: COMMUNITY_ITEMS, effectiveFrom: '2017-01-01' }, await loginAs(client, 'command'))
    expect(res.statusCode, res.body).to.equal(201)
  })

  it('snapshots the last closed period of each kind once, and nothing on a second run', async () => {
    // Thursday 1 June 2017, 02:00 in Shanghai
    const now = new Date('2017-06-01T02:00:00+08:00')
    const first = await runAssessmentPass(knex, now)
    expect(first.written).to.be.at.least(3)
    expect(await snapshots()).to.deep.equal([
      { period_kind: 'daily', period_label: '2017-05-31', computed_by: null, supersedes: null, rule_version: 1 },
      { period_kind: 'monthly', period_label: '2017-05', computed_by: null, supersedes: null, rule_version: 1 },
      { period_kind: 'weekly', period_label: '2017-W21', computed_by: null, supersedes: null, rule_version: 1 },
    ])
    // 2016 ended before the rule applies: no annual snapshot
    const again = await runAssessmentPass(knex, now)
    expect(again.written).to.equal(0)
    expect(again.skipped).to.equal(first.written + first.skipped)
    expect(await snapshots()).to.have.length(3)
    // the scheduler's May equals a May computed on request (same rule version and data)
    const shown = (await client.get('/api/v1/assessments?rule=T-PASS&kind=monthly&period=2017-05', await loginAs(client, 'command'))).json()
    expect(shown.items).to.have.length(1)
    expect(shown.items[0].computedBy).to.equal(null)
  })

  it('two passes at once write each snapshot once', async () => {
    const now = new Date('2017-06-02T00:30:00+08:00')
    const [a, b] = await Promise.all([runAssessmentPass(knex, now), runAssessmentPass(knex, now)])
    const daily = (await snapshots()).filter((s) => s.period_kind === 'daily')
    expect(daily.map((s) => s.period_label)).to.deep.equal(['2017-05-31', '2017-06-01'])
    expect(a.written + b.written).to.be.at.least(1)
    const total = await knex('assessment_snapshot').where({ period_label: '2017-06-01', period_kind: 'daily' }).count('* as n').first()
    expect(a.written + b.written).to.equal(Number(total!.n))
  })
})
