// Attendance: the calendar judgement (late / early, working days, 调休), the place judgement
// against the assigned grids with the accuracy as tolerance, the API, its stream message and
// hostile input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { until } from '../support/wait.ts'
import { judgeAttendance, judgeTime } from '../../server/patrol/attendance.ts'
import { WorkCalendar } from '../../server/events/calendar.ts'
import { FIELD_CHANNEL } from '../../server/stream/notify.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import { CITY, P, at, offset, setUp, tearDown, type People } from './fixture.ts'

const cal = new WorkCalendar({ periods: [[510, 720], [810, 1050]], days: new Map([['2026-10-01', 'holiday'], ['2026-10-10', 'workday']]) })

describe('attendance', () => {
  describe('against the calendar', () => {
    it('sign-in late after the first work start, sign-out early before the last work end', () => {
      expect(judgeTime('sign_in', at('08:29'), cal)).to.deep.equal({ day: '2026-11-18', workday: true, lateMinutes: 0, earlyMinutes: null })
      expect(judgeTime('sign_in', at('08:45:30'), cal).lateMinutes).to.equal(15.5)
      expect(judgeTime('sign_out', at('17:00'), cal).earlyMinutes).to.equal(30)
      expect(judgeTime('sign_out', at('17:45'), cal).earlyMinutes).to.equal(0)
    })

    it('a holiday is no working day (nothing late or early); a 调休 Saturday is; the local date decides', () => {
      expect(judgeTime('sign_in', at('10:00', '2026-10-01'), cal)).to.deep.equal({ day: '2026-10-01', workday: false, lateMinutes: null, earlyMinutes: null })
      expect(judgeTime('sign_in', at('09:00', '2026-10-10'), cal)).to.include({ workday: true, lateMinutes: 30 })
      // 00:30 in Shanghai is still the previous day in UTC: the Shanghai date counts
      expect(judgeTime('sign_out', at('00:30', '2026-11-19'), cal).day).to.equal('2026-11-19')
    })
  })

  describe('place and API', () => {
    let client: Client
    let knex: Knex
    let people: People

    before(async () => {
      client = await testClient()
      knex = client.context.knex
      people = await setUp(knex)
    })
    after(async () => tearDown(knex))

    it('inside the assigned grid, within the accuracy outside it, or outside with the distance', async () => {
      const pa = { id: people.pa, city_code: CITY }
      const inside = await judgeAttendance(knex, pa, 'sign_in', 116.1325, 36.5225, null, at('08:20'))
      expect(inside).to.include({ placeStatus: 'in_grid', gridCode: `${P}001`, distanceM: 0, lateMinutes: 0, workday: true })
      // 20 m west of P001's west edge (116.13)
      const [lon, lat] = offset(116.13, 36.5225, -20, 0)
      const near = await judgeAttendance(knex, pa, 'sign_in', lon, lat, 25, at('08:20'))
      expect(near.placeStatus).to.equal('in_grid')
      expect(near.distanceM).to.be.closeTo(20, 0.3)
      const far = await judgeAttendance(knex, pa, 'sign_in', lon, lat, 10, at('08:20'))
      expect(far).to.include({ placeStatus: 'outside_grid', gridCode: `${P}001` })
      // P002 (pb's grid) is not pa's: standing in it is outside, at the distance to P001
      const other = await judgeAttendance(knex, pa, 'sign_out', ...offset(116.135, 36.5225, 100, 0), 0, at('17:40'))
      expect(other.placeStatus).to.equal('outside_grid')
      expect(other.distanceM).to.be.closeTo(100, 0.5)
      expect(other.earlyMinutes).to.equal(0)
      const [m] = await knex('grid_member').insert({ name: '无网格', community_code: P, city_code: CITY }).returning('id')
      const none = await judgeAttendance(knex, { id: Number(m.id), city_code: CITY }, 'sign_in', 116.1325, 36.5225, null, at('08:20'))
      expect(none).to.include({ placeStatus: 'no_grid', gridCode: null, distanceM: null })
      await knex('grid_member').where('id', m.id).delete()
    })

    it('records a sign-in in GCJ-02 for the signed-in inspector, streams it, and lists it in the jurisdiction', async () => {
      const messages: string[] = []
      const unlisten = await client.context.listen(FIELD_CHANNEL, (p) => messages.push(p))
      const [x, y] = fromStorage(116.1325, 36.5225, parseCrs('GCJ-02'))
      const pa = await loginAs(client, 'patrol_pa')
      let record: { id: number; date: string; lon: number; source: { crs: string } }
      try {
        const res = await client.post('/api/v1/attendance', { action: 'sign_in', location: { x, y, crs: 'GCJ-02' }, accuracy: 8 }, pa)
        expect(res.statusCode, res.body).to.equal(201)
        record = res.json()
        expect(record).to.include({ memberId: people.pa, action: 'sign_in', placeStatus: 'in_grid', communityCode: P, accuracy: 8 })
        expect(record.lon).to.be.closeTo(116.1325, 1e-5)
        expect(record.source.crs).to.equal('GCJ-02')
        expect(await until(() => messages.some((m) => m.includes('"attendance"') && m.includes(`"id":${record.id}`)))).to.equal(true)
      } finally {
        await unlisten()
      }
      const date = record.date
      const staff = (await client.get(`/api/v1/attendance?date=${date}`, await loginAs(client, 'patrol_staff'))).json().items
      expect(staff.map((r: { id: number }) => r.id)).to.include(record.id)
      const pq = await loginAs(client, 'patrol_pq')
      const out = await client.post('/api/v1/attendance', { action: 'sign_out', location: { x: 116.1425, y: 36.5225 } }, pq)
      expect(out.statusCode).to.equal(201)
      expect(out.json().placeStatus).to.equal('in_grid')
      const street1 = (await client.get(`/api/v1/attendance?date=${date}`, await loginAs(client, 'street1'))).json().items.map((r: { id: number }) => r.id)
      expect(street1).to.include(record.id)
      expect(street1).not.to.include(out.json().id)
      const own = (await client.get(`/api/v1/attendance?date=${date}`, pq)).json().items
      expect(own.map((r: { memberId: number }) => r.memberId)).to.deep.equal([people.pq])
      expect((await client.get(`/api/v1/attendance?date=${date}&memberId=${people.pa}`, pq)).statusCode).to.equal(403)
    })

    it('only a grid inspector who is a member signs in', async () => {
      const body = { action: 'sign_in', location: { x: 116.1325, y: 36.5225 } }
      expect((await client.post('/api/v1/attendance', body, await loginAs(client, 'patrol_staff'))).statusCode).to.equal(403)
      const res = await client.post('/api/v1/attendance', body, await loginAs(client, 'patrol_nomember'))
      expect(res.statusCode).to.equal(403)
      expect(res.json().detail).to.match(/not an active grid member/)
      expect((await client.post('/api/v1/attendance', body)).statusCode).to.equal(401)
    })

    describe('hostile input', () => {
      const bad: [string, unknown, RegExp][] = [
        ['malformed JSON', '{"action":', /./],
        ['an unknown action', { action: 'nap', location: { x: 116.13, y: 36.52 } }, /action/],
        ['no location', { action: 'sign_in' }, /location/],
        ['a string coordinate', { action: 'sign_in', location: { x: '116.13', y: 36.52 } }, /location\.x/],
        ['a null coordinate', { action: 'sign_in', location: { x: null, y: 36.52 } }, /location\.x/],
        ['out of range', { action: 'sign_in', location: { x: 190, y: 36.52 } }, /location: .*out of range/],
        ['swapped axes', { action: 'sign_in', location: { x: 36.52, y: 116.13 } }, /swapped/],
        ['an unknown CRS', { action: 'sign_in', location: { x: 116.13, y: 36.52, crs: 'EPSG:27700' } }, /unsupported CRS/],
        ['a Gauss-Krüger easting of another zone', { action: 'sign_in', location: { x: 4_040_000, y: 39_500_000, crs: 'EPSG:4549' } }, /easting/],
        ['negative accuracy', { action: 'sign_in', location: { x: 116.13, y: 36.52 }, accuracy: -1 }, /accuracy/],
        ['an unknown key (a client clock)', { action: 'sign_in', location: { x: 116.13, y: 36.52 }, at: '2026-11-18T00:00:00Z' }, /Unrecognized|at/],
        ['an array body', [{ action: 'sign_in' }], /expected object|root/],
      ]
      for (const [what, body, detail] of bad) {
        it(`refuses ${what} with 400 naming the field`, async () => {
          const res = await client.post('/api/v1/attendance', body, await loginAs(client, 'patrol_pa'))
          expect(res.statusCode, res.body).to.equal(400)
          expect(res.json().detail).to.match(detail)
        })
      }

      it('refuses an oversized body (413) and bad list queries (400)', async () => {
        const pa = await loginAs(client, 'patrol_pa')
        const big = await client.post('/api/v1/attendance', JSON.stringify({ action: 'sign_in', location: { x: 116.13, y: 36.52 }, pad: 'x'.repeat(3 * 1024 * 1024) }), pa)
        expect(big.statusCode).to.equal(413)
        for (const q of ['date=20261118', 'memberId=abc', 'limit=0', 'offset=-1', 'who=me']) {
          expect((await client.get(`/api/v1/attendance?${q}`, pa)).statusCode, q).to.equal(400)
        }
      })
    })
  })
})
