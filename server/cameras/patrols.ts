// Video patrol rounds (视频巡查): the insert of a round and its stops, the rounds a caller may
// see, one round with its stops, and the conditional step that marks one stop checked.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { findUserById, toPrincipal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { listCameras } from './store.ts'
import { fieldError } from './store.ts'
import type { PatrolInput } from './patrolSchemas.ts'

/** Roles a round may be assigned to: staff who read cameras and may report on the video_patrol channel. */
export const PATROL_MEMBER_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff'] as const

export interface PatrolRow {
  id: string; name: string; shift_date: string; shift: string; assignee_user_id: string; assignee_name: string
  created_at: Date; stops: number; checked: number; findings: number
}

export interface StopRow {
  seq: number; camera_id: string; camera_name: string; kind: string; lon: number; lat: number; community_code: string
  state: 'pending' | 'normal' | 'finding'; note: string | null; event_number: string | null; checked_at: Date | null; checked_by_name: string | null
}

export function patrolView(r: PatrolRow) {
  return {
    id: Number(r.id), name: r.name, shiftDate: r.shift_date, shift: r.shift,
    assignee: { userId: Number(r.assignee_user_id), name: r.assignee_name },
    stops: r.stops, checked: r.checked, findings: r.findings, status: r.checked === r.stops ? 'done' : 'open',
    createdAt: r.created_at.toISOString(),
  }
}

export function stopView(s: StopRow) {
  return {
    seq: s.seq, camera: { id: Number(s.camera_id), name: s.camera_name, kind: s.kind, lon: s.lon, lat: s.lat, communityCode: s.community_code },
    state: s.state, note: s.note, eventNumber: s.event_number,
    checkedAt: s.checked_at ? s.checked_at.toISOString() : null, checkedBy: s.checked_by_name,
  }
}

export async function listPatrols(knex: Knex, p: Principal, q: { id?: number; date?: string; assignee?: number; status?: string; limit: number; offset: number }): Promise<PatrolRow[]> {
  const { rows } = await knex.raw(sqlFile('cameras/patrol_list'), {
    id: q.id ?? null, date: q.date ?? null, assignee: q.assignee ?? null, status: q.status ?? null,
    userId: p.userId, patterns: p.jurisdiction.patterns, limit: q.limit, offset: q.offset,
  })
  return rows as PatrolRow[]
}

export async function stopsOf(knex: Knex, patrolId: number): Promise<StopRow[]> {
  return knex('camera_patrol_stop as s').join('camera as c', 'c.id', 's.camera_id').leftJoin('app_user as u', 'u.id', 's.checked_by')
    .where('s.patrol_id', patrolId).orderBy('s.seq')
    .select('s.seq', 's.camera_id', 'c.name as camera_name', 'c.kind', knex.raw('ST_X(c.geom) AS lon'), knex.raw('ST_Y(c.geom) AS lat'),
      'c.community_code', 's.state', 's.note', 's.event_number', 's.checked_at', 'u.display_name as checked_by_name')
}

/**
 * Creates a round: every camera must be one the caller sees, and the member one who sees them
 * all (else the member could not play them); a refusal names the field and the offending entry.
 */
export async function createPatrol(knex: Knex, p: Principal, input: PatrolInput): Promise<number> {
  const visible = await Promise.all(input.cameraIds.map(async (id) => (await listCameras(knex, p, { id, limit: 1 }))[0]))
  const missing = visible.findIndex((c) => !c)
  if (missing >= 0) {
    throw fieldError(400, `cameraIds.${missing}`, `no camera ${input.cameraIds[missing]} in your jurisdiction`)
      .coded('cameras.patrol_camera_unknown', { field: `cameraIds.${missing}`, id: input.cameraIds[missing]! })
  }
  const user = await findUserById(knex, input.assigneeId)
  const member = user && !user.disabled ? toPrincipal(user, 'user') : undefined
  // a user outside the caller's area is answered like one that does not exist
  const seesAll = member && visible.every((c) => member.jurisdiction.covers(c!.community_code))
  if (!member || !seesAll || !(PATROL_MEMBER_ROLES as readonly string[]).includes(member.role) || member.cityCode !== p.cityCode) {
    throw fieldError(400, 'assigneeId', `user ${input.assigneeId} is no member who may patrol these cameras`)
      .coded('cameras.patrol_assignee', { field: 'assigneeId', id: input.assigneeId })
  }
  return knex.transaction(async (trx) => {
    const [row] = await trx('camera_patrol').insert({
      city_code: p.cityCode ?? visible[0]!.community_code.slice(0, 6), name: input.name, shift_date: input.shiftDate, shift: input.shift,
      assignee_user_id: input.assigneeId, created_by: p.userId,
    }).returning('id') as { id: string }[]
    const id = Number(row!.id)
    await trx('camera_patrol_stop').insert(input.cameraIds.map((camera, i) => ({ patrol_id: id, seq: i + 1, camera_id: camera })))
    return id
  })
}

/**
 * Marks a stop checked, only if it is still pending and every stop before it is checked (the
 * round is walked in order); false when another request got there first.
 */
export async function markStop(db: Knex, patrolId: number, seq: number, s: { state: 'normal' | 'finding'; note: string | null; eventNumber: string | null; userId: number | null }): Promise<boolean> {
  const n = await db('camera_patrol_stop').where({ patrol_id: patrolId, seq, state: 'pending' })
    .whereNotExists(db('camera_patrol_stop as e').where('e.patrol_id', patrolId).where('e.seq', '<', seq).where('e.state', 'pending').select(db.raw('1')))
    .update({ state: s.state, note: s.note, event_number: s.eventNumber, checked_by: s.userId, checked_at: db.fn.now() })
  return n === 1
}
