// Joint meetings of hard cases: 会商 (consult), 会办 (joint handling), 提级会商 (escalated
// consult) and the 72-hour plan (Jinan 7.4.3), with invited units, time, place, minutes and
// decisions. Each decision has an owner unit (one of the invited) and a deadline and is tracked
// like an event: its owner reports it done; open past the deadline it is overdue.
// A meeting about an event is written to the event's history, and belongs to the event's area.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { actsFor } from '../events/assignee.ts'
import { appendHistory } from '../events/historyAppend.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { deliver } from '../inbox/deliver.ts'
import { publish, unitRecipients } from '../hard-cases/store.ts'

export const meetingKinds = ['consult', 'joint', 'escalated', 'plan_72h'] as const
export const meetingTitles: Record<(typeof meetingKinds)[number], string> = { consult: '会商', joint: '会办', escalated: '提级会商', plan_72h: '72小时处置计划' }
export const CONVENERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
export const MEETING_ROLES: Role[] = [...CONVENERS, 'department']
/** A 72-hour plan's decisions fall due within 72 hours of the meeting. */
const PLAN_HOURS = 72

const code = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)
const when = z.iso.datetime({ offset: true })
const decision = z.object({
  text: z.string().trim().min(1).max(2000),
  /** the code of the unit that carries the decision out (one of the invited units) */
  owner: code,
  dueAt: when,
}).strict()

