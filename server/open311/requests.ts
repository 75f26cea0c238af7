// Open311 GET requests / GET requests/{id}: filters, the window rule, and an event as a
// GeoReport v2 request (with the documented gridgov: extension fields).
import type { Knex } from 'knex'
import { AppError, badRequest } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { fromStorage, parseCrs } from '../geo/crs.ts'
import { NUMBER, numberDay } from '../events/store.ts'
import { statuses, statusTitles, type Status } from '../events/workflow.ts'
import { serviceNotice, SERVICE_CODE, type ServiceRow } from './services.ts'
import { parseW3c, w3c } from './format.ts'
import type { ReadScope } from './scope.ts'
import { maskFreeText } from '../privacy/freeText.ts'

/** GeoReport "closed": the loop is over (结案/评价) or the report was refused or voided. */
export const CLOSED_STATUSES: readonly Status[] = ['closed', 'evaluated', 'rejected', 'voided']
export const open311Status = (s: Status): 'open' | 'closed' => (CLOSED_STATUSES.includes(s) ? 'closed' : 'open')

/** The spec's default and maximum: a span of 90 days, at most 1000 requests. */
export const WINDOW_DAYS = 90
export const MAX_REQUESTS = 1000
const DAY_MS = 86_400_000
const MAX_IDS = 1000
const MAX_PAGE = 100_000

export interface Filters {
  since: Date; until: Date
  numbers: string[] | null; classCodes: string[] | null; statuses: Status[] | null; gridCode: string | null
  limit: number; offset: number
}

type Query = Record<string, string | string[] | undefined>

/** A list parameter: repeated and/or comma-delimited values, trimmed, empty ones dropped. */
function list(q: Query, name: string, max: number): string[] | null {
  const raw = q[name]
  if (raw === undefined) return null
  const values = (Array.isArray(raw) ? raw : [raw]).join(',').split(',').map((s) => s.trim()).filter(Boolean)
  if (values.length === 0) return null
  if (values.length > max) throw badRequest(`${name}: at most ${max} values`)
  return values
}

