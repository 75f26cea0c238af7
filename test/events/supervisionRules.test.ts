// The scheduler acts by the configuration an event was reported under (issue 18 gap a): a new
// supervision-rule version (red card, 2 h after the missed sign deadline) and a new time-limits
// version (48 h to answer) apply to events reported after them; an event already open keeps
// the seeded rule (yellow at once) and the 24 h answer time. The versions it writes are undone after.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { configSnapshot } from '../config/restore.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { runDueTimers } from '../../server/events/scheduler.ts'
import { pointIn, uniq } from './helpers.ts'

const HOUR = 3_600_000

describe('events: the scheduler follows the pinned supervision and time-limit rules', function () {
  this.timeout(120_000)
  const restore: (() => Promise<void>)[] = []
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p: { lon: number; lat: number }

  const report = async () => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'), location: { x: p.lon, y: p.lat },
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const { id } = await knex('event').where({ number }).first('id')
    return { number, id: Number(id) }
  }
  const signTimers = (eventId: number) => knex('event_timer').where({ event_id: eventId, kind: 'sign' }).orderBy('id')
    .select('id', 'state', 'due_at', 'payload', 'outcome')

  let before1: { number: string; id: number }
  let after1: { number: string; id: number }
  let ruleVersion: number
  let deadline: Date
  let firstPass: Date

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const kind of ['supervision_rules', 'time_limits']) restore.push(await configSnapshot(knex, kind))
    auth.command = await loginAs(client, 'command')
    p = await pointIn(knex, '990102001001')
    await runDueTimers(knex)
    before1 = await report()
    const rule = await client.post('/api/v1/config/supervision-rules/sign-overdue/versions', {
      name: '签收超时两小时红牌督办', trigger: 'sign_overdue', afterHours: 2, level: 'red', notifyRoles: ['command_center'], reason: '加重签收督办',
    }, auth.command)
    expect(rule.statusCode, rule.body).to.equal(201)
    ruleVersion = rule.json().id
    const sla = (await client.get('/api/v1/sla', auth.command)).json().sla
    const limits = await client.request({ method: 'PUT', url: '/api/v1/sla', headers: { 'content-type': 'application/json', ...auth.command },
      payload: JSON.stringify({ ...sla, answerHours: 48 }) })
    expect(limits.statusCode, limits.body).to.equal(200)
    after1 = await report()
    // both missed their sign deadline a minute ago
    deadline = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000)
    for (const e of [before1, after1]) {
      await knex('event').where({ id: e.id }).update({ sign_due_at: deadline })
      await knex('event_timer').where({ event_id: e.id, kind: 'sign', state: 'pending' }).update({ due_at: deadline })
    }
    firstPass = new Date()
    await runDueTimers(knex, firstPass)
  })
  after(async () => { for (const undo of restore) await undo() })

  it('an event reported before the change keeps the seeded rule: a yellow card at once, 24 h to answer', async () => {
    const sup = await knex('event_supervision').where({ event_id: before1.id }).select('kind', 'card', 'issued_at', 'answer_due_at')
    expect(sup.map((s) => [s.kind, s.card])).to.deep.equal([['sign_overdue', 'yellow']])
    expect(sup[0].answer_due_at.getTime() - sup[0].issued_at.getTime()).to.equal(24 * HOUR)
  })

  it('an event reported after it waits for the rule\'s 2 h, then gets a red card, 48 h to answer and a notice', async () => {
    expect(await knex('event_supervision').where({ event_id: after1.id })).to.have.length(0)
    const timers = await signTimers(after1.id)
    expect(timers.map((t) => t.state)).to.deep.equal(['cancelled', 'pending'])
    expect(timers[1].due_at.getTime()).to.equal(deadline.getTime() + 2 * HOUR)
    expect(timers[1].payload).to.include({ deadline: deadline.toISOString(), rule: ruleVersion })

    const later = new Date(firstPass.getTime() + 2 * HOUR + 60_000)
    const pass = await runDueTimers(knex, later)
    expect(pass.fired).to.be.at.least(1)
    const sup = await knex('event_supervision').where({ event_id: after1.id }).select('kind', 'card', 'issued_at', 'answer_due_at')
    expect(sup.map((s) => [s.kind, s.card])).to.deep.equal([['sign_overdue', 'red']])
    expect(sup[0].issued_at.getTime()).to.equal(later.getTime())
    expect(sup[0].answer_due_at.getTime() - later.getTime()).to.equal(48 * HOUR)
    const notices = await knex('inbox_item').where({ event_ref: after1.number, kind: 'supervision' }).select('user_id')
    const commandCentre = await knex('app_user').where({ role: 'command_center', username: 'command' }).first('id')
    expect(notices.map((n) => String(n.user_id))).to.include(String(commandCentre.id))
    // the older event was not touched again
    expect(await knex('event_supervision').where({ event_id: before1.id })).to.have.length(1)
    expect((await runDueTimers(knex, later)).fired).to.equal(0)
  })
})
