// Task progress: visits detected from positions (sql/queries/patrol/visits_detect.sql), the
// visits that count toward each target (capped at the required number), done when every
// target has its visits. A task's visits are recomputed from the whole day's fixes and replaced,
// so late and out-of-order fixes count as if they had come in time.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { notifyField } from '../stream/notify.ts'

/** Fixes further apart than this are not one stay (nor one stretch of duty, nor one track). */
export const GAP_SECONDS = 300

interface VisitRow { task_id: string; target_kind: 'grid' | 'checkpoint'; checkpoint_id: string | null; grid_code: string | null; started_at: Date; ended_at: Date; fixes: number }
interface TargetRow {
  task_id: string; status: 'open' | 'done' | 'missed'; visits_counted: number; member_id: string; community_code: string
  required_visits: number; target_kind: 'grid' | 'checkpoint'; targets: string[]; visit_count: number
}

export interface TaskChange { community: string; taskId: number; memberId: number; status: string; visits: number; required: number }

const targetOf = (v: VisitRow) => (v.target_kind === 'grid' ? v.grid_code! : String(v.checkpoint_id))

/** Visits toward the required total: per target at most the required number. */
export function countVisits(targets: string[], required: number, visits: { target: string }[]): number {
  const per = new Map<string, number>()
  for (const v of visits) per.set(v.target, (per.get(v.target) ?? 0) + 1)
  return targets.reduce((n, t) => n + Math.min(per.get(t) ?? 0, required), 0)
}

/**
 * Recomputes the visits and status of the given tasks in `trx` and streams the tasks that
 * changed. A done task stays done (a later recount never takes the completion back); a missed
 * task that reaches its visits late becomes done.
 */
export async function updateTaskProgress(trx: Knex.Transaction, taskIds: number[], now = new Date()): Promise<TaskChange[]> {
  if (!taskIds.length) return []
  const { rows: tasks } = await trx.raw(sqlFile('patrol/task_targets'), { taskIds }) as { rows: TargetRow[] }
  const { rows: visits } = await trx.raw(sqlFile('patrol/visits_detect'), { taskIds, gapSeconds: GAP_SECONDS }) as { rows: VisitRow[] }
  const byTask = new Map<string, VisitRow[]>()
  for (const v of visits) byTask.set(String(v.task_id), [...(byTask.get(String(v.task_id)) ?? []), v])
  await trx('patrol_visit').whereIn('task_id', taskIds).delete()
  if (visits.length) {
    const rows = visits.map((v) => ({
      task_id: v.task_id, target_kind: v.target_kind, checkpoint_id: v.checkpoint_id, grid_code: v.grid_code,
      started_at: v.started_at, ended_at: v.ended_at, fixes: v.fixes,
    }))
    for (let i = 0; i < rows.length; i += 500) await trx('patrol_visit').insert(rows.slice(i, i + 500))
  }
  const changes: TaskChange[] = []
  for (const t of tasks) {
    const mine = byTask.get(String(t.task_id)) ?? []
    const counted = countVisits(t.targets, t.required_visits, mine.map((v) => ({ target: targetOf(v) })))
    const required = t.targets.length * t.required_visits
    const status = t.status === 'done' || (required > 0 && counted >= required) ? 'done' : t.status
    await trx('patrol_task').where('id', t.task_id).update({
      visits_counted: counted, required_total: required, status, progress_at: now,
      ...(status === 'done' && t.status !== 'done' ? { done_at: now } : {}),
    })
    if (counted !== t.visits_counted || status !== t.status || mine.length !== t.visit_count) {
      changes.push({ community: t.community_code, taskId: Number(t.task_id), memberId: Number(t.member_id), status, visits: counted, required })
    }
  }
  if (changes.length) await notifyField(trx, 'patrol', changes.map((c) => ({ ...c })))
  return changes
}
