// The shared store of the three registers with a point and no person behind their key: places
// (重点场所), units (单位) and organisations (社会组织). Each describes its table once (RegisterTable)
// and this module reads, writes, imports and exports it the same way: jurisdiction on every read
// and write, personal fields through the one masking rule (registers/access.ts → privacy/rule.ts),
// the current base grid found from the point on every write, optimistic edits by version.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import type { PersonalKind } from '../privacy/fields.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { registerAccess } from '../registers/access.ts'
import type { RegisterColumn } from '../registers/registry.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError } from '../http/errors.ts'

/** A row not verified (核实) for this long is stale in lists. */
export const STALE_DAYS = 180

export interface RegisterField {
  /** camelCase name in JSON, spreadsheets and the page */
  name: string
  /** the table column */
  column: string
  personal?: PersonalKind
  /** the value an import writes when the cell is empty (the column's default) */
  fallback?: unknown
}

export interface RegisterTable {
  /** register name and URL segment: 'places' */
  register: string
  /** the table: 'place' */
  table: string
  /** English word for messages: 'place' */
  what: string
  /** the writable fields besides communityCode, lon, lat (the geometry) */
  fields: readonly RegisterField[]
  /** the natural key's columns (import upserts on them) */
  naturalKey: readonly string[]
  columns: readonly RegisterColumn[]
  rowSchema: z.ZodType<Record<string, unknown>>
}

export type Row = Record<string, unknown> & { id: string | number; community_code: string; grid_code: string | null; version: number }

export const personalKinds = (t: RegisterTable): Record<string, PersonalKind> =>
  Object.fromEntries(t.fields.filter((f) => f.personal).map((f) => [f.name, f.personal!]))

/** A refusal naming one field; the caller codes it (`.coded('places.…', { field, … })`). */
export function fieldProblem(status: number, field: string, message: string): AppError {
  const type = status === 409 ? 'conflict' : status === 403 ? 'forbidden' : 'validation_failed'
  return new AppError(status, type, `${field}: ${message}`, { errors: [{ field, message }] })
}

export { versionConflict } from '../registers/routeKit.ts'

/** The columns every read selects: the table's, the point as lon/lat. */
export function selectRow(knex: Knex, t: RegisterTable, alias = 't'): (string | Knex.Raw)[] {
  return [
    `${alias}.id`, `${alias}.community_code`, `${alias}.grid_code`, `${alias}.verified_at`, `${alias}.version`,
    `${alias}.created_at`, `${alias}.updated_at`, ...t.fields.map((f) => `${alias}.${f.column}`),
    knex.raw('ST_X(??) AS lon', [`${alias}.geom`]), knex.raw('ST_Y(??) AS lat', [`${alias}.geom`]),
  ]
}

const iso = (v: unknown): string | null => v === null || v === undefined ? null : new Date(v as string).toISOString()

/** A row as the API shows it to this principal: personal fields as the masking rule decides. */
export function rowView(t: RegisterTable, p: Principal, row: Row, grids: ReadonlySet<string>, now = Date.now()): Record<string, unknown> {
  const access: Access = registerAccess(p, { communityCode: row.community_code, gridCode: row.grid_code }, grids)
  const kinds = personalKinds(t)
  const personal = shown(access, kinds, Object.fromEntries(Object.keys(kinds).map((k) => {
    const f = t.fields.find((x) => x.name === k)!
    return [k, (row[f.column] as string | null) ?? null]
  })), { type: t.register, id: String(row.id), recordId: Number(row.id), communityCode: row.community_code, prefix: '' })
  const out: Record<string, unknown> = { id: Number(row.id), version: row.version, communityCode: row.community_code, gridCode: row.grid_code }
  for (const f of t.fields) out[f.name] = f.personal ? personal[f.name] : row[f.column] ?? null
  const verifiedAt = iso(row.verified_at)
  Object.assign(out, {
    lon: row.lon ?? null, lat: row.lat ?? null, verifiedAt,
    stale: verifiedAt === null || Date.parse(verifiedAt) < now - STALE_DAYS * 86_400_000,
    access, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
  })
  return out
}

