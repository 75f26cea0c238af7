// 调度 from the map: GET /api/v1/events/{number}/dispatch-options. The recommendation is what a
// dispatch by the rules then chooses; candidates are on-duty members nearest first, their
// distances agree with an independent geodesic (Vincenty on the CGCS2000 ellipsoid, and a
// haversine sanity bound), offline and disabled devices and members outside the caller's
// jurisdiction are left out, workload counts their open events, and bad input is named.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from './helpers.ts'
import { membersUnder, offsetM, placeMember, removePlaced, type Placed } from './dispatchFixture.ts'
import { DISPATCH_ROLES } from '../../server/events/dispatchOptions.ts'

/** Vincenty's inverse formula on an ellipsoid (default CGCS2000, the datum of EPSG:4490): metres. */
export function vincenty(lon1: number, lat1: number, lon2: number, lat2: number, a = 6_378_137, f = 1 / 298.257222101): number {
  const b = (1 - f) * a
  const rad = Math.PI / 180
  const L = (lon2 - lon1) * rad
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad))
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * rad))
  const [sinU1, cosU1, sinU2, cosU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)]
  let lambda = L
  for (let i = 0; i < 200; i++) {
    const sinL = Math.sin(lambda)
    const cosL = Math.cos(lambda)
    const sinSigma = Math.sqrt((cosU2 * sinL) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosL) ** 2)
    if (sinSigma === 0) return 0
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL
    const sigma = Math.atan2(sinSigma, cosSigma)
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma
    const cos2Alpha = 1 - sinAlpha ** 2
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha))
    const prev = lambda
    lambda = L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)))
    if (Math.abs(lambda - prev) < 1e-13) {
      const u2 = (cos2Alpha * (a * a - b * b)) / (b * b)
      const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
      const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
      const dSigma = B * sinSigma * (cos2SigmaM + (B / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2)
        - (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)))
      return b * A * (sigma - dSigma)
    }
  }
  throw new Error('vincenty did not converge')
}

/** Great-circle distance on the mean Earth sphere: a sanity bound (within 0.5 % of the ellipsoid). */
function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h))
}

interface Candidate {
  member: { id: number; name: string }; unit: { code: string; name: string }; device: { identifier: string }
  status: string; distanceM: number; location: { coordinates: [number, number] }; fixAgeS: number; workload: number
  recommended: boolean; assigned: boolean
}
interface Options {
  number: string; radiusM: number; location: { coordinates: [number, number] }
  recommended: { unit: { code: string; name: string }; member: { id: number; name: string } | null; basis: string; ruleId: number | null; rule: { name: string } | null; why: string } | null
  rules: { ruleId: number; result: string }[]
  candidates: Candidate[]
}

type Who = { id: number; name: string }

