// /api/v1/warning-rules: effective rules with defaults, tuning by the command centre with versions
// (a stale version is a 409), every version kept with its reason, the pass recording the version
// that raised a warning, and bad input naming the field.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { runWarningPass } from '../../server/warnings/pass.ts'
import { cleanup, insertEvents, pointIn, warningsAt } from './support.ts'

describe('warning rules API', () => {
  let client: Client
  let knex: Knex
  const h: Record<string, Record<string, string>> = {}
  const put = (kind: string, body: unknown, who = 'command') => client.request({
    method: 'PUT', url: `/api/v1/warning-rules/${kind}`, headers: { 'content-type': 'application/json', ...h[who] },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await cleanup(knex)
    for (const u of ['command', 'analyst', 'street1']) h[u] = await loginAs(client, u)
  })
  after(async () => { await cleanup(knex) })

  it('reads the defaults (version 0) until a city tunes a rule', async () => {
    const r = await client.get('/api/v1/warning-rules', h.analyst)
    expect(r.statusCode, r.body).to.equal(200)
    const items = r.json().items as { kind: string; version: number; enabled: boolean; params: Record<string, unknown>; isDefault: boolean; paramsSchema: unknown }[]
    expect(items.map((i) => i.kind)).to.deep.equal(['spike', 'mass', 'repeat_reporter', 'near_deadline', 'new_hotspot'])
    expect(items.every((i) => i.version === 0 && i.enabled && i.isDefault && i.paramsSchema)).to.equal(true)
    expect(items[0]!.params).to.deep.equal({ method: 'poisson', days: 8, alpha: 0.001, lambda: 0.3, L: 3, minCount: 5 })
    expect(items[1]!.params).to.deep.equal({ minEvents: 5, radiusM: 200, hours: 24, group: 'any' })
    expect(items[2]!.params).to.deep.equal({ minEvents: 3, days: 30 })
    expect(items[3]!.params).to.deep.equal({ minutes: 120 })
    expect(items[4]!.params).to.deep.equal({ resolution: 8, days: 7, confidence: 95 })
  })

  it('tunes with versions: a stale version is a 409; every version is kept with who and why', async () => {
    expect((await put('near_deadline', { enabled: true, params: { minutes: 60 }, version: 0, reason: '试行' }, 'street1')).statusCode).to.equal(403)
    const v1 = await put('near_deadline', { enabled: true, params: { minutes: 60 }, version: 0, reason: '缩短临期窗口' })
    expect(v1.statusCode, v1.body).to.equal(200)
    expect(v1.json()).to.include({ version: 1, enabled: true, isDefault: false })
    expect(v1.json().params).to.deep.equal({ minutes: 60 })
    const stale = await put('near_deadline', { enabled: false, params: {}, version: 0, reason: '另一人的修改' })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json()).to.include({ currentVersion: 1 })
    expect(JSON.stringify(stale.json().errors)).to.include('version')
    const v2 = await put('near_deadline', { enabled: true, params: {}, version: 1, reason: '恢复默认参数' })
    expect(v2.json()).to.include({ version: 2 })
    expect(v2.json().params).to.deep.equal({ minutes: 120 })
    // two writers at once on version 2: one wins
    const both = await Promise.all([1, 2].map((i) => put('near_deadline', { enabled: true, params: { minutes: 30 + i }, version: 2, reason: `并发${i}` })))
    expect(both.map((r) => r.statusCode).sort()).to.deep.equal([200, 409])
    const versions = await client.get('/api/v1/warning-rules/near_deadline/versions', h.analyst)
    expect(versions.statusCode).to.equal(200)
    const list = versions.json().versions as { version: number; reason: string; params: { minutes: number }; changedByName: string | null }[]
    expect(list.map((v) => v.version)).to.deep.equal([3, 2, 1, 0])
    expect(list[2]).to.deep.include({ reason: '缩短临期窗口', params: { minutes: 60 }, changedByName: '市指挥中心值班员' })
    expect(list[3]!.params).to.deep.equal({ minutes: 120 })
  })

  it('a warning carries the version of the rule that raised it; a disabled rule raises nothing', async () => {
    const now = new Date('2025-04-08T10:00:00+08:00')
    const p = await pointIn(knex, '990102001001', 5)
    await insertEvents(knex, [{ community: '990102001001', ...p, at: new Date(now.getTime() - 86_400_000), status: 'handling', handleDueAt: new Date(now.getTime() + 20 * 60_000) }])
    const current = (await client.get('/api/v1/warning-rules', h.command)).json().items.find((i: { kind: string }) => i.kind === 'near_deadline')
    for (const k of ['spike', 'mass', 'repeat_reporter', 'new_hotspot']) {
      const r = await put(k, { enabled: false, version: 0, reason: '测试只看临期' })
      expect(r.statusCode, r.body).to.equal(200)
    }
    const off = await put('near_deadline', { enabled: false, params: {}, version: current.version, reason: '暂停' })
    expect((await runWarningPass(knex, now, { ignoreSchedule: true })).near_deadline).to.equal(0)
    const on = await put('near_deadline', { enabled: true, params: { minutes: 30 }, version: off.json().version, reason: '恢复' })
    const r = await runWarningPass(knex, now, { ignoreSchedule: true })
    expect(r).to.deep.equal({ spike: 0, mass: 0, repeat_reporter: 0, near_deadline: 1, new_hotspot: 0 })
    const [w] = await warningsAt(knex, 'near_deadline', now)
    expect(w!.rule_version).to.equal(on.json().version)
  })

  it('bad input: unknown kind, params out of range or unknown, hostile and oversized values → 4xx naming the field', async () => {
    const ok = { enabled: true, params: {}, version: 0, reason: '测试' }
    const cases: [string, unknown, string, number][] = [
      ['bogus', ok, 'kind', 400],
      [encodeURIComponent("spike'; DROP TABLE warning_rule; --"), ok, 'kind', 400],
      ['spike', { ...ok, params: { minCount: 0 } }, 'params.minCount', 400],
      ['spike', { ...ok, params: { alpha: 0.5 } }, 'params.alpha', 400],
      ['spike', { ...ok, params: { alpha: 'abc' } }, 'params.alpha', 400],
      ['spike', { ...ok, params: { method: 'magic' } }, 'params.method', 400],
      ['spike', { ...ok, params: { days: 2.5 } }, 'params.days', 400],
      ['mass', { ...ok, params: { radiusM: 1e9 } }, 'params.radiusM', 400],
      ['mass', { ...ok, params: { evil: "<script>alert(1)</script>" } }, 'params', 400],
      ['new_hotspot', { ...ok, params: { resolution: 12 } }, 'params.resolution', 400],
      ['new_hotspot', { ...ok, params: { confidence: 80 } }, 'params.confidence', 400],
      ['near_deadline', { ...ok, params: { minutes: -5 } }, 'params.minutes', 400],
      ['near_deadline', { ...ok, params: [] }, 'params', 400],
      ['near_deadline', { ...ok, enabled: 'yes' }, 'enabled', 400],
      ['near_deadline', { ...ok, version: -1 }, 'version', 400],
      ['near_deadline', { ...ok, version: '1' }, 'version', 400],
      ['near_deadline', { ...ok, reason: '' }, 'reason', 400],
      ['near_deadline', { ...ok, reason: 'x'.repeat(501) }, 'reason', 400],
      ['near_deadline', { enabled: true, version: 0 }, 'reason', 400],
      ['near_deadline', { ...ok, extra: 1 }, 'extra', 400],
    ]
    for (const [kind, body, field, status] of cases) {
      const r = await put(kind, body)
      expect(r.statusCode, `${kind} ${JSON.stringify(body).slice(0, 80)}: ${r.body}`).to.equal(status)
      expect(JSON.stringify(r.json().errors), field).to.include(field)
    }
    expect((await put('spike', '{"enabled": tru')).statusCode).to.equal(400)
    expect((await put('spike', { ...ok, reason: 'x'.repeat(3 * 1024 * 1024) })).statusCode).to.equal(413)
    expect((await client.get('/api/v1/warning-rules/bogus/versions', h.analyst)).statusCode).to.equal(400)
    // nothing was stored by any of them
    expect(await knex('warning_rule').where({ kind: 'spike' })).to.have.length(1) // the one disabled above
  })
})
