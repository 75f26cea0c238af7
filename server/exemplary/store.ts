// Exemplary cases (重点公示) in and out of the database: pinning, the list (newest pinning first,
// keyset pages, inside the caller's jurisdiction by the event's community), one case with how it
// was handled, and withdrawal (the row is kept, stamped).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AppError, notFound } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { statusTitles, type Status } from '../events/workflow.ts'
import { handlingOf, timing, type Handling } from './handling.ts'
import type { ListQuery, PinBody } from './schemas.ts'

/** Statuses a case may be pinned in: the loop is closed (结案), evaluated or not yet. */
export const PINNABLE: readonly Status[] = ['closed', 'evaluated']

export interface CaseRow {
  id: string; city_code: string; event_id: string; event_number: string; community_code: string; community_name: string | null
  title: string; summary: string; reason: string; tags: string[]; pinned_by: string; pinned_by_name: string; pinned_at: Date
  unpinned_at: Date | null; unpinned_by: string | null; unpinned_by_name: string | null; unpin_reason: string | null
  class_code: string; class_name: string; description: string; address: string | null; lon: number; lat: number
  street_code: string; district_code: string; status: Status; satisfaction: string | null; created_at: Date
  dispatched_at: Date | null; handle_due_at: Date | null; handled_at: Date | null; closed_at: Date | null; cursor_t: string
}

/** Whether the event is still as it was pinned: closed or evaluated, and not evaluated dissatisfied since. */
export const stillWellHandled = (r: Pick<CaseRow, 'status' | 'satisfaction'>) => PINNABLE.includes(r.status) && r.satisfaction !== 'dissatisfied'

/** The event's side of a case (list items, one case, similar cases). */
export function caseEvent(r: Pick<CaseRow, 'event_number' | 'class_code' | 'class_name' | 'description' | 'address' | 'lon' | 'lat' |
  'community_code' | 'community_name' | 'status' | 'satisfaction'>) {
  return {
    number: r.event_number, class: { code: r.class_code, name: r.class_name }, description: r.description, address: r.address,
    location: { type: 'Point' as const, coordinates: [Number(r.lon), Number(r.lat)] as [number, number], crs: 'EPSG:4490' },
    communityCode: r.community_code, communityName: r.community_name, status: r.status, statusTitle: statusTitles[r.status],
    satisfaction: r.satisfaction,
  }
}

export function caseView(r: CaseRow, handling?: Handling) {
  return {
    id: Number(r.id), title: r.title, summary: r.summary, reason: r.reason, tags: r.tags,
    event: caseEvent(r),
    pinnedBy: { id: Number(r.pinned_by), name: r.pinned_by_name }, pinnedAt: r.pinned_at.toISOString(),
    onShow: r.unpinned_at === null,
    withdrawn: r.unpinned_at === null ? null : {
      at: r.unpinned_at.toISOString(), by: { id: Number(r.unpinned_by), name: r.unpinned_by_name }, reason: r.unpin_reason,
    },
    stillWellHandled: stillWellHandled(r),
    timing: timing(r),
    ...(handling ? { handling: handlingView(handling, r.satisfaction) } : {}),
  }
}

/** Steps and evaluation; an evaluation recorded without its satisfaction takes the event's. */
export function handlingView(h: Handling, satisfaction: string | null) {
  return { steps: h.steps, extended: h.extended, evaluation: h.evaluation && { ...h.evaluation, satisfaction: h.evaluation.satisfaction ?? satisfaction } }
}

interface ListParams {
  id?: number; state?: ListQuery['state']; classCode?: string; area?: string; q?: string; cursor?: string; limit: number
}

