// 到场: the member an event was pushed to reaches it: the arrival pass appends an 'arrive' history
// row with the fix's time and distance, once; with the city's arrivalRequired, 处置 (handle) waits
// for it and finds it itself when the pass has not run yet.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { loadSla } from '../../server/events/calendar.ts'
import { invalidateReference } from '../../server/events/reference.ts'
import { configSnapshot } from '../config/restore.ts'
import { metres } from '../../server/positions/filters.ts'
import { offset, registerDevice } from './helpers.ts'
import { runArrivalPass } from '../../server/positions/arrival.ts'

describe('到场 (arrival) from positions', () => {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let cityRowBefore: Record<string, unknown> | undefined
  let restoreConfig: () => Promise<void>

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    command = await loginAs(client, 'command')
    cityRowBefore = await knex('event_sla').where('city_code', '990100').first()
    restoreConfig = await configSnapshot(knex, 'time_limits')
  })

  // leave the city's time limits as they were (other files read the national defaults)
  after(async () => {
    await restoreConfig()
    await knex('event_sla').where('city_code', '990100').delete()
    if (cityRowBefore) await knex('event_sla').insert(cityRowBefore)
    invalidateReference(knex)
  })

  /** An event pushed to its grid's inspector, that inspector's device and bearer token. */
  async function pushed(nth: number) {
    const p = await pointIn(knex, '990102001002', nth)
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0601', description: uniq('邻里纠纷'),
      location: { x: p.lon, y: p.lat } }, command)
    expect(res.statusCode, res.body).to.equal(201)
    const e = res.json().event as { number: string; assignee: { member: { id: number } | null } }
    expect(e.assignee.member).to.not.equal(null)
    const memberId = e.assignee.member!.id
    const m = await knex('grid_member').where('id', memberId).first('user_id')
    const member = { authorization: `Bearer ${(await client.context.tokens.issue(Number(m.user_id))).token}` }
    const device = await registerDevice(client, command, { memberId, adminCode: '990102001002' })
    return { e, p, member, device }
  }
  const send = (token: string, fixes: [number, number, number][]) =>
    client.post('/api/v1/positions', { positions: fixes.map(([lon, lat, t]) => ({ lon, lat, time: new Date(t).toISOString(), accuracy: 5 })) }, { 'x-device-token': token })
  const arrivals = async (number: string) =>
    ((await client.get(`/api/v1/events/${number}/history`, command)).json().items as { action: string; at: string; explanation: { distanceM: number; inGrid?: boolean } }[])
      .filter((h) => h.action === 'arrive')

  it('records one arrival at the first fix within the radius, with its distance', async () => {
    const { e, p, device } = await pushed(0)
    // fixes after the dispatch (a fix from before it is no arrival); a few seconds ahead is within the future tolerance
    const t0 = Date.now() + 1000
    const far = offset(p.lon, p.lat, 400, 0)
    const near = offset(p.lon, p.lat, 30, 0)
    const on = offset(p.lon, p.lat, 3, 0)
    expect((await send(device.token, [[far[0], far[1], t0], [near[0], near[1], t0 + 15_000], [on[0], on[1], t0 + 30_000]])).json().accepted).to.equal(3)
    expect(await arrivals(e.number)).to.have.length(0)
    expect(await runArrivalPass(knex)).to.be.at.least(1)
    const rows = await arrivals(e.number)
    expect(rows).to.have.length(1)
    expect(Date.parse(rows[0]!.at)).to.equal(t0 + 15_000)
    expect(rows[0]!.explanation.distanceM).to.be.closeTo(metres(near[0], near[1], p.lon, p.lat), 0.2)
    await send(device.token, [[p.lon, p.lat, t0 + 45_000]])
    await runArrivalPass(knex)
    expect(await arrivals(e.number)).to.have.length(1)
  })

  it('counts arriving in the event\'s grid when the city says so, far from the event itself', async () => {
    const sla = await loadSla(knex, '990100')
    const { escalateAfterHours, ...rest } = sla
    const put = await client.request({ method: 'PUT', url: '/api/v1/sla', headers: { ...command, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...rest, escalateAfterHours: { community: escalateAfterHours.community ?? null, street: escalateAfterHours.street ?? null }, arrivalInGrid: true, arrivalRadiusM: 5 }) })
    expect(put.statusCode, put.body).to.equal(200)
    const { e, p, device } = await pushed(2)
    // a point of the same grid at least 30 m from the event (PostGIS picks it; the test checks both facts)
    const { rows } = await knex.raw(`SELECT ST_X(q) AS lon, ST_Y(q) AS lat FROM grid g, LATERAL (SELECT (ST_Dump(ST_GeneratePoints(g.geom, 50, 7))).geom AS q) x
      WHERE g.code = ? AND g.valid_to IS NULL AND ST_Distance(q::geography, ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography) > 30 LIMIT 1`, [p.grid, p.lon, p.lat])
    const inside = rows[0] as { lon: number; lat: number }
    const outside = offset(p.lon, p.lat, 3000, 0)
    await send(device.token, [[outside[0], outside[1], Date.now() + 500], [inside.lon, inside.lat, Date.now() + 200_000]])
    await runArrivalPass(knex)
    const rowsBack = await arrivals(e.number)
    expect(rowsBack).to.have.length(1)
    expect(rowsBack[0]!.explanation).to.include({ inGrid: true })
    expect(rowsBack[0]!.explanation.distanceM).to.be.above(30)
  })

  it('holds 处置 until the member has arrived when the city requires it', async () => {
    const sla = await loadSla(knex, '990100')
    const { escalateAfterHours, ...rest } = sla
    const put = await client.request({ method: 'PUT', url: '/api/v1/sla', headers: { ...command, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...rest, escalateAfterHours: { community: escalateAfterHours.community ?? null, street: escalateAfterHours.street ?? null }, arrivalRequired: true, arrivalRadiusM: 40 }) })
    expect(put.statusCode, put.body).to.equal(200)
    const { e, p, member, device } = await pushed(1)
    const fire = (action: string) => client.post(`/api/v1/events/${e.number}/transitions`, { action, comment: action }, member)
    expect((await fire('sign')).statusCode).to.equal(200)
    const refused = await fire('handle')
    expect(refused.statusCode).to.equal(409)
    expect(refused.json().type).to.match(/arrival_required/)
    const near = offset(p.lon, p.lat, 35, 0)
    await send(device.token, [[near[0], near[1], Date.now() + 1000]])
    // no pass ran: 处置 finds the arrival itself and records it
    expect((await fire('handle')).statusCode).to.equal(200)
    expect(await arrivals(e.number)).to.have.length(1)
  })
})
