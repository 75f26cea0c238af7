// Issue 18's remaining workflow gaps: the 疑难 thresholds and what a class asks in the field are
// versioned configuration that an open event keeps; a class changed at accept is re-checked
// against on-site verification; the 预警 share is a field of the time limits that the scheduler
// and the status light follow for events reported under it. The versions written are undone after.
import { expect } from 'chai'
import { configSnapshot } from '../config/restore.ts'
import { runDueTimers } from '../../server/events/scheduler.ts'
import { photoRow, uniq } from '../events/helpers.ts'
import { fieldOf, world, type World } from './support.ts'

const HOUR = 3_600_000

describe('workflow rules as configuration: field rules, hard-case rules, reclassification, 预警 share', function () {
  this.timeout(120_000)
  let w: World
  let city: string
  const restore: (() => Promise<void>)[] = []
  const post = (url: string, body: unknown) => w.client.post(url, body, w.auth.command)
  const put = (url: string, body: unknown) => w.client.request({ method: 'PUT', url, headers: { 'content-type': 'application/json', ...w.auth.command }, payload: JSON.stringify(body) })
  const pins = async (number: string) => (await w.knex('event').where({ number }).first('config_versions')).config_versions as Record<string, number | null>

  before(async () => {
    w = await world()
    for (const kind of ['class_field_rules', 'hard_case_rules', 'time_limits']) restore.push(await configSnapshot(w.knex, kind))
    const me = await w.client.get('/api/v1/sla', w.auth.command)
    city = me.json().city
  })
  after(async () => { for (const undo of restore) await undo() })

  describe('class-field-rules (事件核实, 重大突发)', () => {
    it('are a configuration kind: the seeded rules, a new one with who and why, an open event keeps the version it started under', async () => {
      const seeded = (await w.client.get('/api/v1/config/class-field-rules', w.auth.street1)).json()
      const byKey = Object.fromEntries(seeded.items.map((i: { key: string; value: unknown }) => [i.key, i.value]))
      expect(byKey['0101']).to.deep.equal({ verifyOnSite: true, emergency: false })
      expect(byKey['0403']).to.deep.equal({ verifyOnSite: false, emergency: true })
      expect(byKey).to.not.have.property('0104')

      const before1 = await w.report({ channel: 'resident', classCode: '0104', description: uniq('道路不洁') })
      expect(before1.status).to.equal('reported')
      const made = await post('/api/v1/config/class-field-rules', { key: '0104', verifyOnSite: true, emergency: false, reason: '道路不洁须先核实' })
      expect(made.statusCode, made.body).to.equal(201)
      const version = made.json().id as number
      expect(made.json().createdBy.name).to.be.a('string').and.not.equal('')
      const after1 = await w.report({ channel: 'resident', classCode: '0104', description: uniq('道路不洁') })
      expect((await w.history(after1.number)).map((h) => h.action)).to.deep.equal(['report', 'verify_required'])
      expect((await pins(after1.number)).class_field_rules).to.equal(version)
      // the event reported before keeps no rule: filed without a verification
      expect((await pins(before1.number)).class_field_rules ?? null).to.equal(null)
      await w.ok(before1.number, 'command', { action: 'accept' })
      const early = await w.fire(after1.number, 'command', { action: 'accept' })
      expect(early.json().code).to.equal('transition.verification_pending')

      // the past stays readable
      const past = (await w.client.get(`/api/v1/config/class-field-rules?at=${encodeURIComponent(new Date(Date.now() - HOUR).toISOString())}`, w.auth.command)).json()
      expect(past.items.map((i: { key: string }) => i.key)).to.not.include('0104')
    })

    it('refuses an unknown class, a duplicate and a missing reason, naming the field', async () => {
      const unknown = await post('/api/v1/config/class-field-rules', { key: '0999', verifyOnSite: true, emergency: false, reason: '无此类别' })
      expect(unknown.statusCode).to.equal(400)
      expect(fieldOf(unknown.body)).to.equal('key')
      expect(unknown.json().code).to.equal('config.no_class')
      const twice = await post('/api/v1/config/class-field-rules', { key: '0101', verifyOnSite: true, emergency: false, reason: '重复' })
      expect(twice.statusCode).to.equal(409)
      expect(twice.json().code).to.equal('config.duplicate_key')
      expect(twice.json().params.field).to.equal('key')
      const noReason = await post('/api/v1/config/class-field-rules/0101/versions', { verifyOnSite: false, emergency: false })
      expect(noReason.statusCode).to.equal(400)
      expect(fieldOf(noReason.body)).to.equal('reason')
      const badBody = await post('/api/v1/config/class-field-rules/0101/versions', { verifyOnSite: 'yes', emergency: false, reason: 'x' })
      expect(badBody.statusCode).to.equal(400)
      expect(fieldOf(badBody.body)).to.equal('verifyOnSite')
    })
  })

  describe('a class changed at accept (分类纠正) is re-checked against on-site verification', () => {
    it('a resident demand re-classed to a class that asks for it goes to verification, then is filed once verified', async () => {
      const e = await w.report({ channel: 'resident', classCode: '0102', description: uniq('私搭乱建 搭棚') })
      expect(e.status).to.equal('reported')
      const held = await w.ok(e.number, 'command', { action: 'accept', classCode: '0101' })
      expect(held.event.status).to.equal('reported')
      expect((held.event.class as { code: string }).code).to.equal('0101')
      const rule0101 = (await w.client.get('/api/v1/config/class-field-rules/0101', w.auth.command)).json().current.id
      expect(await pins(e.number)).to.include({ class_field_rules: rule0101 })
      const hist = await w.history(e.number)
      expect(hist.slice(-2).map((h) => [h.action, h.from, h.to])).to.deep.equal([['accept', 'reported', 'reported'], ['verify_required', 'reported', 'reported']])
      expect(hist.at(-2)!.explanation).to.deep.include({ verifyRequired: true })
      expect((await w.fire(e.number, 'command', { action: 'accept' })).json().code).to.equal('transition.verification_pending')

      await photoRow(w.knex, e.number, 'verify')
      await w.ok(e.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: w.p1.lat } })
      const filed = await w.ok(e.number, 'command', { action: 'accept' })
      expect(filed.event.status).to.equal('accepted')
    })

    it('a class without the rule, or a demand already confirmed on site, is filed at once', async () => {
      const plain = await w.report({ channel: 'resident', classCode: '0102', description: uniq('暴露垃圾') })
      expect((await w.ok(plain.number, 'command', { action: 'accept', classCode: '0105' })).event.status).to.equal('accepted')

      const checked = await w.report({ channel: 'resident', classCode: '0101', description: uniq('私搭乱建') })
      await photoRow(w.knex, checked.number, 'verify')
      await w.ok(checked.number, 'inspector', { action: 'verify_on_site', outcome: 'confirmed', location: { x: w.p1.lon, y: w.p1.lat } })
      expect((await w.ok(checked.number, 'command', { action: 'accept', classCode: '0103' })).event.status).to.equal('accepted')
    })
  })

  describe('hard-case-rules (疑难认定规则)', () => {
    it('PUT /hard-cases/rule writes a version; each open event is measured by the version it was reported under', async () => {
      const strict = await put('/api/v1/hard-cases/rule', { bounces: 9, overdueHours: 8000, units: 50, reason: '测试：九次流转' })
      expect(strict.statusCode, strict.body).to.equal(200)
      const old = await w.report()
      const loose = await put('/api/v1/hard-cases/rule', { bounces: 2, overdueHours: 8000, units: 50, reason: '测试：两次流转' })
      expect(loose.json()).to.include({ bounces: 2, reason: '测试：两次流转', key: city })
      const fresh = await w.report()
      expect((await pins(old.number)).hard_case_rules).to.equal(strict.json().version)
      expect((await pins(fresh.number)).hard_case_rules).to.equal(loose.json().version)

      const versions = (await w.client.get(`/api/v1/config/hard-case-rules/versions?key=${city}`, w.auth.command)).json().items
      expect(versions.slice(-2).map((v: { reason: string; value: { bounces: number } }) => [v.value.bounces, v.reason]))
        .to.deep.equal([[9, '测试：九次流转'], [2, '测试：两次流转']])

      // both passed twice between units (改派)
      for (const e of [old, fresh]) {
        for (let i = 0; i < 2; i++) await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001', memberId: i ? w.me : w.neighbour })
      }
      const measures = async (n: string) => (await w.client.get(`/api/v1/hard-cases/events/${n}`, w.auth.command)).json().measures
      const a = await measures(old.number)
      const b = await measures(fresh.number)
      expect([a.bounces, b.bounces]).to.deep.equal([2, 2])
      expect(a.rule.bounces).to.equal(9)
      expect(a.reasons).to.deep.equal([])
      expect(b.reasons).to.deep.equal([{ rule: 'bounces', value: 2, threshold: 2 }])
      const refused = await put('/api/v1/hard-cases/rule', { bounces: 0, overdueHours: 1, units: 2, reason: 'x' })
      expect(refused.statusCode).to.equal(400)
      expect(fieldOf(refused.body)).to.equal('bounces')
    })
  })

  describe('the 预警 share of the time limits (warnShare)', () => {
    it('events under a version that sets it get 预警 timers at that share and turn yellow there; older ones keep 80 %', async () => {
      const old = await w.report()
      const sla = (await w.client.get('/api/v1/sla', w.auth.command)).json().sla
      const bad = await put('/api/v1/sla', { ...sla, warnShare: 0.2 })
      expect(bad.statusCode).to.equal(400)
      expect(fieldOf(bad.body)).to.equal('warnShare')
      expect((await put('/api/v1/sla', { ...sla, warnShare: 0.5 })).statusCode).to.equal(200)
      const fresh = await w.report()
      const row = async (number: string) => w.knex('event').where({ number }).first('id', 'warn_share', 'dispatched_at', 'sign_due_at', 'handle_due_at', 'assignee_member_id', 'assignee_department_id')
      const e = await row(fresh.number)
      const o = await row(old.number)
      expect(Number(e.warn_share)).to.equal(0.5)
      expect(o.warn_share).to.equal(null)
      expect(await w.knex('event_timer').where({ event_id: o.id, kind: 'warn' })).to.have.length(0)

      const warns = await w.knex('event_timer').where({ event_id: e.id, kind: 'warn' }).orderBy('due_at').select('id', 'due_at', 'payload')
      // halfway between the dispatch and each deadline, computed here from the event's own columns
      const half = (due: Date) => e.dispatched_at.getTime() + (due.getTime() - e.dispatched_at.getTime()) / 2
      const expected = [half(e.sign_due_at), half(e.handle_due_at)].sort((x, y) => x - y)
      expect(warns).to.have.length(2)
      // timestamps are kept to the microsecond, Date to the millisecond
      warns.forEach((t, i) => expect(t.due_at.getTime()).to.be.closeTo(expected[i]!, 1))

      // the sign warning fires: the assignee (its member's account, else the unit's) is told once
      const sign = warns.find((t) => t.payload.of === 'sign')!
      await w.knex('event_timer').where({ id: sign.id }).update({ due_at: new Date(Date.now() - 1000) })
      await runDueTimers(w.knex)
      expect((await w.knex('event_timer').where({ id: sign.id }).first('state')).state).to.equal('fired')
      const member = e.assignee_member_id === null ? undefined : await w.knex('grid_member').where({ id: e.assignee_member_id }).first('user_id')
      const expectedUsers = member?.user_id ? [String(member.user_id)]
        : (await w.knex('app_user').where({ department_id: e.assignee_department_id, disabled: false }).pluck('id')).map(String)
      const notices = await w.knex('inbox_item').where({ event_ref: fresh.number, kind: 'warning' }).pluck('user_id')
      expect(notices.map(String).sort()).to.deep.equal(expectedUsers.sort())
      expect((await runDueTimers(w.knex)).fired).to.equal(0)

      // 60 % of the sign time gone: yellow at 0.5, still green at 0.8 (the REST view and the SQL filter agree)
      const now = Date.now()
      for (const id of [e.id, o.id]) {
        await w.knex('event').where({ id }).update({ dispatched_at: new Date(now - 6 * HOUR), sign_due_at: new Date(now + 4 * HOUR) })
      }
      const light = async (n: string) => (await w.client.get(`/api/v1/events/${n}`, w.auth.command)).json().light
      expect([await light(fresh.number), await light(old.number)]).to.deep.equal(['yellow', 'green'])
      const listed = (await w.client.get('/api/v1/events?light=yellow&limit=500&communityCode=990102001001', w.auth.command)).json()
      const numbers = (listed.items ?? listed.features?.map((f: { properties: unknown }) => f.properties) ?? []).map((x: { number: string }) => x.number)
      expect(numbers).to.include(fresh.number)
      expect(numbers).to.not.include(old.number)
    })
  })
})
