// GET /api/v1/events: the event list with filters, newest first, keyset paging.
//
// - Visibility is applied in the query, always: staff see their jurisdiction (and their own
//   reports), public users only their own reports.
// - Order is (created_at DESC, id DESC), a total order, so a keyset cursor never skips or
//   repeats a row while new reports arrive. The cursor carries created_at at full microsecond
//   precision (a JS Date would truncate it to milliseconds and break ties).
// - created_at is bounded on both sides whenever anything bounds it (createdFrom/createdTo,
//   the cursor, and "not in the future"), so the planner prunes the monthly partitions; with
//   event_created_idx each page is an ordered walk that stops after `limit` rows.
// - Every parameter is validated; an unknown or repeated one is a 400 naming it.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { validate } from '../http/validate.ts'
import { instantSchema } from '../http/dates.ts'
import type { Principal } from '../auth/users.ts'
import { parseCrs, toStorage } from '../geo/crs.ts'
import type { Reference } from './reference.ts'
import { statuses } from './workflow.ts'
import { eventView, type EventRow } from './store.ts'
import { STAFF_UNIT } from './assignee.ts'

export const MAX_LIMIT = 500
/** count=true counts at most this many rows: an exact count over millions is not worth its cost. */
export const COUNT_CAP = 10_000
const CLOCK_SKEW_MS = 10 * 60_000

const commaList = <T extends string>(values: readonly [T, ...T[]], what: string) => z.string().max(500)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(values, { message: `each ${what} must be one of ${values.join(', ')}` })).min(1).max(values.length))

/** Channels and demand types are configuration: the shape here, what exists checked against the reference. */
const codeList = z.string().max(500).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(40)).min(1, 'give at least one value').max(50))

const adminCode = z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code')
const instant = instantSchema()

export const listQuerySchema = z.object({
  status: commaList(statuses as unknown as [string, ...string[]], 'status').optional(),
  light: commaList(['red', 'yellow', 'green'], 'light').optional(),
  classCode: z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2-digit big class or 4-digit small class code (prefix)').optional(),
  channel: codeList.optional(),
  demandType: codeList.optional(),
  communityCode: adminCode.optional(),
  streetCode: adminCode.optional(),
  districtCode: adminCode.optional(),
  gridCode: z.string().regex(/^[0-9]{15}$/, 'must be a 15-digit base grid code').optional(),
  assignee: z.literal('me', { message: 'only "me" is supported' }).optional(),
  createdFrom: instant.optional(),
  createdTo: instant.optional(),
  bbox: z.string().max(200).optional(),
  'bbox-crs': z.string().max(200).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(MAX_LIMIT)).default(50),
  cursor: z.string().max(200).optional(),
  count: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
  f: z.enum(['json', 'geojson']).default('json'),
}).strict()
export type ListQuery = z.output<typeof listQuerySchema>

const badParam = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `invalid query: ${field}: ${message}`, { errors: [{ field, message }] }).coded('http.invalid_query', { field })

/**
 * Query parameters as strings; a repeated parameter is refused rather than silently choosing one.
 * Channels and demand types are those the configuration holds now (ref).
 */
