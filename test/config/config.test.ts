// Matters and rules as versioned configuration (issue 18 item 1): versions with effective dates,
// who and why; overlaps and duplicate codes refused naming the field; an industry grid type's
// own matters by configuration alone; open events keep the versions they started under; the
// role × channel rule is configuration and its refusal names where it is written; a written
// version is announced to every instance. Its own database: it adds classes, channels and rules.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { openOwnContext } from '../support/ownDatabase.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import type { AppContext } from '../../server/context.ts'
import { calendars, pinnedReference, reference, type ConfigPins } from '../../server/events/reference.ts'

const HOUR = 3_600_000

describe('config: matters and rules as versioned configuration', function () {
  this.timeout(180_000)
  let own: { context: AppContext; close(): Promise<void> }
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let point: { lon: number; lat: number; grid: string }

  const send = (url: string, body: unknown, who = 'command') => client.post(url, body, auth[who])
  const report = (over: Record<string, unknown>, who = 'command') => send('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('消防通道被杂物堵塞'),
    location: { x: point.lon, y: point.lat }, ...over,
  }, who)

  before(async () => {
    own = await openOwnContext('config')
    client = await testClient(own.context)
    knex = own.context.knex
    for (const u of ['command', 'street1', 'district', 'inspector']) auth[u] = await loginAs(client, u)
    point = await pointIn(knex, '990102001001', 3)
  })
  after(async () => { await own?.close() })

  it('lists what is in force with who and why, and every kind is readable by staff', async () => {
    const root = await client.get('/api/v1/config', auth.street1)
    expect(root.statusCode, root.body).to.equal(200)
    expect(root.json().kinds.map((k: { kind: string }) => k.kind)).to.deep.equal(
      ['classes', 'demand-types', 'channels', 'dispatch-rules', 'time-limits', 'supervision-rules', 'class-field-rules', 'hard-case-rules', 'service-kinds'])
    const classes = await client.get('/api/v1/config/classes', auth.street1)
    expect(classes.statusCode).to.equal(200)
    const own0102 = await knex('event_class').where('code', '0102').first('name', 'time_limit_value', 'time_limit_unit')
    const c = classes.json().items.find((i: { key: string }) => i.key === '0102')
    expect(c.value.name).to.equal(own0102.name)
    expect(c.value.limit).to.deep.equal({ value: Number(own0102.time_limit_value), unit: own0102.time_limit_unit })
    expect(c.reason).to.be.a('string').and.not.equal('')
    expect(c.createdBy.name).to.equal('系统')
    expect(c.inForce).to.equal(true)
    const channels = await client.get('/api/v1/config/channels', auth.street1)
    const hotline = channels.json().items.find((i: { key: string }) => i.key === 'hotline_12345')
    expect(hotline.value.roles).to.deep.equal(['external_system', 'command_center'])
    const unknown = await client.get('/api/v1/config/nonsense', auth.street1)
    expect(unknown.statusCode).to.equal(404)
  })

  it('refuses a duplicate class code, a missing reason and a date in the past, naming the field', async () => {
    const dup = await send('/api/v1/config/classes', { code: '0102', name: '暴露垃圾二', reason: '试' })
    expect(dup.statusCode, dup.body).to.equal(409)
    expect(dup.json().code).to.equal('config.duplicate_key')
    expect(dup.json().params.field).to.equal('code')
    const noReason = await send('/api/v1/config/classes/0102/versions', { name: '暴露垃圾', limit: { value: 4, unit: 'work_hours' }, ownerKind: 'CGJ' })
    expect(noReason.statusCode).to.equal(400)
    expect(noReason.json().errors.map((e: { field: string }) => e.field)).to.include('reason')
    const past = await send('/api/v1/config/classes/0102/versions', { name: '暴露垃圾', reason: '补录', effectiveFrom: new Date(Date.now() - 2 * HOUR).toISOString() })
    expect(past.statusCode).to.equal(400)
    expect(past.json().params.field).to.equal('effectiveFrom')
    const badBody = await send('/api/v1/config/classes', { code: '0198', name: '', reason: '试' })
    expect(badBody.statusCode).to.equal(400)
    expect(badBody.json().errors.map((e: { field: string }) => e.field)).to.include('name')
    const byStreet = await send('/api/v1/config/classes', { code: '0197', name: '街道自建', reason: '试' }, 'street1')
    expect(byStreet.statusCode).to.equal(403)
  })

  it('gives an industry grid type (消防) its own matters and dispatch rule by configuration alone', async () => {
    const big = await send('/api/v1/config/classes', { code: '07', name: '消防专项', industryType: 'xiaofang', reason: '消防行业网格事项' })
    expect(big.statusCode, big.body).to.equal(201)
    const small = await send('/api/v1/config/classes', {
      code: '0701', name: '消防车通道占用', industryType: 'xiaofang', limit: { value: 2, unit: 'natural_hours' }, ownerKind: 'XFJ',
      responsibility: [{ areaPrefix: '990102', departmentCode: 'XFJ-990102' }], reason: '消防行业网格事项',
    })
    expect(small.statusCode, small.body).to.equal(201)
    expect(small.headers.location).to.equal('/api/v1/config/classes/0701')
    const rule = await send('/api/v1/config/dispatch-rules', { key: 'xiaofang-owner', name: '消防事项派消防救援大队', priority: 5,
      classPrefix: '07', target: 'owner_department', reason: '消防行业网格事项' })
    expect(rule.statusCode, rule.body).to.equal(201)
    const industry = await client.get('/api/v1/config/classes?industry=xiaofang', auth.street1)
    expect(industry.json().items.map((i: { key: string }) => i.key)).to.deep.equal(['07', '0701'])

    const res = await report({ classCode: '0701' })
    expect(res.statusCode, res.body).to.equal(201)
    const { event, dispatch } = res.json()
    expect(event.assignee.department.code).to.equal('XFJ-990102')
    expect(dispatch.chosen.ruleId).to.equal(rule.json().id)
    // 2 natural hours from the dispatch: counted here, not by the calendar code
    expect(Date.parse(event.deadlines.handleDueAt) - Date.parse(event.deadlines.dispatchedAt)).to.equal(2 * HOUR)
  })

  it('keeps an open event on the versions it started under; new events take the new version', async () => {
    const first = (await report({ classCode: '0701' })).json().event
    const before = await client.get('/api/v1/config/classes/0701', auth.command)
    const oldId = before.json().current.id
    expect(first.configVersions.classes).to.equal(oldId)
    const changed = await send('/api/v1/config/classes/0701/versions', { name: '消防车通道占用', industryType: 'xiaofang',
      limit: { value: 5, unit: 'natural_hours' }, ownerKind: 'XFJ', reason: '按消防大队意见延长处置时限' })
    expect(changed.statusCode, changed.body).to.equal(201)
    expect(changed.json().createdBy.name).to.equal('市指挥中心值班员')
    const second = (await report({ classCode: '0701' })).json().event
    expect(second.configVersions.classes).to.equal(changed.json().id)
    expect(Date.parse(second.deadlines.handleDueAt) - Date.parse(second.deadlines.dispatchedAt)).to.equal(5 * HOUR)
    // the first event's deadline did not move, and its later steps read the old limit
    const again = (await client.get(`/api/v1/events/${first.number}`, auth.command)).json()
    expect(again.deadlines.handleDueAt).to.equal(first.deadlines.handleDueAt)
    const row = await knex('event').where('number', first.number).first('config_versions', 'city_code')
    const pinned = await pinnedReference(knex, row.config_versions as ConfigPins, '0701', await reference(knex), await calendars(knex).get(row.city_code))
    expect(pinned.ref.classes.get('0701')!.limit).to.deep.equal({ value: 2, unit: 'natural_hours' })
    // its history says which versions
    const history = (await client.get(`/api/v1/events/${first.number}/history`, auth.command)).json()
    const reported = (history.items ?? history).find((h: { action: string }) => h.action === 'report')
    expect(reported.explanation.config.classes).to.equal(oldId)
    // the past is readable
    const then = await client.get(`/api/v1/config/classes/0701?at=${encodeURIComponent(before.json().at)}`, auth.street1)
    expect(then.json().current.value.limit.value).to.equal(2)
    const versions = await client.get('/api/v1/config/classes/versions?key=0701', auth.street1)
    expect(versions.json().items.map((v: { value: { limit: { value: number } } }) => v.value.limit.value)).to.deep.equal([2, 5])
    expect(versions.json().items[0].effectiveTo).to.equal(versions.json().items[1].effectiveFrom)
  })

  it('refuses rule versions whose dates overlap, naming the field', async () => {
    const day = 24 * HOUR
    const at = (d: number) => new Date(Date.now() + d * day).toISOString()
    const base = { name: '消防事项派消防救援大队（节假日）', priority: 5, classPrefix: '07', target: 'owner_department' }
    const a = await send('/api/v1/config/dispatch-rules/xiaofang-owner/versions', { ...base, effectiveFrom: at(10), effectiveTo: at(12), reason: '节假日安排' })
    expect(a.statusCode, a.body).to.equal(201)
    const b = await send('/api/v1/config/dispatch-rules/xiaofang-owner/versions', { ...base, effectiveFrom: at(11), effectiveTo: at(13), reason: '重叠' })
    expect(b.statusCode, b.body).to.equal(409)
    expect(b.json().code).to.equal('config.overlap')
    expect(b.json().params.field).to.equal('effectiveFrom')
    expect(b.json().params.version).to.equal(a.json().id)
    // a version with an end leaves the rule out of force after it (the open version before it ends where it starts)
    const d = await send('/api/v1/config/dispatch-rules/xiaofang-owner/versions', { ...base, effectiveFrom: at(14), effectiveTo: at(16), reason: '专项整治' })
    expect(d.statusCode, d.body).to.equal(201)
    const c = await send('/api/v1/config/dispatch-rules/xiaofang-owner/versions', { ...base, effectiveFrom: at(13), effectiveTo: at(15), reason: '重叠' })
    expect(c.statusCode).to.equal(409)
    expect(c.json().params.version).to.equal(d.json().id)
    expect(c.json().params.field).to.equal('effectiveTo')
    const zh = await client.request({ method: 'POST', url: '/api/v1/config/dispatch-rules/xiaofang-owner/versions',
      headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN', ...auth.command },
      payload: JSON.stringify({ ...base, effectiveFrom: at(11), reason: '重叠' }) })
    expect(zh.json().detail).to.include('effectiveFrom').and.include('重叠')
    const classEnd = await send('/api/v1/config/classes/0701/versions', { name: '消防车通道占用', effectiveTo: at(30), reason: '试' })
    expect(classEnd.statusCode).to.equal(400)
    expect(classEnd.json().params.field).to.equal('effectiveTo')
  })

  it('makes the role × channel rule configuration: a refusal names it, a new version changes it', async () => {
    const refused = await report({ channel: 'hotline_12345' }, 'street1')
    expect(refused.statusCode, refused.body).to.equal(403)
    expect(refused.json().code).to.equal('config.channel_role')
    expect(refused.json().detail).to.include('/api/v1/config/channels/hotline_12345')
    const current = (await client.get('/api/v1/config/channels/hotline_12345', auth.command)).json().current
    const widened = await send('/api/v1/config/channels/hotline_12345/versions', { ...current.value,
      roles: [...current.value.roles, 'street_staff'], reason: '街道网格站代录热线诉求' })
    expect(widened.statusCode, widened.body).to.equal(201)
    const accepted = await report({ channel: 'hotline_12345' }, 'street1')
    expect(accepted.statusCode, accepted.body).to.equal(201)
    expect(accepted.json().event.configVersions.channels).to.equal(widened.json().id)

    const unknownChannel = await report({ channel: 'carrier_pigeon' })
    expect(unknownChannel.statusCode).to.equal(400)
    expect(unknownChannel.json().params.field).to.equal('channel')
    const unknownType = await report({ demandType: '表扬' })
    expect(unknownType.statusCode).to.equal(400)
    expect(unknownType.json().params.field).to.equal('demandType')
    const added = await send('/api/v1/config/demand-types', { key: '表扬', name: '表扬', position: 5, reason: '新增诉求类型' })
    expect(added.statusCode, added.body).to.equal(201)
    expect((await report({ demandType: '表扬' })).statusCode).to.equal(201)
  })

  it('names the base grid, not the community, in the report explanation', async () => {
    const { event } = (await report({})).json()
    const history = (await client.get(`/api/v1/events/${event.number}/history`, auth.command)).json()
    const reported = (history.items ?? history).find((h: { action: string }) => h.action === 'report')
    expect(reported.explanation.grid).to.equal(point.grid)
    expect(reported.explanation.grid).to.equal(event.grid.code)
    expect(reported.explanation.community).to.equal(event.communityCode)
  })

  it('turns PUT /api/v1/sla into a time-limits version, and refuses another city', async () => {
    const sla = (await client.get('/api/v1/sla', auth.command)).json()
    const put = await client.request({ method: 'PUT', url: '/api/v1/sla', headers: { 'content-type': 'application/json', ...auth.command },
      payload: JSON.stringify({ ...sla.sla, planHours: 30 }) })
    expect(put.statusCode, put.body).to.equal(200)
    expect(put.json().sla.planHours).to.equal(30)
    const versions = (await client.get('/api/v1/config/time-limits/versions?key=990100', auth.command)).json().items
    expect(versions.at(-1).value.planHours).to.equal(30)
    expect(versions.at(-1).id).to.equal(put.json().version)
    const other = await send('/api/v1/config/time-limits', { key: '990200', ...sla.sla, reason: '试' })
    expect(other.statusCode).to.equal(403)
  })

  it('announces a written version on the change channel every instance listens to', async () => {
    const heard: string[] = []
    const stop = await own.context.listen('gridgov_changes', (payload) => heard.push(payload))
    try {
      const r = await send('/api/v1/config/supervision-rules', { key: 'bounced-twice', name: '两次退回提级督办', trigger: 'bounced', afterHours: 0,
        level: 'leader', notifyRoles: ['command_center'], reason: '疑难工单规则' })
      expect(r.statusCode, r.body).to.equal(201)
      const until = Date.now() + 5000
      while (!heard.some((p) => JSON.parse(p).table === 'config_version') && Date.now() < until) await new Promise((ok) => setTimeout(ok, 20))
      expect(heard.map((p) => JSON.parse(p).table)).to.include('config_version')
    } finally {
      await stop()
    }
  })
})
