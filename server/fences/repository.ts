// Fence reads for the API, the fence index every evaluator loads (ingest and the clock-only
// pass), and the one place alerts are stored: insertAlerts() writes them, queues them for the
// city's platforms and announces them on the live stream, all in the caller's transaction.
import type { Knex } from 'knex'
import type { Geometry, MultiPolygon } from 'geojson'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { runNamed } from '../db/prepared.ts'
import { AppError } from '../http/errors.ts'
import { notifyField } from '../stream/notify.ts'
import { calendars } from '../events/reference.ts'
import { loadCalendar } from '../events/calendar.ts'
import { FenceIndex, type DeviceRef, type FenceAlertOut, type FenceDef, type FenceRules, type FenceSchedule } from './engine.ts'
import { scheduleChecker } from './schedule.ts'
import type { ListQuery } from './schemas.ts'

export interface FenceRow {
  id: number; city_code: string; admin_code: string; name: string; kind: string; source: Record<string, unknown>
  grid_codes: string[]; rules: FenceRules; schedule: FenceSchedule; member_ids: number[]; active: boolean; version: number
  created_by: number | null; created_at: Date; updated_at: Date; area_m2: number; geometry: Geometry
}

function selectFences(knex: Knex | Knex.Transaction) {
  return knex('fence').select('id', 'city_code', 'admin_code', 'name', 'kind', 'source', 'grid_codes', 'rules', 'schedule',
    'member_ids', 'active', 'version', 'created_by', 'created_at', 'updated_at',
    knex.raw('ST_AsGeoJSON(geom, 7, 0)::json AS geometry'),
    knex.raw('round(ST_Area(geom::geography)::numeric, 1) AS area_m2'))
}

/** The API's view: the shape fields as given (flat, like the request), then what was derived. */
export function fenceView(r: FenceRow) {
  return {
    id: Number(r.id), name: r.name, cityCode: r.city_code, adminCode: r.admin_code, kind: r.kind, ...r.source,
    rules: r.rules, schedule: r.schedule, memberIds: r.member_ids.map(Number), active: r.active, version: r.version,
    areaM2: Number(r.area_m2), createdBy: r.created_by === null ? null : Number(r.created_by),
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), geometry: r.geometry,
  }
}

/** A GeoJSON Feature (EPSG:4490); polygon coordinates are the geometry and not repeated. */
export function fenceFeature(r: FenceRow) {
  const { geometry, coordinates: _, ...properties } = fenceView(r) as ReturnType<typeof fenceView> & { coordinates?: unknown }
  return { type: 'Feature' as const, id: Number(r.id), geometry, properties }
}

/** One fence inside the jurisdiction (active or not), or undefined: callers answer 404. */
export async function readFence(knex: Knex | Knex.Transaction, scope: Jurisdiction, id: number): Promise<FenceRow | undefined> {
  return scope.apply(selectFences(knex).where('id', id), 'admin_code').first() as Promise<FenceRow | undefined>
}

const badCursor = () => new AppError(400, 'validation_failed', 'invalid query: cursor: not a cursor from a previous page of this list',
  { errors: [{ field: 'cursor', message: 'malformed' }] })

export const encodeCursor = (id: number) => Buffer.from(JSON.stringify({ i: id })).toString('base64url')
function decodeCursor(s: string): number {
  try {
    const { i } = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { i?: unknown }
    if (typeof i === 'number' && Number.isSafeInteger(i) && i > 0) return i
  } catch { /* answered below */ }
  throw badCursor()
}

/** A page of fences in id order (keyset: `cursor` is the last id of the previous page). */
export async function listFences(knex: Knex, scope: Jurisdiction, q: ListQuery): Promise<FenceRow[]> {
  const qb = scope.apply(selectFences(knex), 'admin_code').orderBy('id').limit(q.limit)
  if (q.active !== 'all') qb.where('active', q.active === 'true')
  if (q.kind) qb.where('kind', q.kind)
  if (q.adminCode) qb.whereRaw('admin_code LIKE ?', [`${adminPrefix(q.adminCode)}%`])
  if (q.cursor) qb.where('id', '>', decodeCursor(q.cursor))
  if (q.bbox) {
    // && rides the GiST index; ST_Intersects then drops fences whose box, not area, meets the bbox
    qb.whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4490) AND ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4490))', [...q.bbox, ...q.bbox])
  }
  return qb as unknown as Promise<FenceRow[]>
}

interface IndexRow {
  revision: number
  fences: { id: number; city_code: string; admin_code: string; member_ids: number[]; rules: FenceRules; schedule: FenceSchedule; geom: MultiPolygon }[] | null
}

