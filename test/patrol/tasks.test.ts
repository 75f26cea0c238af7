// Task generation (periods, the working calendar, idempotence), visits detected from hand-built
// tracks whose stays are known, the scheduler pass with its watermark and stream messages, and
// the task API.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { generatePatrolTasks, isDue, runPatrolPass } from '../../server/patrol/pass.ts'
import { updateTaskProgress } from '../../server/patrol/progress.ts'
import { WorkCalendar } from '../../server/events/calendar.ts'
import { FIELD_CHANNEL } from '../../server/stream/notify.ts'
import { DAY, P, P001, P002, TrackBuilder, at, insertFixes, last, offset, setUp, stay, tearDown, touchLive, type Fix, type People } from './fixture.ts'

const cal = new WorkCalendar({ periods: [[510, 720], [810, 1050]], days: new Map([['2026-10-01', 'holiday'], ['2026-10-10', 'workday']]) })

describe('patrol: due days', () => {
  it('daily follows the working calendar: weekdays, holidays, 调休 weekends', () => {
    const daily = { period: 'daily' as const, weekdays: [], every_days: null, anchor_date: null }
    expect(isDue(daily, '2026-11-18', cal)).to.equal(true) // Wednesday
    expect(isDue(daily, '2026-11-21', cal)).to.equal(false) // Saturday
    expect(isDue(daily, '2026-10-01', cal)).to.equal(false) // 国庆 on a Thursday
    expect(isDue(daily, '2026-10-10', cal)).to.equal(true) // 调休 Saturday
  })

  it('weekly takes ISO weekdays (7 = Sunday) regardless of holidays; custom counts days from its anchor', () => {
    const weekly = { period: 'weekly' as const, weekdays: [4, 7], every_days: null, anchor_date: null }
    expect(['2026-10-01', '2026-10-04', '2026-10-05'].map((d) => isDue(weekly, d, cal))).to.deep.equal([true, true, false])
    const custom = { period: 'custom' as const, weekdays: [], every_days: 3, anchor_date: '2026-11-16' }
    expect(['2026-11-15', '2026-11-16', '2026-11-17', '2026-11-19', '2026-12-01', '2026-12-02'].map((d) => isDue(custom, d, cal))).to.deep.equal([false, true, false, true, true, false])
    expect(isDue(custom, '2026-11-16', cal) && isDue(custom, '2027-11-16', cal)).to.equal(false) // 365 is not a multiple of 3
  })
})