function single(q: Query, name: string): string | undefined {
  const raw = q[name]
  const v = Array.isArray(raw) ? raw[0] : raw
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

function each(values: string[] | null, name: string, ok: (v: string) => boolean, what: string): void {
  const bad = values?.find((v) => !ok(v))
  if (bad !== undefined) throw badRequest(`${name}: "${bad.slice(0, 40)}" is not ${what}`)
}

function integer(q: Query, name: string, min: number, max: number, fallback: number): number {
  const v = single(q, name)
  if (v === undefined) return fallback
  const n = /^[0-9]{1,9}$/.test(v) ? Number(v) : NaN
  if (!(n >= min && n <= max)) throw badRequest(`${name}: must be an integer from ${min} to ${max}`)
  return n
}

/** The statuses that `status` (open/closed) and the gridgov:status extension select together. */
function statusFilter(q: Query): Status[] | null {
  const coarse = list(q, 'status', 2)
  each(coarse, 'status', (v) => v === 'open' || v === 'closed', 'open or closed')
  const fine = list(q, 'gridgov:status', statuses.length)
  each(fine, 'gridgov:status', (v) => (statuses as readonly string[]).includes(v), `one of ${statuses.join(', ')}`)
  if (!coarse && !fine) return null
  return statuses.filter((s) => (!coarse || coarse.includes(open311Status(s))) && (!fine || fine.includes(s)))
}

/** The created_at window: start_date/end_date (at most 90 days apart), default the last 90 days. */
function window(q: Query, now: Date): { since: Date; until: Date } {
  const s = single(q, 'start_date')
  const e = single(q, 'end_date')
  const start = s === undefined ? undefined : parseW3c(s, 'start_date')
  const end = e === undefined ? undefined : parseW3c(e, 'end_date')
  const span = WINDOW_DAYS * DAY_MS
  if (start && end) {
    if (end.getTime() < start.getTime()) throw badRequest('end_date lies before start_date')
    if (end.getTime() - start.getTime() > span) throw badRequest(`start_date and end_date may not span more than ${WINDOW_DAYS} days`)
    return { since: start, until: new Date(end.getTime() + 1) }
  }
  if (start) return { since: start, until: new Date(start.getTime() + span) }
  if (end) return { since: new Date(end.getTime() - span), until: new Date(end.getTime() + 1) }
  return { since: new Date(now.getTime() - span), until: new Date(now.getTime() + 60_000) }
}

/** GET requests filters. service_request_id overrides every other filter, as the spec says. */
export function parseFilters(q: Query, now: Date): Filters {
  const pageSize = integer(q, 'page_size', 1, MAX_REQUESTS, MAX_REQUESTS)
  const page = integer(q, 'page', 1, MAX_PAGE, 1)
  const paging = { limit: pageSize, offset: (page - 1) * pageSize }
  const numbers = list(q, 'service_request_id', MAX_IDS)
  if (numbers) {
    const days = numbers.map((n) => (NUMBER.test(n) ? numberDay(n) : undefined))
    const bad = numbers.find((_, i) => !days[i])
    if (bad !== undefined) throw badRequest(`service_request_id: "${bad.slice(0, 40)}" is not a request id (E + yyyymmdd + sequence)`)
    const since = new Date(Math.min(...days.map((d) => d!.dayStart.getTime())))
    const until = new Date(Math.max(...days.map((d) => d!.dayEnd.getTime())))
    return { since, until, numbers, classCodes: null, statuses: null, gridCode: null, ...paging }
  }
  const classCodes = list(q, 'service_code', 100)
  each(classCodes, 'service_code', (v) => SERVICE_CODE.test(v), 'a 4-digit service_code')
  const gridCode = single(q, 'gridgov:grid_code') ?? null
  if (gridCode !== null && !/^[0-9]{12,20}$/.test(gridCode)) throw badRequest('gridgov:grid_code: must be a grid code of 12-20 digits')
  return { ...window(q, now), numbers: null, classCodes, statuses: statusFilter(q), gridCode, ...paging }
}

export interface RequestRow extends Pick<ServiceRow, 'time_limit_value' | 'time_limit_unit' | 'closure_condition'> {
  id: number; number: string; status: Status; class_code: string; class_name: string; demand_type: string
  description: string; address: string | null; lon: number; lat: number; grid_code: string | null
  community_code: string; agency: string | null; handle_due_at: Date | null; closed_at: Date | null
  created_at: Date; updated_at: Date; media_url: string | null; address_id: string | null
}

export async function findRequests(knex: Knex, f: Filters, scope: ReadScope): Promise<RequestRow[]> {
  if (scope.patterns.length === 0 && scope.userId < 0) return []
  const { rows } = await knex.raw(sqlFile('open311/requests'), {
    since: f.since, until: f.until, numbers: f.numbers, classCodes: f.classCodes, statuses: f.statuses,
    gridCode: f.gridCode, patterns: scope.patterns, publicView: scope.publicView, userId: scope.userId,
    limit: f.limit, offset: f.offset,
  }) as { rows: RequestRow[] }
  return rows
}

/** One request by id within the scope; 404 (also outside the scope, so ids cannot be probed). */
export async function findRequest(knex: Knex, id: string, scope: ReadScope): Promise<RequestRow> {
  const day = NUMBER.test(id) ? numberDay(id) : undefined
  const rows = day ? await findRequests(knex, {
    since: day.dayStart, until: day.dayEnd, numbers: [id], classCodes: null, statuses: null, gridCode: null, limit: 1, offset: 0,
  }, scope) : []
  if (!rows[0]) throw new AppError(404, 'not_found', `service_request_id ${id.slice(0, 40)} not found`)
  return rows[0]
}

const WGS84 = parseCrs('EPSG:4326')
const round7 = (v: number) => Math.round(v * 1e7) / 1e7

/**
 * An event as a GeoReport v2 request. lat/long are WGS84 as the spec requires (CGCS2000 and WGS84
 * agree to a few centimetres: see server/geo/crs.ts). Extension fields are prefixed gridgov:.
 */
export function requestView(r: RequestRow): Record<string, unknown> {
  const [long, lat] = fromStorage(r.lon, r.lat, WGS84)
  const status = open311Status(r.status)
  return {
    service_request_id: r.number,
    status,
    status_notes: statusTitles[r.status],
    service_name: r.class_name,
    service_code: r.class_code,
    // third parties never read personal numbers typed into it (privacy/freeText.ts)
    description: maskFreeText(r.description),
    agency_responsible: r.agency,
    service_notice: serviceNotice(r),
    requested_datetime: w3c(r.created_at),
    // the spec: for closed requests, the date it was closed
    updated_datetime: w3c(status === 'closed' ? (r.closed_at ?? r.updated_at) : r.updated_at),
    expected_datetime: w3c(r.handle_due_at),
    address: r.address,
    address_id: r.address_id,
    zipcode: null,
    lat: round7(lat),
    long: round7(long),
    media_url: r.media_url,
    'gridgov:status': r.status,
    'gridgov:status_title': statusTitles[r.status],
    'gridgov:demand_type': r.demand_type,
    'gridgov:grid_code': r.grid_code,
    'gridgov:community_code': r.community_code,
  }
}
