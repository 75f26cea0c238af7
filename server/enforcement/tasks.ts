// Enforcement tasks (执法任务): a team's assignment (a 双随机 round, a 专项整治 campaign, a
// complaint to verify, routine patrols) with a due date and a state. Spot checks and results may
// belong to one. Jurisdiction as the team's.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { idList, iso, oneRow, page, versionConflict } from './common.ts'
import { teamRow } from './teams.ts'
import { taskKindTitles, taskStatusTitles, type ListQuery, type taskCreateSchema, type taskPatchSchema } from './schemas.ts'

interface TaskRow {
  id: number | string; team_id: number | string; team_name: string; community_code: string; title: string
  kind: keyof typeof taskKindTitles; status: keyof typeof taskStatusTitles; description: string | null; due_on: string | null
  version: number; created_at: Date; updated_at: Date; spot_checks: number | string; results: number | string
}

const taskView = (t: TaskRow) => ({
  id: Number(t.id), teamId: Number(t.team_id), teamName: t.team_name, communityCode: t.community_code, title: t.title,
  kind: t.kind, kindTitle: taskKindTitles[t.kind], status: t.status, statusTitle: taskStatusTitles[t.status], description: t.description,
  dueOn: t.due_on, spotChecks: Number(t.spot_checks), results: Number(t.results), version: t.version,
  createdAt: iso(t.created_at), updatedAt: iso(t.updated_at),
})

function tasks(db: Knex | Knex.Transaction, p: Principal) {
  return p.jurisdiction.apply(db('enforcement_task as k').join('enforcement_team as t', 't.id', 'k.team_id'), 'k.community_code')
    .select('k.id', 'k.team_id', 't.name as team_name', 'k.community_code', 'k.title', 'k.kind', 'k.status', 'k.description',
      db.raw('k.due_on::text AS due_on'), 'k.version', 'k.created_at', 'k.updated_at',
      db.raw('(SELECT count(*) FROM enforcement_spot_check s WHERE s.task_id = k.id) AS spot_checks'),
      db.raw('(SELECT count(*) FROM enforcement_result r WHERE r.task_id = k.id) AS results'))
}

export async function listTasks(knex: Knex, p: Principal, q: ListQuery) {
  const qb = idList(tasks(knex, p), 'k', q)
  if (q.teamId !== undefined) qb.where('k.team_id', q.teamId)
  if (q.q) qb.whereRaw('strpos(k.title, ?) > 0', [q.q])
  return page(await qb as TaskRow[], q.limit, taskView)
}

export async function taskRow(db: Knex | Knex.Transaction, p: Principal, id: number, field = 'id'): Promise<TaskRow> {
  return oneRow<TaskRow>(tasks(db, p), 'k', 'task', id, field)
}

export async function readTask(knex: Knex, p: Principal, id: number) {
  return taskView(await taskRow(knex, p, id))
}

export async function createTask(knex: Knex, p: Principal, b: z.output<typeof taskCreateSchema>) {
  const team = await teamRow(knex, p, b.teamId, 'teamId')
  const city = await knex('admin_division').where({ code: team.community_code }).first('city_code')
  const [row] = await knex('enforcement_task').insert({
    city_code: city.city_code, community_code: team.community_code, team_id: b.teamId, title: b.title, kind: b.kind,
    description: b.description ?? null, due_on: b.dueOn ?? null, created_by: p.userId,
  }).returning('id')
  return readTask(knex, p, Number(row.id))
}

export async function patchTask(knex: Knex, p: Principal, id: number, b: z.output<typeof taskPatchSchema>) {
  await knex.transaction(async (trx) => {
    const t = await taskRow(trx, p, id)
    if (t.version !== b.version) throw versionConflict('task', id, t.version)
    await trx('enforcement_task').where({ id }).update({
      ...(b.title === undefined ? {} : { title: b.title }), ...(b.status === undefined ? {} : { status: b.status }),
      ...(b.description === undefined ? {} : { description: b.description }), ...(b.dueOn === undefined ? {} : { due_on: b.dueOn }),
      version: t.version + 1, updated_at: trx.fn.now(),
    })
  })
  return readTask(knex, p, id)
}
