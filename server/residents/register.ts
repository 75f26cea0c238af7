// The resident register as the generic engine sees it (defineRegister): import (set-based,
// upsert by the ID number's blind index), export in batches, the grid view.
import type { Knex } from 'knex'
import { servedGrids, PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import type { RegisterDef } from '../registers/registry.ts'
import { sqlFile } from '../db/sql.ts'
import { BATCH } from '../houses/store.ts'
import { cityOf } from '../houses/register.ts'
import { residentColumns, residentRowSchema, type ResidentRow } from './schema.ts'
import { listResidents, residentItem } from './store.ts'
import { writeResidents } from './write.ts'
import type { RowFeed } from '../registers/rowFeed.ts'

function sheetRow(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: item.id }
  for (const c of residentColumns) out[c.name] = item[c.name] ?? null
  return out
}

export const residentRegister: RegisterDef = {
  name: 'residents',
  title: '实有人口',
  columns: residentColumns,
  readRoles: PEOPLE_ROLES,
  writeRoles: REGISTER_WRITE_ROLES,
  rowSchema: residentRowSchema,
  async importRows(trx, rows, ctx) {
    const { inserted, updated } = await writeResidents(trx, rows as ResidentRow[], ctx.principal, ctx.cityCode, ctx.rowNumbers)
    return { inserted, updated }
  },
  async importStream(trx, feed, ctx) {
    const { inserted, updated } = await writeResidents(trx, feed as RowFeed<ResidentRow>, ctx.principal, ctx.cityCode, ctx.rowNumbers)
    return { inserted, updated }
  },
  async *exportRows(knex, p, filter) {
    const grids = await servedGrids(knex, p)
    let after: number | undefined
    for (;;) {
      const rows = await listResidents(knex, p, cityOf(p), { community: filter.community, grid: filter.grid, q: filter.q, after, limit: BATCH })
      if (!rows.length) return
      yield rows.map((r) => sheetRow(residentItem(p, r, grids)))
      if (rows.length < BATCH) return
      after = Number(rows[rows.length - 1]!.id)
    }
  },
  async inGrids(knex: Knex, p, gridCodes, opts) {
    const base = { grids: [...gridCodes], patterns: p.jurisdiction.patterns, staleBefore: opts.staleBefore.toISOString() }
    const [counts, ids] = await Promise.all([
      knex.raw(sqlFile('people/resident_grid_counts'), base) as Promise<{ rows: { total: number; stale: number }[] }>,
      knex.raw(sqlFile('people/resident_grid_items'), { ...base, limit: opts.limit }) as Promise<{ rows: { id: string }[] }>,
    ])
    const rows = ids.rows.length ? await listResidents(knex, p, cityOf(p), { ids: ids.rows.map((r) => Number(r.id)), limit: opts.limit }) : []
    const order = new Map(ids.rows.map((r, i) => [Number(r.id), i]))
    rows.sort((a, b) => order.get(Number(a.id))! - order.get(Number(b.id))!)
    const grids = await servedGrids(knex, p)
    return { total: counts.rows[0]!.total, stale: counts.rows[0]!.stale, items: rows.map((r) => residentItem(p, r, grids, opts.staleBefore)) }
  },
}