/** The row by id inside the principal's jurisdiction, or a 404. */
export async function readRow(knex: Knex | Knex.Transaction, t: RegisterTable, p: Principal, id: number): Promise<Row> {
  const row = await p.jurisdiction.apply(knex(`${t.table} as t`).select(selectRow(knex, t)).where('t.id', id), 't.community_code').first() as Row | undefined
  if (!row) throw new AppError(404, 'not_found', `no ${t.what} ${id} in your jurisdiction`).coded('places.not_found', { what: t.what, id })
  return row
}

export interface Placed { community: string; lon: number | null; lat: number | null }

/**
 * The community of each input row (given, or the community containing its point) checked against
 * the admin divisions and the principal's jurisdiction. `fail(i, field, status, code, message)`
 * raises the refusal in the caller's terms (a 4xx for REST, a RegisterRowError for imports).
 */
export async function placeRows(knex: Knex | Knex.Transaction, p: Principal, rows: readonly Record<string, unknown>[],
  fail: (i: number, field: string, status: number, code: string, message: string, params?: Record<string, unknown>) => never): Promise<Placed[]> {
  const need = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.communityCode == null && typeof r.lon === 'number' && typeof r.lat === 'number')
  const found = new Map<number, string>()
  if (need.length) {
    const { rows: hits } = await knex.raw(sqlFile('places/community_at'), [need.map(({ r }) => r.lon as number), need.map(({ r }) => r.lat as number)]) as { rows: { ord: number; code: string }[] }
    for (const h of hits) found.set(need[h.ord - 1]!.i, h.code)
  }
  const placed = rows.map((r, i): Placed => {
    const community = (r.communityCode as string | undefined) ?? found.get(i)
    if (community === undefined) {
      return fail(i, 'communityCode', 400, 'places.community_unknown', r.lon == null ? 'required when there is no point (lon, lat)' : 'the point lies in no community: give communityCode')
    }
    return { community, lon: (r.lon as number | undefined) ?? null, lat: (r.lat as number | undefined) ?? null }
  })
  const codes = [...new Set(placed.map((x) => x.community))]
  const known = new Set((await knex('admin_division').where('level', 'community').whereIn('code', codes).pluck('code')) as string[])
  placed.forEach((x, i) => {
    if (!known.has(x.community)) fail(i, 'communityCode', 400, 'places.community_unknown', `no community ${x.community}`, { community: x.community })
    if (!p.jurisdiction.covers(x.community)) fail(i, 'communityCode', 403, 'places.outside_jurisdiction', `community ${x.community} is outside your jurisdiction`, { community: x.community })
  })
  return placed
}

/** The table's columns of an input row (only the fields present, so a PATCH leaves the others). */
export function dbValues(knex: Knex | Knex.Transaction, t: RegisterTable, input: Record<string, unknown>, placed?: Placed): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of t.fields) if (f.name in input) out[f.column] = input[f.name] ?? null
  if (placed) {
    out.community_code = placed.community
    out.geom = placed.lon === null || placed.lat === null ? null : knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [placed.lon, placed.lat])
  }
  if ('verifiedAt' in input) out.verified_at = input.verifiedAt ?? null
  return out
}

/** Finds the current base grid of written rows from their points (on every write). */
export async function assignGrids(knex: Knex | Knex.Transaction, t: RegisterTable, ids: readonly number[]): Promise<void> {
  if (ids.length) await knex.raw(sqlFile('places/assign_grid'), [t.table, [...ids]])
}

/** A unique violation's natural key as a field-named 409. */
export function duplicateOf(t: RegisterTable, err: unknown): AppError | undefined {
  const e = err as { code?: string; constraint?: string }
  if (e.code !== '23505') return undefined
  const field = t.naturalKey.includes('credit_code') ? 'creditCode' : 'name'
  return fieldProblem(409, field, `a ${t.what} with this ${field === 'name' ? 'name in this community' : 'credit code'} exists already`)
    .coded('places.duplicate', { field, what: t.what })
}
