// Work queues (工作队列) per member and unit: whose queue is asked (the holder), and its rows
// (sql/queries/queues/items.sql). The holder is the caller by default: a grid inspector's own
// events, a department's or territory office's unit; scope=unit widens an inspector's to the
// unit; the desk (dispatchers) may look at a unit or a member of its jurisdiction.
import type { Knex } from 'knex'
import { z } from 'zod'
import { notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { STAFF_UNIT } from '../events/assignee.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { sqlFile } from '../db/sql.ts'
import { accessTo } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'

export const QUEUE_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector']
/** Roles that run a desk: their own queue holds the filed events units returned, and they may ask for others'. */
const DESK_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
const VERIFIER_ROLES: readonly Role[] = ['grid_inspector', 'community_staff']

export const queueNames = ['to_sign', 'to_handle', 'due_soon', 'returned', 'to_verify'] as const
export type QueueName = (typeof queueNames)[number]
export const queueTitles: Record<QueueName, string> = { to_sign: '待签收', to_handle: '待处置', due_soon: '即将到期', returned: '被退回', to_verify: '待核实' }

export const DEFAULT_DUE_HOURS = 4

export const queueQuery = z.object({
  scope: z.enum(['me', 'unit']).default('me'),
  departmentCode: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  memberId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  dueWithinHours: z.coerce.number().positive().max(720).default(DEFAULT_DUE_HOURS),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  queue: z.enum(queueNames).optional().describe('page only this queue (the others answer empty lists; every count stays whole)'),
  offset: z.coerce.number().int().min(0).max(100_000).default(0).describe('rows of each queue to skip, in the queue\'s order: the next page is offset + limit'),
}).strict()
export type QueueQuery = z.output<typeof queueQuery>

interface Holder {
  memberId: number | null; departmentIds: number[]; desk: boolean; verifier: boolean
  view: { scope: string; member: { id: number; name: string } | null; units: { code: string; name: string }[] }
}

async function unitsOf(knex: Knex, ids: number[]) {
  return ids.length ? (await knex('department').whereIn('id', ids).orderBy('code').select('code', 'name')).map((r) => ({ code: r.code as string, name: r.name as string })) : []
}

/** Whose queue the caller asks for; a unit or member outside the caller's jurisdiction is a 404. */
export async function holderOf(knex: Knex, p: Principal, q: QueueQuery): Promise<Holder> {
  if (q.memberId !== undefined || q.departmentCode !== undefined) {
    if (!DESK_ROLES.includes(p.role)) throw notFound('only a desk looks at other queues').coded('queues.not_found', { what: q.departmentCode ?? q.memberId })
    if (q.memberId !== undefined) {
      const m = await knex('grid_member').where({ id: q.memberId, active: true }).first('id', 'name', 'community_code')
      if (!m || !p.jurisdiction.covers(m.community_code)) throw notFound(`no grid member ${q.memberId} in your jurisdiction`).coded('queues.not_found', { what: q.memberId })
      return { memberId: Number(m.id), departmentIds: [], desk: false, verifier: false, view: { scope: 'member', member: { id: Number(m.id), name: m.name }, units: [] } }
    }
    const d = await knex('department').where({ code: q.departmentCode }).first('id', 'code', 'name', 'admin_code')
    if (!d || !p.jurisdiction.covers(d.admin_code)) throw notFound(`no unit ${q.departmentCode} in your jurisdiction`).coded('queues.not_found', { what: q.departmentCode })
    return { memberId: null, departmentIds: [Number(d.id)], desk: false, verifier: false, view: { scope: 'unit', member: null, units: [{ code: d.code, name: d.name }] } }
  }
  const desk = DESK_ROLES.includes(p.role)
  const verifier = VERIFIER_ROLES.includes(p.role)
  if (p.role === 'grid_inspector') {
    const m = p.userId === null ? undefined : await knex('grid_member').where({ user_id: p.userId, active: true }).first('id', 'name', 'department_id')
    if (!m) return { memberId: null, departmentIds: [], desk, verifier, view: { scope: q.scope, member: null, units: [] } }
    const deps = q.scope === 'unit' && m.department_id !== null ? [Number(m.department_id)] : []
    return { memberId: q.scope === 'unit' ? null : Number(m.id), departmentIds: deps, desk, verifier,
      view: { scope: q.scope, member: q.scope === 'unit' ? null : { id: Number(m.id), name: m.name }, units: await unitsOf(knex, deps) } }
  }
  // a staff role acts for the territory offices of its area (events/assignee.ts), others for their department
  const kind = STAFF_UNIT[p.role]
  const deps = kind
    ? (await p.jurisdiction.apply(knex('department').where('kind', kind), 'admin_code').pluck('id')).map(Number)
    : p.departmentId !== null ? [p.departmentId] : []
  return { memberId: null, departmentIds: deps, desk, verifier, view: { scope: q.scope, member: null, units: await unitsOf(knex, deps) } }
}

interface Row {
  queue: QueueName; number: string; status: Status; class_code: string; class_name: string; description: string; community_code: string
  priority: number; due_at: Date | null; created_at: Date; total: string; department_code: string | null; department_name: string | null
  member_id: number | null; member_name: string | null; emergency: boolean; rn: string
}

export async function readQueues(knex: Knex, p: Principal, q: QueueQuery, now = new Date()) {
  const h = await holderOf(knex, p, q)
  const { rows } = await knex.raw(sqlFile('queues/items'), {
    memberId: h.memberId ?? -1, departmentIds: h.departmentIds, patterns: p.jurisdiction.patterns, desk: h.desk, verifier: h.verifier,
    dueBy: new Date(now.getTime() + q.dueWithinHours * 3_600_000), limit: q.limit, offset: q.offset, queue: q.queue ?? null,
  }) as { rows: Row[] }
  const counts = Object.fromEntries(queueNames.map((n) => [n, 0])) as Record<QueueName, number>
  const queues = Object.fromEntries(queueNames.map((n) => [n, [] as unknown[]])) as Record<QueueName, unknown[]>
  for (const r of rows) {
    counts[r.queue] = Number(r.total)
    // every queue's first row comes with every page to carry its total: listed only when in the page asked
    if (Number(r.rn) <= q.offset || (q.queue !== undefined && r.queue !== q.queue)) continue
    queues[r.queue].push({
      number: r.number, status: r.status, statusTitle: statusTitles[r.status], class: { code: r.class_code, name: r.class_name },
      // phone numbers typed into the text: masked unless the caller holds the event (privacy/freeText.ts)
      description: shownText(accessTo(p, { communityCode: r.community_code, heldByPrincipal: r.queue !== 'to_verify' && r.queue !== 'returned' }), r.description).slice(0, 200),
      communityCode: r.community_code, priority: r.priority, emergency: r.emergency,
      dueAt: r.due_at ? r.due_at.toISOString() : null, overdue: r.due_at !== null && r.due_at.getTime() < now.getTime(),
      assignee: r.department_code ? { department: { code: r.department_code, name: r.department_name }, member: r.member_id ? { id: Number(r.member_id), name: r.member_name } : null } : null,
      createdAt: r.created_at.toISOString(),
    })
  }
  return { holder: h.view, dueWithinHours: q.dueWithinHours, limit: q.limit, offset: q.offset, titles: queueTitles, counts, queues }
}
