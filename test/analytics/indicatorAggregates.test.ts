// The indicator roll-ups of migration 0021 (indicator_rollup), kept by triggers appending deltas
// that indicator_compact() folds: after events
// arrive through the API and move through the loop, after hand edits of every column that
// matters, history milestones, deletions and concurrent updates, the maintained table equals a
// rebuild from the events, and the indicators of whole periods read from it equal a reference
// counted in Node from the event rows (indicatorsSupport.ts), and the same windows read from rows.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { insertIndicatorEvents, readBack, referenceCounts, type Spec } from './indicatorsSupport.ts'
import { indicators } from '../../server/analytics/indicators.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { PERIOD_KINDS, periodOf } from '../../server/analytics/calendarPeriods.ts'

const ROLLUP_KEY = ['kind', 'start', 'dim', 'community_code', 'value']
const CITY = Jurisdiction.of(['990100000000'])

/** The maintained table (its deltas folded) against a rebuild from the events, inside a transaction rolled back. */
async function expectMaintainedEqualsRebuild(knex: Knex): Promise<number> {
  let rows = 0
  await knex.transaction(async (trx) => {
    expect(Number((await trx.raw('SELECT indicator_compact() AS n')).rows[0].n), 'deltas folded').to.be.greaterThan(0)
    expect(Number((await trx('indicator_delta').count({ n: '*' }))[0]!.n)).to.equal(0)
    const read = async () => await trx('indicator_rollup').orderBy(ROLLUP_KEY).select('*') as Record<string, unknown>[]
    const kept = await read()
    await trx.raw('SELECT indicator_rebuild()')
    const rebuilt = await read()
    expect(kept.length, 'rows').to.equal(rebuilt.length)
    kept.forEach((r, i) => expect(r, `row ${i}`).to.deep.equal(rebuilt[i]))
    rows = kept.length
    throw new Error('rollback')
  }).catch((err: Error) => { if (err.message !== 'rollback') throw err })
  return rows
}

