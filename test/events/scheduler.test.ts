// The scheduler: due timers become supervision orders and escalations, exactly once, even
// with two passes racing; stale timers are cancelled; startScheduler runs passes by itself.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb, getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { runDueTimers, startScheduler } from '../../server/events/scheduler.ts'
import { pointIn, uniq } from './helpers.ts'

describe('events: scheduler', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p1: { lon: number; lat: number }

  const report = async (over: Record<string, unknown> = {}) => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'),
      location: { x: p1.lon, y: p1.lat }, ...over,
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const { id } = await knex('event').where({ number }).first('id')
    return { number, id: Number(id) }
  }
  /** Makes the event's pending timers of a kind due one minute ago. */
  const makeDue = (eventId: number, kind: string) => knex('event_timer').where({ event_id: eventId, kind, state: 'pending' })
    .update({ due_at: knex.raw("now() - interval '1 minute'") })

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'department']) auth[u] = await loginAs(client, u)
    p1 = await pointIn(knex, '990102001001')
    await runDueTimers(knex) // nothing else of ours is due; start from a clean slate
  })

  it('an unsigned dispatch past its sign deadline gets one yellow-card supervision order', async () => {
    const e = await report()
    await makeDue(e.id, 'sign')
    const r = await runDueTimers(knex)
    expect(r.fired).to.equal(1)
    const sup = await knex('event_supervision').where({ event_id: e.id })
    expect(sup).to.have.length(1)
    expect(sup[0]).to.include({ kind: 'sign_overdue', card: 'yellow' })
    expect(sup[0].answer_due_at).to.be.an.instanceOf(Date)
    const again = await runDueTimers(knex)
    expect(again.fired).to.equal(0)
    const hist = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items
    expect(hist.at(-1)).to.deep.include({ action: 'supervise', from: 'dispatched', to: 'dispatched' })
  })

  it('a timer of a finished step is cancelled as stale, not acted on', async () => {
    const e = await report()
    const sign = await client.post(`/api/v1/events/${e.number}/transitions`, { action: 'sign' }, auth.department)
    expect(sign.statusCode).to.equal(200)
    await makeDue(e.id, 'sign')
    const r = await runDueTimers(knex)
    expect(r.fired).to.equal(0)
    expect(r.stale).to.equal(1)
    expect(await knex('event_supervision').where({ event_id: e.id })).to.have.length(0)
    const t = await knex('event_timer').where({ event_id: e.id, kind: 'sign' }).first('state', 'outcome')
    expect(t).to.deep.equal({ state: 'cancelled', outcome: 'stale: already signed' })
  })

  it('handling overdue: a red card once the seeded rule\'s 24 h after the deadline have passed', async () => {
    const e = await report()
    await knex('event_timer').where({ event_id: e.id, kind: 'handle', state: 'pending' }).update({ due_at: knex.raw("now() - interval '25 hours'") })
    // the timer acts only while it is the event's current deadline: move both
    const t = await knex('event_timer').where({ event_id: e.id, kind: 'handle' }).first('due_at')
    await knex('event').where({ id: e.id }).update({ handle_due_at: t.due_at })
    await runDueTimers(knex)
    const sup = await knex('event_supervision').where({ event_id: e.id })
    expect(sup.map((s) => [s.kind, s.card])).to.deep.equal([['handle_overdue', 'red']])
  })

  it('a community that cannot solve within 24 h: the event escalates to the street with new timers', async () => {
    const r = await client.post('/api/v1/events', {
      channel: 'resident', demandType: '求助', classCode: '9901', description: uniq('老人求助'), location: { x: p1.lon, y: p1.lat },
    }, auth.street1)
    const number = r.json().event.number
    await client.post(`/api/v1/events/${number}/transitions`, { action: 'accept' }, auth.street1)
    const d = await client.post(`/api/v1/events/${number}/transitions`, { action: 'dispatch', departmentCode: 'SQ-990102001001' }, auth.street1)
    expect(d.json().event.escalationLevel).to.equal('community')
    const { id } = await knex('event').where({ number }).first('id')
    await makeDue(id, 'escalate')
    const pass = await runDueTimers(knex)
    expect(pass.fired).to.equal(1)
    const ev = (await client.get(`/api/v1/events/${number}`, auth.command)).json()
    expect(ev.escalationLevel).to.equal('street')
    expect(ev.assignee.department.code).to.equal('JD-990102001000')
    const timers = await knex('event_timer').where({ event_id: id }).orderBy('id').select('kind', 'state', 'payload')
    // the community's timers are superseded; the street's are armed (sign, handle, plan, escalate after 48 h)
    expect(timers.filter((t) => t.state === 'pending').map((t) => t.kind).sort()).to.deep.equal(['escalate', 'handle', 'plan', 'sign'])
    expect(timers.filter((t) => t.state === 'pending').every((t) => t.payload.level === 'street')).to.equal(true)
    const sup = await knex('event_supervision').where({ event_id: id }).first('kind')
    expect(sup.kind).to.equal('escalation')
    const hist = (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items
    expect(hist.at(-1)).to.deep.include({ action: 'escalate', from: 'dispatched', to: 'dispatched' })
    expect(hist.at(-1).actor.role).to.equal('system')
  })

  it('two passes racing act on each due timer exactly once', async () => {
    const events = await Promise.all([report(), report(), report(), report()])
    for (const e of events) await makeDue(e.id, 'sign')
    const results = await Promise.all([runDueTimers(knex), runDueTimers(knex), runDueTimers(knex)])
    expect(results.reduce((n, r) => n + r.fired, 0)).to.equal(4)
    for (const e of events) expect(await knex('event_supervision').where({ event_id: e.id })).to.have.length(1)
  })

  it('skips an event a transition holds locked and acts on it next pass', async function () {
    if ((await getTestContext()).dbMode === 'embedded') this.skip() // one connection: cannot hold a lock aside
    const e = await report()
    await makeDue(e.id, 'sign')
    const trx = await knex.transaction()
    try {
      await trx.raw('SELECT 1 FROM event WHERE id = ? FOR UPDATE', [e.id])
      const r = await runDueTimers(knex)
      expect(r.busy).to.equal(1)
      expect(r.fired).to.equal(0)
    } finally {
      await trx.rollback()
    }
    expect((await runDueTimers(knex)).fired).to.equal(1)
  })

  it('startScheduler runs passes by itself and stops cleanly', async () => {
    const e = await report()
    await makeDue(e.id, 'sign')
    const app = await getTestContext()
    const s = startScheduler(app, { intervalMs: 20 })
    try {
      for (let i = 0; i < 500 && !(await knex('event_supervision').where({ event_id: e.id }).first('id')); i++) {
        await new Promise((r) => setTimeout(r, 20))
      }
    } finally {
      await s.stop()
    }
    expect(await knex('event_supervision').where({ event_id: e.id })).to.have.length(1)
  })
})
