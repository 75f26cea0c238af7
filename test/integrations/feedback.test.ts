// Status feedback from platforms and the operators' endpoints: notes in the history, the
// evaluate transition, idempotency, no echo to the sender, and hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import type { Principal } from '../../server/auth/users.ts'
import { receiveFeedback } from '../../server/integrations/feedback.ts'
import type { PlatformRow } from '../../server/integrations/platforms.ts'
import { disableTestPlatforms, makePlatform, outboxOf, reportEvent } from './helpers.ts'

describe('integrations: platform feedback and operator endpoints', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const system = { 'x-api-key': DEMO_API_KEY }
  const at = () => new Date(Date.now() - 60_000).toISOString()
  const feedback = (platform: string, body: unknown, who: Record<string, string> = system) =>
    client.post(`/api/v1/integrations/${platform}/feedback`, body, who)
  const history = async (number: string) => (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items as
    { seq: number; action: string; to: string; comment: string; explanation: Record<string, unknown> | null; actor: { role: string } }[]

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'department', 'inspector', 'street1', 'district']) auth[u] = await loginAs(client, u)
  })
  after(async () => disableTestPlatforms(knex))

  it('records a note, answers an identical repeat as a replay, and does not echo it to the sender', async () => {
    const code = await makePlatform(knex, 'http://127.0.0.1:9/unused')
    const listener = await makePlatform(knex, 'http://127.0.0.1:9/unused', { actions: ['platform_feedback'] })
    const e = await reportEvent(client, knex, auth.command!)
    const body = { eventNumber: e.number, status: 'received', comment: '已转派至区城管执法局', externalRef: 'SZCG-2026-000123', at: at() }
    const first = await feedback(code, body)
    expect(first.statusCode, first.body).to.equal(201)
    expect(first.json()).to.deep.include({ platform: code, noteSeq: 4, eventStatus: 'dispatched', transition: null, replayed: false })
    const again = await feedback(code, { ...body })
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json()).to.deep.include({ noteSeq: 4, replayed: true })
    const h = await history(e.number)
    expect(h.filter((x) => x.action === 'platform_feedback')).to.have.length(1)
    expect(h[3]).to.deep.include({ action: 'platform_feedback', to: 'dispatched', comment: '数字城管（测试）反馈：已接收：已转派至区城管执法局' })
    expect(h[3]!.explanation).to.deep.include({ platform: code, status: 'received', externalRef: 'SZCG-2026-000123' })
    expect(h[3]!.actor.role).to.equal('external_system')
    // a different feedback is a new note
    const handling = await feedback(code, { ...body, status: 'handling', comment: '办理中' })
    expect(handling.statusCode).to.equal(201)
    expect(handling.json().noteSeq).to.equal(5)
    // the sender gets no copy of its own feedback; another platform subscribed to feedback does
    expect((await outboxOf(knex, code, e.number)).map((x) => x.payload.change.action)).to.deep.equal(['report', 'accept', 'dispatch'])
    expect((await outboxOf(knex, listener, e.number)).map((x) => x.payload.change.seq)).to.deep.equal([4, 5])
  })

  it('a 回访评价 on a closed event drives the evaluate transition; on an open one it stays a note', async () => {
    const code = await makePlatform(knex, 'http://127.0.0.1:9/unused', { name: '12345热线（测试）' })
    const e = await reportEvent(client, knex, auth.command!)
    const early = await feedback(code, { eventNumber: e.number, status: 'evaluated', satisfaction: 'satisfied', at: at() })
    expect(early.statusCode, early.body).to.equal(201)
    expect(early.json().transition).to.deep.include({ action: 'evaluate', applied: false })
    expect(early.json().transition.reason).to.match(/not closed/)
    const step = async (who: string, action: string) => {
      const res = await client.post(`/api/v1/events/${e.number}/transitions`, { action }, auth[who])
      expect(res.statusCode, `${who} ${action}: ${res.body}`).to.equal(200)
    }
    await step('department', 'sign'); await step('department', 'handle'); await step('department', 'feedback')
    await step('street1', 'verify'); await step('street1', 'close')
    const evaluation = { eventNumber: e.number, status: 'evaluated', satisfaction: 'dissatisfied', comment: '群众回访不满意', at: at() }
    const res = await feedback(code, evaluation)
    expect(res.statusCode, res.body).to.equal(201)
    expect(res.json()).to.deep.include({ eventStatus: 'evaluated' })
    expect(res.json().transition).to.deep.include({ action: 'evaluate', applied: true, status: 'evaluated' })
    const ev = (await client.get(`/api/v1/events/${e.number}`, auth.command)).json()
    expect(ev).to.deep.include({ status: 'evaluated', satisfaction: 'dissatisfied' })
    const h = await history(e.number)
    const ev1 = h.findIndex((x) => x.action === 'evaluate')
    expect(h[ev1 - 1]!.action).to.equal('platform_feedback')
    expect(h[ev1]!.actor.role).to.equal('external_system')
    // the same feedback again: replayed with the first result, no second note or evaluation
    const again = await feedback(code, evaluation)
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json()).to.deep.include({ replayed: true, eventStatus: 'evaluated' })
    expect(again.json().transition).to.deep.include({ applied: true })
    expect((await history(e.number)).length).to.equal(h.length)
  })

  it('hostile input: clear 4xx for every kind', async () => {
    const code = await makePlatform(knex, 'http://127.0.0.1:9/unused')
    const e = await reportEvent(client, knex, auth.command!)
    const good = { eventNumber: e.number, status: 'handled', at: at() }
    const cases: [string, [string, unknown], number, RegExp?][] = [
      ['unknown platform', ['itest_nope', good], 404, /no integration platform/],
      ['malformed platform code', ['../../etc', good], 404],
      ['bad event number', [code, { ...good, eventNumber: 'X1' }], 400, /eventNumber/],
      ['missing event', [code, { ...good, eventNumber: 'E202001010999' }], 404, /no event/],
      ['wrong types', [code, { ...good, status: 7, at: 12 }], 400, /status.*at|at.*status/],
      ['unknown status', [code, { ...good, status: 'done' }], 400, /status/],
      ['extra field', [code, { ...good, sql: 'DROP TABLE event' }], 400],
      ['evaluated without satisfaction', [code, { ...good, status: 'evaluated' }], 400, /satisfaction/],
      ['satisfaction without evaluated', [code, { ...good, satisfaction: 'satisfied' }], 400, /satisfaction/],
      ['future timestamp', [code, { ...good, at: new Date(Date.now() + 3600_000).toISOString() }], 400, /future/],
      ['timestamp without offset', [code, { ...good, at: '2026-01-01 10:00' }], 400, /at/],
      ['oversized comment', [code, { ...good, comment: '很'.repeat(501) }], 400, /comment/],
      ['oversized body', [code, { ...good, comment: 'x'.repeat(20_000) }], 413, /at most/],
      ['not an object', [code, '[1,2,3]'], 400],
    ]
    for (const [name, [platform, body], status, detail] of cases) {
      const res = await feedback(platform, body)
      expect(res.statusCode, `${name}: ${res.body}`).to.equal(status)
      expect(res.json().type, name).to.be.a('string')
      if (detail) expect(res.json().detail, name).to.match(detail)
    }
    // roles and authentication
    expect((await feedback(code, good, auth.street1)).statusCode).to.equal(403)
    expect((await feedback(code, good, {})).statusCode).to.equal(401)
    // a disabled platform takes no feedback
    await knex('integration_platform').where({ code }).update({ enabled: false })
    const disabled = await feedback(code, good)
    expect(disabled.statusCode).to.equal(409)
    expect(disabled.json().type).to.match(/platform_disabled/)
    expect((await history(e.number)).filter((x) => x.action === 'platform_feedback')).to.have.length(0)
  })

  it('an event of another city, or outside the caller\'s jurisdiction, is 404', async () => {
    const e = await reportEvent(client, knex, auth.command!)
    const principal = (codes: string[], cityCode: string): Principal => ({ kind: 'api_key', userId: null, username: 'prov', displayName: '省平台',
      role: 'external_system', departmentId: null, cityCode, jurisdiction: Jurisdiction.of(codes) })
    const platform = { code: 'itest_other_city', name: '他市平台', city_code: '990200' } as PlatformRow
    const body = { eventNumber: e.number, status: 'received', at: at() }
    for (const p of [principal(['990200000000'], '990200'), principal(['990100000000', '990200000000'], '990200')]) {
      try {
        await receiveFeedback(knex, p, platform, body)
        expect.fail('accepted an event of another city')
      } catch (err) {
        expect((err as { status: number }).status).to.equal(404)
      }
    }
  })

  it('operators list platforms without secrets and page the delivery log; other roles cannot', async () => {
    const code = await makePlatform(knex, 'http://127.0.0.1:9/unused', { actions: ['report'] })
    const e = await reportEvent(client, knex, auth.command!)
    const [msg] = await outboxOf(knex, code, e.number)
    // three logged attempts, written the way the deliverer writes them
    for (let i = 1; i <= 3; i++) {
      await knex('outbox_delivery').insert({ outbox_id: msg!.id, attempt: i, platform_code: code, outcome: i < 3 ? 'retry' : 'delivered',
        status_code: i < 3 ? 500 : 200, error: i < 3 ? 'HTTP 500 Internal Server Error' : null, duration_ms: 5 })
    }
    const list = await client.get('/api/v1/integrations', auth.command)
    expect(list.statusCode, list.body).to.equal(200)
    const mine = list.json().items.find((x: { code: string }) => x.code === code)
    expect(mine).to.deep.include({ cityCode: '990100', adapter: 'webhook', signed: true, enabled: true })
    expect(mine.outbox).to.deep.include({ pending: 1, dead: 0, lastOutcome: 'delivered' })
    expect(list.body).not.to.contain('itest-secret')
    const page1 = (await client.get(`/api/v1/integrations/${code}/deliveries?limit=2`, auth.command)).json()
    expect(page1.items.map((x: { attempt: number }) => x.attempt)).to.deep.equal([3, 2])
    expect(page1.items[0]).to.deep.include({ key: `${code}:${e.number}:1`, outcome: 'delivered', statusCode: 200 })
    const page2 = (await client.get(`/api/v1/integrations/${code}/deliveries?limit=2&before=${page1.nextBefore}`, auth.command)).json()
    expect(page2.items.map((x: { attempt: number }) => x.attempt)).to.deep.equal([1])
    expect(page2.nextBefore).to.equal(null)
    for (const [url, status] of [
      [`/api/v1/integrations/${code}/deliveries?limit=0`, 400], [`/api/v1/integrations/${code}/deliveries?limit=abc`, 400],
      [`/api/v1/integrations/${code}/deliveries?before=-1`, 400], [`/api/v1/integrations/${code}/deliveries?x=1`, 400],
      [`/api/v1/integrations/${code}/outbox?state=lost`, 400], ['/api/v1/integrations/itest_missing/deliveries', 404],
    ] as const) expect((await client.get(url, auth.command)).statusCode, url).to.equal(status)
    for (const who of ['district', 'street1']) expect((await client.get('/api/v1/integrations', auth[who])).statusCode).to.equal(403)
    expect((await client.get('/api/v1/integrations')).statusCode).to.equal(401)
    expect((await client.post(`/api/v1/integrations/${code}/outbox/abc/retry`, {}, auth.command)).statusCode).to.equal(404)
    expect((await client.post(`/api/v1/integrations/${code}/outbox/999999999/retry`, {}, auth.command)).statusCode).to.equal(404)
  })
})