describe('analytics indicator roll-ups (migration 0021)', function () {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let department: Record<string, string>
  const numbers: string[] = []
  const DESCRIPTION = 'indicators test'

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    department = await loginAs(client, 'department')
  })

  after(async () => {
    await knex('event').where({ description: DESCRIPTION }).delete()
    await knex('event').whereIn('number', numbers).delete()
  })

  it('stays equal to a rebuild while events arrive and move through the loop over HTTP', async () => {
    const p = await pointIn(knex, '990102001001')
    for (let i = 0; i < 6; i++) {
      const res = await client.post('/api/v1/events', { channel: i % 2 ? 'superior' : 'hotline_12345', demandType: '投诉举报',
        classCode: '0102', description: uniq('暴露垃圾'), location: { x: p.lon, y: p.lat } }, command)
      expect(res.statusCode, res.body).to.equal(201)
      numbers.push(res.json().event.number as string)
    }
    const fire = async (n: string, who: Record<string, string>, action: string) => {
      const r = await client.post(`/api/v1/events/${n}/transitions`, { action, comment: action }, who)
      expect(r.statusCode, `${action}: ${r.body}`).to.equal(200)
    }
    await fire(numbers[0]!, department, 'sign')
    await fire(numbers[0]!, department, 'handle')
    await fire(numbers[1]!, department, 'return')
    await fire(numbers[2]!, command, 'escalate')
    expect(await expectMaintainedEqualsRebuild(knex)).to.be.greaterThan(0)
    const esc = await knex('event').where({ number: numbers[2] }).first('first_escalate_at', 'first_return_at')
    expect(esc.first_escalate_at).to.be.an.instanceOf(Date)
    expect((await knex('event').where({ number: numbers[1] }).first('first_return_at')).first_return_at).to.be.an.instanceOf(Date)
  })

  it('stays equal to a rebuild after edits of every column it depends on, milestones, deletions and concurrent updates', async () => {
    const depts = (await knex('department').where('admin_code', 'like', '9901%').orderBy('id').limit(2).pluck('id') as (string | number)[]).map(String)
    const specs: Spec[] = Array.from({ length: 24 }, (_, i) => ({
      community: ['990102001001', '990102001002', '990102002001'][i % 3]!, at: new Date(Date.UTC(2022, 5, 28 + (i % 6), 15 + (i % 3), 30)).toISOString(),
      channel: i % 4 ? 'resident' : 'inspector_app', classCode: i % 2 ? '0102' : '0101', status: 'handling', department: depts[i % 2]!,
      dispatched: new Date(Date.UTC(2022, 5, 29 + (i % 6))).toISOString(), due: new Date(Date.UTC(2022, 6, 1 + (i % 5))).toISOString(),
    }))
    await insertIndicatorEvents(knex, specs)
    const ids = (await knex('event').where({ description: DESCRIPTION }).where('created_at', '<', '2023-01-01').orderBy('id').pluck('id')) as string[]
    expect(ids.length).to.equal(24)
    // closings across the end of June (a month, a week and a day boundary), satisfaction, deadlines moved, a new department
    await knex.raw(`UPDATE event SET closed_at = created_at + (id % 5) * interval '1 day', status = 'evaluated',
      satisfaction = CASE id % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'dissatisfied' END WHERE id = ANY(?::bigint[])`, [ids.slice(0, 12)])
    await knex.raw("UPDATE event SET handle_due_at = handle_due_at - interval '3 days', assignee_department_id = NULL WHERE id = ANY(?::bigint[])", [ids.slice(8, 16)])
    // milestones out of order: a later rework, then an earlier one
    await knex('event_history').insert([ids[16], ids[17]].map((id) => ({ event_id: id, seq: 1, city_code: '990100', action: 'rework',
      from_status: 'handled', to_status: 'handling', actor_role: 'command_center', actor_name: 'test', at: '2022-07-10T00:00:00Z' })))
    await knex('event_history').insert({ event_id: ids[16], seq: 2, city_code: '990100', action: 'rework', from_status: 'handled',
      to_status: 'handling', actor_role: 'command_center', actor_name: 'test', at: '2022-06-30T12:00:00Z' })
    await knex('event_history').insert({ event_id: ids[18], seq: 1, city_code: '990100', action: 'escalate', from_status: 'handling',
      to_status: 'handling', actor_role: 'command_center', actor_name: 'test', at: '2022-06-30T17:00:00Z' })
    // a move to another month partition and class, then deletions
    await knex.raw("UPDATE event SET created_at = created_at + interval '5 days', class_code = '0101' WHERE id = ?", [ids[19]!])
    await knex('event').whereIn('id', ids.slice(20, 22)).delete()
    // concurrent transactions of different events moving the same aggregate rows (the week's,
    // month's and year's of a community and class) in both directions: no deadlock, nothing lost
    await Promise.all(ids.slice(0, 16).map((id, i) => knex.transaction(async (trx) => {
      await trx.raw('UPDATE event SET status = ?, satisfaction = ? WHERE id = ?', [i % 2 ? 'closed' : 'evaluated', i % 2 ? null : 'basically_satisfied', id])
      await trx.raw('UPDATE event SET status = ?, assignee_department_id = ? WHERE id = ?', [i % 3 ? 'evaluated' : 'handling', depts[i % 2]!, id])
    })))
    await expectMaintainedEqualsRebuild(knex)
    const row = await knex('event').where({ id: ids[16] }).first('first_rework_at')
    expect(new Date(row.first_rework_at as Date).toISOString()).to.equal('2022-06-30T12:00:00.000Z')
  })

  it('gives whole periods the reference counts of their rows, the same as reading the rows, deltas pending or folded', async () => {
    const at = new Date('2022-06-30T04:00:00Z')
    for (const kind of [...PERIOD_KINDS, 'fold', ...PERIOD_KINDS] as const) {
      if (kind === 'fold') {
        await knex.raw('SELECT indicator_compact()')
        continue
      }
      const p = periodOf(kind, at)
      const f = { from: p.from, to: p.to }
      const [fast, slow] = [await indicators(knex, CITY, f, 'street'), await indicators(knex, CITY, f, 'street', { source: 'rows' })]
      const ref = referenceCounts(await readBack(knex, p.from.toISOString(), p.to.toISOString(), '9901'), p.to)
      expect(fast.counts, `${kind} ${p.label}`).to.deep.equal(ref)
      expect(fast.counts.total, kind).to.be.greaterThan(0)
      expect(fast).to.deep.equal(slow)
      // a filter reads the events (the roll-ups hold one breakdown at a time), still like the reference
      const filtered = { ...f, classCode: '01', channels: ['resident'] }
      const rows = (await readBack(knex, p.from.toISOString(), p.to.toISOString(), '9901')).filter((r) => r.classCode.startsWith('01') && r.channel === 'resident')
      expect((await indicators(knex, CITY, filtered, 'department')).counts, `${kind} filtered`).to.deep.equal(referenceCounts(rows, p.to))
    }
  })

  it('answers period=, the current period until now, and refuses a period with from/to, a malformed or future one', async () => {
    const month = await client.get('/api/v1/analytics/indicators?period=2022-06&unit=community', command)
    expect(month.statusCode, month.body).to.equal(200)
    const window = await client.get(`/api/v1/analytics/indicators?from=2022-06-01&to=2022-07-01&unit=community`, command)
    const { period, ...rest } = month.json() as Record<string, unknown>
    expect(period).to.deep.equal({ kind: 'monthly', label: '2022-06', partial: false })
    expect(rest).to.deep.equal(window.json())
    const week = (await client.get('/api/v1/analytics/indicators?period=2022-W26', command)).json()
    expect([week.from, week.to, week.mom.from]).to.deep.equal(['2022-06-26T16:00:00.000Z', '2022-07-03T16:00:00.000Z', '2022-06-19T16:00:00.000Z'])
    const today = periodOf('daily', new Date())
    const now = (await client.get(`/api/v1/analytics/indicators?period=${today.label}`, command)).json()
    expect(now.period.partial).to.equal(true)
    expect(Date.parse(now.to)).to.be.below(today.to.getTime())
    expect(Date.parse(now.mom.to) - Date.parse(now.mom.from)).to.equal(Date.parse(now.to) - Date.parse(now.from))
    for (const [q, field] of [['period=2022-06&from=2022-06-01', 'from'], ['period=2022-13', 'period'], ['period=2022-W54', 'period'],
      ['period=2022-02-30', 'period'], ['period=2999', 'period'], ['period=last+month', 'period'], [`period=${'9'.repeat(600)}`, 'period']]) {
      const r = await client.get(`/api/v1/analytics/indicators?${q}`, command)
      expect(r.statusCode, q).to.equal(400)
      expect(JSON.stringify(r.json().errors), q).to.include(field)
    }
  })
})
