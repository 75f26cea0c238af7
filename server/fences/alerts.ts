// Fence alerts for the API: the list (newest first, keyset paging, inside the jurisdiction by
// the alert's community) and acknowledgement.
//
// Order is (at DESC, id DESC), a total order, so a cursor never skips or repeats an alert while
// new ones arrive (they are newer than every page already read, except late fixes' crossings,
// which land where their time says). The cursor keeps `at` to the microsecond.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { notifyField } from '../stream/notify.ts'
import { alertItem, type AlertRow } from './repository.ts'
import type { AlertListQuery } from './schemas.ts'

interface ListedRow extends AlertRow { cursor_t: string }

function selectAlerts(knex: Knex | Knex.Transaction) {
  return knex('fence_alert as a')
    .join('fence as f', 'f.id', 'a.fence_id')
    .join('device as d', 'd.id', 'a.device_id')
    .leftJoin('grid_member as m', 'm.id', 'a.member_id')
    .leftJoin('app_user as u', 'u.id', 'a.acknowledged_by')
    .select('a.id', 'a.city_code', 'a.fence_id', 'f.name as fence_name', 'a.device_id', 'd.identifier as device', 'd.name as device_name',
      'a.member_id', 'm.name as member_name', 'a.community_code', 'a.kind', 'a.at', 'a.detail', 'a.created_at',
      'a.acknowledged_at', 'a.acknowledged_by', 'u.display_name as acknowledged_by_name',
      knex.raw('ST_X(a.geom) AS lon'), knex.raw('ST_Y(a.geom) AS lat'),
      knex.raw(`to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

/** The API's view of an alert: the stream item plus names. */
export function alertView(r: AlertRow) {
  const { community, ...item } = alertItem(r)
  return { ...item, communityCode: community, deviceName: r.device_name, acknowledgedByName: r.acknowledged_by_name ?? null, createdAt: r.created_at.toISOString() }
}

export function alertFeature(r: AlertRow) {
  const { lon, lat, ...properties } = alertView(r)
  return { type: 'Feature' as const, id: Number(r.id), geometry: { type: 'Point' as const, coordinates: [lon, lat] }, properties }
}

export const encodeAlertCursor = (r: ListedRow) => encodeTimeCursor(r.cursor_t, r.id)

/** A page of alerts inside the principal's jurisdiction, newest first. */
export async function listAlerts(knex: Knex, p: Principal, q: AlertListQuery): Promise<ListedRow[]> {
  const qb = p.jurisdiction.apply(selectAlerts(knex), 'a.community_code')
    .orderBy([{ column: 'a.at', order: 'desc' }, { column: 'a.id', order: 'desc' }]).limit(q.limit)
  if (q.fenceId) qb.where('a.fence_id', q.fenceId)
  if (q.deviceId) qb.where('a.device_id', q.deviceId)
  if (q.device) qb.where('d.identifier', q.device)
  if (q.memberId) qb.where('a.member_id', q.memberId)
  if (q.kind) qb.whereIn('a.kind', q.kind)
  if (q.from) qb.where('a.at', '>=', q.from)
  if (q.to) qb.where('a.at', '<', q.to)
  if (q.acknowledged !== undefined) qb[q.acknowledged ? 'whereNotNull' : 'whereNull']('a.acknowledged_at')
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(a.at, a.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  return qb as unknown as Promise<ListedRow[]>
}

/**
 * Marks an alert seen by the principal. Outside the jurisdiction (or missing): 404; already
 * acknowledged: 409 naming when and by whom. The change goes to the live stream in the same
 * transaction, so every console drops the alert from its open list.
 */
export async function acknowledgeAlert(knex: Knex, p: Principal, id: number, now = new Date()) {
  return knex.transaction(async (trx) => {
    const { rows } = await trx.raw(sqlFile('fences/alert_acknowledge'), {
      id, patterns: p.jurisdiction.patterns, now, user: p.userId,
    }) as { rows: { id: number; acknowledged: boolean }[] }
    const r = rows[0]
    if (!r) throw notFound(`no fence alert ${id} in your jurisdiction`).coded('fences.alert_not_found', { id })
    const row = await p.jurisdiction.apply(selectAlerts(trx).where('a.id', id), 'a.community_code').first() as ListedRow
    if (!r.acknowledged) {
      const at = row.acknowledged_at?.toISOString() ?? null
      throw new AppError(409, 'already_acknowledged',
        `fence alert ${id} was already acknowledged at ${at}${row.acknowledged_by_name ? ` by ${row.acknowledged_by_name}` : ''}`,
        { acknowledgedAt: at, acknowledgedBy: row.acknowledged_by === null ? null : Number(row.acknowledged_by) })
        .coded('fences.alert_already_acknowledged', { id, at, by: row.acknowledged_by_name ?? null })
    }
    await notifyField(trx, 'fence_alert', [{ ...alertItem(row), change: 'acknowledged' }])
    return alertView(row)
  })
}
