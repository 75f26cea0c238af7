// 护路护线 as a register of the generic layer (server/registers/registry.ts): its columns for the
// page and spreadsheets (the geometry as WKT or GeoJSON text in one cell; exports write WKT with 7
// decimals, about 1 cm), the import (set-based, the line code as the natural key), the export and
// the grid view (lines crossing the grids).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, servedGrids } from '../registers/access.ts'
import { type ImportContext, type RegisterColumn, type RegisterDef, type RegisterFilter } from '../registers/registry.ts'
import { importBatches } from '../registers/storeKit.ts'
import { GUARD_TITLES, KIND_TITLES, lineRowSchema, type LineRow } from './schemas.ts'
import { filterLines, LineRowProblem, prepareLines, refusal, selectLines, writeLines } from './store.ts'
import { accessOf, lineItem, type LineDbRow } from './view.ts'

const BATCH = 5000

export const lineColumns: readonly RegisterColumn[] = [
  { name: 'code', title: '线路编号', type: 'string', required: true, list: true, maxLength: 40 },
  { name: 'name', title: '线路名称', type: 'string', required: true, list: true, maxLength: 100 },
  { name: 'kind', title: '线路类型', type: 'enum', options: KIND_TITLES, required: true, list: true },
  { name: 'guardLevel', title: '护线等级', type: 'enum', options: GUARD_TITLES, list: true },
  { name: 'ownerUnit', title: '权属单位', type: 'string', maxLength: 100, list: true },
  { name: 'contactName', title: '联系人', type: 'string', personal: 'name', maxLength: 100 },
  { name: 'contactPhone', title: '联系电话', type: 'phone', personal: 'phone' },
  { name: 'toleranceM', title: '部件容差(米)', type: 'number' },
  { name: 'geometry', title: '线路几何（WKT或GeoJSON，CGCS2000）', type: 'text', required: true },
  { name: 'note', title: '备注', type: 'text', maxLength: 500 },
  { name: 'lengthM', title: '长度(米)', type: 'number', readOnly: true, list: true },
  { name: 'componentCount', title: '线上部件数', type: 'integer', readOnly: true, list: true },
  { name: 'communityCode', title: '所属社区', type: 'communityCode', readOnly: true, list: true },
  { name: 'gridCode', title: '主要所在网格', type: 'gridCode', readOnly: true },
  { name: 'verifiedAt', title: '核实时间', type: 'datetime', readOnly: true },
]

function importRows(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  return importBatches<LineRow>(rows, ctx, BATCH, async (batch) => {
    const prepared = await prepareLines(trx, ctx.principal, ctx.cityCode, batch)
    const existing = await trx('line').where('city_code', ctx.cityCode).whereIn('code', prepared.map((r) => r.code)).select('code', 'community_code') as { code: string; community_code: string }[]
    const outside = existing.find((e) => !ctx.principal.jurisdiction.covers(e.community_code))
    if (outside) {
      throw new LineRowProblem(prepared.findIndex((r) => r.code === outside.code), 'code', refusal(403, 'code', `line ${outside.code} is registered outside your jurisdiction`).coded('lines.code_elsewhere', { field: 'code', code: outside.code }))
    }
    return writeLines(trx, ctx.cityCode, prepared, true)
  })
}

async function* exportRows(knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
  const grids = await servedGrids(knex, p)
  let after = 0
  for (;;) {
    const rows = await filterLines(selectLines(knex).select(knex.raw('ST_AsText(l.geom, 7) AS wkt')), p, filter)
      .where('l.id', '>', after).orderBy('l.id').limit(500) as (LineDbRow & { wkt: string })[]
    if (rows.length === 0) return
    yield rows.map((r) => ({ ...lineItem(r, accessOf(p, r, grids)), geometry: r.wkt }))
    after = Number(rows[rows.length - 1]!.id)
  }
}

async function inGrids(knex: Knex, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }) {
  const crossing = (qb: Knex.QueryBuilder) => p.jurisdiction.apply(qb.whereExists((e) => e.from('line_grid as lg').whereRaw('lg.line_id = l.id').whereIn('lg.grid_code', [...gridCodes])), 'l.community_code')
  const [counts] = await crossing(knex('line as l')).select(knex.raw('count(*)::int AS total'),
    knex.raw('count(*) FILTER (WHERE l.verified_at IS NULL OR l.verified_at < ?)::int AS stale', [opts.staleBefore])) as { total: number; stale: number }[]
  const rows = await crossing(selectLines(knex)).orderByRaw('(l.verified_at IS NULL OR l.verified_at < ?) DESC, l.id', [opts.staleBefore]).limit(opts.limit) as LineDbRow[]
  const grids = await servedGrids(knex, p)
  return { total: counts?.total ?? 0, stale: counts?.stale ?? 0, items: rows.map((r) => lineItem(r, accessOf(p, r, grids), opts.staleBefore)) }
}

export const lineRegister: RegisterDef = {
  name: 'lines', title: '护路护线', layer: 'lines', columns: lineColumns,
  readRoles: PLACE_READ_ROLES, writeRoles: REGISTER_WRITE_ROLES,
  rowSchema: lineRowSchema as unknown as RegisterDef['rowSchema'],
  importRows, exportRows, inGrids,
}
