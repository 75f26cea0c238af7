// The provincial link and open data (issue 20 item 8), in its own database: it seeds a year of
// demo history and configures a province platform, which other files must not see.
// - every message we send upward (event changes, daily statistics, catalogue entries) is valid
//   against the schema files, checked by a validator compiled here, apart from the server's;
// - daily statistics and the open-data files against a count written differently in the test;
// - instructions from above: an event through intake, once per message id; a bad one names its JSON path.
import crypto from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { openOwnContext } from '../support/ownDatabase.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { createApiKey } from '../../server/auth/users.ts'
import { checkMessage } from '../../server/exchange/schemas.ts'
import { runExchangePass, dailyStatistics, shanghaiDay } from '../../server/exchange/pass.ts'
import { seedHistory } from '../../fixtures/history.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { startReceiver, type Receiver } from '../integrations/receiver.ts'
import { LOCAL_RECEIVERS } from '../integrations/helpers.ts'
import { feedbackTests } from './feedbackSuite.ts'
import { openDataTests } from './openDataSuite.ts'
import { localDay, testValidator, type Ev, type ExchangeSuite } from './suite.ts'
import { pointIn, uniq } from '../events/helpers.ts'

const SECRET = 'province-secret-0123456789'
const CITY = '990100'
const DAY = 86_400_000
const key = { 'x-api-key': DEMO_API_KEY }

