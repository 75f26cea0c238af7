// Fence alerts: insertAlerts (stored once, queued for subscribed platforms, announced once),
// the list (jurisdiction, filters, newest first, cursor) and acknowledgement.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { gridsOf, removeFences, sender } from './apiSupport.ts'
import { insertAlerts, type NewAlert } from '../../server/fences/repository.ts'
import { FIELD_CHANNEL } from '../../server/stream/notify.ts'

const C1 = '990102001001'
const C2 = '990102002001'
const CITY = '990100'
const T0 = Date.parse('2026-03-02T09:00:00+08:00')
const MIN = 60_000

describe('fence alerts API', () => {
  let client: Client
  let knex: Knex
  let s1: ReturnType<typeof sender>
  let s2: ReturnType<typeof sender>
  let fenceId: number
  let dev1: { deviceId: number; memberId: number | null; community: string }
  let dev2: { deviceId: number; memberId: number | null; community: string }
  let at: { lon: number; lat: number }
  const heard: { type: string; items: Record<string, unknown>[] }[] = []
  let unlisten: () => Promise<void>

  const alert = (dev: typeof dev1, kind: NewAlert['kind'], t: number): NewAlert =>
    ({ ...dev, fenceId, kind, at: t, lon: at.lon, lat: at.lat, detail: { test: true } })
  const store = (alerts: NewAlert[]) => knex.transaction((trx) => insertAlerts(trx, CITY, alerts))

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    s1 = sender(client, await loginAs(client, 'street1'))
    s2 = sender(client, await loginAs(client, 'street2'))
    at = (await gridsOf(knex, C1))[0]!
    const district = sender(client, await loginAs(client, 'district'))
    fenceId = (await district.post('/api/v1/fences', { name: 'api-test alerts', kind: 'circle', center: [at.lon, at.lat], radius: 500 })).json().id
    const d1 = await knex('device').where({ identifier: 'demo-inspector-phone' }).first('id', 'member_id')
    dev1 = { deviceId: Number(d1.id), memberId: Number(d1.member_id), community: C1 }
    const m2 = await knex('grid_member').where({ community_code: C2 }).first('id')
    const [d2] = await knex('device').insert({ identifier: 'api-test-alerts-2', city_code: CITY, kind: 'phone', name: '测试手机', admin_code: C2, member_id: m2.id }).returning('id')
    dev2 = { deviceId: Number(d2.id), memberId: Number(m2.id), community: C2 }
    await knex('integration_platform').insert([
      { code: 'fa_all', name: '全部', city_code: CITY, endpoint: 'http://127.0.0.1:9/all', actions: null },
      { code: 'fa_fence', name: '围栏', city_code: CITY, endpoint: 'http://127.0.0.1:9/fence', actions: ['fence_alert'] },
      { code: 'fa_events', name: '事件', city_code: CITY, endpoint: 'http://127.0.0.1:9/events', actions: ['dispatch'] },
      { code: 'fa_off', name: '停用', city_code: CITY, endpoint: 'http://127.0.0.1:9/off', actions: null, enabled: false },
    ])
    unlisten = await client.context.listen(FIELD_CHANNEL, (p) => heard.push(JSON.parse(p)))
  })

  after(async () => {
    await unlisten()
    await knex('outbox').whereIn('platform_code', ['fa_all', 'fa_fence', 'fa_events', 'fa_off']).delete()
    await knex('integration_platform').whereIn('code', ['fa_all', 'fa_fence', 'fa_events', 'fa_off']).delete()
    await removeFences(knex, [])
    await knex('device').where({ identifier: 'api-test-alerts-2' }).delete()
  })

  it('insertAlerts stores each alert once, queues it for each subscribed platform and announces it once', async () => {
    const batch = [alert(dev1, 'enter', T0), alert(dev2, 'exit', T0 + MIN)]
    const first = await store(batch)
    expect(first.map((a) => a.kind)).to.deep.equal(['enter', 'exit'])
    expect(first[0]).to.include({ community: C1, fenceId, fenceName: 'api-test alerts', device: 'demo-inspector-phone', at: new Date(T0).toISOString() })
    const again = await store(batch)
    expect(again).to.deep.equal([])
    const outbox = await knex('outbox').where({ topic: 'fence_alert' }).whereIn('platform_code', ['fa_all', 'fa_fence', 'fa_events', 'fa_off']).orderBy('key')
    const ids = first.map((a) => a.id)
    expect(outbox.map((o) => o.key)).to.have.members(ids.flatMap((id) => [`fence_alert:${id}:fa_all`, `fence_alert:${id}:fa_fence`]))
    const msg = outbox.find((o) => o.key === `fence_alert:${ids[0]}:fa_all`)!
    expect(msg.payload).to.deep.include({ schema: 'gridgov.fence-alert/1', messageId: msg.key, platform: 'fa_all' })
    expect(msg.payload.alert).to.deep.include({ id: ids[0], kind: 'enter', communityCode: C1, memberId: dev1.memberId })
    expect(msg.payload.alert.fence).to.deep.equal({ id: fenceId, name: 'api-test alerts', kind: 'circle' })
    expect(msg.city_code).to.equal(CITY)
    const created = () => heard.filter((h) => h.type === 'fence_alert').flatMap((h) => h.items).filter((i) => i.change === 'created' && ids.includes(i.id as number))
    expect(await until(() => created().length >= 2)).to.equal(true)
    // a sentinel instead of a pause: notifications arrive in commit order, so once this one,
    // sent after both stores committed, is heard, a second announcement would already be here
    const sentinel = { type: 'test_sentinel', items: [] }
    await knex.raw('SELECT pg_notify(?, ?)', [FIELD_CHANNEL, JSON.stringify(sentinel)])
    expect(await until(() => heard.some((h) => h.type === 'test_sentinel')), 'the sentinel arrives').to.equal(true)
    expect(created()).to.have.length(2)
  })

  it('lists newest first inside the jurisdiction (the alert\'s community), with filters and a cursor', async () => {
    await store([alert(dev1, 'dwell', T0 + 2 * MIN), alert(dev1, 'exit', T0 + 3 * MIN), alert(dev1, 'enter', T0 + 4 * MIN), alert(dev2, 'absent', T0 + 5 * MIN)])
    const mine = (await s1.get(`/api/v1/fence-alerts?fenceId=${fenceId}`)).json().items
    expect(mine.map((a: { kind: string }) => a.kind)).to.deep.equal(['enter', 'exit', 'dwell', 'enter'])
    expect(mine.every((a: { communityCode: string }) => a.communityCode === C1)).to.equal(true)
    expect(mine[0]).to.include({ device: 'demo-inspector-phone', deviceId: dev1.deviceId, memberId: dev1.memberId, acknowledgedAt: null, fenceName: 'api-test alerts' })
    const theirs = (await s2.get(`/api/v1/fence-alerts?fenceId=${fenceId}`)).json().items
    expect(theirs.map((a: { kind: string }) => a.kind)).to.deep.equal(['absent', 'exit'])
    const q = async (query: string) => (await s1.get(`/api/v1/fence-alerts?fenceId=${fenceId}&${query}`)).json().items.map((a: { kind: string }) => a.kind)
    expect(await q('kind=enter,dwell')).to.deep.equal(['enter', 'dwell', 'enter'])
    expect(await q('device=demo-inspector-phone')).to.have.length(4)
    expect(await q(`deviceId=${dev2.deviceId}`)).to.deep.equal([])
    expect(await q(`memberId=${dev1.memberId}`)).to.have.length(4)
    expect(await q(`from=${new Date(T0 + 2 * MIN).toISOString()}&to=${new Date(T0 + 4 * MIN).toISOString()}`)).to.deep.equal(['exit', 'dwell'])
    expect(await q('acknowledged=true')).to.deep.equal([])
    const seen: number[] = []
    let url: string | null = `/api/v1/fence-alerts?fenceId=${fenceId}&limit=1`
    let last = Infinity
    while (url) {
      const page: { items: { id: number; at: string }[]; next: string | null } = (await s1.get(url)).json()
      for (const a of page.items) {
        expect(Date.parse(a.at)).to.be.at.most(last)
        last = Date.parse(a.at)
        seen.push(a.id)
      }
      url = page.next
    }
    expect(seen).to.have.length(4)
    expect(new Set(seen).size).to.equal(4)
    const gj = await s1.get(`/api/v1/fence-alerts?fenceId=${fenceId}&f=geojson&limit=1`)
    expect(gj.json().features[0].geometry).to.deep.equal({ type: 'Point', coordinates: [at.lon, at.lat] })
  })

  it('acknowledge: 200 once, then 409; 404 outside the jurisdiction; 403 for an inspector; streamed', async () => {
    const [a] = await store([alert(dev1, 'exit', T0 + 10 * MIN)])
    expect((await s2.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {})).statusCode).to.equal(404)
    const inspector = sender(client, await loginAs(client, 'inspector'))
    expect((await inspector.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {})).statusCode).to.equal(403)
    const ok = await s1.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {})
    expect(ok.statusCode, ok.body).to.equal(200)
    const user = await knex('app_user').where({ username: 'street1' }).first('id', 'display_name')
    expect(ok.json()).to.include({ id: a!.id, acknowledgedBy: Number(user.id), acknowledgedByName: user.display_name })
    expect(Date.parse(ok.json().acknowledgedAt)).to.be.closeTo(Date.now(), 60_000)
    const twice = await s1.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {})
    expect(twice.statusCode).to.equal(409)
    expect(twice.json()).to.include({ acknowledgedAt: ok.json().acknowledgedAt, acknowledgedBy: Number(user.id) })
    const listed = (await s1.get(`/api/v1/fence-alerts?fenceId=${fenceId}&acknowledged=true`)).json().items
    expect(listed.map((x: { id: number }) => x.id)).to.deep.equal([a!.id])
    const open = (await s1.get(`/api/v1/fence-alerts?fenceId=${fenceId}&acknowledged=false`)).json().items
    expect(open.map((x: { id: number }) => x.id)).not.to.include(a!.id)
    const acked = () => heard.flatMap((h) => h.items).filter((i) => i.change === 'acknowledged' && i.id === a!.id)
    expect(await until(() => acked().length === 1)).to.equal(true)
    expect(acked()[0]).to.include({ community: C1 })
    expect((await s1.post('/api/v1/fence-alerts/99999999/acknowledge', {})).statusCode).to.equal(404)
  })

  it('two acknowledgements at once: one 200, one 409', async () => {
    const [a] = await store([alert(dev1, 'enter', T0 + 20 * MIN)])
    const district = sender(client, await loginAs(client, 'district'))
    const codes = (await Promise.all([s1.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {}), district.post(`/api/v1/fence-alerts/${a!.id}/acknowledge`, {})]))
      .map((r) => r.statusCode).sort()
    expect(codes).to.deep.equal([200, 409])
  })

  it('refuses bad query parameters and ids, naming them', async () => {
    for (const [query, field] of [['limit=501', 'limit'], ['limit=abc', 'limit'], ['kind=leave', 'kind.0'], ['from=yesterday', 'from'],
      ['acknowledged=maybe', 'acknowledged'], ['deviceId=abc', 'deviceId'], ['device=a', 'device'], ['colour=red', '(root)'],
      ['from=2026-03-02&to=2026-03-01', 'to'], ['cursor=garbage', 'cursor'], ['f=kml', 'f']] as const) {
      const res = await s1.get(`/api/v1/fence-alerts?${query}`)
      expect(res.statusCode, query).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), query).to.include(field)
    }
    expect((await s1.post('/api/v1/fence-alerts/abc/acknowledge', {})).statusCode).to.equal(400)
    expect((await client.get('/api/v1/fence-alerts')).statusCode).to.equal(401)
  })
})