export function parseListQuery(raw: Record<string, string | string[] | undefined>, ref: Pick<Reference, 'channels' | 'demandTypes'>): ListQuery {
  for (const [k, v] of Object.entries(raw)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
  const q = validate(listQuerySchema, raw, 'query')
  for (const [field, known] of [['channel', ref.channels], ['demandType', ref.demandTypes]] as const) {
    const unknown = q[field]?.find((v) => !known.has(v))
    if (unknown !== undefined) throw badParam(field, `unknown ${field} ${unknown}: use one of ${[...known.keys()].join(', ')}`)
  }
  if (q.createdFrom && q.createdTo && q.createdFrom >= q.createdTo) throw badParam('createdTo', 'must be later than createdFrom')
  if (q['bbox-crs'] !== undefined && q.bbox === undefined) throw badParam('bbox-crs', 'given without bbox')
  return q
}

/** bbox in the axis order of bbox-crs (default CRS84 lon,lat) → EPSG:4490 envelope of its four corners. */
export function storageBbox(bbox: string, crsText: string | undefined): [number, number, number, number] {
  const parts = bbox.split(',')
  const n = parts.map((s) => (/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : NaN))
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) throw badParam('bbox', 'must be four numbers: minx,miny,maxx,maxy')
  const [a1, b1, a2, b2] = n as [number, number, number, number]
  if (a1 >= a2 || b1 >= b2) throw badParam('bbox', 'each minimum must be less than its maximum')
  let crs
  try {
    crs = parseCrs(crsText ?? 'CRS:84')
  } catch (err) {
    throw badParam('bbox-crs', err instanceof AppError ? err.detail : 'unsupported CRS')
  }
  try {
    const corners = [[a1, b1], [a1, b2], [a2, b1], [a2, b2]].map(([a, b]) => toStorage(a!, b!, crs))
    const lons = corners.map((c) => c.lon)
    const lats = corners.map((c) => c.lat)
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)]
  } catch (err) {
    throw badParam('bbox', err instanceof AppError ? err.detail : 'out of range')
  }
}

// The columns of events/read.sql, so eventView() serves list items and single reads alike.
const COLUMNS = `e.id, e.number, e.city_code, e.channel, e.demand_type, e.class_code, c.name AS class_name,
  e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.source_position,
  e.grid_code, e.grid_version, e.community_code, e.street_code, e.district_code, e.h3_r12::text AS h3,
  e.status, e.priority, e.reporter_user_id, e.reporter_name, e.reporter_phone, e.external_ref,
  e.duplicate_of, e.parent_event_id, e.escalation_level, e.assignee_department_id, e.assignee_member_id,
  d.code AS assignee_department_code, d.name AS assignee_department_name,
  d.kind AS assignee_department_kind, d.admin_code AS assignee_department_admin, m.name AS assignee_member_name,
  m.user_id AS assignee_member_user_id, e.assisting_department_ids, e.extension_pending,
  e.dispatched_at, e.sign_due_at, e.handle_due_at, e.parked_at, e.signed_at, e.handled_at, e.closed_at, e.warn_share,
  e.satisfaction, e.version, e.created_at, e.updated_at,
  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`

/** Restricts to what the principal may see: their jurisdiction or their own reports. */
function visible(qb: Knex.QueryBuilder, p: Principal): void {
  const mine = p.userId ?? -1
  if (p.role === 'public' || p.jurisdiction.isEmpty) qb.where('e.reporter_user_id', mine)
  else qb.where((w) => w.whereRaw('e.community_code LIKE ANY(?::text[])', [p.jurisdiction.patterns]).orWhere('e.reporter_user_id', mine))
}

/** assignee=me, with the same meaning as the workflow's isAssignee(). */
function assignedToMe(qb: Knex.QueryBuilder, p: Principal): void {
  qb.whereNotNull('e.assignee_department_id')
  if (p.role === 'grid_inspector') {
    qb.where((w) => w.where('m.user_id', p.userId ?? -1)
      .orWhere((o) => o.whereNull('e.assignee_member_id').where('e.assignee_department_id', p.departmentId ?? -1)))
    return
  }
  const kind = STAFF_UNIT[p.role]
  qb.where((w) => {
    w.where('e.assignee_department_id', p.departmentId ?? -1)
    if (kind && !p.jurisdiction.isEmpty) w.orWhere((o) => o.where('d.kind', kind).whereRaw('d.admin_code LIKE ANY(?::text[])', [p.jurisdiction.patterns]))
  })
}

