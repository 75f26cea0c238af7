// The register REST shape shared by the teams and party tables: a page of rows inside the
// caller's jurisdiction (community, grid, text; keyset cursor), one row (404 outside), insert and
// optimistic patch (409 registers.version_conflict), and the item view with personal fields shown
// through the one masking rule (registers/access.ts → privacy/rule.ts).
import type { Knex } from 'knex'
import type { Context } from 'koa'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import type { PersonalKind } from '../privacy/fields.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { registerAccess, servedGridsOf } from '../registers/access.ts'
import { resolveLocation, type LocationInput } from './location.ts'
import { versionConflict } from '../registers/routeKit.ts'

/** A row not verified (核实) within this many days is stale (the grid view's default, registers/views.ts). */
export const STALE_DAYS = 90

export interface Field {
  /** the column */
  col: string
  /** the JSON name (camelCase) */
  name: string
  personal?: PersonalKind
  /** date (answered as YYYY-MM-DD text) or numeric (as a number) */
  as?: 'date' | 'number'
}

export interface TableSpec {
  table: string
  /** the audit record type ('teams', 'party-members') */
  type: string
  fields: readonly Field[]
  point: boolean
  /** columns `q` searches (ILIKE) */
  search: readonly string[]
  notFound(id: number): AppError
}

export type Row = Record<string, unknown> & { id: number; version: number; community_code: string; grid_code: string | null; cursor_t: string }
export interface ListQuery { community?: string | undefined; grid?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined }

const CURSOR_T = 'to_char(t.created_at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') AS cursor_t'
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString())

export function selectRows(db: Knex | Knex.Transaction, spec: TableSpec): Knex.QueryBuilder {
  const cols: (string | Knex.Raw)[] = ['t.id', 't.version', 't.city_code', 't.community_code', 't.grid_code', 't.verified_at', 't.created_at', 't.updated_at', db.raw(CURSOR_T)]
  for (const f of spec.fields) cols.push(f.as === 'date' ? db.raw('??::text AS ??', [`t.${f.col}`, f.col]) : `t.${f.col}`)
  if (spec.point) cols.push(db.raw('ST_X(t.geom) AS lon'), db.raw('ST_Y(t.geom) AS lat'))
  return db({ t: spec.table }).select(cols)
}

/** Rows newest first inside the jurisdiction; `filter` adds the register's own conditions. */
export async function listRows(db: Knex, p: Principal, spec: TableSpec, q: ListQuery, filter?: (qb: Knex.QueryBuilder) => void): Promise<{ rows: Row[]; next: string | null }> {
  const qb = p.jurisdiction.apply(selectRows(db, spec), 't.community_code')
    .orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }]).limit(q.limit + 1)
  if (q.community) qb.where('t.community_code', 'like', `${adminPrefix(q.community)}%`)
  if (q.grid) qb.where('t.grid_code', q.grid)
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    qb.where((w) => { for (const c of spec.search) w.orWhere(`t.${c}`, 'ilike', like) })
  }
  if (q.cursor) {
    const c = decodeTimeCursor(q.cursor)
    qb.whereRaw('(t.created_at, t.id) < (CAST(? AS timestamptz), ?)', [c.t, c.i])
  }
  filter?.(qb)
  const rows = await qb as Row[]
  const page = rows.slice(0, q.limit)
  return { rows: page, next: rows.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t, page.at(-1)!.id) : null }
}

/** One row inside the jurisdiction, or the spec's 404. */
export async function getRow(db: Knex | Knex.Transaction, p: Principal, spec: TableSpec, id: number): Promise<Row> {
  const row = await p.jurisdiction.apply(selectRows(db, spec).where('t.id', id), 't.community_code').first() as Row | undefined
  if (!row) throw spec.notFound(id)
  return row
}

/** How the caller sees the personal fields of rows of this request. */
export async function accessOf(ctx: Context, knex: Knex, p: Principal): Promise<(r: { community_code: string; grid_code: string | null }) => Access> {
  const grids = await servedGridsOf(ctx, knex, p)
  return (r) => registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
}

