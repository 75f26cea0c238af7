// Reading tasks: a day's list inside the jurisdiction (the member's community), one task with
// its visits and the progress of each target. An inspector reads only their own tasks.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { forbidden, notFound } from '../http/errors.ts'
import { countVisits } from './progress.ts'

interface TaskRow {
  id: string; template_id: string; template_name: string; member_id: string; member_name: string; day: string
  community_code: string; status: string; required_total: number; visits_counted: number
  progress_at: Date | null; done_at: Date | null; target_kind: 'grid' | 'checkpoint'; required_visits: number
}

/** The member id an inspector is limited to (undefined for staff: the jurisdiction limits them). */
export async function ownMemberId(knex: Knex, principal: Principal): Promise<number | undefined> {
  if (principal.role !== 'grid_inspector') return undefined
  const own = await knex('grid_member').where('user_id', principal.userId ?? -1).first('id')
  if (!own) throw forbidden('your account is not a grid member').coded('patrol.not_a_member')
  return Number(own.id)
}

function taskQuery(knex: Knex, principal: Principal) {
  return principal.jurisdiction.apply(knex('patrol_task as k')
    .join('patrol_template as tp', 'tp.id', 'k.template_id')
    .join('grid_member as m', 'm.id', 'k.member_id')
    .select('k.id', 'k.template_id', 'tp.name as template_name', 'k.member_id', 'm.name as member_name',
      knex.raw("to_char(k.day, 'YYYY-MM-DD') AS day"), 'k.community_code', 'k.status', 'k.required_total',
      'k.visits_counted', 'k.progress_at', 'k.done_at', 'tp.target_kind', 'tp.required_visits'), 'k.community_code')
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

function toTask(r: TaskRow) {
  return {
    id: Number(r.id), templateId: Number(r.template_id), templateName: r.template_name, memberId: Number(r.member_id),
    memberName: r.member_name, date: r.day, communityCode: r.community_code, status: r.status, targetKind: r.target_kind,
    requiredVisits: r.required_visits, required: r.required_total, visitsCounted: r.visits_counted,
    progress: r.required_total > 0 ? Math.round((r.visits_counted / r.required_total) * 1000) / 1000 : null,
    progressAt: iso(r.progress_at), doneAt: iso(r.done_at),
  }
}

export async function listTasks(knex: Knex, principal: Principal, q: { date: string; memberId?: number; templateId?: number; status?: string; limit: number; offset: number }) {
  const own = await ownMemberId(knex, principal)
  if (own !== undefined && q.memberId !== undefined && q.memberId !== own) throw forbidden('an inspector sees only their own tasks').coded('patrol.own_only')
  let qb = taskQuery(knex, principal).where('k.day', q.date).orderBy('k.id').limit(q.limit).offset(q.offset)
  const memberId = own ?? q.memberId
  if (memberId !== undefined) qb = qb.where('k.member_id', memberId)
  if (q.templateId !== undefined) qb = qb.where('k.template_id', q.templateId)
  if (q.status) qb = qb.where('k.status', q.status)
  return (await qb as TaskRow[]).map(toTask)
}

export async function getTask(knex: Knex, principal: Principal, id: number) {
  const own = await ownMemberId(knex, principal)
  const row = await taskQuery(knex, principal).where('k.id', id).first() as TaskRow | undefined
  if (!row || (own !== undefined && Number(row.member_id) !== own)) throw notFound(`no patrol task ${id} in your jurisdiction`).coded('patrol.task_not_found', { id })
  const visits = await knex('patrol_visit').where('task_id', id).orderBy('started_at')
    .select('target_kind', 'checkpoint_id', 'grid_code', 'started_at', 'ended_at', 'fixes')
  const template = await knex('patrol_template').where('id', row.template_id).first('grid_codes')
  const checkpoints = row.target_kind === 'checkpoint'
    ? await knex('patrol_checkpoint').where('template_id', row.template_id).orderBy('seq').select('id', 'name', 'radius_m', knex.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    : []
  const targetOf = (v: { target_kind: string; checkpoint_id: string | null; grid_code: string | null }) => (v.target_kind === 'grid' ? v.grid_code! : String(v.checkpoint_id))
  const targets = row.target_kind === 'grid'
    ? (template.grid_codes as string[]).map((code) => ({ kind: 'grid', gridCode: code, key: code }))
    : checkpoints.map((c) => ({ kind: 'checkpoint', checkpointId: Number(c.id), name: c.name, radius: Number(c.radius_m), lon: c.lon, lat: c.lat, key: String(c.id) }))
  return {
    ...toTask(row),
    targets: targets.map(({ key, ...t }) => ({ ...t, visits: visits.filter((v) => targetOf(v) === key).length,
      done: countVisits([key], row.required_visits, visits.map((v) => ({ target: targetOf(v) }))) >= row.required_visits })),
    visits: visits.map((v) => ({
      targetKind: v.target_kind, checkpointId: v.checkpoint_id === null ? null : Number(v.checkpoint_id), gridCode: v.grid_code,
      start: iso(v.started_at), end: iso(v.ended_at), minutes: Math.round((v.ended_at - v.started_at) / 6000) / 10, fixes: v.fixes,
    })),
  }
}
