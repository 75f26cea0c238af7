// 实有车辆 as a register of the generic layer (server/registers/registry.ts): its columns for the
// page and spreadsheets, the import (set-based, the plate as the natural key), the export and the
// grid view. No layer: a vehicle has no place of its own.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, servedGrids } from '../registers/access.ts'
import { RegisterRowError, type ImportContext, type RegisterDef, type RegisterFilter, type RegisterColumn } from '../registers/registry.ts'
import { prepareVehicles } from './prepare.ts'
import { importBatches } from '../registers/storeKit.ts'
import { KIND_TITLES, PLATE_TYPE_TITLES, RELATION_TITLES, USE_TITLES, vehicleRowSchema, type VehicleRow } from './schemas.ts'
import { filterVehicles, selectVehicles, writeVehicles } from './store.ts'
import { accessOf, vehicleItem, type VehicleDbRow } from './view.ts'

const BATCH = 5000

export const vehicleColumns: readonly RegisterColumn[] = [
  { name: 'plate', title: '号牌号码', type: 'plate', required: true, list: true, maxLength: 10 },
  { name: 'plateType', title: '号牌种类', type: 'enum', options: PLATE_TYPE_TITLES, readOnly: true, list: true },
  { name: 'kind', title: '车辆类型', type: 'enum', options: KIND_TITLES, required: true, list: true },
  { name: 'use', title: '使用性质', type: 'enum', options: USE_TITLES, required: true, list: true },
  { name: 'brand', title: '品牌型号', type: 'string', maxLength: 50 },
  { name: 'colour', title: '车身颜色', type: 'string', maxLength: 20 },
  { name: 'ownerRelation', title: '登记人身份', type: 'enum', options: RELATION_TITLES },
  { name: 'residentId', title: '车主（实有人口编号）', type: 'integer' },
  { name: 'ownerName', title: '车主姓名', type: 'string', personal: 'name', list: true, maxLength: 100 },
  { name: 'ownerPhone', title: '联系电话', type: 'phone', personal: 'phone' },
  { name: 'ownerIdNumber', title: '车主身份证号', type: 'idNumber', personal: 'idNumber' },
  { name: 'communityCode', title: '所属社区', type: 'communityCode', list: true },
  { name: 'gridCode', title: '所在网格', type: 'gridCode', list: true },
  { name: 'note', title: '备注', type: 'text', maxLength: 500 },
  { name: 'verifiedAt', title: '核实时间', type: 'datetime', readOnly: true },
]

function importRows(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  return importBatches<VehicleRow>(rows, ctx, BATCH, async (batch, rowOf) => {
    const prepared = await prepareVehicles(trx, ctx.principal, ctx.cityCode, batch)
    // a plate registered in another community: not the caller's to overwrite
    const existing = await trx('vehicle').whereIn('plate', prepared.map((r) => r.plate)).select('plate', 'community_code') as { plate: string; community_code: string }[]
    const outside = existing.find((e) => !ctx.principal.jurisdiction.covers(e.community_code))
    if (outside) {
      const i = prepared.findIndex((r) => r.plate === outside.plate)
      throw new RegisterRowError(rowOf(i), 'plate', 'vehicles.plate_elsewhere', `plate ${outside.plate} is registered outside your jurisdiction`)
    }
    // a row that moved out of the jurisdiction between the check and now cannot be half-written: the caller's transaction rolls back
    return writeVehicles(trx, ctx.cityCode, prepared, true)
  })
}

async function* exportRows(knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
  const grids = await servedGrids(knex, p)
  let after = 0
  for (;;) {
    const rows = await filterVehicles(selectVehicles(knex), p, filter).where('v.id', '>', after).orderBy('v.id').limit(1000) as VehicleDbRow[]
    if (rows.length === 0) return
    yield rows.map((r) => vehicleItem(r, accessOf(p, r, grids)))
    after = Number(rows[rows.length - 1]!.id)
  }
}

async function inGrids(knex: Knex, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }) {
  const base = () => p.jurisdiction.apply(knex('vehicle as v').whereIn('v.grid_code', [...gridCodes]), 'v.community_code')
  const [counts] = await base().select(knex.raw('count(*)::int AS total'),
    knex.raw('count(*) FILTER (WHERE v.verified_at IS NULL OR v.verified_at < ?)::int AS stale', [opts.staleBefore])) as { total: number; stale: number }[]
  const rows = await p.jurisdiction.apply(selectVehicles(knex).whereIn('v.grid_code', [...gridCodes]), 'v.community_code')
    .orderByRaw('(v.verified_at IS NULL OR v.verified_at < ?) DESC, v.id', [opts.staleBefore]).limit(opts.limit) as VehicleDbRow[]
  const grids = await servedGrids(knex, p)
  return { total: counts?.total ?? 0, stale: counts?.stale ?? 0, items: rows.map((r) => vehicleItem(r, accessOf(p, r, grids), opts.staleBefore)) }
}

export const vehicleRegister: RegisterDef = {
  name: 'vehicles', title: '实有车辆', columns: vehicleColumns,
  readRoles: PLACE_READ_ROLES, writeRoles: REGISTER_WRITE_ROLES,
  rowSchema: vehicleRowSchema as unknown as RegisterDef['rowSchema'],
  importRows, exportRows, inGrids,
}
