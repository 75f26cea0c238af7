// Warnings for the API: the list (newest first, keyset paging, inside the jurisdiction by the
// warning's area code), one warning, and acknowledgement. The internal `subject` (a reporter key)
// is never selected.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AppError, notFound } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { notifyField } from '../stream/notify.ts'
import type { Kind } from './rules.ts'
import { warningKindName } from './kinds.ts'
import type { WarningListQuery } from './schemas.ts'

export const LEVEL_NAMES: Record<number, string> = { 1: '红色', 2: '橙色', 3: '黄色' }

interface Row {
  id: string; city_code: string; kind: Kind; rule_version: number; level: number; title: string; detail: Record<string, unknown>
  area_code: string; area_name: string | null; lon: number; lat: number; event_ids: string[]; raised_at: Date
  acknowledged_at: Date | null; acknowledged_by: string | null; acknowledged_by_name: string | null; ack_comment: string | null; cursor_t: string
}

function selectWarnings(knex: Knex | Knex.Transaction) {
  return knex('warning as w')
    .leftJoin('admin_division as a', 'a.code', 'w.area_code')
    .leftJoin('app_user as u', 'u.id', 'w.acknowledged_by')
    .select('w.id', 'w.city_code', 'w.kind', 'w.rule_version', 'w.level', 'w.title', 'w.detail', 'w.area_code', 'a.name as area_name',
      'w.event_ids', 'w.raised_at', 'w.acknowledged_at', 'w.acknowledged_by', 'u.display_name as acknowledged_by_name', 'w.ack_comment',
      knex.raw('ST_X(w.geom) AS lon'), knex.raw('ST_Y(w.geom) AS lat'),
      knex.raw(`to_char(w.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

export function warningView(r: Row) {
  return {
    id: Number(r.id), kind: r.kind, kindName: warningKindName(r.kind), level: Number(r.level), levelName: LEVEL_NAMES[Number(r.level)],
    title: r.title, areaCode: r.area_code, areaName: r.area_name, lon: Number(r.lon), lat: Number(r.lat),
    eventIds: r.event_ids.map(Number), detail: r.detail, ruleVersion: r.rule_version, raisedAt: r.raised_at.toISOString(),
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null, acknowledgedBy: r.acknowledged_by === null ? null : Number(r.acknowledged_by),
    acknowledgedByName: r.acknowledged_by_name, acknowledgeComment: r.ack_comment,
  }
}

export function warningFeature(r: Row) {
  const { lon, lat, ...properties } = warningView(r)
  return { type: 'Feature' as const, id: Number(r.id), geometry: { type: 'Point' as const, coordinates: [lon, lat] }, properties }
}

export const encodeCursor = (r: Row) => encodeTimeCursor(r.cursor_t, r.id)

/** A page of warnings inside the principal's jurisdiction, newest first (raised_at, id). */
export async function listWarnings(knex: Knex, p: Principal, q: WarningListQuery): Promise<Row[]> {
  const qb = p.jurisdiction.apply(selectWarnings(knex), 'w.area_code')
    .orderBy([{ column: 'w.raised_at', order: 'desc' }, { column: 'w.id', order: 'desc' }]).limit(q.limit)
  if (q.kind) qb.whereIn('w.kind', q.kind)
  if (q.level) qb.whereIn('w.level', q.level.map(Number))
  if (q.from) qb.where('w.raised_at', '>=', q.from)
  if (q.to) qb.where('w.raised_at', '<', q.to)
  if (q.area) qb.where('w.area_code', 'like', `${adminPrefix(q.area)}%`)
  if (q.acknowledged !== undefined) qb[q.acknowledged ? 'whereNotNull' : 'whereNull']('w.acknowledged_at')
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(w.raised_at, w.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  return qb as unknown as Promise<Row[]>
}

/** One warning inside the jurisdiction; 404 otherwise (nothing says whether it exists elsewhere). */
export async function getWarning(knex: Knex | Knex.Transaction, p: Principal, id: number): Promise<Row> {
  const row = await p.jurisdiction.apply(selectWarnings(knex).where('w.id', id), 'w.area_code').first() as Row | undefined
  if (!row) throw notFound(`no warning ${id} in your jurisdiction`).coded('warnings.not_found', { id })
  return row
}

/**
 * Marks a warning handled by the principal, with an optional comment. Outside the jurisdiction
 * (or missing): 404; already acknowledged: 409 naming when and by whom. Consoles hear it on the
 * stream ('warning' with change: acknowledged) and drop the bubble.
 */
export async function acknowledgeWarning(knex: Knex, p: Principal, id: number, comment: string | undefined, now = new Date()) {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('warnings/acknowledge'), {
      id, patterns: p.jurisdiction.patterns, now, user: p.userId, comment: comment || null,
    }) as { rows: { id: string; acknowledged: boolean }[] }
    if (!rows[0]) throw notFound(`no warning ${id} in your jurisdiction`).coded('warnings.not_found', { id })
    const row = await getWarning(trx, p, id)
    if (!rows[0].acknowledged) {
      const at = row.acknowledged_at?.toISOString() ?? null
      throw new AppError(409, 'already_acknowledged',
        `warning ${id} was already acknowledged at ${at}${row.acknowledged_by_name ? ` by ${row.acknowledged_by_name}` : ''}`,
        { acknowledgedAt: at, acknowledgedBy: row.acknowledged_by === null ? null : Number(row.acknowledged_by) })
        .coded('warnings.already_acknowledged', { id, at, by: row.acknowledged_by_name ?? null })
    }
    await notifyField(trx, 'warning', [{
      community: row.area_code, id: Number(row.id), kind: row.kind, level: Number(row.level), title: row.title,
      lon: Number(row.lon), lat: Number(row.lat), change: 'acknowledged', acknowledgedAt: row.acknowledged_at!.toISOString(),
    }])
    return warningView(row)
  })
}
