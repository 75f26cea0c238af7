// The warning pass for 临期 (near deadline) and 重复诉求 (repeat reporter): events inserted with SQL
// at chosen times; the warnings equal a recount of those events in JS; a second pass (and two at
// once) stores nothing new; no name or phone in a warning.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { runWarningPass } from '../../server/warnings/pass.ts'
import { cleanup, insertEvents, only, pointIn, warningsAt, type WarnEvent } from './support.ts'

const C1 = '990102001001'
const C1B = '990102001002'
const C2 = '990102002001'
const MIN = 60_000
const DAY = 86_400_000
const OPEN = ['dispatched', 'signed', 'handling']

describe('warning pass: near deadline and repeat reporter', () => {
  let knex: Knex

  before(async () => {
    knex = await getTestDb()
    await cleanup(knex)
  })
  after(async () => { await cleanup(knex) })

  it('临期: exactly the open events due within the window, once each, level by the time left', async () => {
    await only(knex, ['near_deadline'])
    const now = new Date('2025-06-10T10:00:00+08:00')
    const p = await pointIn(knex, C1, 3)
    const spec: [string, number][] = [
      ['handling', 30], ['signed', 100], ['dispatched', 50], ['dispatched', 125], ['handling', -5], ['handling', 0],
      ['handled', 10], ['parked', 20], ['closed', 15], ['handling', 120], ['signed', 90],
    ]
    const events: WarnEvent[] = spec.map(([status, dueIn], i) => ({
      community: i % 2 ? C1 : C2, at: new Date(now.getTime() - 3 * DAY), ...p, status, handleDueAt: new Date(now.getTime() + dueIn * MIN),
    }))
    const ids = await insertEvents(knex, events)
    const runs = await Promise.all([runWarningPass(knex, now, { ignoreSchedule: true }), runWarningPass(knex, now, { ignoreSchedule: true })])
    // the recount: open statuses, deadline in (now, now + 120 min]
    const expected = spec.map(([status, dueIn], i) => ({ status, dueIn, id: ids[i]!, community: events[i]!.community }))
      .filter((e) => OPEN.includes(e.status) && e.dueIn > 0 && e.dueIn <= 120)
    expect(runs[0]!.near_deadline + runs[1]!.near_deadline).to.equal(expected.length)
    const got = await warningsAt(knex, 'near_deadline', now)
    expect(got.map((w) => w.event_ids[0]).sort()).to.deep.equal(expected.map((e) => e.id).sort())
    for (const w of got) {
      const e = expected.find((x) => x.id === w.event_ids[0])!
      expect(w.area_code).to.equal(e.community)
      expect(w.level).to.equal(e.dueIn <= 30 ? 1 : e.dueIn <= 60 ? 2 : 3)
      expect(w.title).to.match(/^临期：事件E\d+/)
      expect(w.rule_version).to.equal(1)
    }
    // a minute later: the same events are still due, nothing new
    const again = await runWarningPass(knex, new Date(now.getTime() + MIN), { ignoreSchedule: true })
    expect(again.near_deadline).to.equal(0)
  })

  it('重复诉求: reporters with 3 demands in 30 days, by user or by phone digits, masked; quiet for the window afterwards', async () => {
    await only(knex, ['repeat_reporter'])
    const now = new Date('2025-07-15T12:00:00+08:00')
    const p = await pointIn(knex, C1, 4)
    const [user] = await knex('app_user').where({ username: 'inspector' }).pluck('id')
    const ev = (community: string, daysAgo: number, who: Partial<WarnEvent>, status = 'reported'): WarnEvent =>
      ({ community, at: new Date(now.getTime() - daysAgo * DAY), ...p, status, ...who })
    const events: WarnEvent[] = [
      // phone A: 4 demands (one written with dashes) in two communities of street 1 → street-level warning
      ev(C1, 1, { reporterPhone: '13812345678' }), ev(C1B, 5, { reporterPhone: '138-1234-5678' }), ev(C1, 20, { reporterPhone: '13812345678' }),
      ev(C1, 29.9, { reporterPhone: '138 1234 5678' }),
      // phone B: 2 demands, and a third 31 days ago → nothing
      ev(C2, 2, { reporterPhone: '13900000001' }), ev(C2, 3, { reporterPhone: '13900000001' }), ev(C2, 31, { reporterPhone: '13900000001' }),
      // phone C: 3, but one voided → nothing
      ev(C2, 2, { reporterPhone: '13700000002' }), ev(C2, 3, { reporterPhone: '13700000002' }), ev(C2, 4, { reporterPhone: '13700000002' }, 'voided'),
      // a signed-in user (no phone): 3 in one community → community warning without a phone
      ev(C2, 1, { reporterUserId: Number(user) }), ev(C2, 2, { reporterUserId: Number(user) }), ev(C2, 6, { reporterUserId: Number(user) }),
      // a demand in the future of `now` does not count
      ev(C2, -3, { reporterPhone: '13900000001' }),
    ]
    const ids = await insertEvents(knex, events)
    // the recount: group by user, else digits of the phone; created in (now − 30 d, now], not voided
    const groups = new Map<string, { ids: number[]; communities: Set<string>; digits: string | null }>()
    events.forEach((e, i) => {
      const age = now.getTime() - e.at.getTime()
      if (age < 0 || age >= 30 * DAY || e.status === 'voided') return
      const key = e.reporterUserId ? `u${e.reporterUserId}` : `p${e.reporterPhone!.replace(/\D/g, '')}`
      const g = groups.get(key) ?? { ids: [], communities: new Set(), digits: e.reporterPhone ? e.reporterPhone.replace(/\D/g, '') : null }
      g.ids.push(ids[i]!)
      g.communities.add(e.community)
      groups.set(key, g)
    })
    const expected = [...groups.values()].filter((g) => g.ids.length >= 3)
    expect(expected).to.have.length(2)
    const r = await runWarningPass(knex, now, { ignoreSchedule: true })
    expect(r.repeat_reporter).to.equal(2)
    const got = await warningsAt(knex, 'repeat_reporter', now)
    for (const g of expected) {
      const w = got.find((x) => x.event_ids.includes(g.ids[0]!))!
      expect(w, 'a warning per reporter').to.not.equal(undefined)
      expect([...w.event_ids].sort()).to.deep.equal([...g.ids].sort())
      const area = g.communities.size === 1 ? [...g.communities][0] : '990102001000'
      expect(w.area_code).to.equal(area)
      expect(w.detail.maskedPhone).to.equal(g.digits ? `${g.digits.slice(0, 3)}****${g.digits.slice(-4)}` : null)
      expect(w.level).to.equal(g.ids.length >= 9 ? 1 : g.ids.length >= 6 ? 2 : 3)
      const text = JSON.stringify(w)
      expect(text).to.not.include('张三')
      expect(text).to.not.match(/1381234|12345678|13900000001/)
    }
    // a day later the same reporters are still above the threshold: quiet for the window
    const next = await runWarningPass(knex, new Date(now.getTime() + DAY), { ignoreSchedule: true })
    expect(next.repeat_reporter).to.equal(0)
  })

  it('runs the slower rules at most every few minutes, whichever instance claims the run', async () => {
    await only(knex, ['repeat_reporter', 'near_deadline'])
    await knex('warning_run').delete()
    const t = new Date('2025-07-20T12:00:00+08:00')
    const evaluated = async (at: Date) => {
      const before = await knex('warning_run').where({ kind: 'repeat_reporter' }).first('last_run_at')
      await runWarningPass(knex, at)
      const after = await knex('warning_run').where({ kind: 'repeat_reporter' }).first('last_run_at')
      return before?.last_run_at?.getTime() !== after?.last_run_at?.getTime()
    }
    expect(await evaluated(t)).to.equal(true)
    expect(await evaluated(new Date(t.getTime() + 5 * MIN))).to.equal(false)
    expect(await evaluated(new Date(t.getTime() + 10 * MIN))).to.equal(true)
    // near-deadline runs every pass and keeps no clock
    expect(await knex('warning_run').where({ kind: 'near_deadline' })).to.have.length(0)
  })
})
