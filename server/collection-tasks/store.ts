// Collection tasks and their returns in the database (migration 0060).
import type { Knex } from 'knex'
import { z } from 'zod'
import { sqlFile } from '../db/sql.ts'
import type { Principal } from '../auth/users.ts'
import type { Answer } from '../forms/values.ts'

export const taskBody = z.object({
  formId: z.number().int().positive(),
  title: z.string().trim().min(1).max(200),
  gridCodes: z.array(z.string().regex(/^[0-9]{15}$|^[0-9]{20}$/)).min(1).max(500),
  deadline: z.iso.datetime({ offset: true }),
}).strict()

export const jsonReturnBody = z.object({
  instanceId: z.string().min(1).max(200),
  values: z.record(z.string().max(100), z.union([z.string().max(200_000), z.number(), z.array(z.string().max(200)).max(200), z.null()])),
}).strict()

export const reviewBody = z.object({
  decision: z.enum(['accept', 'return']),
  reason: z.string().trim().min(1).max(1000).optional(),
}).strict()

export const listQuery = z.object({ open: z.enum(['true', 'false']).optional() }).strict()

export interface TaskRow {
  id: string; form_id: string; title: string; grid_codes: string[]; community_codes: string[]; deadline: Date
  created_at: Date; created_by: string | null; submitted: string; accepted: string; returned: string
}

export interface ReturnRow {
  id: string; task_id: string; instance_id: string; status: 'submitted' | 'accepted' | 'returned'; reason: string | null
  data: Record<string, Answer>; geometry: string; grid_code: string; community_code: string; username: string | null
  submitted_by: string | null; submitted_at: Date; reviewed_at: Date | null
  photos: { field: string; fileName: string; sha256: string | null; sizeBytes: string | number | null }[]
}

export async function visibleTasks(db: Knex, p: Principal, opts: { id?: number; open?: boolean } = {}): Promise<TaskRow[]> {
  const { rows } = await db.raw(sqlFile('collection/visible_tasks'), {
    city: p.cityCode ?? '', id: opts.id ?? null, open: opts.open ?? false,
    member_user: p.role === 'grid_inspector' ? p.userId ?? -1 : null, patterns: p.jurisdiction.patterns,
  })
  return rows as TaskRow[]
}

export const taskView = (t: TaskRow) => ({
  id: Number(t.id), formId: Number(t.form_id), title: t.title, gridCodes: t.grid_codes, deadline: t.deadline,
  createdAt: t.created_at, createdBy: t.created_by,
  counts: { submitted: Number(t.submitted), accepted: Number(t.accepted), returned: Number(t.returned) },
})

const returnColumns = ['r.id', 'r.task_id', 'r.instance_id', 'r.status', 'r.reason', 'r.data', 'r.grid_code', 'r.community_code',
  'r.submitted_by', 'r.submitted_at', 'r.reviewed_at', 'u.username']

/** Each image answer with its stored photo, if any (a correlated subquery on r). */
const photosColumn = `(${sqlFile('collection/return_photos')}) AS photos`

const returns = (db: Knex | Knex.Transaction) => db('collection_return as r').leftJoin('app_user as u', 'u.id', 'r.submitted_by')
  .select([...returnColumns, db.raw('ST_AsGeoJSON(r.geom, 7) AS geometry'), db.raw(photosColumn)])

/** The returns of a task: an inspector's own, or all of those in a staff member's jurisdiction. */
export function taskReturns(db: Knex, p: Principal, taskId: number): Promise<ReturnRow[]> {
  const q = returns(db).where('r.task_id', taskId).orderBy('r.id')
  if (p.role === 'grid_inspector') q.where('r.submitted_by', p.userId ?? -1)
  else p.jurisdiction.apply(q, 'r.community_code')
  return q
}

export const oneReturn = (db: Knex | Knex.Transaction, taskId: number, id: number, lock = false): Promise<ReturnRow | undefined> => {
  const q = returns(db).where({ 'r.task_id': taskId, 'r.id': id }).first()
  return (lock ? q.forUpdate('r') : q) as Promise<ReturnRow | undefined>
}

export const returnByInstance = (db: Knex | Knex.Transaction, taskId: number, instanceId: string): Promise<ReturnRow | undefined> =>
  returns(db).where({ 'r.task_id': taskId, 'r.instance_id': instanceId }).forUpdate('r').first()

export const returnView = (r: ReturnRow) => ({
  id: Number(r.id), taskId: Number(r.task_id), instanceId: r.instance_id, status: r.status, reason: r.reason,
  values: r.data, geometry: JSON.parse(r.geometry) as unknown, gridCode: r.grid_code, communityCode: r.community_code,
  submittedBy: r.username, submittedAt: r.submitted_at, reviewedAt: r.reviewed_at,
  // each image answer and whether its photo arrived (PUT …/media/{fileName})
  photos: r.photos.map((m) => ({
    field: m.field, fileName: m.fileName, present: m.sha256 !== null, sha256: m.sha256, sizeBytes: m.sizeBytes === null ? null : Number(m.sizeBytes),
    href: `/api/v1/collection-tasks/${r.task_id}/returns/${encodeURIComponent(r.instance_id)}/media/${encodeURIComponent(m.fileName)}`,
  })),
})