function filtered(knex: Knex, p: Principal, q: ListQuery, now: Date): Knex.QueryBuilder {
  const qb = knex('event as e')
    .join('event_class as c', 'c.code', 'e.class_code')
    .leftJoin('department as d', 'd.id', 'e.assignee_department_id')
    .leftJoin('grid_member as m', 'm.id', 'e.assignee_member_id')
  visible(qb, p)
  // Bounds on created_at prune partitions. Always an upper one: nothing is reported in the future
  // (that skips the year of empty partitions made ahead); the margin covers clock skew between
  // API instances. createdFrom is inclusive, createdTo exclusive.
  qb.where('e.created_at', '<=', new Date(now.getTime() + CLOCK_SKEW_MS))
  if (q.createdTo) qb.where('e.created_at', '<', q.createdTo)
  if (q.createdFrom) qb.where('e.created_at', '>=', q.createdFrom)
  if (q.status) qb.whereIn('e.status', q.status)
  if (q.light) {
    // only these statuses run a clock (event_status_light mirrors statusLight())
    qb.whereIn('e.status', ['dispatched', 'signed', 'handling'])
      .whereRaw('event_status_light(e.status, e.dispatched_at, e.sign_due_at, e.handle_due_at, ?, e.warn_share) = ANY(?::text[])', [now, q.light])
  }
  if (q.classCode) qb.where('e.class_code', 'like', `${q.classCode}%`)
  if (q.channel) qb.whereIn('e.channel', q.channel)
  if (q.demandType) qb.whereIn('e.demand_type', q.demandType)
  if (q.communityCode) qb.where('e.community_code', q.communityCode)
  if (q.streetCode) qb.where('e.street_code', q.streetCode)
  if (q.districtCode) qb.where('e.district_code', q.districtCode)
  if (q.gridCode) qb.where('e.grid_code', q.gridCode)
  if (q.assignee) assignedToMe(qb, p)
  if (q.bbox) {
    const [x1, y1, x2, y2] = storageBbox(q.bbox, q['bbox-crs'])
    qb.whereRaw('e.geom && ST_MakeEnvelope(?, ?, ?, ?, 4490)', [x1, y1, x2, y2])
  }
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    qb.where((w) => w.where('e.number', q.q!).orWhereRaw('e.description ILIKE ?', [like]).orWhereRaw('e.address ILIKE ?', [like]))
  }
  return qb
}

export interface ListPage { rows: (EventRow & { cursor_t: string })[]; next: string | null; total: { value: number; capped: boolean } | null }

export async function listEvents(knex: Knex, p: Principal, q: ListQuery, now = new Date()): Promise<ListPage> {
  const page = filtered(knex, p, q, now)
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    page.where('e.created_at', '<=', c.t).whereRaw('(e.created_at, e.id) < (?::timestamptz, ?)', [c.t, c.i])
  }
  const rowsQ = page.select(knex.raw(COLUMNS)).orderBy([{ column: 'e.created_at', order: 'desc' }, { column: 'e.id', order: 'desc' }]).limit(q.limit + 1)
  const countQ = q.count
    ? knex.from(filtered(knex, p, q, now).select(knex.raw('1')).limit(COUNT_CAP + 1).as('x')).count<{ n: string }[]>('* as n')
    : undefined
  const [rows, counted] = await Promise.all([rowsQ as Promise<(EventRow & { cursor_t: string })[]>, countQ])
  const more = rows.length > q.limit
  if (more) rows.pop()
  const last = rows[rows.length - 1]
  const n = counted ? Number(counted[0]!.n) : 0
  return {
    rows,
    next: more && last ? encodeTimeCursor(last.cursor_t, last.id) : null,
    total: counted ? { value: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP } : null,
  }
}

/** The answer: JSON items, or a GeoJSON FeatureCollection of points (coordinates EPSG:4490 lon,lat). */
export function listBody(page: ListPage, q: ListQuery, p: Principal, nextHref: string | null, now: Date) {
  const view = (r: EventRow) => eventView(r, { now, principal: p })
  const total = page.total ? { numberMatched: page.total.value, numberMatchedCapped: page.total.capped } : {}
  if (q.f === 'geojson') {
    return {
      type: 'FeatureCollection' as const,
      features: page.rows.map((r) => {
        const { location, ...properties } = view(r)
        return { type: 'Feature' as const, id: r.number, geometry: { type: 'Point' as const, coordinates: location.coordinates }, properties }
      }),
      numberReturned: page.rows.length, ...total,
      links: nextHref ? [{ rel: 'next', type: 'application/geo+json', href: nextHref }] : [],
    }
  }
  return { items: page.rows.map(view), numberReturned: page.rows.length, ...total, next: page.next, nextHref }
}
