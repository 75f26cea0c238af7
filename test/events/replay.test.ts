// 复盘: GET /api/v1/events/{number}/replay — the event's history, the track of the member it was
// pushed to over its life (kilometres checked against PostGIS geography, an independent
// computation), that member's fence alerts in the window, the SLA clock and one time order;
// jurisdiction, roles and bad numbers.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from './helpers.ts'
import { insertFence, offset, registerDevice, squareAround } from '../positions/helpers.ts'

interface Replay {
  event: { number: string; createdAt: string; closedAt: string | null }
  from: string; to: string
  clock: { startedAt: string | null; signDueAt: string | null; handleDueAt: string | null }
  history: { seq: number; action: string; at: string }[]
  members: { member: { id: number; assigned: boolean }; fixes: number; kilometres: number; track: { coordinates: [number, number][]; times: string[] }[];
    fenceAlerts: { kind: string; at: string }[] }[]
  timeline: { at: string; type: string; index: number; deadline?: string }[]
}

describe('events: replay (复盘)', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  let number: string
  let memberId: number
  let walk: [number, number, number][]

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'inspector', 'system']) auth[u] = await loginAs(client, u)
    // an event pushed to its grid's inspector, who walks to it carrying a device, through a fence
    const p = await pointIn(knex, '990102001002', 3)
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0601', description: uniq('邻里纠纷'),
      location: { x: p.lon, y: p.lat } }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const e = res.json().event as { number: string; assignee: { member: { id: number } | null } }
    number = e.number
    memberId = e.assignee.member!.id
    const device = await registerDevice(client, auth.command!, { memberId, adminCode: '990102001002' })
    await insertFence(knex, squareAround(...offset(p.lon, p.lat, 180, 0), 40), { name: '复盘测试围栏', adminCode: '990102001002', memberIds: [memberId] })
    // a brisk walk (40 m a second, under the 50 m/s jump filter) that lies inside the event's life
    // and, once waited for, before now
    const t0 = Date.now() + 500
    walk = Array.from({ length: 9 }, (_, i) => [...offset(p.lon, p.lat, 360 - i * 40, 0), t0 + i * 1000] as [number, number, number])
    const sent = await client.post('/api/v1/positions', { positions: walk.map(([lon, lat, t]) => ({ lon, lat, time: new Date(t).toISOString(), accuracy: 5 })) },
      { 'x-device-token': device.token })
    expect(sent.json().accepted, sent.body).to.equal(walk.length)
    await new Promise((r) => setTimeout(r, walk.at(-1)![2] - Date.now() + 500))
  })

  const replay = async (who: string, n = number) => client.get(`/api/v1/events/${n}/replay`, auth[who])

  it('plays the history, the assigned member\'s track and fence alerts, and the SLA clock in one time order', async () => {
    const res = await replay('command')
    expect(res.statusCode, res.body).to.equal(200)
    const r = res.json() as Replay
    expect(r.event.number).to.equal(number)
    const history = (await client.get(`/api/v1/events/${number}/history`, auth.command)).json().items as { seq: number; action: string; at: string }[]
    expect(r.history.map((h) => [h.seq, h.action, h.at])).to.deep.equal(history.map((h) => [h.seq, h.action, h.at]))
    const m = r.members.find((x) => x.member.id === memberId)!
    expect(m.member.assigned).to.equal(true)
    expect(m.fixes).to.equal(walk.length)
    // the track keeps the first and last fix with their times
    const times = m.track.flatMap((piece) => piece.times)
    expect(Date.parse(times[0]!)).to.equal(walk[0]![2])
    expect(Date.parse(times.at(-1)!)).to.equal(walk.at(-1)![2])
    // kilometres against PostGIS geography over the same fixes
    const line = `LINESTRING(${walk.map(([lon, lat]) => `${lon} ${lat}`).join(',')})`
    const { rows } = await knex.raw('SELECT ST_Length(ST_GeomFromText(?, 4326)::geography) / 1000 AS km', [line])
    expect(m.kilometres).to.be.closeTo(Number(rows[0].km), 0.002)
    // walking through the fence: an enter and an exit, in the window
    expect(m.fenceAlerts.map((a) => a.kind)).to.include.members(['enter', 'exit'])
    expect(r.clock.startedAt).to.be.a('string')
    expect(r.clock.handleDueAt).to.be.a('string')
    // one time order holding every history row, every alert and the deadlines
    const ats = r.timeline.map((t) => t.at)
    expect(ats).to.deep.equal([...ats].sort())
    expect(r.timeline.filter((t) => t.type === 'history')).to.have.length(r.history.length)
    expect(r.timeline.filter((t) => t.type === 'fenceAlert')).to.have.length(m.fenceAlerts.length)
    expect(r.timeline.filter((t) => t.type === 'deadline').map((t) => t.deadline)).to.include('handle')
  })

  it('keeps to the caller: another street gets 404, an inspector sees no one else\'s track, residents and systems are refused', async () => {
    expect((await replay('street2')).statusCode).to.equal(404)
    expect((await replay('street1')).statusCode).to.equal(200)
    const inspector = await replay('inspector')
    if (inspector.statusCode === 200) {
      const me = await knex('grid_member').join('app_user', 'app_user.id', 'grid_member.user_id').where('app_user.username', 'inspector').first('grid_member.id')
      for (const m of (inspector.json() as Replay).members) expect(m.member.id).to.equal(Number(me.id))
    } else {
      expect(inspector.statusCode).to.equal(404)
    }
    expect((await replay('system')).statusCode).to.equal(403)
    expect((await client.get(`/api/v1/events/${number}/replay`)).statusCode).to.equal(401)
  })

  it('answers 404 for a malformed, hostile or unknown number', async () => {
    for (const n of ['E1', 'E2099010100009999', encodeURIComponent("E20261203'; DROP TABLE event;--"), 'x'.repeat(500)]) {
      const res = await replay('command', n)
      expect(res.statusCode, n).to.equal(404)
      expect(res.json().detail).to.match(/no event/)
    }
  })
})