async function selectCases(knex: Knex | Knex.Transaction, p: Principal, o: ListParams): Promise<CaseRow[]> {
  if (p.jurisdiction.isEmpty) return []
  const c = o.cursor ? decodeTimeCursor(o.cursor) : null
  const like = o.q ? `%${o.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null
  const { rows } = await knex.raw(sqlFile('exemplary/list'), {
    patterns: p.jurisdiction.patterns, id: o.id ?? null, state: o.state ?? 'all',
    klass: o.classCode ? `${o.classCode}%` : null, area: o.area ? `${adminPrefix(o.area)}%` : null,
    like, text: o.q ?? null, tag: o.q?.toLowerCase() ?? null, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: o.limit,
  }) as { rows: CaseRow[] }
  return rows
}

/** A page of cases; `next` is the cursor of the following page, or null. */
export async function listCases(knex: Knex, p: Principal, q: ListQuery): Promise<{ rows: CaseRow[]; next: string | null }> {
  const rows = await selectCases(knex, p, { ...q, limit: q.limit + 1 })
  const more = rows.length > q.limit
  if (more) rows.pop()
  const last = rows.at(-1)
  return { rows, next: more && last ? encodeTimeCursor(last.cursor_t, last.id) : null }
}

/** One case inside the jurisdiction (on show or withdrawn), with how it was handled; 404 otherwise. */
export async function getCase(knex: Knex | Knex.Transaction, p: Principal, id: number) {
  const [row] = await selectCases(knex, p, { id, limit: 1 })
  if (!row) throw notFound(`no exemplary case ${id} in your jurisdiction`).coded('exemplary.not_found', { id })
  const handling = (await handlingOf(knex, [row.event_id])).get(String(row.event_id)) ?? { steps: [], evaluation: null, extended: false }
  return caseView(row, handling)
}

/**
 * Pins an event. It must be one the caller sees, closed or evaluated, and not evaluated
 * dissatisfied: the standard pins events whose handling and result were good (处置过程及结果良好).
 * Only one case per event is on show at a time.
 */
export async function pinCase(knex: Knex, p: Principal, body: PinBody, now = new Date()) {
  return knex.transaction(async (trx) => {
    const e = NUMBER.test(body.event) ? await readEvent(trx, body.event, p.jurisdiction, null) : undefined
    if (!e) throw notFound(`no event ${body.event} in your jurisdiction`).coded('exemplary.event_not_found', { number: body.event })
    if (!PINNABLE.includes(e.status)) {
      throw new AppError(409, 'not_closed', `event ${e.number} is ${e.status}: only a closed or evaluated event is pinned as exemplary`,
        { status: e.status }).coded('exemplary.not_closed', { number: e.number, status: e.status, statusTitle: statusTitles[e.status] })
    }
    if (e.satisfaction === 'dissatisfied') {
      throw new AppError(422, 'not_well_handled', `event ${e.number} was evaluated dissatisfied: it is not an exemplary case`)
        .coded('exemplary.dissatisfied', { number: e.number })
    }
    const { rows } = await trx.raw(sqlFile('exemplary/insert'), {
      city: e.city_code, eventId: e.id, eventCreatedAt: e.created_at, number: e.number, community: e.community_code,
      title: body.title, summary: body.summary, reason: body.reason, tags: body.tags, user: p.userId, now,
    }) as { rows: { id: string }[] }
    if (!rows[0]) {
      const on = await trx('exemplary_case').where({ event_id: e.id }).whereNull('unpinned_at').first('id')
      throw new AppError(409, 'already_pinned', `event ${e.number} is already on show as exemplary case ${on?.id}`, { caseId: Number(on?.id) })
        .coded('exemplary.already_pinned', { number: e.number, caseId: Number(on?.id) })
    }
    return getCase(trx, p, Number(rows[0].id))
  })
}

/** Withdraws a case on show; 404 outside the jurisdiction, 409 when it was withdrawn already. */
export async function unpinCase(knex: Knex, p: Principal, id: number, reason: string | undefined, now = new Date()) {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('exemplary/unpin'), { id, now, user: p.userId, reason: reason ?? null, patterns: p.jurisdiction.patterns }) as { rows: unknown[] }
    const c = await getCase(trx, p, id)
    if (!rows[0]) {
      throw new AppError(409, 'already_withdrawn', `exemplary case ${id} was withdrawn at ${c.withdrawn?.at}`, { withdrawnAt: c.withdrawn?.at ?? null })
        .coded('exemplary.already_withdrawn', { id, at: c.withdrawn?.at ?? null })
    }
    return c
  })
}