describe('exchange: the provincial link and open data', function () {
  this.timeout(120_000)
  let own: Awaited<ReturnType<typeof openOwnContext>>
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let receiver: Receiver
  let events: Ev[]
  const validate = testValidator()
  const received = () => receiver.received.map((r) => r.json as { messageId: string; kind: string; body: Record<string, unknown> })

  /** Runs the deliverer until the outbox of the province is empty (per-event order sends one change per pass). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const r = await deliverDue(knex, { allowedNetworks: LOCAL_RECEIVERS, now: () => new Date(Date.now() + 1000) })
      if (!r.claimed) return
    }
  }

  before(async () => {
    own = await openOwnContext('exchange', { webhookAllowedNetworks: [...LOCAL_RECEIVERS] })
    knex = own.context.knex
    client = await testClient(own.context)
    command = await loginAs(client, 'command')
    await seedHistory(knex, { count: 600, days: 200, seed: 7 })
    events = await knex('event').where({ city_code: CITY }).select('created_at', 'closed_at', 'handle_due_at', 'district_code', 'community_code', 'class_code', 'status')
    receiver = await startReceiver()
  })
  after(async () => {
    await receiver?.close()
    await own?.close()
  })

  it('configures the province platform (command centre only, the secret never answered, bad input names the field)', async () => {
    const put = (body: unknown, auth = command) => client.request({ method: 'PUT', url: '/api/v1/exchange/province', headers: { 'content-type': 'application/json', ...auth }, payload: JSON.stringify(body) })
    expectRefusal(await put({ endpoint: 'ftp://x' }), 'endpoint')
    // an internal address outside WEBHOOK_ALLOWED_NETWORKS (this test allows loopback only)
    expectRefusal(await put({ endpoint: 'http://169.254.169.254/latest/meta-data' }), 'endpoint')
    expect((await put({ endpoint: receiver.url }, await loginAs(client, 'street1'))).statusCode).to.be.oneOf([403, 404])
    const created = await put({ endpoint: receiver.url, secret: SECRET, timeoutMs: 2000 })
    expect(created.statusCode, created.body).to.equal(201)
    expect(created.json()).to.include({ code: `province_${CITY}`, adapter: 'province', signed: true })
    expect(created.body).not.to.include(SECRET)
    expect((await client.get('/api/v1/exchange/province', command)).json().endpoint).to.equal(receiver.url)
  })

  it('pushes event changes in the exchange format, signed, valid against the schema, without personal data', async () => {
    const p = await pointIn(knex, '990102001001')
    const res = await client.post('/api/v1/events', {
      channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('省级对接测试'),
      location: { x: p.lon, y: p.lat }, reporter: { name: '李四', phone: '13912345678' },
    }, command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    await drain()
    const mine = receiver.received.filter((r) => (r.json as { body?: { number?: string } }).body?.number === number)
    expect(mine.map((r) => (r.json as { body: { change: { seq: number } } }).body.change.seq)).to.deep.equal([1, 2, 3])
    for (const r of mine) {
      expect(validate(r.json), JSON.stringify(validate.errors)).to.equal(true)
      expect(r.body).not.to.match(/13912345678|李四/)
      const ts = String(r.headers['x-gridgov-timestamp'])
      const sig = 'sha256=' + crypto.createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')
      expect(r.headers['x-gridgov-signature']).to.equal(sig)
      expect(r.headers['idempotency-key']).to.equal((r.json as { messageId: string }).messageId)
    }
    const last = mine[2]!.json as { kind: string; body: Record<string, unknown> & { change: Record<string, unknown>; area: Record<string, unknown> } }
    expect(last.kind).to.equal('event')
    expect(last.body.change).to.include({ action: 'dispatch', to: 'dispatched' })
    expect(last.body.area.communityCode).to.equal('990102001001')
  })

  it('pushes yesterday\'s statistics and the open-data catalogue entries once, each valid against the schema', async () => {
    const now = new Date()
    const first = await runExchangePass(knex, now)
    expect(first).to.deep.equal({ statistics: 1, catalogue: 2, feedback: 0 })
    expect(await runExchangePass(knex, now)).to.deep.equal({ statistics: 0, catalogue: 0, feedback: 0 })
    await drain()
    const kinds = received().map((m) => m.kind)
    expect(kinds.filter((k) => k === 'statistics')).to.have.length(1)
    expect(kinds.filter((k) => k === 'catalogue-entry')).to.have.length(2)
    for (const r of receiver.received) expect(validate(r.json), JSON.stringify(validate.errors)).to.equal(true)
    const stats = received().find((m) => m.kind === 'statistics')!
    expect(stats.body.date).to.equal(localDay(new Date(now.getTime() - DAY)))
    const entry = received().find((m) => m.kind === 'catalogue-entry')!.body
    expect(entry).to.include({ classification: '公开', sharing: '无条件共享', resourceType: 'dataset' })
  })

  it('counts a day\'s statistics as an independent count over the events does', async () => {
    // the busiest closing day of the history, so the comparison covers many districts and classes
    const byDay = new Map<string, number>()
    for (const e of events) if (e.closed_at) byDay.set(localDay(e.closed_at), (byDay.get(localDay(e.closed_at)) ?? 0) + 1)
    const day = [...byDay].sort((a, b) => b[1] - a[1])[0]![0]
    const expected = new Map<string, { reported: number; closed: number; closedOverdue: number }>()
    const cell = (e: Ev) => {
      const k = `${e.district_code}/${e.class_code.slice(0, 2)}`
      if (!expected.has(k)) expected.set(k, { reported: 0, closed: 0, closedOverdue: 0 })
      return expected.get(k)!
    }
    for (const e of events) {
      if (e.status === 'voided') continue
      if (localDay(e.created_at) === day) cell(e).reported++
      if (e.closed_at && localDay(e.closed_at) === day) {
        cell(e).closed++
        if (e.handle_due_at && e.closed_at > e.handle_due_at) cell(e).closedOverdue++
      }
    }
    const s = await dailyStatistics(knex, CITY, day)
    expect(s.rows.length).to.be.greaterThan(1)
    expect(Object.fromEntries(s.rows.map((r) => [`${r.districtCode}/${r.majorClass}`, { reported: r.reported, closed: r.closed, closedOverdue: r.closedOverdue }])))
      .to.deep.equal(Object.fromEntries(expected))
    expect(s.totals.closed).to.equal(byDay.get(day))
    expect(checkMessage({ schema: 'gridgov.exchange/1', messageId: 'stats:x', kind: 'statistics', sender: { system: 't', areaCode: '990100000000' }, sentAt: new Date().toISOString(), body: s })).to.equal(null)
    expect(shanghaiDay(new Date(`${day}T00:30:00+08:00`))).to.equal(day)
  })

  it('refuses a hand-made bad message with its JSON path, in the validator and in the outbox (dead letter, never sent)', async () => {
    const good = received().find((m) => m.kind === 'event')!
    const bad = structuredClone(good) as unknown as { body: { location: { coordinates: number[] } } }
    bad.body.location.coordinates[1] = 123
    expect(validate(bad)).to.equal(false)
    expect(checkMessage(bad)).to.deep.equal({ path: '$.body.location.coordinates[1]', message: 'must be <= 90' })
    const noClass = structuredClone(good) as { body: Record<string, unknown> }
    delete noClass.body.class
    expect(validate(noClass)).to.equal(false)
    expect(checkMessage(noClass)?.path).to.equal('$.body.class')
    const before = receiver.received.length
    await knex('outbox').insert({ city_code: CITY, topic: 'integration', key: `province_${CITY}:bad-1`, payload: JSON.stringify({ ...bad, messageId: 'bad-1' }), platform_code: `province_${CITY}` })
    await drain()
    const row = await knex('outbox').where({ key: `province_${CITY}:bad-1` }).first()
    expect(row.delivered_at).to.equal(null)
    expect(row.last_error).to.include('$.body.location.coordinates[1]')
    expect(receiver.received.length).to.equal(before)
  })

  describe('instructions from above', () => {
    const instruction = async (over: Record<string, unknown> = {}, body: Record<string, unknown> = {}) => {
      const p = await pointIn(knex, '990102001001')
      return {
        schema: 'gridgov.exchange/1', messageId: `prov-${crypto.randomUUID()}`, kind: 'instruction',
        sender: { system: '省级网格化服务管理平台', areaCode: '990000000000' }, sentAt: new Date().toISOString(),
        body: { title: '督办：道路积水', content: uniq('某路口积水严重，请核查处置'), demandType: '投诉举报', classCode: '0102',
          location: { type: 'Point', coordinates: [p.lon, p.lat] }, priority: 2, issuer: { name: '省网格中心' }, ...body },
        ...over,
      }
    }
    const post = (m: unknown, headers: Record<string, string> = key) => client.post('/api/v1/exchange/instructions', m, headers)

    it('becomes one event of the superior channel, the same message id answering the same event', async () => {
      const m = await instruction()
      const first = await post(m)
      expect(first.statusCode, first.body).to.equal(201)
      const number = first.json().eventNumber as string
      const again = await post(m)
      expect(again.statusCode, again.body).to.equal(200)
      expect(again.json()).to.include({ eventNumber: number, replayed: true })
      const ev = (await client.get(`/api/v1/events/${number}`, command)).json()
      expect(ev.channel ?? ev.event?.channel).to.equal('superior')
      expect(Number((await knex('event').whereRaw('description LIKE ?', [`%${(m.body as { content: string }).content}%`]).count('* as n').first())!.n)).to.equal(1)
      const listed = (await client.get('/api/v1/exchange/instructions', command)).json().items
      expect(listed.filter((i: { messageId: string }) => i.messageId === m.messageId)).to.have.length(1)
      // the same id with another body is refused, nothing new written
      const changed = await post({ ...m, body: { ...(m.body as object), title: '督办：另一件事' } })
      expect(changed.statusCode, changed.body).to.equal(409)
    })

    it('refuses a message failing its schema with the JSON path, and writes nothing', async () => {
      const count = async () => Number((await knex('event').count('* as n').first())!.n)
      const n = await count()
      const far = await post(await instruction({}, { location: { type: 'Point', coordinates: [200, 36] } }))
      expect(far.statusCode).to.equal(400)
      expect(far.json().path).to.equal('$.body.location.coordinates[0]')
      const noTitle = await instruction()
      delete (noTitle.body as Record<string, unknown>).title
      expect((await post(noTitle)).json().path).to.equal('$.body.title')
      const neither = await instruction()
      delete (neither.body as Record<string, unknown>).location
      const r3 = await post(neither)
      expect(r3.statusCode).to.equal(400)
      expect(r3.json().path).to.equal('$.body')
      const wrongKind = await post(await instruction({ kind: 'statistics' }))
      expect(wrongKind.statusCode).to.equal(400)
      const zh = await client.post('/api/v1/exchange/instructions', await instruction({ sentAt: 'yesterday' }), { ...key, 'accept-language': 'zh-CN' })
      expect(zh.statusCode).to.equal(400)
      expect(zh.json().detail).to.include('$.sentAt').and.to.include('交换消息')
      const big = await post(await instruction({}, { content: 'x'.repeat(70_000) }))
      expect(big.statusCode).to.equal(413)
      expect(await count()).to.equal(n)
      expect(Number((await knex('exchange_instruction').count('* as n').first())!.n)).to.equal(1)
    })

    it('takes instructions from an external system\'s key with the events:write scope only', async () => {
      expect((await post(await instruction(), {})).statusCode).to.equal(401)
      expect((await post(await instruction(), command)).statusCode).to.equal(403)
      const user = await knex('app_user').where({ username: 'system' }).first('id')
      const readOnly = await createApiKey(knex, Number(user.id), 'exchange read only', undefined, { scopes: ['reference:read', 'reference:write'] })
      expect((await post(await instruction(), { 'x-api-key': readOnly.key })).statusCode).to.equal(403)
    })
  })

  // the suites below share this file's database, history and receiver (one setup: CI time)
  const suite = (): ExchangeSuite => ({ client, knex, command, receiver, validate, drain, events, dataDir: own.context.config.dataDir, city: CITY })
  feedbackTests(suite)
  openDataTests(suite)
})
