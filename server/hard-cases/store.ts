// 疑难 (hard cases): open events measured against the city's rule, marked by the rule (scan) or
// by hand, cleared by hand. A marking is written to the event's history under the event's row
// lock and announced in the inbox (kind hard_case) to the desks whose area covers the event.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { NUMBER, readEvent, type EventRow } from '../events/store.ts'
import { appendHistory, SYSTEM } from '../events/historyAppend.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { deliver, type Recipients } from '../inbox/deliver.ts'
import { STAFF_UNIT } from '../events/assignee.ts'
import { readRule, type HardCaseRule } from './rule.ts'

/** Who reads the register and marks by hand: the desks and the leaders above them. */
export const HARD_CASE_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
/** Who is told of a new hard case: the desks whose area covers the event. */
const TOLD: Role[] = ['command_center', 'district_staff', 'street_staff']
/** How far back the rule looks for open events (the event table is partitioned by month). */
const LOOK_BACK_DAYS = 400

export const listQuery = z.object({
  state: z.enum(['open', 'cleared', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict()
export const candidateQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict()
export const markBody = z.object({ note: z.string().trim().min(1).max(2000) }).strict()
export const clearBody = z.object({ note: z.string().trim().min(1).max(2000) }).strict()

export interface Reason { rule: 'bounces' | 'overdue' | 'units' | 'manual'; value?: number; threshold?: number }
interface Measured {
  id: number; number: string; city_code: string; class_code: string; class_name: string; community_code: string; status: Status
  created_at: Date; description: string; bounces: number; overdue_hours: number; units: number; marked: boolean
  /** the thresholds of the rule version the event was reported under (candidates.sql) */
  rule_bounces: number; rule_overdue_hours: number; rule_units: number
}

const reasonTitles: Record<Reason['rule'], string> = { bounces: '多次流转', overdue: '长期超期', units: '涉及多个单位', manual: '人工认定' }

/** Which thresholds an event reaches: those of its pinned rule version when measured with them, else the rule's. */
export function reasonsOf(m: Pick<Measured, 'bounces' | 'overdue_hours' | 'units'> & Partial<Pick<Measured, 'rule_bounces' | 'rule_overdue_hours' | 'rule_units'>>,
  given: Pick<HardCaseRule, 'bounces' | 'overdueHours' | 'units'>): Reason[] {
  const rule = m.rule_bounces === undefined ? given
    : { bounces: Number(m.rule_bounces), overdueHours: Number(m.rule_overdue_hours), units: Number(m.rule_units) }
  const out: Reason[] = []
  if (m.bounces >= rule.bounces) out.push({ rule: 'bounces', value: m.bounces, threshold: rule.bounces })
  if (m.overdue_hours >= rule.overdueHours) out.push({ rule: 'overdue', value: m.overdue_hours, threshold: rule.overdueHours })
  if (m.units >= rule.units) out.push({ rule: 'units', value: m.units, threshold: rule.units })
  return out
}

export async function measure(db: Knex | Knex.Transaction, p: Principal, opts: { numbers?: string[]; onlyHits: boolean; rule: HardCaseRule; limit: number; now: Date }): Promise<Measured[]> {
  const { rows } = await db.raw(sqlFile('hard-cases/candidates'), {
    patterns: p.jurisdiction.patterns, since: new Date(opts.now.getTime() - LOOK_BACK_DAYS * 86_400_000), numbers: opts.numbers ?? [],
    now: opts.now, onlyHits: opts.onlyHits, bounces: opts.rule.bounces, overdueHours: opts.rule.overdueHours, units: opts.rule.units, limit: opts.limit,
  }) as { rows: Measured[] }
  return rows
}

const measuredView = (m: Measured, rule: HardCaseRule) => ({
  number: m.number, status: m.status, statusTitle: statusTitles[m.status], class: { code: m.class_code, name: m.class_name },
  communityCode: m.community_code, description: m.description.slice(0, 200), createdAt: m.created_at.toISOString(),
  bounces: m.bounces, overdueHours: m.overdue_hours, units: m.units, marked: m.marked, reasons: reasonsOf(m, rule),
})

/** Open events the rule makes hard cases, marked or not. */
export async function candidates(db: Knex, p: Principal, limit: number, now = new Date()) {
  const rule = await readRule(db, p.cityCode)
  const rows = await measure(db, p, { onlyHits: true, rule, limit, now })
  return { rule, items: rows.map((m) => measuredView(m, rule)) }
}

/** Marks every candidate of the caller's area not marked yet; answers what it marked. */
export async function scan(db: Knex, p: Principal, now = new Date()) {
  const rule = await readRule(db, p.cityCode)
  const rows = (await measure(db, p, { onlyHits: true, rule, limit: 500, now })).filter((m) => !m.marked)
  const marked: string[] = []
  for (const m of rows) {
    const done = await db.transaction(async (trx) => {
      const e = await readEvent(trx, m.number, p.jurisdiction, p.userId, true)
      if (!e) return false
      return mark(trx, e, { source: 'rule', reasons: reasonsOf(m, rule), note: null, by: SYSTEM, markedBy: p.userId }, now)
    })
    if (done) marked.push(m.number)
  }
  return { rule, marked }
}

/** Marks one event by hand (the reasons say 人工认定, with what the rule measures beside it). */
export async function markByHand(db: Knex, p: Principal, number: string, note: string, now = new Date()) {
  const rule = await readRule(db, p.cityCode)
  return db.transaction(async (trx) => {
    const e = await lockedEvent(trx, p, number)
    const [m] = await measure(trx, p, { numbers: [number], onlyHits: false, rule, limit: 1, now })
    if (!await mark(trx, e, { source: 'manual', reasons: [{ rule: 'manual' }, ...(m ? reasonsOf(m, rule) : [])], note, by: p, markedBy: p.userId }, now)) {
      throw new AppError(409, 'already_hard_case', `event ${number} is a hard case already`).coded('hard_cases.already_marked', { number })
    }
    return readMarking(trx, e.id)
  })
}

export async function clear(db: Knex, p: Principal, number: string, note: string, now = new Date()) {
  return db.transaction(async (trx) => {
    const e = await lockedEvent(trx, p, number)
    const n = await trx('event_hard_case').where({ event_id: e.id }).whereNull('cleared_at').update({ cleared_at: now, cleared_by: p.userId, clear_note: note })
    if (!n) throw new AppError(409, 'not_hard_case', `event ${number} is not marked a hard case`).coded('hard_cases.not_marked', { number })
    await appendHistory(trx, e, { action: 'clear_hard_case', from: e.status, to: e.status, p, now, comment: note, explanation: null })
    await publish(trx, e, 'clear_hard_case')
    return { number, cleared: true, clearedAt: now.toISOString() }
  })
}

async function mark(trx: Knex.Transaction, e: EventRow, m: { source: 'rule' | 'manual'; reasons: Reason[]; note: string | null; by: Principal | typeof SYSTEM; markedBy: number | null }, now: Date): Promise<boolean> {
  const open = await trx('event_hard_case').where({ event_id: e.id }).whereNull('cleared_at').first('id')
  if (open) return false
  await trx('event_hard_case').insert({ event_id: e.id, city_code: e.city_code, source: m.source, reasons: JSON.stringify(m.reasons), note: m.note, marked_by: m.markedBy, marked_at: now })
  const why = m.reasons.map((r) => reasonTitles[r.rule] + (r.value !== undefined ? `（${r.value}/${r.threshold}）` : '')).join('、')
  await appendHistory(trx, e, { action: 'mark_hard_case', from: e.status, to: e.status, p: m.by, now, comment: m.note ?? `按规则认定为疑难事件：${why}`, explanation: { source: m.source, reasons: m.reasons } })
  await deliver(trx, { kind: 'hard_case', title: `疑难事件 ${e.number}：${why}`, body: e.description.slice(0, 500), eventId: e.number, areaCode: e.community_code,
    link: `#/events/${e.number}`, data: { source: m.source, reasons: m.reasons } }, { roles: TOLD, areaCode: e.community_code }, now)
  await publish(trx, e, 'mark_hard_case')
  return true
}

export async function lockedEvent(trx: Knex.Transaction, p: Principal, number: string): Promise<EventRow> {
  const e = NUMBER.test(number) ? await readEvent(trx, number, p.jurisdiction, p.userId, true) : undefined
  if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  return e
}

/** Tells the stream the event changed (clients read its history again), like a transition. */
export async function publish(trx: Knex.Transaction, e: EventRow, action: string): Promise<void> {
  await trx.raw('SELECT pg_notify(?, ?)', ['gridgov_events', JSON.stringify({ event: e.number, action, status: e.status, community: e.community_code, version: e.version })])
}

export async function readMarking(db: Knex | Knex.Transaction, eventId: number) {
  const r = await db('event_hard_case as h').leftJoin('app_user as u', 'u.id', 'h.marked_by').where('h.event_id', eventId).orderBy('h.id', 'desc')
    .first('h.source', 'h.reasons', 'h.note', 'h.marked_at', 'h.cleared_at', 'h.clear_note', 'u.display_name')
  if (!r) return null
  return { source: r.source, reasons: r.reasons, note: r.note, markedAt: r.marked_at.toISOString(), markedBy: r.display_name ?? null,
    open: r.cleared_at === null, clearedAt: r.cleared_at?.toISOString() ?? null, clearNote: r.clear_note }
}

interface ListRow {
  source: string; reasons: Reason[]; note: string | null; marked_at: Date; cleared_at: Date | null; marked_by: string | null; number: string; status: Status
  class_code: string; class_name: string; community_code: string; description: string; handle_due_at: Date | null; instructions: number
}

export async function listHardCases(db: Knex, p: Principal, q: z.output<typeof listQuery>) {
  const { rows } = await db.raw(sqlFile('hard-cases/list'), { patterns: p.jurisdiction.patterns, state: q.state, limit: q.limit }) as { rows: ListRow[] }
  return {
    state: q.state,
    items: rows.map((r) => ({
      number: r.number, status: r.status, statusTitle: statusTitles[r.status], class: { code: r.class_code, name: r.class_name },
      communityCode: r.community_code, description: r.description.slice(0, 200), source: r.source, reasons: r.reasons, note: r.note,
      markedAt: r.marked_at.toISOString(), markedBy: r.marked_by ?? null, clearedAt: r.cleared_at?.toISOString() ?? null, instructions: r.instructions,
      handleDueAt: r.handle_due_at?.toISOString() ?? null,
    })),
  }
}

/**
 * Who acts for units in the inbox: a functional department's own accounts; a territory office's
 * staff role of its area (staff accounts carry no department: events/assignee.ts).
 */
export async function unitRecipients(db: Knex | Knex.Transaction, departmentIds: number[]): Promise<Recipients[]> {
  if (!departmentIds.length) return []
  const units = await db('department').whereIn('id', departmentIds).select('id', 'kind', 'admin_code')
  const out: Recipients[] = []
  const userIds = (await db('app_user').whereIn('department_id', departmentIds).where('disabled', false).pluck('id')).map(Number)
  if (userIds.length) out.push({ userIds })
  for (const u of units) {
    const role = Object.entries(STAFF_UNIT).find(([, kind]) => kind === u.kind)?.[0] as Role | undefined
    if (role) out.push({ roles: [role], areaCode: u.admin_code })
  }
  return out
}
