// The house register as the generic engine sees it (defineRegister): import (set-based, by full
// address), export in batches, the grid view; and the mapping of a refused row to a REST answer.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { servedGrids, PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { RegisterRowError, type RegisterDef } from '../registers/registry.ts'
import { sqlFile } from '../db/sql.ts'
import { houseColumns, houseRowSchema, type HouseRow } from './schema.ts'
import { BATCH, houseItem, listHouses, writeHouses } from './store.ts'

/** The caller's city: every register row belongs to one. */
export function cityOf(p: Principal): string {
  if (p.cityCode === null) throw new AppError(403, 'forbidden', 'the caller belongs to no city').coded('auth.role_forbidden', { role: p.role })
  return p.cityCode
}

const STATUS_OF: Record<string, number> = {
  outside_jurisdiction: 403, duplicate_in_file: 409, registered_twice: 409, elsewhere: 403, exists: 409, address_taken: 409,
}

/** A refused row of a single create, as the REST answer naming its field. */
export function rowErrorToHttp(err: unknown): unknown {
  if (!(err instanceof RegisterRowError)) return err
  const status = STATUS_OF[err.code.split('.')[1] ?? ''] ?? 400
  return new AppError(status, status === 409 ? 'conflict' : status === 403 ? 'forbidden' : 'validation_failed', `${err.field}: ${err.message}`,
    { errors: [{ field: err.field, message: err.message }] }).coded(err.code, { field: err.field, ...paramsOf(err) })
}

const paramsOf = (err: RegisterRowError): Record<string, unknown> => {
  const m = /(\d{12})/.exec(err.message)
  return m ? { community: m[1], code: m[1] } : {}
}

/** The columns of an exported or grid-view row: the register's columns and the id. */
function sheetRow(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: item.id }
  for (const c of houseColumns) out[c.name] = item[c.name] ?? null
  return out
}

export const houseRegister: RegisterDef = {
  name: 'houses',
  title: '实有房屋',
  layer: 'houses',
  columns: houseColumns,
  readRoles: PEOPLE_ROLES,
  writeRoles: REGISTER_WRITE_ROLES,
  rowSchema: houseRowSchema,
  async importRows(trx, rows, ctx) {
    const { inserted, updated } = await writeHouses(trx, rows as HouseRow[], ctx.principal, ctx.cityCode, ctx.rowNumbers)
    return { inserted, updated }
  },
  async *exportRows(knex, p, filter) {
    const grids = await servedGrids(knex, p)
    let after: number | undefined
    for (;;) {
      const rows = await listHouses(knex, p, cityOf(p), { community: filter.community, grid: filter.grid, q: filter.q, after, limit: BATCH })
      if (!rows.length) return
      yield rows.map((r) => sheetRow(houseItem(p, r, grids)))
      if (rows.length < BATCH) return
      after = Number(rows[rows.length - 1]!.id)
    }
  },
  async inGrids(knex: Knex, p, gridCodes, opts) {
    const base = { grids: [...gridCodes], patterns: p.jurisdiction.patterns, staleBefore: opts.staleBefore.toISOString() }
    const [counts, ids] = await Promise.all([
      knex.raw(sqlFile('people/house_grid_counts'), base) as Promise<{ rows: { total: number; stale: number }[] }>,
      knex.raw(sqlFile('people/house_grid_items'), { ...base, limit: opts.limit }) as Promise<{ rows: { id: string }[] }>,
    ])
    const rows = ids.rows.length ? await listHouses(knex, p, cityOf(p), { ids: ids.rows.map((r) => Number(r.id)), limit: opts.limit }) : []
    const order = new Map(ids.rows.map((r, i) => [Number(r.id), i]))
    rows.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!)
    const grids = await servedGrids(knex, p)
    return { total: counts.rows[0]!.total, stale: counts.rows[0]!.stale, items: rows.map((r) => houseItem(p, r, grids, opts.staleBefore)) }
  },
}
