// Assessment snapshots through the API: scores and ranks against a recount of the event rows and
// against numbers worked out by hand; a recalculation supersedes with its reason and the old one
// stays readable; jurisdiction filtering of the rows (ranks stay the city's).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { C1, C1B, C1C, C2, C3, COMMUNITY_ITEMS, DEPARTMENT_ITEMS, MAY, recount, referenceRanks, referenceScore, seedMay } from './support.ts'

interface Row { rank: number; key: string; name: string | null; score: number | null; items: { indicator: string; numerator: number; denominator: number; rate: number | null; score: number | null }[] }
interface Snap { id: number; rule: { code: string; version: number }; period: { kind: string; label: string; from: string; to: string }
  supersedes: number | null; supersededBy: number | null; reason: string | null; computedBy: number | null; rows: Row[]; chain?: Snap[] }

describe('assessment snapshots', () => {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let depts: { deptA: string; deptB: string }
  const byKey = (rows: Row[]) => new Map(rows.map((r) => [r.key, r]))
  const post = (body: unknown, h = command) => client.post('/api/v1/assessments', body, h)

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    command = await loginAs(client, 'command')
    depts = await seedMay(knex)
    for (const body of [
      { code: 'T-COMM', name: '社区考核（测试）', unit: 'community', periods: ['monthly', 'weekly'], items: COMMUNITY_ITEMS },
      { code: 'T-DEPT', name: '部门考核（测试）', unit: 'department', items: DEPARTMENT_ITEMS },
    ]) {
      const res = await client.post('/api/v1/assessment-rules', body, command)
      expect(res.statusCode, res.body).to.equal(201)
    }
  })

  let first: Snap
  it('scores and ranks each community as a recount of the event rows says, and as worked out by hand', async () => {
    const res = await post({ rule: 'T-COMM', kind: 'monthly', period: '2017-05' })
    expect(res.statusCode, res.body).to.equal(201)
    first = res.json()
    expect(first).to.include({ supersedes: null, reason: null })
    expect(first.rule).to.deep.equal({ code: 'T-COMM', version: 1 })
    expect(first.period).to.deep.equal({ kind: 'monthly', label: '2017-05', from: '2017-04-30T16:00:00.000Z', to: '2017-05-31T16:00:00.000Z' })
    const rows = byKey(first.rows)
    // every community of the city is ranked, events or not
    const communities = await knex('admin_division').where({ city_code: '990100', level: 'community' }).pluck('code')
    expect([...rows.keys()].sort()).to.deep.equal(communities.sort())

    const tally = await recount(knex, MAY.from, MAY.to, 'community')
    const expected = new Map(communities.map((c) => [c, referenceScore(COMMUNITY_ITEMS, tally.get(c))]))
    for (const [c, s] of expected) expect(rows.get(c)!.score, c).to.equal(s)
    const ranks = referenceRanks(expected)
    for (const [c, r] of ranks) expect(rows.get(c)!.rank, c).to.equal(r)
    // by hand: C1 closes 2 of 3 due, 2 of 3 overdue, 1 of 2 satisfied: (2·200/3 + 100/3 + 50) / 4
    expect(rows.get(C1)!.score).to.equal(54.17)
    expect(rows.get(C1B)!.score).to.equal(87.5)
    expect(rows.get(C3)!.score).to.equal(87.5)
    expect(rows.get(C2)!.score).to.equal(100)
    // C1C has no evaluation: its satisfaction item is left out and the weights 2 + 1 renormalised, (2·100 + 100) / 3
    expect(rows.get(C1C)!.score).to.equal(100)
    expect(rows.get(C1C)!.items[2]).to.deep.include({ indicator: 'satisfactionRate', numerator: 0, denominator: 0, rate: null, score: null })
    expect([C2, C1C, C1B, C3, C1].map((c) => rows.get(c)!.rank)).to.deep.equal([1, 1, 3, 3, 5])
    // no event at all: no item, a null score, ranked last together
    expect(rows.get('990102003001')).to.include({ rank: 6, score: null })
    expect(rows.get(C1)!.items).to.deep.equal([
      { indicator: 'closeRate', weight: 2, better: 'higher', numerator: 2, denominator: 3, rate: 2 / 3, score: 66.67 },
      { indicator: 'overdueRate', weight: 1, better: 'lower', numerator: 2, denominator: 3, rate: 2 / 3, score: 33.33 },
      { indicator: 'satisfactionRate', weight: 1, better: 'higher', numerator: 1, denominator: 2, rate: 0.5, score: 50 },
    ])
    // the rows come ranked
    expect(first.rows.map((r) => r.rank)).to.deep.equal([...first.rows.map((r) => r.rank)].sort((a, b) => a - b))
  })

  it('ranks departments; events with no assignee department are no unit', async () => {
    const res = await post({ rule: 'T-DEPT', kind: 'monthly', period: '2017-05' })
    expect(res.statusCode, res.body).to.equal(201)
    const rows = byKey((res.json() as Snap).rows)
    const tally = await recount(knex, MAY.from, MAY.to, 'department')
    for (const [key, row] of rows) expect(row.score, key).to.equal(referenceScore(DEPARTMENT_ITEMS, tally.get(key)))
    // by hand: A closes 4 of 4 with no return: 100; B closes 3 of 4, 1 of 4 dispatched returned: 75
    expect(rows.get(depts.deptA)).to.include({ rank: 1, score: 100 })
    expect(rows.get(depts.deptB)).to.include({ rank: 2, score: 75 })
    const idle = [...rows.values()].filter((r) => r.key !== depts.deptA && r.key !== depts.deptB)
    expect(idle.every((r) => r.score === null && r.rank === 3)).to.equal(true)
    expect(idle.map((r) => r.name)).to.include('松柏社区居民委员会')
    expect([...rows.values()].map((r) => r.name)).not.to.include('示范市城市运行管理指挥中心')
    expect(rows.has('unassigned')).to.equal(false)
  })

  it('a recalculation needs a reason, supersedes the current snapshot and leaves it readable', async () => {
    const again = await post({ rule: 'T-COMM', kind: 'monthly', period: '2017-05' })
    expect(again.statusCode).to.equal(400)
    expect(again.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['reason'])
    // an evaluation arrives late: C1's late closing becomes satisfied
    const [late] = await knex('event').where({ community_code: C1, satisfaction: 'dissatisfied' })
      .andWhere('created_at', '>=', MAY.from).andWhere('created_at', '<', MAY.to).pluck('id')
    await knex('event').where({ id: late }).update({ satisfaction: 'satisfied' })
    const res = await post({ rule: 'T-COMM', kind: 'monthly', period: '2017-05', reason: '补录满意度评价后重算' })
    expect(res.statusCode, res.body).to.equal(201)
    const second: Snap = res.json()
    expect(second).to.include({ supersedes: first.id, reason: '补录满意度评价后重算', supersededBy: null })
    expect(second.id).to.not.equal(first.id)
    // (2·200/3 + 100/3 + 100) / 4 = 66.67
    expect(byKey(second.rows).get(C1)!.score).to.equal(66.67)

    const old = await client.get(`/api/v1/assessments/${first.id}`, command)
    expect(old.statusCode).to.equal(200)
    expect(old.json()).to.include({ id: first.id, supersededBy: second.id })
    expect(byKey(old.json().rows).get(C1)!.score).to.equal(54.17)
    const head = await client.get(`/api/v1/assessments/${second.id}`, command)
    expect(head.json().chain.map((s: Snap) => [s.id, s.supersededBy])).to.deep.equal([[first.id, second.id]])

    const current = await client.get('/api/v1/assessments?rule=T-COMM&kind=monthly&period=2017-05', command)
    expect(current.statusCode).to.equal(200)
    expect(current.json().items.map((s: Snap) => s.id)).to.deep.equal([second.id])
    const all = await knex('assessment_snapshot').where({ rule_code: 'T-COMM', period_label: '2017-05' }).count('* as n').first()
    expect(Number(all!.n)).to.equal(2)
  })

  it('refuses a period that has not ended, and one before the rule applies', async () => {
    const now = new Date()
    const month = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7)
    const res = await post({ rule: 'T-COMM', kind: 'monthly', period: month })
    expect(res.statusCode).to.equal(409)
    expect(res.json().errors[0].field).to.equal('period')
    const future = await post({ rule: 'T-COMM', kind: 'annual', period: '2999' })
    expect(future.statusCode).to.equal(409)
    // T-DEPT assesses monthly periods only
    const weekly = await post({ rule: 'T-DEPT', kind: 'weekly', period: '2017-W20' })
    expect(weekly.statusCode).to.equal(400)
    expect(weekly.json().errors[0].field).to.equal('kind')
  })

  describe('who sees which rows', () => {
    const rowsFor = async (user: string, rule: string) => {
      const res = await client.get(`/api/v1/assessments?rule=${rule}&kind=monthly&period=2017-05`, await loginAs(client, user))
      expect(res.statusCode, `${user}: ${res.body}`).to.equal(200)
      return (res.json().items[0] as Snap).rows
    }

    it('street and community staff: the units inside their jurisdiction, with the city\'s ranks', async () => {
      const street1 = await rowsFor('street1', 'T-COMM')
      expect(street1.map((r) => r.key).sort()).to.deep.equal(['990102001001', '990102001002', '990102001003', '990102001004'])
      expect(street1.find((r) => r.key === C1B)!.rank).to.equal(3)
      const community = await rowsFor('community', 'T-COMM')
      expect(community.map((r) => r.key)).to.deep.equal([C1])
      expect((await rowsFor('district', 'T-COMM')).length).to.equal(10)
    })

    it('the command centre and analysts: every row; department staff: their own department', async () => {
      expect((await rowsFor('analyst', 'T-COMM')).length).to.equal(10)
      expect((await rowsFor('command', 'T-DEPT')).length).to.be.greaterThan(2)
      const own = await rowsFor('department', 'T-DEPT')
      expect(own.map((r) => [r.key, r.rank, r.score])).to.deep.equal([[depts.deptA, 1, 100]])
      // street staff see the departments located in their street (its office and committees), not the district's bureaus
      const street1 = await rowsFor('street1', 'T-DEPT')
      expect(street1.map((r) => r.key)).to.not.include(depts.deptA)
      expect(street1.map((r) => r.name)).to.include('永安街道办事处')
    })

    it('one snapshot by id is filtered the same way; other roles are refused', async () => {
      const [id] = await knex('assessment_snapshot').where({ rule_code: 'T-COMM', period_label: '2017-05' }).orderBy('id').pluck('id')
      const res = await client.get(`/api/v1/assessments/${id}`, await loginAs(client, 'community'))
      expect(res.json().rows.map((r: Row) => r.key)).to.deep.equal([C1])
      expect((await client.get(`/api/v1/assessments/${id}`, await loginAs(client, 'inspector'))).statusCode).to.equal(403)
      expect((await client.get(`/api/v1/assessments/${id}`)).statusCode).to.equal(401)
      expect((await client.post('/api/v1/assessments', { rule: 'T-COMM', kind: 'monthly', period: '2017-04' },
        await loginAs(client, 'analyst'))).statusCode).to.equal(403)
    })
  })
})