/** The item of a row: its fields by JSON name, personal ones as the access shows them. */
export function rowView(spec: TableSpec, r: Row, access: Access): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: Number(r.id), version: r.version, communityCode: r.community_code, gridCode: r.grid_code,
  }
  const kinds: Record<string, PersonalKind> = {}
  const values: Record<string, string | null> = {}
  for (const f of spec.fields) {
    const v = r[f.col]
    if (f.personal) { kinds[f.name] = f.personal; values[f.name] = v === null || v === undefined ? null : String(v); continue }
    out[f.name] = v === null || v === undefined ? null : f.as === 'number' ? Number(v) : v instanceof Date ? v.toISOString() : v
  }
  Object.assign(out, shown(access, kinds, values, { type: spec.type, id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' }))
  if (spec.point) { out.lon = r.lon ?? null; out.lat = r.lat ?? null }
  const verified = r.verified_at as Date | null
  out.verifiedAt = iso(verified)
  out.stale = verified === null || Date.now() - new Date(verified).getTime() > STALE_DAYS * 86_400_000
  out.createdAt = iso(r.created_at)
  out.updatedAt = iso(r.updated_at)
  return out
}

/** Columns from a validated body (JSON names → columns), only the fields present. */
export function columnsOf(spec: TableSpec, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of spec.fields) if (body[f.name] !== undefined) out[f.col] = body[f.name]
  return out
}

type Db = Knex | Knex.Transaction
const pointOf = (db: Db, lon: number | null, lat: number | null) => (lon === null ? null : db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, lat]))

function duplicate(err: unknown, field: string): never {
  if ((err as { code?: string }).code === '23505') {
    throw new AppError(409, 'duplicate', `${field}: already registered in this area`, { errors: [{ field, message: 'already registered in this area' }] })
      .coded('teams.duplicate', { field })
  }
  throw err
}

/** Inserts a row placed by resolveLocation; answers its id. */
export async function insertRow(trx: Knex.Transaction, p: Principal, spec: TableSpec, body: Record<string, unknown> & LocationInput, extra: Record<string, unknown> = {}): Promise<number> {
  const loc = await resolveLocation(trx, p, body)
  const row = {
    ...columnsOf(spec, body), ...extra, city_code: loc.cityCode, community_code: loc.communityCode, grid_code: loc.gridCode,
    ...(spec.point ? { geom: pointOf(trx, loc.lon, loc.lat) } : {}),
    ...(body.verified === true ? { verified_at: trx.fn.now() } : {}),
  }
  try {
    const [ins] = await trx(spec.table).insert(row).returning('id') as { id: number }[]
    return Number(ins!.id)
  } catch (err) {
    return duplicate(err, 'name')
  }
}

/**
 * Applies a patch at the given version: 409 registers.version_conflict when the row moved on.
 * A patch that names the place (communityCode, gridCode, lon/lat) places the row again.
 */
export async function patchRow(trx: Knex.Transaction, p: Principal, spec: TableSpec, id: number, body: Record<string, unknown> & LocationInput & { version: number },
  extra: Record<string, unknown> = {}): Promise<void> {
  const current = await getRow(trx, p, spec, id)
  if (current.version !== body.version) throw versionConflict(spec.type, id, current.version)
  const moved = body.communityCode !== undefined || body.gridCode !== undefined || body.lon !== undefined
  const set: Record<string, unknown> = { ...columnsOf(spec, body), ...extra, version: current.version + 1, updated_at: trx.fn.now() }
  if (moved) {
    const loc = await resolveLocation(trx, p, {
      communityCode: body.communityCode ?? (body.lon === undefined && body.gridCode === undefined ? current.community_code : undefined),
      gridCode: body.gridCode, lon: body.lon, lat: body.lat,
    })
    Object.assign(set, { city_code: loc.cityCode, community_code: loc.communityCode, grid_code: spec.point && loc.lon === null ? current.grid_code : loc.gridCode })
    if (spec.point && loc.lon !== null) set.geom = pointOf(trx, loc.lon, loc.lat)
  }
  if (body.verified === true) set.verified_at = trx.fn.now()
  try {
    const n = await trx(spec.table).where({ id, version: body.version }).update(set)
    if (n === 0) throw versionConflict(spec.type, id, body.version + 1)
  } catch (err) {
    duplicate(err, 'name')
  }
}

export { versionConflict }