describe('events: dispatch options (调度)', function () {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const placed: Placed[] = []
  let here: { lon: number; lat: number }
  let number: string
  /** members by role in the scene */
  let near: Who, idle: Who, far: Who, beyond: Who, offline: Who, disabled: Who, otherStreet: Who

  const report = async (over: Record<string, unknown> = {}) => {
    const res = await client.post('/api/v1/events', {
      channel: 'resident', demandType: '投诉举报', classCode: '0102', description: uniq('调度测试：道路破损'),
      location: { x: here.lon, y: here.lat }, ...over,
    }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    const acc = await client.post(`/api/v1/events/${number}/transitions`, { action: 'accept' }, auth.command)
    expect(acc.statusCode, acc.body).to.equal(200)
    return number
  }
  const options = async (who: string, query = '', num = number) => {
    const res = await client.get(`/api/v1/events/${num}/dispatch-options${query}`, auth[who])
    expect(res.statusCode, res.body).to.equal(200)
    return res.json() as Options
  }
  const at = (east: number, north: number) => offsetM(here.lon, here.lat, east, north)

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst', 'district']) auth[u] = await loginAs(client, u)
    here = await pointIn(knex, '990102001001', 2)
    number = await report()
    // the nearest one is of the event's community (the community office sees only them)
    const [own] = await membersUnder(knex, '990102001001', 1)
    const inStreet = [own!, ...(await membersUnder(knex, '990102001', 7)).filter((m) => m.id !== own!.id)].slice(0, 6)
    expect(inStreet.length, 'members in street 990102001').to.equal(6)
    const pick = (i: number): Who => inStreet[i]!
    ;[near, idle, far, beyond, offline, disabled] = [pick(0), pick(1), pick(2), pick(3), pick(4), pick(5)]
    otherStreet = (await membersUnder(knex, '990102002', 1))[0]!
    placed.push(
      await placeMember(knex, near.id, at(120, 35), { ageS: 20 }),
      // a second, farther device of the same member: one row per member, the nearer device
      await placeMember(knex, near.id, at(1500, 0), { ageS: 5, kind: 'patrol_car' }),
      await placeMember(knex, idle.id, at(-200, 420), { ageS: 60, stillMin: 15 }),
      await placeMember(knex, far.id, at(1800, -1900), { ageS: 120 }),
      await placeMember(knex, beyond.id, at(-3200, 2000), { ageS: 10 }),
      // a fix 6 minutes old: offline, not on duty
      await placeMember(knex, offline.id, at(50, 0), { ageS: 360 }),
      await placeMember(knex, disabled.id, at(0, 60), { disabled: true }),
      // a member of the other street, closest of all: only callers who see that street get them
      await placeMember(knex, otherStreet.id, at(10, 10)),
    )
  })

  after(async () => {
    await removePlaced(knex, placed)
  })

  it('lists on-duty members nearest first within 3 km by default, one row per member, with status and fix age', async () => {
    const o = await options('street1')
    expect(o.radiusM).to.equal(3000)
    expect(o.candidates.map((c) => c.member.id)).to.deep.equal([near.id, idle.id, far.id])
    const [a, b, c] = o.candidates as [Candidate, Candidate, Candidate]
    expect(a.status).to.equal('online')
    expect(b.status).to.equal('idle')
    expect(c.status).to.equal('online')
    expect(a.device.identifier).to.equal(placed[0]!.identifier)
    expect(a.fixAgeS).to.be.within(15, 40)
    expect(c.fixAgeS).to.be.within(115, 140)
    expect(a.member.name).to.equal(near.name)
    const unit = await knex('department').join('grid_member', 'grid_member.department_id', 'department.id')
      .where('grid_member.id', near.id).first('department.code', 'department.name')
    expect(a.unit).to.deep.include({ code: unit.code, name: unit.name })
    for (let i = 1; i < o.candidates.length; i++) expect(o.candidates[i]!.distanceM).to.be.at.least(o.candidates[i - 1]!.distanceM)
  })

  it('gives geodesic distances that agree with an independent Vincenty and haversine', async () => {
    const o = await options('command', '?radius=20000')
    expect(o.candidates.length).to.be.at.least(4)
    const [lon0, lat0] = o.location.coordinates
    for (const c of o.candidates) {
      const [lon, lat] = c.location.coordinates
      const v = vincenty(lon0, lat0, lon, lat)
      expect(Math.abs(c.distanceM - v), `${c.member.name}: ${c.distanceM} vs Vincenty ${v}`).to.be.below(0.06)
      expect(Math.abs(c.distanceM - haversine(lon0, lat0, lon, lat)) / v).to.be.below(0.005)
    }
    // the stored positions are where the fixture put them
    const b = o.candidates.find((c) => c.member.id === far.id)!
    expect(b.distanceM).to.be.within(2550, 2680) // √(1800² + 1900²) ≈ 2617 m on the flat approximation
  })

  it('widens with radius (max 20 km) and cuts with limit', async () => {
    const wide = await options('street1', '?radius=5000')
    expect(wide.candidates.map((c) => c.member.id)).to.deep.equal([near.id, idle.id, far.id, beyond.id])
    const two = await options('street1', '?radius=5000&limit=2')
    expect(two.candidates.map((c) => c.member.id)).to.deep.equal([near.id, idle.id])
    const small = await options('street1', '?radius=300')
    expect(small.candidates.map((c) => c.member.id)).to.deep.equal([near.id])
  })

  it('keeps to the caller\'s jurisdiction: the other street\'s member only for those who see it; other events 404', async () => {
    const city = await options('command')
    expect(city.candidates[0]!.member.id, 'the command centre sees every street').to.equal(otherStreet.id)
    expect((await options('district')).candidates[0]!.member.id).to.equal(otherStreet.id)
    expect((await options('street1')).candidates.map((c) => c.member.id)).to.not.include(otherStreet.id)
    const res = await client.get(`/api/v1/events/${number}/dispatch-options`, auth.street2)
    expect(res.statusCode).to.equal(404)
    expect(res.json().detail).to.include(number)
    const community = await options('community')
    expect(community.candidates.map((c) => c.member.id)).to.include(near.id)
    const communities = await knex('grid_member').whereIn('id', community.candidates.map((c) => c.member.id)).pluck('community_code')
    expect(communities.every((c: string) => c === '990102001001')).to.equal(true)
  })

  it('counts workload as the open events assigned to the member, and marks the assignee after a dispatch to a candidate', async () => {
    const before = (await options('street1')).candidates.find((c) => c.member.id === far.id)!
    const direct = async () => Number((await knex('event').where('assignee_member_id', far.id)
      .whereIn('status', ['reported', 'accepted', 'dispatched', 'signed', 'handling', 'handled', 'verified', 'parked']).count('* as n'))[0]!.n)
    expect(before.workload).to.equal(await direct())
    const extra = [await report(), await report()]
    for (const n of extra) {
      const res = await client.post(`/api/v1/events/${n}/transitions`, { action: 'dispatch', departmentCode: before.unit.code, memberId: far.id }, auth.street1)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json().event.assignee.member.id).to.equal(far.id)
    }
    const after = await options('street1', '', extra[0])
    const c = after.candidates.find((x) => x.member.id === far.id)!
    expect(c.workload).to.equal(before.workload + 2)
    expect(c.assigned).to.equal(true)
    expect(after.candidates.filter((x) => x.assigned)).to.have.length(1)
    // a closed-out event no longer counts: void one of them
    const v = await client.post(`/api/v1/events/${extra[1]}/transitions`, { action: 'void', duplicateOf: extra[0] }, auth.street1)
    expect(v.statusCode, v.body).to.equal(200)
    expect((await options('street1')).candidates.find((x) => x.member.id === far.id)!.workload).to.equal(before.workload + 1)
    expect(before.workload + 1).to.equal(await direct())
  })

  it('recommends what a dispatch by the rules then chooses, with every rule\'s verdict', async () => {
    const n = await report({ classCode: '0601', demandType: '投诉举报' })
    const o = await options('street1', '', n)
    expect(o.recommended).to.not.equal(null)
    expect(o.rules.length).to.be.at.least(1)
    expect(o.rules.filter((r) => r.result === 'chosen').length).to.be.at.most(1)
    const res = await client.post(`/api/v1/events/${n}/transitions`, { action: 'dispatch' }, auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    const assignee = res.json().event.assignee
    expect(assignee.department.code).to.equal(o.recommended!.unit.code)
    expect(assignee.member?.id ?? null).to.equal(o.recommended!.member?.id ?? null)
    const history = (await client.get(`/api/v1/events/${n}/history`, auth.command)).json().items as { action: string; explanation: { chosen: { ruleId: number | null } } }[]
    expect(history.at(-1)!.explanation.chosen.ruleId).to.equal(o.recommended!.ruleId)
    if (o.recommended!.ruleId !== null) expect(o.recommended!.rule!.name).to.be.a('string')
  })

  it('answers only those who may dispatch', async () => {
    expect([...DISPATCH_ROLES].sort()).to.deep.equal(['command_center', 'community_staff', 'district_staff', 'street_staff'])
    for (const who of ['inspector', 'department', 'analyst']) {
      const res = await client.get(`/api/v1/events/${number}/dispatch-options`, auth[who])
      expect(res.statusCode, who).to.equal(403)
    }
    expect((await client.get(`/api/v1/events/${number}/dispatch-options`)).statusCode).to.equal(401)
  })

  it('refuses bad parameters with a 400 naming them; unknown numbers are 404', async () => {
    const bad = async (query: string, field: string) => {
      const res = await client.get(`/api/v1/events/${number}/dispatch-options${query}`, auth.command)
      expect(res.statusCode, `${query}: ${res.body}`).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field), query).to.include(field)
      expect(res.json().detail).to.include(field)
    }
    await bad('?radius=abc', 'radius')
    await bad('?radius=0', 'radius')
    await bad('?radius=20001', 'radius')
    await bad('?radius=-5', 'radius')
    await bad('?radius=1.5', 'radius')
    await bad(`?radius=${'9'.repeat(5000)}`, 'radius')
    await bad('?limit=11', 'limit')
    await bad('?limit=0', 'limit')
    await bad('?radius=100&radius=200', 'radius')
    await bad('?nearest=1', 'nearest')
    for (const n of ['E1', 'E202601019999', 'x'.repeat(300), '%27%20OR%201%3D1']) {
      const res = await client.get(`/api/v1/events/${n}/dispatch-options`, auth.command)
      expect(res.statusCode, n).to.equal(404)
    }
  })
})
