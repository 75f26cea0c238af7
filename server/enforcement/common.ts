// Small shared pieces of the enforcement capability: field-named refusals, the optimistic-edit
// conflict, the id cursor of its ascending lists, and the area check of a write.
import { decodeIdCursor, encodeIdCursor } from '../registers/idCursor.ts'
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'

/** A refusal naming one field; the caller codes it (`.coded('enforcement.…', params)`). */
export function fieldError(status: number, type: string, field: string, detail: string): AppError {
  return new AppError(status, type, `${field}: ${detail}`, { errors: [{ field, message: detail }] })
}

export function notFoundIn(what: string, id: number | string, field = 'id'): AppError {
  return fieldError(404, 'not_found', field, `no ${what} ${id} in your jurisdiction`).coded('enforcement.not_found', { field, what, id })
}

/** 409 when the client edited an older version (the register contract's code). */
export { versionConflict } from '../registers/routeKit.ts'

/** The id cursor of its ascending lists; a cursor we did not make is a 400 naming `cursor`. */
export { decodeIdCursor, encodeIdCursor }

/** A page of rows fetched with limit + 1: the items and the cursor of the next page. */
export function page<R extends { id: string | number }, V>(rows: R[], limit: number, view: (r: R) => V): { items: V[]; next: string | null } {
  const kept = rows.slice(0, limit)
  return { items: kept.map(view), next: rows.length > limit ? encodeIdCursor(Number(kept.at(-1)!.id)) : null }
}

/** An ascending-id list of the table aliased `alias`: after the cursor, in the area asked, one row more than a page. */
export function idList(qb: Knex.QueryBuilder, alias: string, q: { cursor?: string | undefined; limit: number; community?: string | undefined }): Knex.QueryBuilder {
  const after = decodeIdCursor(q.cursor)
  qb.orderBy(`${alias}.id`).limit(q.limit + 1)
  if (after !== null) qb.where(`${alias}.id`, '>', after)
  if (q.community) qb.whereRaw("?? LIKE ? || '%'", [`${alias}.community_code`, q.community])
  return qb
}

/** The row of `qb` with this id (`alias`.id), or a 404 naming `field`. */
export async function oneRow<R>(qb: Knex.QueryBuilder, alias: string, what: string, id: number, field = 'id'): Promise<R> {
  const row = await qb.where(`${alias}.id`, id).first() as R | undefined
  if (!row) throw notFoundIn(what, id, field)
  return row
}

/** The admin division an area code names, inside the caller's jurisdiction (403 outside, 400 unknown). */
export async function areaOf(db: Knex | Knex.Transaction, p: Principal, code: string, field: string): Promise<{ code: string; cityCode: string }> {
  const row = await db('admin_division').where({ code }).first('code', 'city_code') as { code: string; city_code: string } | undefined
  if (!row) throw fieldError(400, 'validation_failed', field, `no admin division ${code}`).coded('enforcement.unknown_area', { field, code })
  if (!p.jurisdiction.covers(code)) throw fieldError(403, 'forbidden', field, `admin division ${code} is outside your jurisdiction`).coded('enforcement.area_outside', { field, code })
  return { code: row.code, cityCode: row.city_code }
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null)
/** A date column as YYYY-MM-DD whatever the driver made of it (pg: a Date at local midnight; PGlite alike). */
export function ymd(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null
  if (typeof d === 'string') return d.slice(0, 10)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
