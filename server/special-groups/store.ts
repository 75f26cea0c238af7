// Special-group records in and out of the database: the list (keyset pages inside the caller's
// jurisdiction), one record, the view of a record as this caller sees it, and the access audit of
// every delivery. Being in a special group is itself the sensitive fact: every record delivered is
// noted (noteFullRead, field `kind`) whether or not its names are shown in full; names and phones
// are shown as the one masking rule decides (registers/access.ts → privacy/rule.ts shown()).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AppError, notFound } from '../http/errors.ts'
import { noteFullRead } from '../audit/scope.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { registerAccess } from '../registers/access.ts'
import { DEFAULT_STALE_DAYS } from '../registers/views.ts'
import { AUDIT_FACT, AUDIT_TYPE, KIND_TITLES, RISK_TITLES, type Kind, type RiskLevel } from './plan.ts'

export interface GroupRow {
  id: number; version: number; city_code: string; community_code: string; grid_code: string | null; lon: number | null; lat: number | null
  resident_id: number; resident_name: string; id_number_masked: string; gender: 'M' | 'F'; birth_date: string
  kind: Kind; risk_level: RiskLevel; responsible_member_id: number | null; member_name: string | null
  guardian_name: string | null; guardian_phone: string | null; since: string; until: string | null; note: string | null
  last_visit_at: Date | null; verified_at: Date | null; created_at: Date; updated_at: Date
  interval_days: number; plan_source: 'default' | 'manual'; plan_reason: string | null; plan_set_at: Date
  due_on: string; active: boolean; overdue_days: number
}

export const PERSONAL = { residentName: 'name', guardianName: 'name', guardianPhone: 'phone' } as const

/** Today's calendar day in Beijing (the plan's days are Beijing days). */
export const beijingToday = (now = new Date()) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

export interface SelectOptions {
  id?: number; area?: string; grids?: readonly string[]; kind?: string; risk?: string; member?: number
  status?: 'active' | 'ended' | 'all'; overdue?: boolean; q?: string; byDue?: boolean
  after?: { i: number; d?: string } | null; limit: number; today?: string
}

/** The records inside the caller's jurisdiction that the options select (no audit: callers view them). */
export async function selectGroups(knex: Knex | Knex.Transaction, p: Principal, o: SelectOptions): Promise<GroupRow[]> {
  if (p.jurisdiction.isEmpty) return []
  const q = o.q?.trim()
  const isId = q !== undefined && /^\d{17}[\dXx]$/.test(q)
  const idIndexes = isId ? idNumberLookup(dataKeyring(), q, 'resident.id_number') : null
  if (isId && idIndexes!.length === 0) return [] // a mistyped ID number matches nobody
  const { rows } = await knex.raw(sqlFile('special-groups/list'), {
    patterns: p.jurisdiction.patterns, id: o.id ?? null, area: o.area ? `${adminPrefix(o.area)}%` : null,
    grids: o.grids ? [...o.grids] : null, kind: o.kind ?? null, risk: o.risk ?? null, member: o.member ?? null,
    status: o.status ?? 'all', overdue: o.overdue ?? false, today: o.today ?? beijingToday(),
    name: q && !isId ? `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null, idIndexes,
    byDue: o.byDue ?? false, afterId: o.after?.i ?? null, afterDue: o.after?.d ?? null, limit: o.limit,
  }) as { rows: GroupRow[] }
  return rows
}

/** A list cursor: the last row's id (and due day, for the overdue list), base64url JSON. */
export function encodeCursor(r: GroupRow, byDue: boolean): string {
  return Buffer.from(JSON.stringify(byDue ? { d: r.due_on, i: r.id } : { i: r.id })).toString('base64url')
}

export function decodeCursor(s: string | undefined, byDue: boolean): { i: number; d?: string } | null {
  if (s === undefined) return null
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { i?: unknown; d?: unknown }
    if (Number.isSafeInteger(v.i) && (v.i as number) > 0 && (!byDue || (typeof v.d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.d)))) {
      return byDue ? { i: v.i as number, d: v.d as string } : { i: v.i as number }
    }
  } catch { /* refused below */ }
  throw new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
    { errors: [{ field: 'cursor', message: 'malformed' }] }).coded('http.bad_cursor')
}

/** A page of rows and the cursor of the next. */
export async function pageOf(knex: Knex, p: Principal, o: SelectOptions): Promise<{ rows: GroupRow[]; next: string | null }> {
  const rows = await selectGroups(knex, p, { ...o, limit: o.limit + 1 })
  const more = rows.length > o.limit
  if (more) rows.pop()
  return { rows, next: more ? encodeCursor(rows.at(-1)!, o.byDue ?? false) : null }
}

/** One record inside the jurisdiction, or 404 (outside answers like missing). */
export async function getGroupRow(knex: Knex | Knex.Transaction, p: Principal, id: number): Promise<GroupRow> {
  const [row] = await selectGroups(knex, p, { id, limit: 1 })
  if (!row) throw notFound(`no special-group record ${id} in your jurisdiction`).coded('special_groups.not_found', { id })
  return row
}

/** Notes the delivery of a record for the access audit: the membership itself, whatever is masked. */
export function noteDelivered(r: Pick<GroupRow, 'id' | 'community_code'>, fields: string[] = []): void {
  noteFullRead({ type: AUDIT_TYPE, id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, fields: [AUDIT_FACT, ...fields] })
}

export function accessOf(p: Principal, r: Pick<GroupRow, 'community_code' | 'grid_code'>, grids: ReadonlySet<string>): Access {
  return registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** A record as this caller sees it; noted for the access audit. */
export function groupView(r: GroupRow, access: Access, now = new Date()) {
  noteDelivered(r)
  const personal = shown(access, PERSONAL, { residentName: r.resident_name, guardianName: r.guardian_name, guardianPhone: r.guardian_phone },
    { type: AUDIT_TYPE, id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  // the registers' one 核实 cycle (the grid view's default)
  const stale = r.verified_at === null || now.getTime() - r.verified_at.getTime() > DEFAULT_STALE_DAYS * 86_400_000
  return {
    id: Number(r.id), version: r.version, residentId: Number(r.resident_id), residentName: personal.residentName,
    // the resident's ID number only ever leaves masked here (unmask: POST …/unmask)
    residentIdNumber: r.id_number_masked, gender: r.gender,
    kind: r.kind, kindTitle: KIND_TITLES[r.kind], riskLevel: r.risk_level, riskTitle: RISK_TITLES[r.risk_level],
    responsibleMemberId: r.responsible_member_id === null ? null : Number(r.responsible_member_id), responsibleMemberName: r.member_name,
    guardianName: personal.guardianName, guardianPhone: personal.guardianPhone,
    since: r.since, until: r.until, active: r.active, note: r.note,
    communityCode: r.community_code, gridCode: r.grid_code, lon: r.lon === null ? null : Number(r.lon), lat: r.lat === null ? null : Number(r.lat),
    lastVisitAt: iso(r.last_visit_at), verifiedAt: iso(r.verified_at), stale,
    plan: { intervalDays: r.interval_days, source: r.plan_source, reason: r.plan_reason, setAt: iso(r.plan_set_at) },
    dueOn: r.due_on, overdue: r.active && r.overdue_days > 0, overdueDays: r.active && r.overdue_days > 0 ? r.overdue_days : 0,
    access,
  }
}
export type GroupView = ReturnType<typeof groupView>
