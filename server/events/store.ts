// Event rows in and out of the database: the intake statement, reads by public number,
// duplicate candidates, and the JSON shape events are answered in.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { statusLight } from './deadlines.ts'
import { statusTitles, type EscalationLevel, type Status } from './workflow.ts'
import type { Principal } from '../auth/users.ts'
import { accessTo, shown } from '../privacy/rule.ts'
import { shownText } from '../privacy/freeText.ts'
import { isAssignee } from './assignee.ts'

export interface EventRow {
  id: number; number: string; city_code: string; channel: string; demand_type: string; class_code: string
  class_name: string; description: string; address: string | null; lon: number; lat: number
  source_position: Record<string, unknown>; grid_code: string | null; grid_version: number | null
  community_code: string; street_code: string; district_code: string; h3: string; status: Status
  priority: number; reporter_user_id: number | null; reporter_name: string | null; reporter_phone: string | null
  external_ref: string | null; duplicate_of: number | null; parent_event_id: number | null
  escalation_level: EscalationLevel; assignee_department_id: number | null; assignee_member_id: number | null
  assignee_department_code: string | null; assignee_department_name: string | null
  assignee_department_kind: string | null; assignee_department_admin: string | null
  assignee_member_name: string | null; assignee_member_user_id: number | null
  assisting_department_ids: number[]; extension_pending: boolean
  dispatched_at: Date | null; sign_due_at: Date | null; handle_due_at: Date | null; parked_at: Date | null
  signed_at: Date | null; handled_at: Date | null; closed_at: Date | null
  satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null
  version: number; created_at: Date; updated_at: Date
  /** the configuration versions it was reported under (migration 0050); null before versioning */
  config_versions?: Record<string, unknown> | null
  /** 预警 share of its time limits (migration 0069); null: 0.8 */
  warn_share?: number | null
}

export const NUMBER = /^E(\d{4})(\d{2})(\d{2})\d{4,8}$/

/**
 * The public number: 'E', the Shanghai day (yyyymmdd) and the day's sequence number, at least
 * four digits (a busy city passes 9,999 a day: the sequence then grows, it is never cut).
 */
export function eventNumber(day: string, seq: number): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isSafeInteger(seq) || seq < 1 || seq > 99_999_999) {
    throw new Error(`no event number for day ${day}, sequence ${seq}`)
  }
  return `E${day.replaceAll('-', '')}${String(seq).padStart(4, '0')}`
}

/** The created_at range a public number's date stands for (a Shanghai day). */
export function numberDay(number: string): { dayStart: Date; dayEnd: Date } | undefined {
  const m = NUMBER.exec(number)
  if (!m) return undefined
  const start = Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00+08:00`)
  if (Number.isNaN(start)) return undefined
  return { dayStart: new Date(start), dayEnd: new Date(start + 86_400_000) }
}

/** An event the caller may see (jurisdiction, or their own report), optionally locked. */
export async function readEvent(db: Knex | Knex.Transaction, number: string, scope: Jurisdiction,
  userId: number | null, forUpdate = false): Promise<EventRow | undefined> {
  const day = numberDay(number)
  if (!day) return undefined
  // FOR UPDATE OF e: lock the event row only, not the joined class/department rows
  const sql = sqlFile('events/read') + (forUpdate ? '\nFOR UPDATE OF e' : '')
  const { rows } = await db.raw(sql, { number, ...day, patterns: scope.patterns, userId: userId ?? -1 }) as { rows: EventRow[] }
  return rows[0]
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * The reporter as this principal may read them (privacy/rule.ts): every channel answering events
 * in JSON (list, item, intake, transitions) passes here. A resident reads no reporter block.
 */
export function reporterView(p: Principal, r: EventRow) {
  if (p.role === 'public') return undefined
  const access = accessTo(p, { communityCode: r.community_code, heldByPrincipal: isAssignee(p, r) })
  const v = shown(access, { name: 'name', phone: 'phone' }, { name: r.reporter_name, phone: r.reporter_phone },
    { type: 'events', id: r.number, recordId: Number(r.id), communityCode: r.community_code, prefix: 'reporter.' })
  return { userId: access === 'full' ? r.reporter_user_id : null, name: v.name, phone: v.phone, masked: access !== 'full', unmaskable: access === 'unmaskable' }
}

/** The JSON answer for one event, the reporter masked or not by privacy/rule.ts. */
export function eventView(r: EventRow, opts: { now: Date; principal: Principal }) {
  return {
    number: r.number,
    status: r.status,
    statusTitle: statusTitles[r.status],
    light: statusLight({ status: r.status, dispatchedAt: r.dispatched_at, signDueAt: r.sign_due_at, handleDueAt: r.handle_due_at, warnShare: r.warn_share }, opts.now),
    channel: r.channel,
    demandType: r.demand_type,
    class: { code: r.class_code, name: r.class_name },
    // phone and ID numbers typed into it: masked by the rule that masks the reporter block
    description: shownText(accessTo(opts.principal, { communityCode: r.community_code, heldByPrincipal: isAssignee(opts.principal, r) }), r.description),
    address: r.address,
    location: { type: 'Point', coordinates: [r.lon, r.lat], crs: 'EPSG:4490' },
    sourcePosition: r.source_position,
    grid: r.grid_code ? { code: r.grid_code, version: r.grid_version } : null,
    communityCode: r.community_code,
    streetCode: r.street_code,
    districtCode: r.district_code,
    h3: { resolution: 12, cell: BigInt(r.h3).toString(16) },
    priority: r.priority,
    escalationLevel: r.escalation_level,
    assignee: r.assignee_department_id === null ? null : {
      department: { id: r.assignee_department_id, code: r.assignee_department_code, name: r.assignee_department_name },
      member: r.assignee_member_id === null ? null : { id: r.assignee_member_id, name: r.assignee_member_name },
    },
    extensionPending: r.extension_pending,
    deadlines: { dispatchedAt: iso(r.dispatched_at), signDueAt: iso(r.sign_due_at), handleDueAt: iso(r.handle_due_at) },
    satisfaction: r.satisfaction,
    duplicateOf: r.duplicate_of,
    externalRef: r.external_ref,
    reporter: reporterView(opts.principal, r),
    version: r.version,
    // the matters and rules it runs under (/api/v1/config/…/versions ids)
    configVersions: r.config_versions ?? null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}
export type EventView = ReturnType<typeof eventView>

export interface DuplicateCandidate { number: string; status: string; description: string; createdAt: string; metres: number; similarity: number }
