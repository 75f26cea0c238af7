// Rule versions: a change is a new version effective from a day, the version in force on a
// period's first day scores it, a change may not reach back into an assessed period, and the
// database refuses to change or delete a version or a snapshot.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { seedMay } from './support.ts'

describe('assessment rule versions', () => {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  const put = (body: unknown) => client.request({ method: 'PUT', url: '/api/v1/assessment-rules/T-VER', headers: { ...command, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  const v1Items = [{ indicator: 'closeRate', weight: 1, better: 'higher' }]
  const v2Items = [{ indicator: 'overdueRate', weight: 3, better: 'lower' }]

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    command = await loginAs(client, 'command')
    await seedMay(knex)
    const res = await client.post('/api/v1/assessment-rules', { code: 'T-VER', name: '版本测试', unit: 'street', periods: ['monthly'],
      items: v1Items, effectiveFrom: '2017-01-01' }, command)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.include({ code: 'T-VER', version: 1, effectiveFrom: '2017-01-01', unit: 'street', reason: null })
  })

  it('a change is a new version; the old one stays and applies to the days before', async () => {
    const res = await put({ items: v2Items, periods: ['weekly', 'monthly'], effectiveFrom: '2017-06-01', reason: '更看重超期' })
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.include({ version: 2, name: '版本测试', unit: 'street', effectiveFrom: '2017-06-01', reason: '更看重超期' })
    expect(res.json().periods).to.deep.equal(['weekly', 'monthly'])

    const at = async (day: string) => (await client.get(`/api/v1/assessment-rules/T-VER?at=${day}`, command)).json().version as number
    expect(await at('2017-05-31')).to.equal(1)
    expect(await at('2017-06-01')).to.equal(2)
    expect(await at('2030-01-01')).to.equal(2)
    const before = await client.get('/api/v1/assessment-rules/T-VER?at=2016-12-31', command)
    expect(before.statusCode).to.equal(404)
    expect((await client.get('/api/v1/assessment-rules/T-VER', command)).json().version).to.equal(2)
    const versions = (await client.get('/api/v1/assessment-rules/T-VER/versions', command)).json()
    expect(versions.items.map((v: { version: number; items: unknown }) => [v.version, v.items])).to.deep.equal([[1, v1Items], [2, v2Items]])
    const list = (await client.get('/api/v1/assessment-rules', await loginAs(client, 'street1'))).json().items
    expect(list.find((r: { code: string }) => r.code === 'T-VER')).to.include({ version: 2 })
  })

  it('each period is scored under the version in force on its first day', async () => {
    const may = await client.post('/api/v1/assessments', { rule: 'T-VER', kind: 'monthly', period: '2017-05' }, command)
    expect(may.statusCode, may.body).to.equal(201)
    expect(may.json().rule).to.deep.equal({ code: 'T-VER', version: 1 })
    expect(may.json().rows[0].items.map((i: { indicator: string }) => i.indicator)).to.deep.equal(['closeRate'])
    // weekly periods came with version 2: May's weeks are not assessed weekly, June's are
    const mayWeek = await client.post('/api/v1/assessments', { rule: 'T-VER', kind: 'weekly', period: '2017-W21' }, command)
    expect(mayWeek.statusCode).to.equal(400)
    expect(mayWeek.json().errors[0].field).to.equal('kind')
    const juneWeek = await client.post('/api/v1/assessments', { rule: 'T-VER', kind: 'weekly', period: '2017-W23' }, command)
    expect(juneWeek.statusCode, juneWeek.body).to.equal(201)
    expect(juneWeek.json().rule).to.deep.equal({ code: 'T-VER', version: 2 })
    expect(juneWeek.json().period).to.include({ label: '2017-W23', from: '2017-06-04T16:00:00.000Z', to: '2017-06-11T16:00:00.000Z' })
    // the first version applies from 2017: 2016 has no version in force
    const early = await client.post('/api/v1/assessments', { rule: 'T-VER', kind: 'monthly', period: '2016-12' }, command)
    expect(early.statusCode).to.equal(409)
    expect(early.json().errors[0].field).to.equal('period')
  })

  it('a version may not take effect before the latest one, nor reach into an assessed period', async () => {
    const back = await put({ items: v1Items, effectiveFrom: '2017-05-31', reason: '提前' })
    expect(back.statusCode).to.equal(400)
    expect(back.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['effectiveFrom'])
    // 2017-W23 (from 5 June) is assessed under version 2: a version from 1 June would take it over
    const reach = await put({ items: v1Items, effectiveFrom: '2017-06-01', reason: '改回' })
    expect(reach.statusCode).to.equal(409)
    expect(reach.json().errors[0].field).to.equal('effectiveFrom')
    const ok = await put({ items: v1Items, name: '版本测试（三）', effectiveFrom: '2017-07-01', reason: '改回' })
    expect(ok.statusCode, ok.body).to.equal(201)
    expect(ok.json()).to.include({ version: 3, name: '版本测试（三）' })
    expect((await client.get('/api/v1/assessment-rules/T-VER?at=2017-06-15', command)).json().version).to.equal(2)
  })

  it('the database refuses to change or delete a version or a snapshot', async () => {
    const refused = async (q: PromiseLike<unknown>) => {
      let err: Error | undefined
      try { await q } catch (e) { err = e as Error }
      expect(err?.message).to.match(/immutable/)
    }
    await refused(knex('assessment_rule').where({ code: 'T-VER', version: 1 }).update({ name: '篡改' }))
    await refused(knex('assessment_rule').where({ code: 'T-VER', version: 1 }).delete())
    await refused(knex('assessment_snapshot').where({ rule_code: 'T-VER' }).update({ reason: '篡改' }))
    await refused(knex('assessment_snapshot').where({ rule_code: 'T-VER' }).delete())
    const v1 = await knex('assessment_rule').where({ code: 'T-VER', version: 1 }).first('name')
    expect(v1.name).to.equal('版本测试')
    // a superseding snapshot must say why, in the database too
    const [s] = await knex('assessment_snapshot').where({ rule_code: 'T-VER' }).select('*')
    let err: Error | undefined
    try {
      await knex('assessment_snapshot').insert({ ...s, id: undefined, supersedes: s.id, reason: null, rows: JSON.stringify(s.rows) })
    } catch (e) { err = e as Error }
    expect(err?.message).to.match(/check constraint/)
    // and a second first snapshot of the same period is refused by the unique index
    err = undefined
    try {
      await knex('assessment_snapshot').insert({ ...s, id: undefined, rows: JSON.stringify(s.rows) })
    } catch (e) { err = e as Error }
    expect((err as { code?: string } | undefined)?.code).to.equal('23505')
  })

  it('only the command centre writes rules', async () => {
    const street = await loginAs(client, 'street1')
    expect((await client.post('/api/v1/assessment-rules', { code: 'T-X', name: 'x', unit: 'street', items: v1Items }, street)).statusCode).to.equal(403)
    expect((await client.request({ method: 'PUT', url: '/api/v1/assessment-rules/T-VER', headers: { ...street, 'content-type': 'application/json' },
      payload: JSON.stringify({ items: v1Items, effectiveFrom: '2018-01-01', reason: 'x' }) })).statusCode).to.equal(403)
    expect((await client.get('/api/v1/assessment-rules', await loginAs(client, 'inspector'))).statusCode).to.equal(403)
    expect((await client.get('/api/v1/assessment-rules')).statusCode).to.equal(401)
  })
})
