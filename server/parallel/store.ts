// 并联办 (parallel handling): one event sent to several units at once. The primary assignment
// stays as it is (dispatch, sign, handle, feedback); each part is a unit's share of the work with
// its own deadline, done by that unit. The primary unit's feedback waits until every part is done
// (workflow.ts, parallel block), so the event closes only when every part has closed.
// Built beside 主办/协办 rather than on it: an assisting unit gives an opinion within the
// primary's deadline and is cancelled by a new assignment, while a part is work of its own that
// survives a reassignment of the primary unit.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { actsFor } from '../events/assignee.ts'
import { appendHistory } from '../events/historyAppend.ts'
import { deliver } from '../inbox/deliver.ts'
import { lockedEvent, publish, unitRecipients } from '../hard-cases/store.ts'
import { NUMBER, readEvent, type EventRow } from '../events/store.ts'

export const PART_STARTERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
export const PART_ROLES: Role[] = [...PART_STARTERS, 'department']
const RUNNING = ['dispatched', 'signed', 'handling', 'parked']

const code = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)
export const partsBody = z.object({
  parts: z.array(z.object({
    departmentCode: code,
    task: z.string().trim().min(1).max(2000),
    dueAt: z.iso.datetime({ offset: true }),
  }).strict()).min(1).max(20),
  comment: z.string().trim().max(2000).optional(),
}).strict()
export const doneBody = z.object({ result: z.string().trim().min(1).max(2000) }).strict()
export const withdrawBody = z.object({ reason: z.string().trim().min(1).max(2000) }).strict()
export const mineQuery = z.object({ state: z.enum(['open', 'done', 'all']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict()

interface PartRow { id: number; department_id: number; code: string; name: string; kind: string; admin_code: string; task: string; due_at: Date; state: string; started_at: Date; done_at: Date | null; result: string | null }

const partView = (r: PartRow, now: Date) => ({
  id: Number(r.id), unit: { code: r.code, name: r.name }, task: r.task, dueAt: r.due_at.toISOString(), state: r.state,
  overdue: r.state === 'open' && r.due_at.getTime() < now.getTime(), startedAt: r.started_at.toISOString(),
  doneAt: r.done_at?.toISOString() ?? null, result: r.result,
})

async function partsOf(db: Knex | Knex.Transaction, eventId: number): Promise<PartRow[]> {
  return db('event_part as p').join('department as d', 'd.id', 'p.department_id').where('p.event_id', eventId).orderBy('p.id')
    .select('p.id', 'p.department_id', 'd.code', 'd.name', 'd.kind', 'd.admin_code', 'p.task', 'p.due_at', 'p.state', 'p.started_at', 'p.done_at', 'p.result')
}

export async function readParts(db: Knex, p: Principal, number: string, now = new Date()) {
  const e = NUMBER.test(number) ? await readEvent(db, number, p.jurisdiction, p.userId) : undefined
  if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  return view(e, await partsOf(db, e.id), now)
}

const view = (e: EventRow, parts: PartRow[], now: Date) => ({
  number: e.number, status: e.status, open: parts.filter((x) => x.state === 'open').length, parts: parts.map((x) => partView(x, now)),
})

export async function startParts(db: Knex, p: Principal, number: string, body: z.output<typeof partsBody>, now = new Date()) {
  const codes = body.parts.map((x) => x.departmentCode)
  const units = await db('department').whereIn('code', codes).select('id', 'code', 'name', 'city_code')
  return db.transaction(async (trx) => {
    const e = await lockedEvent(trx, p, number)
    if (!RUNNING.includes(e.status)) {
      throw new AppError(409, 'not_running', `event ${number} is ${e.status}: parts are started on a dispatched event`).coded('parallel.not_running', { number, status: e.status })
    }
    const open = await trx('event_part').where({ event_id: e.id, state: 'open' }).pluck('department_id')
    const rows = body.parts.map((x, i) => {
      const u = units.find((d) => d.code === x.departmentCode && d.city_code === e.city_code)
      if (!u) throw fieldError(`parts.${i}.departmentCode`, `no unit ${x.departmentCode} in the event's city`).coded('parallel.unknown_unit', { field: `parts.${i}.departmentCode`, code: x.departmentCode })
      if (Number(u.id) === e.assignee_department_id) throw fieldError(`parts.${i}.departmentCode`, `${x.departmentCode} is the primary unit already`).coded('parallel.primary_unit', { field: `parts.${i}.departmentCode`, code: x.departmentCode })
      if (open.map(Number).includes(Number(u.id)) || codes.indexOf(x.departmentCode) !== i) {
        throw fieldError(`parts.${i}.departmentCode`, `${x.departmentCode} has an open part already`).coded('parallel.duplicate_unit', { field: `parts.${i}.departmentCode`, code: x.departmentCode })
      }
      const due = new Date(x.dueAt)
      if (due.getTime() <= now.getTime()) throw fieldError(`parts.${i}.dueAt`, 'the deadline of a part lies in the future').coded('parallel.due_past', { field: `parts.${i}.dueAt`, dueAt: x.dueAt })
      return { event_id: e.id, city_code: e.city_code, department_id: u.id, task: x.task, due_at: due, started_by: p.userId, started_at: now, unit: u }
    })
    await trx('event_part').insert(rows.map(({ unit: _, ...r }) => r))
    await appendHistory(trx, e, { action: 'parallel_start', from: e.status, to: e.status, p, now, comment: body.comment ?? `并联办：${rows.map((r) => r.unit.name).join('、')}`,
      explanation: { parts: rows.map((r) => ({ unit: r.unit.code, unitName: r.unit.name, task: r.task, dueAt: r.due_at.toISOString() })) } })
    for (const r of rows) {
      for (const to of await unitRecipients(trx, [Number(r.unit.id)])) {
        await deliver(trx, { kind: 'todo', title: `并联办任务 ${e.number}：${r.task.slice(0, 60)}`, body: `办理时限 ${r.due_at.toISOString()}`, eventId: e.number,
          areaCode: e.community_code, link: `#/events/${e.number}`, data: { dueAt: r.due_at.toISOString() } }, to, now)
      }
    }
    await publish(trx, e, 'parallel_start')
    return view(e, await partsOf(trx, e.id), now)
  })
}

/** The part's unit reports it done; the last one done tells the primary unit it may feed back. */
export async function finishPart(db: Knex, p: Principal, number: string, id: number, how: { state: 'done' | 'withdrawn'; text: string }, now = new Date()) {
  return db.transaction(async (trx) => {
    const e = await lockedEvent(trx, p, number)
    const part = (await partsOf(trx, e.id)).find((x) => Number(x.id) === id)
    if (!part) throw notFound(`event ${number} has no part ${id}`).coded('parallel.part_not_found', { number, id })
    if (part.state !== 'open') throw new AppError(409, 'part_closed', `part ${id} is ${part.state} already`).coded('parallel.part_closed', { id, state: part.state })
    if (how.state === 'done' && !actsFor(p, { id: part.department_id, kind: part.kind, admin: part.admin_code })) {
      throw new AppError(403, 'forbidden', `only ${part.code} reports its part done`).coded('parallel.not_part_unit', { unit: part.name })
    }
    if (how.state === 'withdrawn' && !PART_STARTERS.includes(p.role)) throw new AppError(403, 'forbidden', 'only a desk withdraws a part').coded('parallel.not_desk')
    await trx('event_part').where('id', id).update({ state: how.state, done_by: p.userId, done_at: now, result: how.text })
    const left = Number((await trx('event_part').where({ event_id: e.id, state: 'open' }).count<{ n: string }[]>('* as n'))[0]!.n)
    await appendHistory(trx, e, { action: how.state === 'done' ? 'parallel_done' : 'parallel_withdrawn', from: e.status, to: e.status, p, now,
      comment: how.text, explanation: { part: id, unit: part.code, unitName: part.name, open: left } })
    if (left === 0 && e.assignee_department_id !== null) {
      for (const to of await unitRecipients(trx, [e.assignee_department_id])) {
        await deliver(trx, { kind: 'todo', title: `并联办已全部办结 ${e.number}，可反馈`, eventId: e.number, areaCode: e.community_code, link: `#/events/${e.number}` }, to, now)
      }
    }
    await publish(trx, e, how.state === 'done' ? 'parallel_done' : 'parallel_withdrawn')
    return view(e, await partsOf(trx, e.id), now)
  })
}

/** The parts the caller's units hold (a department's own, a staff role's territory offices'). */
export async function myParts(db: Knex, p: Principal, q: z.output<typeof mineQuery>, now = new Date()) {
  const rows = await db('event_part as p').join('department as d', 'd.id', 'p.department_id').join('event as e', 'e.id', 'p.event_id')
    .modify((qb) => { if (q.state !== 'all') qb.where('p.state', q.state) })
    .whereRaw('e.community_code LIKE ANY(?::text[])', [p.jurisdiction.patterns])
    .orderBy('p.due_at').limit(q.limit * 4)
    .select('p.id', 'p.department_id', 'd.code', 'd.name', 'd.kind', 'd.admin_code', 'p.task', 'p.due_at', 'p.state', 'p.started_at', 'p.done_at', 'p.result', 'e.number') as (PartRow & { number: string })[]
  const mine = rows.filter((r) => actsFor(p, { id: r.department_id, kind: r.kind, admin: r.admin_code })).slice(0, q.limit)
  return { state: q.state, items: mine.map((r) => ({ number: r.number, ...partView(r, now) })) }
}

/** A 400 naming the field (callers code it with a literal, so the catalogue test sees every code). */
const fieldError = (field: string, text: string) => badRequest(`${field}: ${text}`, { errors: [{ field, message: text }] })
