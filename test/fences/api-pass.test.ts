// The clock-only fence pass (runFencePass) with the real engine: dwell and absence of a device
// that stopped reporting, exactly once even with two passes at the same time; a device held by
// ingest is skipped, not waited for; the duty schedule follows the city's working calendar.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { gridsOf, removeFences, sender } from './apiSupport.ts'
import { runFencePass } from '../../server/fences/pass.ts'
import { loadFenceIndex } from '../../server/fences/repository.ts'
import { loadCalendar } from '../../server/events/calendar.ts'

const C1 = '990102001001'
const CITY = '990100'
// a Monday; the national calendar works 08:30-12:00 and 13:30-17:30
const T0 = Date.parse('2026-03-02T09:00:00+08:00')
const MIN = 60_000

describe('fence clock pass', () => {
  let client: Client
  let knex: Knex
  let s1: ReturnType<typeof sender>
  let memberId: number
  let deviceId: number
  let at: { lon: number; lat: number }

  /** A circle fence watching only the test member, with these rules and schedule. */
  const fence = async (name: string, rules: Record<string, unknown>, schedule: unknown = null, dLon = 0) => {
    const res = await s1.post('/api/v1/fences', {
      name, kind: 'circle', center: [at.lon + dLon, at.lat], radius: 100, memberIds: [memberId],
      rules: { enter: false, exit: false, ...rules }, schedule,
    })
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().id as number
  }
  const state = (fenceId: number, inside: boolean, since: number) => knex('fence_state').insert({
    device_id: deviceId, fence_id: fenceId, inside, since: new Date(since), last_fix_at: new Date(T0),
  })
  const alertsOf = (fenceId: number) => knex('fence_alert').where({ fence_id: fenceId }).orderBy('at').select('kind', 'at', 'device_id', 'member_id', 'community_code')

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    s1 = sender(client, await loginAs(client, 'street1'))
    at = (await gridsOf(knex, C1))[0]!
    const [m] = await knex('grid_member').insert({ name: 'api-test 巡查员', community_code: C1, city_code: CITY }).returning('id')
    memberId = Number(m.id)
    const [d] = await knex('device').insert({ identifier: 'api-test-pass-1', city_code: CITY, kind: 'phone', name: '测试手机', admin_code: C1, member_id: memberId }).returning('id')
    deviceId = Number(d.id)
    const point = knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [at.lon, at.lat])
    await knex('device_live').insert({
      device_id: deviceId, city_code: CITY, member_id: memberId, community_code: C1, fixed_at: new Date(T0), received_at: new Date(T0),
      geom: point, still_geom: point, still_since: new Date(T0),
    })
  })

  after(async () => {
    await removeFences(knex, [])
    await knex('device').where({ id: deviceId }).delete()
    await knex('grid_member').where({ id: memberId }).delete()
  })

  it('two passes at once: one dwell and one absence alert each, at the rule\'s time, placed at the last fix', async () => {
    const dwell = await fence('api-test pass dwell', { dwellMinutes: 10 })
    const absent = await fence('api-test pass absent', { absentMinutes: 30 }, null, 0.01)
    await state(dwell, true, T0)
    await state(absent, false, T0)
    const runs = await Promise.all([runFencePass(knex, new Date(T0 + 40 * MIN)), runFencePass(knex, new Date(T0 + 40 * MIN))])
    expect(runs.reduce((n, r) => n + r.alerts, 0)).to.be.at.least(2)
    const d = await alertsOf(dwell)
    expect(d).to.have.length(1)
    expect(d[0]).to.deep.include({ kind: 'dwell', device_id: deviceId, member_id: memberId, community_code: C1 })
    expect(d[0]!.at.getTime()).to.equal(T0 + 10 * MIN)
    const a = await alertsOf(absent)
    expect(a).to.have.length(1)
    expect(a[0]!.kind).to.equal('absent')
    expect(a[0]!.at.getTime()).to.equal(T0 + 30 * MIN)
    const [where] = (await knex.raw('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM fence_alert WHERE fence_id = ?', [dwell])).rows
    expect(where).to.deep.equal({ lon: at.lon, lat: at.lat })
    const states = await knex('fence_state').where({ device_id: deviceId }).whereIn('fence_id', [dwell, absent]).orderBy('fence_id')
    expect(states.map((s) => [s.dwell_alerted, s.absent_alerted])).to.deep.equal([[true, false], [false, true]])
    // later passes find nothing new for this stay / absence
    await runFencePass(knex, new Date(T0 + 120 * MIN))
    expect(await alertsOf(dwell)).to.have.length(1)
    expect(await alertsOf(absent)).to.have.length(1)
    // and were the state's flag lost, the same alert (same fence, device, kind, time) is not stored twice
    await knex('fence_state').where({ device_id: deviceId, fence_id: dwell }).update({ dwell_alerted: false })
    await runFencePass(knex, new Date(T0 + 130 * MIN))
    expect(await alertsOf(dwell)).to.have.length(1)
  })

  it('a duty absence counts from the start of work on the city\'s working calendar', async () => {
    const duty = await fence('api-test pass duty', { absentMinutes: 30 }, { calendar: 'duty' }, 0.02)
    const since = Date.parse('2026-03-02T07:00:00+08:00')
    await state(duty, false, since)
    // the reference: the first working minute after `since`, by the calendar itself, plus 30 minutes
    const cal = await loadCalendar(knex, CITY)
    let start = since
    while (!cal.isWorkingTime(new Date(start))) start += MIN
    expect(new Date(start).toISOString()).to.equal('2026-03-02T00:30:00.000Z')
    await runFencePass(knex, new Date(start + 29 * MIN))
    expect(await alertsOf(duty)).to.have.length(0)
    await runFencePass(knex, new Date(start + 45 * MIN))
    const a = await alertsOf(duty)
    expect(a).to.have.length(1)
    expect(a[0]!.at.getTime()).to.equal(start + 30 * MIN)
  })

  it('a device held by ingest (its row locked) is skipped, not waited for, and ticked by the next pass', async function () {
    if (client.context.dbMode === 'embedded') this.skip() // one connection: a second transaction cannot hold the lock meanwhile
    const dwell = await fence('api-test pass busy', { dwellMinutes: 5 }, null, 0.03)
    await state(dwell, true, T0)
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    let locked!: () => void
    const isLocked = new Promise<void>((r) => { locked = r })
    const holder = knex.transaction(async (trx) => {
      await trx.raw('SELECT id FROM device WHERE id = ? FOR NO KEY UPDATE', [deviceId])
      locked()
      await held
    })
    await isLocked
    const r = await runFencePass(knex, new Date(T0 + 60 * MIN))
    expect(r.busy).to.be.at.least(1)
    expect(await alertsOf(dwell)).to.have.length(0)
    release()
    await holder
    await runFencePass(knex, new Date(T0 + 60 * MIN))
    expect(await alertsOf(dwell)).to.have.length(1)
  })

  it('loadFenceIndex answers the active fences with the city\'s revision, which moves with every change', async () => {
    const before = await loadFenceIndex(knex, CITY)
    const id = await fence('api-test pass index', { dwellMinutes: 5 }, { days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' }, 0.04)
    const after = await loadFenceIndex(knex, CITY)
    expect(after.revision).to.be.greaterThan(before.revision)
    const ref = { deviceId, memberId, community: C1 }
    expect(after.index.appliesTo(ref).map((f) => f.id)).to.include(id)
    const def = after.index.appliesTo(ref).find((f) => f.id === id)!
    expect(def).to.deep.include({ cityCode: CITY, adminPrefix: '990102001', memberIds: [memberId] })
    expect(def.geom.type).to.equal('MultiPolygon')
    await s1.del(`/api/v1/fences/${id}`)
    const gone = await loadFenceIndex(knex, CITY)
    expect(gone.revision).to.be.greaterThan(after.revision)
    expect(gone.index.appliesTo(ref).map((f) => f.id)).not.to.include(id)
  })
})
