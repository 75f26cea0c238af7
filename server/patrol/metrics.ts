// Per member and day: kilometres, time on duty, checkpoints visited, events found (主动发现),
// tasks done. Computed in Node over the day's fixes (a member-day is a few thousand fixes, read
// by the position primary key).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { calendars } from '../events/reference.ts'
import { GAP_SECONDS } from './progress.ts'
import { dutyMinutes, reportingIntervals, trackMetres, type TrackFix } from './track.ts'

const GAP_MS = GAP_SECONDS * 1000
const OFFSET_MS = 8 * 3600_000

export interface MemberRow { id: number; name: string; community_code: string; city_code: string; user_id: number | null }

/** [start, end) of a local (Shanghai) date. */
export function dayWindow(day: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS)
  return { from, to: new Date(from.getTime() + 86_400_000) }
}

/**
 * The member a caller asks about: inside the jurisdiction (else 404). An inspector may ask only
 * about themself, and without memberId means themself.
 */
export async function visibleMember(knex: Knex, principal: Principal, memberId: number | undefined): Promise<MemberRow> {
  if (principal.role === 'grid_inspector') {
    const own = await knex('grid_member').where('user_id', principal.userId ?? -1).first('id', 'name', 'community_code', 'city_code', 'user_id')
    if (!own) throw forbidden('your account is not a grid member').coded('patrol.not_a_member')
    if (memberId !== undefined && memberId !== Number(own.id)) throw forbidden('an inspector sees only their own patrol').coded('patrol.own_only')
    return { ...own, id: Number(own.id) }
  }
  if (memberId === undefined) throw new AppError(400, 'validation_failed', 'invalid query: memberId: required', { errors: [{ field: 'memberId', message: 'required' }] }).coded('patrol.member_required')
  const row = await principal.jurisdiction.apply(knex('grid_member').where('id', memberId), 'community_code')
    .first('id', 'name', 'community_code', 'city_code', 'user_id')
  if (!row) throw notFound(`no member ${memberId} in your jurisdiction`).coded('patrol.member_not_found', { memberId })
  return { ...row, id: Number(row.id) }
}

export async function fixesOf(knex: Knex, memberIds: number[], from: Date, to: Date): Promise<TrackFix[]> {
  if (!memberIds.length) return []
  const { rows } = await knex.raw(sqlFile('patrol/member_fixes'), { memberIds, from, to }) as { rows: { device_id: string; fixed_at: Date; lon: number; lat: number }[] }
  return rows.map((r) => ({ deviceId: Number(r.device_id), t: r.fixed_at.getTime(), lon: r.lon, lat: r.lat }))
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

export async function memberSummary(knex: Knex, member: MemberRow, day: string) {
  const { from, to } = dayWindow(day)
  const cal = await calendars(knex).get(member.city_code)
  const fixes = await fixesOf(knex, [member.id], from, to)
  const intervals = reportingIntervals(fixes, GAP_MS)
  const { rows: [tasks] } = await knex.raw(sqlFile('patrol/member_day'), { memberId: member.id, day })
  const events = member.user_id === null ? { n: 0, numbers: [] }
    : (await knex.raw(sqlFile('patrol/events_found'), { userId: member.user_id, from, to })).rows[0]
  return {
    memberId: member.id, name: member.name, communityCode: member.community_code, date: day, workday: cal.isWorkday(day),
    fixes: fixes.length,
    kilometres: round(trackMetres(fixes) / 1000, 3),
    dutyMinutes: round(dutyMinutes(intervals, day, cal), 1),
    trackedMinutes: round(intervals.reduce((n, [a, b]) => n + b - a, 0) / 60_000, 1),
    checkpointsVisited: tasks.checkpoints, visits: tasks.visits,
    eventsFound: events.n, eventNumbers: events.numbers.slice(0, 100),
    tasks: { total: tasks.tasks, done: tasks.done },
  }
}
