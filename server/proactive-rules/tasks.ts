// Proactive tasks (主动服务任务): listed for the staff of the territory and for the inspector of the
// task's grid, each person shown by the one masking rule (full for the command centre and the
// grid's inspector, masked for other staff; the ID number only ever in its masked form, which is
// all a visit needs); done (a lone elderly resident's task records the visit) or dismissed with a
// reason, once: a closed task is a 409.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import { shown } from '../privacy/rule.ts'
import { registerAccess, servedGrids } from '../registers/access.ts'
import { ageOn, beijingDay } from '../residents/identity.ts'
import { KIND_TITLES, type RuleKind } from './rules.ts'

interface TaskRow {
  id: string; rule_id: string; rule_version: number; kind: RuleKind; period_key: string; community_code: string; grid_code: string | null
  due_on: string; detail: Record<string, string | null>; status: 'open' | 'done' | 'dismissed'; closed_at: Date | null; closed_by: string | null
  closed_by_name: string | null; note: string | null; created_at: Date; rule_name: string
  resident_id: string; name: string; phone: string | null; id_number_masked: string; gender: 'M' | 'F'; birth_date: string; house_address: string | null
}

export interface TaskFilter {
  status?: 'open' | 'done' | 'dismissed' | undefined; kind?: RuleKind | undefined; rule?: number | undefined
  community?: string | undefined; grid?: string | undefined; after?: number | undefined; ids?: number[] | undefined; limit: number
}

const PERSONAL = { name: 'name', phone: 'phone', houseAddress: 'residentAddress' } as const

/** What the task asks, in the inspector's words. */
function titleOf(t: TaskRow): string {
  if (t.kind === 'id_card_expiry') return `居民身份证将于 ${t.detail.validUntil ?? t.due_on} 到期，请提醒换领`
  if (t.kind === 'school_age') return `${t.detail.schoolYear ?? t.due_on.slice(0, 4)} 年秋季适龄入学，请了解入学安排`
  return t.detail.lastVisit ? `独居老人上次走访 ${t.detail.lastVisit}，已到走访周期，请上门走访` : '独居老人尚无走访记录，请上门走访'
}

/** The tasks the principal may see: a grid inspector those of the grids they serve, other staff their jurisdiction's. */
export async function listTasks(knex: Knex, p: Principal, f: TaskFilter, now = new Date()) {
  const grids = await servedGrids(knex, p)
  const { rows } = await knex.raw(sqlFile('proactive/task_list'), {
    patterns: p.jurisdiction.patterns, grids: p.role === 'grid_inspector' ? [...grids] : null,
    status: f.status ?? null, kind: f.kind ?? null, ruleId: f.rule ?? null, community: f.community ?? null, grid: f.grid ?? null,
    ids: f.ids ?? null, after: f.after ?? null, limit: f.limit,
  }) as { rows: TaskRow[] }
  const today = beijingDay(now)
  return rows.map((t) => taskItem(p, t, grids, today))
}

function taskItem(p: Principal, t: TaskRow, grids: ReadonlySet<string>, today: string) {
  const access = registerAccess(p, { communityCode: t.community_code, gridCode: t.grid_code }, grids)
  const personal = shown(access, PERSONAL, { name: t.name, phone: t.phone, houseAddress: t.house_address },
    { type: 'residents', id: String(t.resident_id), recordId: Number(t.resident_id), communityCode: t.community_code, prefix: '' })
  return {
    id: Number(t.id), kind: t.kind, kindTitle: KIND_TITLES[t.kind], title: titleOf(t), dueOn: t.due_on, period: t.period_key,
    rule: { id: Number(t.rule_id), name: t.rule_name, version: t.rule_version, href: `/api/v1/proactive-rules/${t.rule_id}` },
    resident: {
      id: Number(t.resident_id), ...personal, idNumber: t.id_number_masked, gender: t.gender, age: ageOn(t.birth_date, today),
      href: `/api/v1/residents/${t.resident_id}`,
    },
    access, communityCode: t.community_code, gridCode: t.grid_code, detail: t.detail, status: t.status,
    closedAt: t.closed_at?.toISOString() ?? null,
    closedBy: t.closed_by === null ? null : { userId: Number(t.closed_by), name: t.closed_by_name }, note: t.note,
    createdAt: t.created_at.toISOString(),
  }
}

export interface Closing { status: 'done' | 'dismissed'; note: string; visit?: { method: 'home' | 'phone' | 'video' | 'office'; visitedAt?: Date | undefined } | undefined }

/** Closes an open task the principal may see (404 otherwise, as for a task that does not exist); 409 when already closed. */
export async function closeTask(knex: Knex, p: Principal, id: number, c: Closing, now = new Date()) {
  if (!(await listTasks(knex, p, { ids: [id], limit: 1 }, now)).length) {
    throw notFound(`no proactive task ${id} in your jurisdiction`).coded('proactive.task_not_found', { id })
  }
  await knex.transaction(async (trx) => {
    const t = await trx('proactive_task').where({ id }).forUpdate().first('status', 'kind', 'resident_id', 'city_code') as
      { status: string; kind: RuleKind; resident_id: string; city_code: string }
    if (t.status !== 'open') {
      throw new AppError(409, 'conflict', `proactive task ${id} is already ${t.status}`).coded('proactive.task_closed', { id, status: t.status })
    }
    await trx('proactive_task').where({ id }).update({ status: c.status, closed_at: now, closed_by: p.userId, note: c.note })
    // the visit is what the lone elderly rule counts: its next period starts from this day
    if (c.status === 'done' && (t.kind === 'lone_elderly_visit' || c.visit)) {
      await trx('resident_visit').insert({
        city_code: t.city_code, resident_id: t.resident_id, visited_at: c.visit?.visitedAt ?? now, method: c.visit?.method ?? 'home',
        notes: c.note, visited_by: p.userId, task_id: id,
      })
    }
  })
  return (await listTasks(knex, p, { ids: [id], limit: 1 }, now))[0]!
}
