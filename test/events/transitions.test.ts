// The closed loop over HTTP: roles, assignees, jurisdiction, illegal transitions, concurrency,
// duplicates, extension, escalation, and the append-only history.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { photoRow, pointIn, uniq } from './helpers.ts'

describe('events: transitions', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let p1: { lon: number; lat: number }

  const report = async (over: Record<string, unknown> = {}, who = 'command') => {
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾'),
      location: { x: p1.lon, y: p1.lat }, ...over,
    }, auth[who])
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().event as { number: string; status: string; version: number; assignee: { department: { code: string }; member: { id: number } | null } }
  }
  const fire = (number: string, who: string, body: Record<string, unknown>) =>
    client.post(`/api/v1/events/${number}/transitions`, body, auth[who])
  const ok = async (number: string, who: string, body: Record<string, unknown>) => {
    const res = await fire(number, who, body)
    expect(res.statusCode, `${who} ${body.action}: ${res.body}`).to.equal(200)
    return res.json()
  }

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'inspector', 'department', 'community', 'district']) auth[u] = await loginAs(client, u)
    p1 = await pointIn(knex, '990102001001')
  })

  it('runs the whole loop: dispatch → sign → handle → feedback → verify → close → evaluate → redispatch', async () => {
    const e = await report()
    expect(e.assignee.department.code).to.equal('CGJ-990102')
    await ok(e.number, 'department', { action: 'sign', comment: '已签收' })
    await ok(e.number, 'department', { action: 'handle', comment: '处置方案：今日清运' })
    await ok(e.number, 'department', { action: 'feedback', comment: '已清运完毕' })
    const photo = await photoRow(knex, e.number)
    await ok(e.number, 'inspector', { action: 'verify', comment: '现场核查通过', attachments: [photo] })
    await ok(e.number, 'street1', { action: 'close' })
    const ev = await ok(e.number, 'command', { action: 'evaluate', satisfaction: 'dissatisfied', comment: '回访不满意' })
    expect(ev.event.status).to.equal('evaluated')
    expect(ev.allowed).to.deep.equal(['redispatch', 'appeal'])
    const re = await ok(e.number, 'command', { action: 'redispatch' })
    expect(re.event.status).to.equal('dispatched')
    expect(re.event.deadlines.signDueAt).to.be.a('string')
    const hist = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items
    expect(hist.map((h: { action: string }) => h.action)).to.deep.equal(
      ['report', 'accept', 'dispatch', 'sign', 'handle', 'feedback', 'verify', 'close', 'evaluate', 'petition', 'redispatch'])
    expect(hist.map((h: { seq: number }) => h.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(hist[3]).to.deep.include({ from: 'dispatched', to: 'signed', comment: '已签收' })
    expect(hist[3].actor).to.deep.equal({ role: 'department', name: '城管局（演示）' })
    expect(hist[6].attachments).to.deep.equal([photo])
    // a dissatisfied evaluation is passed to the petition (信访) platform, by the system
    expect(hist[9]).to.deep.include({ action: 'petition', from: 'evaluated', to: 'evaluated' })
    expect(hist[9].actor.role).to.equal('system')
    expect(hist[10].explanation.chosen.department.code).to.equal('CGJ-990102')
  })

  it('an illegal transition is 409 listing the allowed and possible actions', async () => {
    const e = await report()
    const res = await fire(e.number, 'command', { action: 'close' })
    expect(res.statusCode).to.equal(409)
    const p = res.json()
    expect(p.type).to.match(/illegal_transition/)
    expect(p.status, 'the problem member is the HTTP status').to.equal(409)
    expect(p.eventStatus).to.equal('dispatched')
    expect(p.allowed).to.include.members(['reassign', 'escalate', 'void'])
    expect(p.possible).to.include.members(['sign', 'return', 'reassign', 'escalate', 'void'])
  })

  it('role and assignee: 403 for a role or unit that may not act, with what it may do', async () => {
    const social = await report({ classCode: '0601', description: uniq('邻里纠纷') })
    expect(social.assignee.department.code).to.equal('SQ-990102001001')
    const res = await fire(social.number, 'department', { action: 'sign' })
    expect(res.statusCode).to.equal(403)
    expect(res.json().detail).to.match(/not assigned to you/)
    const wrongRole = await fire(social.number, 'inspector', { action: 'reassign' })
    expect(wrongRole.statusCode).to.equal(403)
    // the grid member it was pushed to signs it
    const member = await knex('grid_member').where('id', social.assignee.member!.id).first('user_id')
    const { token } = await client.context.tokens.issue(Number(member.user_id))
    const res2 = await client.post(`/api/v1/events/${social.number}/transitions`, { action: 'sign' }, { authorization: `Bearer ${token}` })
    expect(res2.statusCode, res2.body).to.equal(200)
  })

  it('outside the jurisdiction: 404, as if the event did not exist', async () => {
    const e = await report()
    const res = await fire(e.number, 'street2', { action: 'void', duplicateOf: e.number })
    expect(res.statusCode).to.equal(404)
    expect((await fire('E202611249999', 'command', { action: 'accept' })).statusCode).to.equal(404)
    expect((await fire('bogus', 'command', { action: 'accept' })).statusCode).to.equal(404)
    expect((await fire(e.number, 'command', { action: 'fly' })).statusCode).to.equal(400)
    expect((await fire(e.number, 'command', { action: 'sign', extra: true })).statusCode).to.equal(400)
  })

  it('concurrency: of two parallel signs exactly one wins, the other is 409', async () => {
    const e = await report()
    const [a, b] = await Promise.all([fire(e.number, 'department', { action: 'sign' }), fire(e.number, 'department', { action: 'sign' })])
    expect([a.statusCode, b.statusCode].sort()).to.deep.equal([200, 409])
    const hist = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items
    expect(hist.filter((h: { action: string }) => h.action === 'sign')).to.have.length(1)
  })

  it('concurrency: reassign and sign racing leave a consistent event', async () => {
    const e = await report()
    const results = await Promise.all([
      fire(e.number, 'department', { action: 'sign' }),
      fire(e.number, 'command', { action: 'reassign', departmentCode: 'HBJ-990102' }),
    ])
    const codes = results.map((r) => r.statusCode)
    expect(codes.filter((c) => c === 200).length).to.be.at.least(1)
    const final = (await client.get(`/api/v1/events/${e.number}`, auth.command)).json()
    const hist = (await client.get(`/api/v1/events/${e.number}/history`, auth.command)).json().items
    // intake writes three history rows at version 1; every later transition is one version step
    expect(final.version).to.equal(1 + hist.length - 3)
    expect(hist.at(-1).to).to.equal(final.status)
  })

  it('expectedVersion: a stale version is refused with the current one', async () => {
    const e = await report()
    const res = await fire(e.number, 'department', { action: 'sign', expectedVersion: e.version + 5 })
    expect(res.statusCode).to.equal(409)
    expect(res.json().version).to.equal(e.version)
    await ok(e.number, 'department', { action: 'sign', expectedVersion: e.version })
  })

  it('void as duplicate links both ways; an event cannot duplicate itself or a voided one', async () => {
    const a = await report({ channel: 'resident', description: uniq('原始事件') }, 'street1')
    const b = await report({ channel: 'resident', description: uniq('重复事件') }, 'street1')
    expect((await fire(b.number, 'street1', { action: 'void' })).statusCode).to.equal(400)
    expect((await fire(b.number, 'street1', { action: 'void', duplicateOf: b.number })).statusCode).to.equal(400)
    const v = await ok(b.number, 'street1', { action: 'void', duplicateOf: a.number })
    expect(v.event.status).to.equal('voided')
    expect(v.allowed).to.deep.equal([])
    const hist = (await client.get(`/api/v1/events/${a.number}/history`, auth.command)).json().items
    expect(hist.at(-1)).to.deep.include({ action: 'link_duplicate', comment: `${b.number} voided as a duplicate of this event` })
    const c = await report({ channel: 'resident', description: uniq('再一个') }, 'street1')
    expect((await fire(c.number, 'street1', { action: 'void', duplicateOf: b.number })).statusCode).to.equal(422)
  })

  it('accept and manual dispatch to a named unit and member; reject is final', async () => {
    const r = await report({ channel: 'resident', description: uniq('待受理') }, 'street1')
    await ok(r.number, 'street1', { action: 'accept' })
    expect((await fire(r.number, 'street1', { action: 'dispatch', departmentCode: 'NOPE-1' })).statusCode).to.equal(422)
    const d = await ok(r.number, 'street1', { action: 'dispatch', departmentCode: 'JD-990102001000' })
    expect(d.event.assignee.department.code).to.equal('JD-990102001000')
    expect(d.event.escalationLevel).to.equal('street')
    const hist = (await client.get(`/api/v1/events/${r.number}/history`, auth.command)).json().items
    expect(hist.at(-1).explanation.mode).to.equal('manual')
    const x = await report({ channel: 'resident', description: uniq('不予立案') }, 'street1')
    await ok(x.number, 'street1', { action: 'reject', comment: '不符合立案条件' })
    expect((await fire(x.number, 'street1', { action: 'accept' })).statusCode).to.equal(409)
  })

  it('extension: request, approval moves the handling deadline by the granted time', async () => {
    const e = await report()
    await ok(e.number, 'department', { action: 'sign' })
    expect((await fire(e.number, 'department', { action: 'request_extension' })).statusCode).to.equal(400)
    await ok(e.number, 'department', { action: 'request_extension', extension: { value: 1, unit: 'work_days' }, comment: '需协调' })
    expect((await fire(e.number, 'department', { action: 'feedback' })).statusCode).to.equal(409)
    const before = (await client.get(`/api/v1/events/${e.number}`, auth.command)).json().deadlines.handleDueAt
    const a = await ok(e.number, 'command', { action: 'approve_extension' })
    expect(a.event.extensionPending).to.equal(false)
    const after = a.event.deadlines.handleDueAt
    expect(Date.parse(after)).to.be.greaterThan(Date.parse(before))
    const pending = await knex('event_timer').where({ kind: 'handle', state: 'pending' })
      .whereIn('event_id', knex('event').where('number', e.number).select('id')).select('due_at')
    expect(pending.map((t) => t.due_at.toISOString())).to.deep.equal([after])
  })

  it('escalation climbs the territory chain: grid → community → street', async () => {
    const e = await report({ classCode: '0601', description: uniq('纠纷提级') })
    const c = await ok(e.number, 'street1', { action: 'escalate', comment: '网格无法解决' })
    expect(c.event.escalationLevel).to.equal('community')
    expect(c.event.assignee).to.deep.include({ member: null })
    expect(c.event.assignee.department.code).to.equal('SQ-990102001001')
    const s = await ok(e.number, 'community', { action: 'escalate' })
    expect(s.event.escalationLevel).to.equal('street')
    expect(s.event.assignee.department.code).to.equal('JD-990102001000')
    // the community may no longer act on it; the street signs
    expect((await fire(e.number, 'community', { action: 'sign' })).statusCode).to.equal(403)
    await ok(e.number, 'street1', { action: 'sign' })
  })

  it('parking stops the clock and unparking moves the deadline by the time parked', async () => {
    const e = await report()
    await ok(e.number, 'department', { action: 'sign' })
    const parked = await ok(e.number, 'command', { action: 'park', comment: '需专项资金' })
    expect(parked.event.light).to.equal(null)
    const u = await ok(e.number, 'command', { action: 'unpark' })
    expect(u.event.status).to.equal('handling')
  })

  it('history is append-only in the database', async () => {
    const e = await report()
    const id = (await knex('event').where('number', e.number).first('id')).id
    let err: Error | undefined
    try { await knex('event_history').where({ event_id: id }).update({ comment: 'rewritten' }) } catch (x) { err = x as Error }
    expect(err?.message).to.match(/append-only/)
    err = undefined
    try { await knex('event_history').where({ event_id: id }).delete() } catch (x) { err = x as Error }
    expect(err?.message).to.match(/append-only/)
  })
})