/**
 * The active fences of a city as an engine index, with the fence revision they belong to
 * (read in one statement, so they match: ingest reloads when fence_revision moves past it).
 * `knex` may be a transaction. The schedule test reads the city's working calendar, loaded
 * here (cached a minute) because the engine's isActive is synchronous.
 */
export async function loadFenceIndex(knex: Knex | Knex.Transaction, cityCode: string): Promise<{ revision: number; index: FenceIndex }> {
  const { rows } = await knex.raw(sqlFile('fences/index_load'), { city: cityCode }) as { rows: IndexRow[] }
  const row = rows[0]!
  const defs: FenceDef[] = (row.fences ?? []).map((f) => ({
    id: Number(f.id), cityCode: f.city_code, adminPrefix: adminPrefix(f.admin_code), memberIds: f.member_ids.map(Number),
    geom: f.geom, rules: normalRules(f.rules), schedule: f.schedule ?? null,
  }))
  const needsCalendar = defs.some((d) => d.schedule !== null && 'calendar' in d.schedule)
  // the shared cache is keyed by the pool; a transaction reads the calendar once for itself
  const calendar = !needsCalendar ? null
    : knex.isTransaction ? await loadCalendar(knex, cityCode) : await calendars(knex).get(cityCode)
  const isWorkTime = calendar ? (t: number) => calendar.isWorkingTime(new Date(t)) : () => true
  return { revision: Number(row.revision), index: new FenceIndex(defs, scheduleChecker(isWorkTime)) }
}

/** Rules as stored, with a missing key read as off (rows written by hand or by an older version). */
function normalRules(r: Partial<FenceRules> | null): FenceRules {
  const minutes = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null)
  return { enter: r?.enter === true, exit: r?.exit === true, dwellMinutes: minutes(r?.dwellMinutes), absentMinutes: minutes(r?.absentMinutes) }
}

/** One alert to store: what the engine said, for the device it said it about. */
export type NewAlert = FenceAlertOut & DeviceRef

/** What the live stream carries for an alert (and for its acknowledgement). */
export interface AlertItem {
  community: string; id: number; fenceId: number; fenceName: string; deviceId: number; device: string; memberId: number | null
  memberName: string | null; kind: string; at: string; lon: number; lat: number; detail: Record<string, unknown>
  acknowledgedAt: string | null; acknowledgedBy: number | null
  [key: string]: unknown
}

export interface AlertRow {
  id: number; city_code: string; fence_id: number; fence_name: string; device_id: number; device: string; device_name: string
  member_id: number | null; member_name: string | null; community_code: string; kind: string; at: Date; lon: number; lat: number
  detail: Record<string, unknown>; created_at: Date; acknowledged_at: Date | null; acknowledged_by: number | null
  acknowledged_by_name?: string | null
}

export function alertItem(r: AlertRow): AlertItem {
  return {
    community: r.community_code, id: Number(r.id), fenceId: Number(r.fence_id), fenceName: r.fence_name,
    deviceId: Number(r.device_id), device: r.device, memberId: r.member_id === null ? null : Number(r.member_id),
    memberName: r.member_name, kind: r.kind, at: r.at.toISOString(), lon: r.lon, lat: r.lat, detail: r.detail ?? {},
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by === null ? null : Number(r.acknowledged_by),
  }
}

/**
 * Stores alerts in ONE statement (unique (fence, device, kind, at): an alert two instances
 * or two passes both computed is stored once, and only the instance that stored it goes on),
 * queues one outbox message per enabled platform of the city that subscribes to
 * 'fence_alert' (actions NULL or containing it), and announces the stored ones on the live
 * stream ('fence_alert'). Returns the stored alerts (not the duplicates).
 * Must run in the transaction that writes the fence states the alerts came with.
 */
export async function insertAlerts(trx: Knex.Transaction | Knex, cityCode: string, alerts: NewAlert[]): Promise<AlertItem[]> {
  if (!alerts.length) return []
  const rows = alerts.map((a) => ({
    fence_id: a.fenceId, device_id: a.deviceId, member_id: a.memberId, community: a.community, kind: a.kind,
    at: a.at, lon: a.lon, lat: a.lat, detail: a.detail ?? {},
  }))
  const stored = await runNamed<AlertRow>(trx, 'fences/alerts_insert', { city: cityCode, rows: JSON.stringify(rows) })
  const items = stored.map(alertItem)
  await notifyField(trx, 'fence_alert', items.map((i) => ({ ...i, change: 'created' })))
  return items
}
