// The inbox: deliver() picks the named users, the roles whose jurisdiction covers the area and the
// subscribers; the API lists a user's own notices with read state and pages; subscriptions stay
// inside the jurisdiction; quiet hours hold the pushes until their end (emergencies are never
// held); the stream tells a user at once and replays what a reconnecting client missed; the
// gateway copy leaves through the outbox to a real local receiver.
import { expect } from 'chai'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { openStream } from '../support/sse.ts'
import { streamHubOf } from '../../server/stream/routes.ts'
import { deliver } from '../../server/inbox/deliver.ts'
import { findUserByName, toPrincipal } from '../../server/auth/users.ts'
import { releaseHeld } from '../../server/inbox/store.ts'
import { deliverDue } from '../../server/integrations/deliverer.ts'
import { startReceiver } from '../integrations/receiver.ts'

const AREA = '990102001003' // street 1 (990102001), district 990102
const tag = () => Math.random().toString(36).slice(2, 8)

describe('inbox', () => {
  let ctx: AppContext
  let knex: Knex
  let client: Client
  const auth: Record<string, Record<string, string>> = {}
  const uid: Record<string, number> = {}

  const put = (url: string, payload: unknown, headers: Record<string, string> | undefined) =>
    client.request({ method: 'PUT', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) })
  const del = (url: string, headers: Record<string, string> | undefined) => client.request({ method: 'DELETE', url, headers: headers ?? {} })
  const itemsOf = async (user: string, title: string) =>
    (await knex('inbox_item').where({ user_id: uid[user] }).where('title', title).select('*')) as { id: string; deliver_at: Date; pushed_at: Date | null; push_seq: string | null }[]

  before(async () => {
    ctx = await getTestContext()
    knex = ctx.knex
    client = await testClient(ctx)
    for (const u of ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department']) {
      auth[u] = await loginAs(client, u)
      uid[u] = Number((await knex('app_user').where({ username: u }).first('id')).id)
    }
    await knex('inbox_subscription').whereIn('user_id', Object.values(uid)).delete()
    await knex('inbox_setting').whereIn('user_id', Object.values(uid)).delete()
  })

  after(async () => {
    await knex('inbox_subscription').whereIn('user_id', Object.values(uid)).delete()
    await knex('inbox_setting').whereIn('user_id', Object.values(uid)).delete()
  })

  it('delivers to the named users and to the roles whose jurisdiction covers the area, and no one else', async () => {
    const title = `测试通知 ${tag()}`
    const n = await knex.transaction((trx) => deliver(trx, { kind: 'todo', title, areaCode: AREA, eventId: 'E202612040001' },
      { userIds: [String(uid.inspector)], roles: ['street_staff', 'community_staff', 'district_staff'] }))
    // independently of deliver's SQL: every enabled user of those roles whose principal (the
    // sign-in's jurisdiction, server/auth/users.ts) covers the area, plus the named one; other test
    // files add users to this database, so the set is read, not assumed
    const names = await knex('app_user').whereIn('role', ['street_staff', 'community_staff', 'district_staff']).where('disabled', false).pluck('username') as string[]
    const covering: number[] = []
    for (const name of names) {
      const row = (await findUserByName(knex, name))!
      if (toPrincipal(row, 'user').jurisdiction.covers(AREA)) covering.push(Number(row.id))
    }
    const expected = [...new Set([uid.inspector!, ...covering])].sort()
    // of the demo users: street1 covers 990102001, district covers 990102; street2 (990102002) and community (990102001001) do not
    expect(expected).to.include.members([uid.inspector, uid.street1, uid.district])
    expect(expected).not.to.include.members([uid.street2])
    expect(expected).not.to.include(uid.community)
    expect(n).to.equal(expected.length)
    const got = await knex('inbox_item').where({ title }).pluck('user_id') as string[]
    expect(got.map(Number).sort()).to.deep.equal(expected)
  })

  it('lists only the caller\'s notices, newest first, with pages and the unread count, and marks them read', async () => {
    const t = tag()
    for (let i = 1; i <= 3; i++) await deliver(knex, { kind: 'warning', title: `分页 ${t} ${i}`, body: '正文' }, { userIds: [uid.street2!] })
    await deliver(knex, { kind: 'warning', title: `别人的 ${t}` }, { userIds: [uid.street1!] })
    const unreadBefore = Number((await knex('inbox_item').where({ user_id: uid.street2 }).whereNull('read_at').count({ n: '*' }))[0]!.n)
    const first = await client.get('/api/v1/inbox?limit=2&kind=warning', auth.street2)
    expect(first.statusCode, first.body).to.equal(200)
    const page1 = first.json()
    expect(page1.items.map((i: { title: string }) => i.title)).to.deep.equal([`分页 ${t} 3`, `分页 ${t} 2`])
    expect(page1.items[0]).to.include({ kind: 'warning', kindName: '预警', body: '正文', read: false, held: false })
    expect(page1.unread).to.equal(unreadBefore)
    expect(page1.next).to.be.a('string')
    const second = (await client.get(page1.next, auth.street2)).json()
    expect(second.items[0].title).to.equal(`分页 ${t} 1`)
    // nobody else's notice appears
    const all = (await client.get('/api/v1/inbox?limit=200', auth.street2)).json()
    expect(all.items.some((i: { title: string }) => i.title === `别人的 ${t}`)).to.equal(false)
    // marking: another user's id is ignored, own ids count
    const other = (await knex('inbox_item').where({ title: `别人的 ${t}` }).first('id')).id
    const read = await client.post('/api/v1/inbox/read', { ids: [page1.items[0].id, page1.items[1].id, Number(other)] }, auth.street2)
    expect(read.statusCode, read.body).to.equal(200)
    expect(read.json()).to.deep.equal({ marked: 2, unread: unreadBefore - 2 })
    expect((await knex('inbox_item').where({ id: other }).first('read_at')).read_at).to.equal(null)
    const unreadOnly = (await client.get('/api/v1/inbox?unread=true&limit=200', auth.street2)).json()
    expect(unreadOnly.items.every((i: { read: boolean }) => !i.read)).to.equal(true)
    const rest = await client.post('/api/v1/inbox/read', { all: true }, auth.street2)
    expect(rest.json()).to.deep.equal({ marked: unreadBefore - 2, unread: 0 })
  })

  it('names the field of bad input', async () => {
    const bad = await client.get('/api/v1/inbox?limit=0', auth.street2)
    expect(bad.statusCode).to.equal(400)
    expect(bad.json().errors[0].field).to.equal('limit')
    const both = await client.post('/api/v1/inbox/read', {}, auth.street2)
    expect(both.statusCode).to.equal(400)
    expect(both.json().errors[0].field).to.equal('ids')
    const kind = await client.post('/api/v1/inbox/subscriptions', { kind: 'gossip' }, auth.street2)
    expect(kind.statusCode).to.equal(400)
    expect(kind.json().errors[0].field).to.equal('kind')
    const anon = await client.get('/api/v1/inbox', {})
    expect(anon.statusCode).to.equal(401)
  })

  it('keeps subscriptions inside the jurisdiction and delivers a subscribed kind and area', async () => {
    const outside = await client.post('/api/v1/inbox/subscriptions', { kind: 'warning', areaCode: '990102002001' }, auth.street1!)
    expect(outside.statusCode).to.equal(400)
    expect(outside.json().errors[0].field).to.equal('areaCode')
    expect(outside.json().code).to.equal('inbox.area_outside')
    const zh = await client.request({ method: 'POST', url: '/api/v1/inbox/subscriptions', headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN', ...auth.street1 }, payload: JSON.stringify({ kind: 'warning', areaCode: '990102002001' }) })
    expect(zh.json().detail).to.include('不在您的辖区内')
    const made = await client.post('/api/v1/inbox/subscriptions', { kind: 'report_ready', areaCode: '990102001001' }, auth.street1!)
    expect(made.statusCode, made.body).to.equal(201)
    expect(made.json()).to.include({ kind: 'report_ready', areaCode: '990102001001', external: false })
    const again = await client.post('/api/v1/inbox/subscriptions', { kind: 'report_ready', areaCode: '990102001001' }, auth.street1!)
    expect(again.statusCode).to.equal(409)
    // a notice of that kind in a community inside the subscribed area reaches street1 with no role named
    const title = `订阅 ${tag()}`
    expect(await deliver(knex, { kind: 'report_ready', title, areaCode: '990102001001' }, {})).to.equal(1)
    expect(await itemsOf('street1', title)).to.have.length(1)
    // outside the subscribed area: nobody
    expect(await deliver(knex, { kind: 'report_ready', title: `${title}b`, areaCode: '990102001002' }, {})).to.equal(0)
    const list = (await client.get('/api/v1/inbox/subscriptions', auth.street1)).json()
    expect(list.items).to.have.length(1)
    expect((await del(`/api/v1/inbox/subscriptions/${made.json().id}`, auth.street2)).statusCode, 'not another user\'s').to.equal(404)
    expect((await del(`/api/v1/inbox/subscriptions/${made.json().id}`, auth.street1)).statusCode).to.equal(204)
    expect((await del(`/api/v1/inbox/subscriptions/${made.json().id}`, auth.street1)).statusCode).to.equal(404)
  })

  it('holds pushes inside quiet hours until their end, never an emergency, then releases them', async () => {
    const bad = await put('/api/v1/inbox/settings', { quietStart: '22:00', quietEnd: null }, auth.community!)
    expect(bad.statusCode).to.equal(400)
    expect(bad.json().errors[0].field).to.equal('quietEnd')
    const zone = await put('/api/v1/inbox/settings', { quietStart: '22:00', quietEnd: '07:00', timeZone: 'Mars/Olympus' }, auth.community!)
    expect(zone.json().errors[0].field).to.equal('timeZone')
    const ok = await put('/api/v1/inbox/settings', { quietStart: '22:00', quietEnd: '07:00' }, auth.community!)
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ quietStart: '22:00', quietEnd: '07:00', timeZone: 'Asia/Shanghai' })
    // 23:30 in Shanghai (UTC+8, no daylight saving) is inside 22:00-07:00; the end is 07:00 the next morning
    const now = new Date('2026-12-04T23:30:00+08:00')
    const end = new Date('2026-12-05T07:00:00+08:00')
    const title = `免打扰 ${tag()}`
    await deliver(knex, { kind: 'warning', title }, { userIds: [uid.community!] }, now)
    const [held] = await itemsOf('community', title)
    expect(held!.deliver_at.toISOString()).to.equal(end.toISOString())
    expect(held!.pushed_at).to.equal(null)
    // listed at once, marked held
    const listed = (await client.get('/api/v1/inbox?limit=200', auth.community!)).json().items.find((i: { title: string }) => i.title === title)
    expect(listed).to.include({ held: true })
    const urgent = `紧急 ${tag()}`
    await deliver(knex, { kind: 'emergency', title: urgent }, { userIds: [uid.community!] }, now)
    expect((await itemsOf('community', urgent))[0]!.pushed_at).to.not.equal(null)
    // at 07:00 minus a minute: still held; at 07:00: released with a stream cursor
    await releaseHeld(knex, new Date(end.getTime() - 60_000))
    expect((await itemsOf('community', title))[0]!.pushed_at).to.equal(null)
    await releaseHeld(knex, end)
    const [released] = await itemsOf('community', title)
    expect(released!.pushed_at).to.not.equal(null)
    expect(Number(released!.push_seq)).to.be.greaterThan(Number((await itemsOf('community', urgent))[0]!.push_seq))
    // outside quiet hours (daytime): not held
    const day = `白天 ${tag()}`
    await deliver(knex, { kind: 'warning', title: day }, { userIds: [uid.community!] }, new Date('2026-12-04T12:00:00+08:00'))
    expect((await itemsOf('community', day))[0]!.pushed_at).to.not.equal(null)
    await put('/api/v1/inbox/settings', { quietStart: null, quietEnd: null }, auth.community!)
  })

  describe('over a real port', () => {
    let server: http.Server
    let port: number
    before(async () => {
      server = http.createServer(createApp(ctx).callback())
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      port = (server.address() as AddressInfo).port
    })
    after(async () => {
      await streamHubOf(ctx).close()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    })

    it('tells the user\'s own stream at commit, and replays what a reconnecting stream missed', async () => {
      const mine = await openStream(port, auth.street2!)
      const other = await openStream(port, auth.street1!)
      try {
        await until(() => streamHubOf(ctx).size >= 2)
        const title = `推送 ${tag()}`
        await knex.transaction((trx) => deliver(trx, { kind: 'supervision', title, eventId: 'E202612040002', link: '#event=E202612040002' }, { userIds: [uid.street2!] }))
        const inbox = () => mine.events.filter((e) => e.event === 'inbox' && e.data.title === title)
        expect(await until(() => inbox().length === 1)).to.equal(true)
        expect(inbox()[0]!.data).to.include({ userId: uid.street2, kind: 'supervision', eventId: 'E202612040002', link: '#event=E202612040002' })
        const seq = inbox()[0]!.data.seq as number
        expect(mine.raw).to.include(`id: ${seq}\n`)
        // a sentinel for street1 after it: street1 hears its own, never street2's
        const sentinel = `哨兵 ${tag()}`
        await deliver(knex, { kind: 'warning', title: sentinel }, { userIds: [uid.street1!] })
        expect(await until(() => other.events.some((e) => e.data.title === sentinel))).to.equal(true)
        expect(other.events.some((e) => e.data.title === title)).to.equal(false)
        mine.close()
        // missed while offline
        const missed = [`离线1 ${tag()}`, `离线2 ${tag()}`]
        for (const m of missed) await deliver(knex, { kind: 'todo', title: m }, { userIds: [uid.street2!] })
        const back = await openStream(port, { ...auth.street2!, 'last-event-id': String(seq) })
        try {
          const got = () => back.events.filter((e) => e.event === 'inbox').map((e) => e.data.title)
          expect(await until(() => got().length >= 2)).to.equal(true)
          expect(got()).to.deep.equal(missed)
        } finally {
          back.close()
        }
      } finally {
        mine.close()
        other.close()
      }
    })
  })

  it('sends subscribed kinds through the messaging gateway via the outbox, after quiet hours', async () => {
    const receiver = await startReceiver([], { kind: 'status', status: 200, body: '{"errcode":0,"errmsg":"ok"}', headers: { 'content-type': 'application/json' } })
    const saved = process.env.GRIDGOV_INBOX_GATEWAY_URL
    process.env.GRIDGOV_INBOX_GATEWAY_URL = receiver.url
    try {
      const sub = await client.post('/api/v1/inbox/subscriptions', { kind: 'supervision', external: true }, auth.department!)
      expect(sub.statusCode, sub.body).to.equal(201)
      await put('/api/v1/inbox/settings', { quietStart: '22:00', quietEnd: '07:00', externalAddress: '13800138000' }, auth.department!)
      const title = `网关 ${tag()}`
      const now = new Date('2026-12-04T23:00:00+08:00')
      await deliver(knex, { kind: 'supervision', title, body: '请于明日回复' }, { userIds: [uid.department!] }, now)
      const [item] = await itemsOf('department', title)
      const row = await knex('outbox').where({ topic: 'inbox', key: `inbox:${item!.id}` }).first('available_at', 'platform_code')
      expect(row.platform_code).to.equal('inbox_gateway')
      expect(new Date(row.available_at).toISOString()).to.equal(new Date('2026-12-05T07:00:00+08:00').toISOString())
      // the deliverer does not send it before the quiet hours end …
      await deliverDue(knex, { now: () => new Date('2026-12-05T06:59:00+08:00') })
      expect(receiver.received.filter((r) => JSON.stringify(r.json).includes(title))).to.have.length(0)
      // … and sends it then
      await deliverDue(knex, { now: () => new Date('2026-12-05T07:00:01+08:00') })
      const got = receiver.received.filter((r) => JSON.stringify(r.json).includes(title))
      expect(got).to.have.length(1)
      expect(got[0]!.json).to.deep.equal({
        msgtype: 'text', text: { content: `【督办】${title}\n请于明日回复` }, at: { atMobiles: ['13800138000'] }, touser: '13800138000', msgid: `inbox:${item!.id}`,
      })
      const sent = await knex('outbox').where({ key: `inbox:${item!.id}` }).first('delivered_at')
      expect(sent.delivered_at).to.not.equal(null)
    } finally {
      if (saved === undefined) delete process.env.GRIDGOV_INBOX_GATEWAY_URL
      else process.env.GRIDGOV_INBOX_GATEWAY_URL = saved
      await receiver.close()
    }
  })
})
