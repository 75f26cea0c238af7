// Attendance (考勤): a grid inspector signs in and out where they stand. Each record is judged
// when it is made, against the member's assigned base grids (inside one, the accuracy being the
// tolerance) and the working calendar (a working day? late after work start, early before work
// end). The time is the server's: a client's clock is never trusted for attendance.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { parseCrs } from '../geo/crs.ts'
import { convertPoint } from '../geocode/service.ts'
import { sqlFile } from '../db/sql.ts'
import { calendars } from '../events/reference.ts'
import { localDate, type WorkCalendar } from '../events/calendar.ts'
import { notifyField } from '../stream/notify.ts'
import { ownMemberId } from './tasks.ts'
import type { z } from 'zod'
import type { attendanceBody } from './schemas.ts'

const OFFSET_MS = 8 * 3600_000

export interface Judgement {
  day: string; workday: boolean; placeStatus: 'in_grid' | 'outside_grid' | 'no_grid'
  gridCode: string | null; distanceM: number | null; lateMinutes: number | null; earlyMinutes: number | null
}

/** Late / early minutes against the calendar's first work start and last work end (null on a rest day). */
export function judgeTime(action: 'sign_in' | 'sign_out', at: Date, cal: WorkCalendar) {
  const day = localDate(at)
  const workday = cal.isWorkday(day)
  const minute = (at.getTime() - (Date.parse(`${day}T00:00:00Z`) - OFFSET_MS)) / 60_000
  const start = cal.periods[0]![0]
  const end = cal.periods[cal.periods.length - 1]![1]
  const r2 = (x: number) => Math.round(x * 100) / 100
  return {
    day, workday,
    lateMinutes: workday && action === 'sign_in' ? r2(Math.max(0, minute - start)) : null,
    earlyMinutes: workday && action === 'sign_out' ? r2(Math.max(0, end - minute)) : null,
  }
}

/** Judges a point and instant for a member (exported for tests that need a fixed clock). */
export async function judgeAttendance(knex: Knex, member: { id: number; city_code: string }, action: 'sign_in' | 'sign_out', lon: number, lat: number, accuracy: number | null, at: Date): Promise<Judgement> {
  const cal = await calendars(knex).get(member.city_code)
  const { rows: [near] } = await knex.raw(sqlFile('patrol/attendance_place'), { memberId: member.id, lon, lat, at }) as { rows: { code: string; distance_m: number }[] }
  const tolerance = accuracy ?? 0
  const placeStatus = !near ? 'no_grid' : near.distance_m <= tolerance ? 'in_grid' : 'outside_grid'
  return {
    ...judgeTime(action, at, cal), placeStatus,
    gridCode: near?.code ?? null, distanceM: near ? Math.round(near.distance_m * 10) / 10 : null,
  }
}

type Body = z.output<typeof attendanceBody>

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id), memberId: Number(r.member_id), communityCode: r.community_code, action: r.action,
    at: new Date(r.at as string).toISOString(), date: r.day, lon: r.lon, lat: r.lat, source: r.source,
    accuracy: r.accuracy === null ? null : Number(r.accuracy), placeStatus: r.place_status, gridCode: r.grid_code,
    distanceM: r.distance_m === null ? null : Number(r.distance_m), workday: r.workday,
    lateMinutes: r.late_minutes === null ? null : Number(r.late_minutes), earlyMinutes: r.early_minutes === null ? null : Number(r.early_minutes),
  }
}

const COLUMNS = ['id', 'member_id', 'community_code', 'action', 'at', 'source', 'accuracy', 'place_status', 'grid_code', 'distance_m', 'workday', 'late_minutes', 'early_minutes']

export async function recordAttendance(knex: Knex, principal: Principal, b: Body, at = new Date()) {
  const member = await knex('grid_member').where({ user_id: principal.userId ?? -1, active: true }).first('id', 'city_code', 'community_code')
  if (!member) throw forbidden('your account is not an active grid member').coded('patrol.not_a_member')
  let point
  try {
    const crs = parseCrs(b.location.crs)
    point = { ...convertPoint(b.location.x, b.location.y, crs), crs: crs.id }
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.status, err.type, `location: ${err.detail}`, { errors: [{ field: 'location', message: err.detail }] }).coded('patrol.bad_location')
    throw err
  }
  const j = await judgeAttendance(knex, { id: Number(member.id), city_code: member.city_code }, b.action, point.lon, point.lat, b.accuracy ?? null, at)
  return knex.transaction(async (trx) => {
    const [row] = await trx('attendance').insert({
      city_code: member.city_code, member_id: member.id, user_id: principal.userId, community_code: member.community_code,
      action: b.action, at, day: j.day, geom: trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [point.lon, point.lat]),
      source: { x: b.location.x, y: b.location.y, crs: point.crs, conversion: point.conversion }, accuracy: b.accuracy ?? null,
      place_status: j.placeStatus, grid_code: j.gridCode, distance_m: j.distanceM, workday: j.workday,
      late_minutes: j.lateMinutes, early_minutes: j.earlyMinutes,
    }).returning([...COLUMNS, trx.raw("to_char(day, 'YYYY-MM-DD') AS day"), trx.raw('ST_X(geom) AS lon'), trx.raw('ST_Y(geom) AS lat')])
    const record = toRecord(row)
    await notifyField(trx, 'attendance', [{
      community: member.community_code, id: record.id, memberId: record.memberId, action: record.action, at: record.at,
      placeStatus: record.placeStatus, distanceM: record.distanceM, lateMinutes: record.lateMinutes, earlyMinutes: record.earlyMinutes,
    }])
    return record
  })
}

export async function listAttendance(knex: Knex, principal: Principal, q: { date: string; memberId?: number; limit: number; offset: number }) {
  const own = await ownMemberId(knex, principal)
  if (own !== undefined && q.memberId !== undefined && q.memberId !== own) throw forbidden('an inspector sees only their own attendance').coded('patrol.own_only')
  let qb = principal.jurisdiction.apply(knex('attendance').where('day', q.date), 'community_code')
    .select([...COLUMNS, knex.raw("to_char(day, 'YYYY-MM-DD') AS day"), knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat')])
    .orderBy(['at', 'id']).limit(q.limit).offset(q.offset)
  const memberId = own ?? q.memberId
  if (memberId !== undefined) qb = qb.where('member_id', memberId)
  return (await qb).map(toRecord)
}