describe('patrol tasks', () => {
  let client: Client
  let knex: Knex
  let people: People
  let checkpointTemplate: number
  let gridTemplate: number
  const c1: [number, number] = [116.1315, 36.5215]
  const c2: [number, number] = [116.1335, 36.5235]

  const template = async (row: Record<string, unknown>, checkpoints: [number, number][] = []) => {
    const [t] = await knex('patrol_template').insert({ city_code: '990100', admin_code: P, active_from: '2026-09-01', ...row }).returning('id')
    for (const [i, [lon, lat]] of checkpoints.entries()) {
      await knex('patrol_checkpoint').insert({ template_id: t.id, seq: i + 1, name: `点${i + 1}`, radius_m: 30, geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, lat]), source: {} })
    }
    return Number(t.id)
  }
  const taskOf = async (templateId: number, memberId: number, day = DAY) =>
    knex('patrol_task').where({ template_id: templateId, member_id: memberId, day }).first()

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    people = await setUp(knex)
    checkpointTemplate = await template({ name: '巡查测试点位', period: 'daily', target_kind: 'checkpoint', required_visits: 2, min_minutes: 2 }, [c1, c2])
    gridTemplate = await template({ name: '巡查测试网格', period: 'daily', target_kind: 'grid', grid_codes: [P001, P002], min_minutes: 10 })
  })
  after(async () => tearDown(knex))

  it('generates one task per member of the target grids, once', async () => {
    const first = await generatePatrolTasks(knex, DAY)
    const mine = first.filter((t) => [people.pa, people.pb].includes(t.memberId))
    // the checkpoints lie in P001 (member pa); the grid template covers P001 and P002 (pa, pb)
    expect(await taskOf(checkpointTemplate, people.pa)).to.include({ status: 'open', required_total: 4, community_code: P })
    expect(await taskOf(checkpointTemplate, people.pb)).to.equal(undefined)
    expect(await taskOf(gridTemplate, people.pb)).to.include({ required_total: 2 })
    expect(mine.length).to.equal(3)
    const again = await generatePatrolTasks(knex, DAY)
    expect(again.filter((t) => [people.pa, people.pb].includes(t.memberId))).to.deep.equal([])
  })

  it('generates none on a holiday for daily templates, and none outside the active dates or for inactive members', async () => {
    await generatePatrolTasks(knex, '2026-10-01')
    expect(await taskOf(gridTemplate, people.pa, '2026-10-01')).to.equal(undefined)
    await generatePatrolTasks(knex, '2026-10-10') // 调休 Saturday
    expect(await taskOf(gridTemplate, people.pa, '2026-10-10')).to.not.equal(undefined)
    await generatePatrolTasks(knex, '2026-08-31') // before active_from
    expect(await taskOf(gridTemplate, people.pa, '2026-08-31')).to.equal(undefined)
    await knex('grid_member').where('id', people.pb).update({ active: false })
    await generatePatrolTasks(knex, '2026-11-19')
    expect(await taskOf(gridTemplate, people.pb, '2026-11-19')).to.equal(undefined)
    expect(await taskOf(gridTemplate, people.pa, '2026-11-19')).to.not.equal(undefined)
    await knex('grid_member').where('id', people.pb).update({ active: true })
  })

  it('an explicit member list replaces the grid members; a weekly template runs on its weekdays only', async () => {
    const weekly = await template({ name: '巡查测试周', period: 'weekly', weekdays: [3], target_kind: 'grid', grid_codes: [P001], min_minutes: 10, member_ids: [people.pb] })
    await generatePatrolTasks(knex, DAY)
    await generatePatrolTasks(knex, '2026-11-19')
    expect(await taskOf(weekly, people.pb)).to.not.equal(undefined)
    expect(await taskOf(weekly, people.pa)).to.equal(undefined)
    expect(await taskOf(weekly, people.pb, '2026-11-19')).to.equal(undefined)
  })

  // pa's day: known stays at the checkpoints, between walks, with traps that must not count
  const away = offset(c1[0], c1[1], -300, 0)
  const day = new TrackBuilder(at('09:00'))
  day.walk(away, c1)
  const visit1 = day.stay(c1, 3) // a visit at c1
  day.walk(c1, away)
  day.walk(away, c1)
  day.stay(c1, 0.5) // too short, even with the approach and departure fixes inside the radius
  day.walk(c1, c2)
  const visitC2 = day.stay(c2, 3) // a visit at c2
  day.walk(c2, away)
  day.walk(away, c2)
  day.stay(c2, 1) // 1 minute, the device silent 6 minutes, 1 minute: without the gap rule one 8-minute stay
  day.silent(6)
  day.stay(c2, 1)
  day.walk(c2, away)
  day.silent(20)
  day.walk(away, c1)
  const visit2 = day.stay(c1, 4) // the second visit at c1
  day.walk(c1, away)
  const track = day.fixes
  // a filtered jump in the middle of the first visit: counted, it would cut the visit in two
  const jump: Fix = { t: new Date(visit1[6]!.t.getTime() + 7000), ...lonLat(offset(c1[0], c1[1], 2000, 0)), filter: 'jump' }

  function lonLat([lon, lat]: [number, number]) { return { lon, lat } }

  it('detects the known visits: filtered fixes and other members\' devices ignored, gaps end a stay', async () => {
    await insertFixes(knex, people.devices.pa, people.pa, [...track, jump])
    // pb stands at c2 for 20 minutes: pb's fixes are no visits of pa's task
    await insertFixes(knex, people.devices.pb, people.pb, stay(c2, at('13:00'), 20))
    const task = await taskOf(checkpointTemplate, people.pa)
    await knex.transaction((trx) => updateTaskProgress(trx, [task.id]))
    const visits = await knex('patrol_visit').where('task_id', task.id).orderBy('started_at')
    const cps = await knex('patrol_checkpoint').where('template_id', checkpointTemplate).orderBy('seq').pluck('id')
    expect(visits.map((v) => Number(v.checkpoint_id))).to.deep.equal([cps[0], cps[1], cps[0]].map(Number))
    // each visit spans its stay, give or take the approach fix or two inside the 30 m radius
    const spans: [Fix[], number][] = [[visit1, 0], [visitC2, 1], [visit2, 2]]
    for (const [fixes, i] of spans) {
      const v = visits[i]!
      expect(v.started_at.getTime()).to.be.within(fixes[0]!.t.getTime() - 45_000, fixes[0]!.t.getTime())
      expect(v.ended_at.getTime()).to.be.within(last(fixes).t.getTime(), last(fixes).t.getTime() + 45_000)
    }
    const after = await knex('patrol_task').where('id', task.id).first()
    expect(after).to.include({ status: 'open', visits_counted: 3, required_total: 4 })
  })

  it('late, out-of-order fixes count: the second c2 visit completes the task, which is streamed', async () => {
    const task = await taskOf(checkpointTemplate, people.pa)
    const messages: string[] = []
    const unlisten = await client.context.listen(FIELD_CHANNEL, (p) => messages.push(p))
    try {
      await insertFixes(knex, people.devices.pa, people.pa, stay(c2, at('12:01'), 2.5))
      const changes = await knex.transaction((trx) => updateTaskProgress(trx, [task.id], at('12:30')))
      expect(changes).to.deep.equal([{ community: P, taskId: Number(task.id), memberId: people.pa, status: 'done', visits: 4, required: 4 }])
      expect(await until(() => messages.some((m) => m.includes('"patrol"') && m.includes(`"taskId":${task.id}`)))).to.equal(true)
      const msg = JSON.parse(messages.find((m) => m.includes('"patrol"'))!)
      expect(msg.items[0]).to.include({ status: 'done', visits: 4, memberId: people.pa, community: P })
    } finally {
      await unlisten()
    }
    const done = await knex('patrol_task').where('id', task.id).first()
    expect(done.status).to.equal('done')
    expect(done.done_at.getTime()).to.equal(at('12:30').getTime())
    // recounting changes nothing and streams nothing
    expect(await knex.transaction((trx) => updateTaskProgress(trx, [task.id], at('12:40')))).to.deep.equal([])
  })

  it('grid visits: a 12-minute stay inside the grid counts, 8 minutes do not', async () => {
    const task = await taskOf(gridTemplate, people.pb)
    const p2: [number, number] = [116.1375, 36.5225]
    await insertFixes(knex, people.devices.pb, people.pb, [...stay(p2, at('14:00'), 12, 30), ...stay(offset(116.1325, 36.5225, 0, 0), at('15:00'), 8, 30)])
    await knex.transaction((trx) => updateTaskProgress(trx, [task.id]))
    const visits = await knex('patrol_visit').where('task_id', task.id).orderBy('started_at')
    // pb also stood at c2 (in P001) 13:00-13:20: one P001 visit; 14:00-14:12 in P002: one; 15:00-15:08 in P001: none
    expect(visits.map((v) => [v.grid_code, v.started_at.toISOString(), v.ended_at.toISOString()])).to.deep.equal([
      [P001, at('13:00').toISOString(), at('13:20').toISOString()],
      [P002, at('14:00').toISOString(), at('14:12').toISOString()],
    ])
    expect(await knex('patrol_task').where('id', task.id).first()).to.include({ status: 'done', visits_counted: 2 })
  })

  it('the pass generates the day\'s tasks, updates tasks of devices that reported since its watermark, and marks old open tasks missed', async () => {
    await knex('patrol_watermark').delete()
    // the watermark is the latest report of any device: other tests' devices reported today, long
    // after this test's clock; they are parked before it for the test and put back afterwards
    const mine = [people.devices.pa, people.devices.pb]
    const parked = await knex('device_live').whereNotIn('device_id', mine).where('received_at', '>', at('09:00')).select('device_id', 'received_at')
    await knex('device_live').whereIn('device_id', parked.map((r) => r.device_id)).update({ received_at: at('09:00') })
    try {
      const taskA = await taskOf(gridTemplate, people.pa)
      await touchLive(knex, people.devices.pa, people.pa, last(track), at('11:15'))
      const first = await runPatrolPass(knex, at('16:00'))
      expect(first.updated).to.be.greaterThan(0)
      const mark = await knex('patrol_watermark').where('name', 'progress').first()
      expect(mark.processed_to.getTime()).to.be.at.least(at('11:15').getTime())
      // pa stayed in P001 all morning (09:05-09:08 at c1 …): the grid task has visits now
      expect((await knex('patrol_task').where('id', taskA.id).first()).visits_counted).to.equal(1)
      // pb's device reported before the watermark (less the minute looked back): not looked at again
      await touchLive(knex, people.devices.pb, people.pb, last(track), at('11:00'))
      const second = await runPatrolPass(knex, at('16:05'))
      expect(second.created).to.equal(0)
      expect(second.changed).to.deep.equal([])
      expect((await taskOf(gridTemplate, people.pb)).progress_at.getTime()).not.to.equal(at('16:05').getTime())
      expect((await taskOf(gridTemplate, people.pa)).progress_at.getTime()).to.equal(at('16:05').getTime())
      // an open task two days old is missed; yesterday's stays open for late uploads
      const old = await taskOf(gridTemplate, people.pa, '2026-10-10')
      await runPatrolPass(knex, at('09:00', '2026-11-20'))
      expect((await knex('patrol_task').where('id', old.id).first()).status).to.equal('missed')
      expect((await taskOf(gridTemplate, people.pa, '2026-11-19')).status).to.equal('open')
    } finally {
      for (const r of parked) await knex('device_live').where('device_id', r.device_id).update({ received_at: r.received_at })
    }
  })

  describe('API', () => {
    it('lists a day\'s tasks in the jurisdiction; an inspector sees only their own', async () => {
      const street1 = await loginAs(client, 'street1')
      const res = await client.get(`/api/v1/patrol-tasks?date=${DAY}`, street1)
      expect(res.statusCode).to.equal(200)
      const mine = res.json().items.filter((t: { communityCode: string }) => t.communityCode === P)
      expect(mine.length).to.be.at.least(4)
      const done = await client.get(`/api/v1/patrol-tasks?date=${DAY}&status=done&memberId=${people.pa}`, street1)
      expect(done.json().items.map((t: { templateId: number }) => t.templateId)).to.deep.equal([checkpointTemplate])
      expect(done.json().items[0]).to.include({ required: 4, visitsCounted: 4, progress: 1, status: 'done' })
      const street2 = await client.get(`/api/v1/patrol-tasks?date=${DAY}`, await loginAs(client, 'street2'))
      expect(street2.json().items.filter((t: { communityCode: string }) => t.communityCode === P)).to.deep.equal([])
      const pa = await loginAs(client, 'patrol_pa')
      const own = (await client.get(`/api/v1/patrol-tasks?date=${DAY}`, pa)).json().items
      expect(own.every((t: { memberId: number }) => t.memberId === people.pa)).to.equal(true)
      expect((await client.get(`/api/v1/patrol-tasks?date=${DAY}&memberId=${people.pb}`, pa)).statusCode).to.equal(403)
    })

    it('reads one task with its targets and visits; others\' tasks are 404', async () => {
      const task = await taskOf(checkpointTemplate, people.pa)
      const res = await client.get(`/api/v1/patrol-tasks/${task.id}`, await loginAs(client, 'patrol_pa'))
      expect(res.statusCode).to.equal(200)
      const t = res.json()
      expect(t.targets.map((x: { name: string; visits: number; done: boolean }) => [x.name, x.visits, x.done])).to.deep.equal([['点1', 2, true], ['点2', 2, true]])
      expect(t.visits.length).to.equal(4)
      expect(t.visits[0].minutes).to.be.within(3, 4.5)
      expect((await client.get(`/api/v1/patrol-tasks/${task.id}`, await loginAs(client, 'patrol_pb'))).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/${task.id}`, await loginAs(client, 'street2'))).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/patrol-tasks/${task.id}`, await loginAs(client, 'department'))).statusCode).to.equal(403)
    })

    it('refuses hostile queries with 400 naming the parameter', async () => {
      const auth = await loginAs(client, 'street1')
      const cases: [string, RegExp][] = [
        ['?date=2026-13-01', /date/], ['?date=yesterday', /date/], ["?date=2026-11-18'--", /date/], ['?status=lost', /status/],
        ['?memberId=abc', /memberId/], ['?memberId=-3', /memberId/], ['?limit=5000', /limit/], ['?colour=red', /colour|Unrecognized/i],
        ['?date=2026-11-18&date=2026-11-19', /date/],
      ]
      for (const [q, detail] of cases) {
        const res = await client.get(`/api/v1/patrol-tasks${q}`, auth)
        expect(res.statusCode, q).to.equal(400)
        expect(res.json().detail, q).to.match(detail)
      }
      expect((await client.get('/api/v1/patrol-tasks/1e3', auth)).statusCode).to.equal(400)
      expect((await client.get('/api/v1/patrol-tasks/12345678901', auth)).statusCode).to.equal(404)
      expect((await client.get('/api/v1/patrol-tasks')).statusCode).to.equal(401)
    })
  })
})