export const meetingBody = z.object({
  kind: z.enum(meetingKinds),
  title: z.string().trim().min(1).max(200),
  eventNumber: z.string().regex(NUMBER).optional(),
  areaCode: z.string().regex(/^[0-9]{12}$/).optional(),
  startsAt: when,
  place: z.string().trim().min(1).max(200).optional(),
  units: z.array(code).min(1).max(50),
  minutes: z.string().max(20000).optional(),
  decisions: z.array(decision).max(100).default([]),
}).strict()
export const patchBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  startsAt: when.optional(),
  place: z.string().trim().min(1).max(200).optional(),
  minutes: z.string().max(20000).optional(),
}).strict().refine((b) => Object.keys(b).length > 0, { message: 'name at least one of title, startsAt, place, minutes' })
export const decisionsBody = z.object({ decisions: z.array(decision).min(1).max(100) }).strict()
export const doneBody = z.object({ result: z.string().trim().min(1).max(2000) }).strict()
export const listQuery = z.object({
  kind: z.enum(meetingKinds).optional(),
  eventNumber: z.string().regex(NUMBER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict()
export const decisionQuery = z.object({
  state: z.enum(['open', 'done', 'all']).default('open'),
  overdue: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** only the decisions the caller's own units carry out */
  mine: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict()

type Decision = z.output<typeof decision>
/** A 400 naming the field (callers code it with a literal, so the catalogue test sees every code). */
const fieldError = (field: string, text: string) => badRequest(`${field}: ${text}`, { errors: [{ field, message: text }] })
const own = (p: Principal) => (p.departmentId === null ? [] : [p.departmentId])

export async function createMeeting(db: Knex, p: Principal, b: z.output<typeof meetingBody>, now = new Date()) {
  if (b.kind === 'plan_72h' && !b.eventNumber) throw fieldError('eventNumber', 'a 72-hour plan is made for one event').coded('meetings.plan_needs_event', { field: 'eventNumber' })
  if (b.kind === 'plan_72h' && !b.decisions.length) throw fieldError('decisions', 'a 72-hour plan holds at least one decision').coded('meetings.plan_needs_decisions', { field: 'decisions' })
  if (!b.eventNumber && !b.areaCode) throw fieldError('areaCode', 'name the area (or the event) the meeting belongs to').coded('meetings.area_required', { field: 'areaCode' })
  const e = b.eventNumber ? await readEvent(db, b.eventNumber, p.jurisdiction, p.userId) : undefined
  if (b.eventNumber && !e) throw notFound(`no event ${b.eventNumber} in your jurisdiction`).coded('events.not_found', { number: b.eventNumber })
  const area = e?.community_code ?? b.areaCode!
  if (!e && (!p.jurisdiction.covers(area) || !await db('admin_division').where('code', area).first('code'))) {
    throw fieldError('areaCode', `${area} is not an area of your jurisdiction`).coded('meetings.area_outside', { field: 'areaCode', area })
  }
  const units = await unitsNamed(db, p, b.units, 'units')
  const start = new Date(b.startsAt)
  checkDecisions(b.kind, start, b.decisions, units, 'decisions', 0)
  return db.transaction(async (trx) => {
    const locked = e ? await readEvent(trx, e.number, p.jurisdiction, p.userId, true) : undefined
    const [row] = await trx('meeting').insert({ city_code: p.cityCode ?? e?.city_code ?? area.slice(0, 6), kind: b.kind, title: b.title, area_code: area, event_id: e?.id ?? null,
      event_number: e?.number ?? null, starts_at: start, place: b.place ?? null, minutes: b.minutes ?? null, convened_by: p.userId, convener: p.displayName,
      created_at: now, updated_at: now }).returning('id')
    const id = Number(row.id)
    await trx('meeting_unit').insert([...units.values()].map((u) => ({ meeting_id: id, department_id: u.id })))
    await insertDecisions(trx, id, 0, b.decisions, units)
    if (locked) {
      await appendHistory(trx, locked, { action: 'meeting', from: locked.status, to: locked.status, p, now, comment: `${meetingTitles[b.kind]}：${b.title}`,
        explanation: { meeting: id, kind: b.kind, startsAt: start.toISOString(), units: [...units.keys()], decisions: b.decisions.length } })
      await publish(trx, locked, 'meeting')
    }
    for (const to of await unitRecipients(trx, [...units.values()].map((u) => u.id))) {
      await deliver(trx, { kind: 'meeting', title: `${meetingTitles[b.kind]}通知：${b.title}`, body: `时间 ${start.toISOString()}${b.place ? `，地点 ${b.place}` : ''}`,
        eventId: e?.number, areaCode: area, link: `#/meetings/${id}`, data: { meeting: id, kind: b.kind } }, to, now)
    }
    return id
  })
}

/** Units by code, of the caller's city; an unknown one is a 400 naming its place in the list. */
async function unitsNamed(db: Knex, p: Principal, codes: string[], field: string) {
  const rows = await db('department').whereIn('code', codes).select('id', 'code', 'name', 'city_code')
  const out = new Map<string, { id: number; code: string; name: string }>()
  codes.forEach((c, i) => {
    const u = rows.find((r) => r.code === c && (p.cityCode === null || r.city_code === p.cityCode))
    if (!u) throw fieldError(`${field}.${i}`, `no unit ${c} in your city`).coded('meetings.unknown_unit', { field: `${field}.${i}`, code: c })
    out.set(c, { id: Number(u.id), code: u.code, name: u.name })
  })
  return out
}

function checkDecisions(kind: string, start: Date, ds: Decision[], units: Map<string, unknown>, field: string, offset: number): void {
  ds.forEach((d, i) => {
    const at = `${field}.${i + offset}`
    if (!units.has(d.owner)) throw fieldError(`${at}.owner`, `${d.owner} is not one of the meeting's invited units`).coded('meetings.owner_not_invited', { field: `${at}.owner`, code: d.owner })
    const due = Date.parse(d.dueAt)
    if (due <= start.getTime()) throw fieldError(`${at}.dueAt`, 'a decision falls due after the meeting starts').coded('meetings.due_before_start', { field: `${at}.dueAt` })
    if (kind === 'plan_72h' && due > start.getTime() + PLAN_HOURS * 3_600_000) {
      throw fieldError(`${at}.dueAt`, `a 72-hour plan's decisions fall due within ${PLAN_HOURS} hours of the meeting`).coded('meetings.plan_due_beyond', { field: `${at}.dueAt`, hours: PLAN_HOURS })
    }
  })
}

async function insertDecisions(trx: Knex.Transaction, meetingId: number, from: number, ds: Decision[], units: Map<string, { id: number }>) {
  if (!ds.length) return
  await trx('meeting_decision').insert(ds.map((d, i) => ({ meeting_id: meetingId, seq: from + i + 1, text: d.text, owner_department_id: units.get(d.owner)!.id, due_at: new Date(d.dueAt) })))
  const owners = [...new Set(ds.map((d) => units.get(d.owner)!.id))]
  for (const to of await unitRecipients(trx, owners)) {
    await deliver(trx, { kind: 'meeting', title: `会议决定事项待办（${ds.length} 项）`, link: `#/meetings/${meetingId}`, data: { meeting: meetingId } }, to)
  }
}

interface MeetingRow {
  id: string; kind: (typeof meetingKinds)[number]; title: string; area_code: string; event_number: string | null; starts_at: Date; place: string | null
  convener: string; units: { code: string; name: string }[]; decisions: number; open_decisions: number; overdue_decisions: number
}
interface DecisionRow {
  id: string; meeting_id: string; seq: number; text: string; due_at: Date; state: string; done_at: Date | null; result: string | null
  owner_id: string; owner_code: string; owner_name: string; owner_kind: string; owner_admin: string; meeting_kind: string; meeting_title: string; event_number: string | null
}

export async function listMeetings(db: Knex | Knex.Transaction, p: Principal, q: { kind?: string | undefined; eventNumber?: string | undefined; id?: number; limit: number }, now = new Date()) {
  const { rows } = await db.raw(sqlFile('meetings/list'), { patterns: p.jurisdiction.patterns, departmentIds: own(p), kind: q.kind ?? null,
    eventNumber: q.eventNumber ?? null, id: q.id ?? null, limit: q.limit, now }) as { rows: MeetingRow[] }
  return rows.map((m) => ({ id: Number(m.id), kind: m.kind, kindTitle: meetingTitles[m.kind], title: m.title, areaCode: m.area_code,
    eventNumber: m.event_number, startsAt: m.starts_at.toISOString(), place: m.place, convener: m.convener, units: m.units,
    decisions: m.decisions, openDecisions: m.open_decisions, overdueDecisions: m.overdue_decisions }))
}

export async function decisions(db: Knex | Knex.Transaction, p: Principal, q: { state: string; overdue: boolean; mine: boolean; limit: number; meetingId?: number }, now = new Date()) {
  let ownedBy: number[] = []
  if (q.mine) {
    ownedBy = p.role === 'department' ? own(p) : (await db('department').whereRaw('admin_code LIKE ANY(?::text[])', [p.jurisdiction.patterns]).select('id', 'kind', 'admin_code'))
      .filter((d) => actsFor(p, { id: Number(d.id), kind: d.kind, admin: d.admin_code })).map((d) => Number(d.id))
    if (!ownedBy.length) return []
  }
  const { rows } = await db.raw(sqlFile('meetings/decisions'), { patterns: p.jurisdiction.patterns, departmentIds: own(p), state: q.state, overdue: q.overdue,
    now, ownedBy, meetingId: q.meetingId ?? null, limit: q.limit }) as { rows: DecisionRow[] }
  return rows.map((d) => ({ id: Number(d.id), meetingId: Number(d.meeting_id), seq: d.seq, text: d.text, owner: { code: d.owner_code, name: d.owner_name },
    dueAt: d.due_at.toISOString(), state: d.state, overdue: d.state === 'open' && d.due_at.getTime() < now.getTime(),
    doneAt: d.done_at?.toISOString() ?? null, result: d.result, meeting: { kind: d.meeting_kind, title: d.meeting_title, eventNumber: d.event_number },
    mayClose: d.state === 'open' && actsFor(p, { id: Number(d.owner_id), kind: d.owner_kind, admin: d.owner_admin }) }))
}

export async function readMeeting(db: Knex | Knex.Transaction, p: Principal, id: number, now = new Date()) {
  const [m] = await listMeetings(db, p, { id, limit: 1 }, now)
  if (!m) throw notFound(`no meeting ${id} you may see`).coded('meetings.not_found', { id })
  const row = await db('meeting').where('id', id).first('minutes')
  return { ...m, minutes: row.minutes as string | null, decisions: (await decisions(db, p, { state: 'all', overdue: false, mine: false, limit: 500, meetingId: id }, now)).sort((a, b) => a.seq - b.seq) }
}

export async function patchMeeting(db: Knex, p: Principal, id: number, b: z.output<typeof patchBody>, now = new Date()) {
  await readMeeting(db, p, id, now)
  const set: Record<string, unknown> = { updated_at: now }
  if (b.title !== undefined) set.title = b.title
  if (b.startsAt !== undefined) set.starts_at = new Date(b.startsAt)
  if (b.place !== undefined) set.place = b.place
  if (b.minutes !== undefined) set.minutes = b.minutes
  await db('meeting').where('id', id).update(set)
  return readMeeting(db, p, id, now)
}

export async function addDecisions(db: Knex, p: Principal, id: number, b: z.output<typeof decisionsBody>, now = new Date()) {
  await readMeeting(db, p, id, now)
  return db.transaction(async (trx) => {
    const m = await trx('meeting').where('id', id).forUpdate().first('kind', 'starts_at')
    const units = new Map((await trx('meeting_unit as mu').join('department as d', 'd.id', 'mu.department_id').where('mu.meeting_id', id).select('d.id', 'd.code', 'd.name'))
      .map((u) => [u.code as string, { id: Number(u.id), code: u.code as string, name: u.name as string }]))
    const last = Number((await trx('meeting_decision').where('meeting_id', id).max<{ n: number | null }[]>('seq as n'))[0]!.n ?? 0)
    checkDecisions(m.kind, m.starts_at, b.decisions, units, 'decisions', 0)
    await insertDecisions(trx, id, last, b.decisions, units)
    return readMeeting(trx, p, id, now)
  })
}

/** The owner unit reports a decision carried out. */
export async function closeDecision(db: Knex, p: Principal, id: number, seq: number, result: string, now = new Date()) {
  const m = await readMeeting(db, p, id, now)
  const d = m.decisions.find((x) => x.seq === seq)
  if (!d) throw notFound(`meeting ${id} has no decision ${seq}`).coded('meetings.decision_not_found', { id, seq })
  if (d.state !== 'open') throw new AppError(409, 'decision_done', `decision ${seq} is done already`).coded('meetings.decision_done', { seq })
  if (!d.mayClose) throw new AppError(403, 'forbidden', `only ${d.owner.code} reports decision ${seq} done`).coded('meetings.not_owner', { unit: d.owner.name })
  await db('meeting_decision').where({ meeting_id: id, seq, state: 'open' }).update({ state: 'done', done_at: now, done_by: p.userId, result })
  return readMeeting(db, p, id, now)
}
