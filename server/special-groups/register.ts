// The special groups as a register of the generic layer (server/registers/registry.ts): their
// columns for the page and spreadsheets, the import (set-based, all or nothing: a row naming an
// unknown resident, one outside the caller's area or a member who is not there refuses the whole
// file with its row and field), the export (the caller's rows, masked by the one rule, each row
// written to the access audit) and the grid's view.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES, servedGrids } from '../registers/access.ts'
import { RegisterRowError, type ImportContext, type RegisterColumn, type RegisterDef, type RegisterFilter } from '../registers/registry.ts'
import { defaultIntervalDays, KIND_TITLES, RISK_TITLES } from './plan.ts'
import { createBody, type CreateBody } from './schemas.ts'
import { accessOf, groupView, selectGroups, type GroupView } from './store.ts'

const col = (name: string, title: string, type: RegisterColumn['type'], extra: Partial<RegisterColumn> = {}): RegisterColumn => ({ name, title, type, ...extra })

export const COLUMNS: readonly RegisterColumn[] = [
  col('residentIdNumber', '身份证号', 'idNumber', { personal: 'idNumber', required: true, list: true }),
  col('residentName', '姓名', 'string', { personal: 'name', readOnly: true, list: true }),
  col('kind', '人群类别', 'enum', { options: KIND_TITLES, required: true, list: true }),
  col('riskLevel', '风险等级', 'enum', { options: RISK_TITLES, required: true, list: true }),
  col('responsibleMemberId', '帮扶责任人编号', 'integer'),
  col('responsibleMemberName', '帮扶责任人', 'string', { readOnly: true, list: true }),
  col('guardianName', '监护人', 'string', { personal: 'name', maxLength: 50 }),
  col('guardianPhone', '监护人电话', 'phone', { personal: 'phone' }),
  col('since', '列管日期', 'date', { required: true }),
  col('until', '解除日期', 'date'),
  col('note', '备注', 'text', { maxLength: 2000 }),
  col('dueOn', '下次走访', 'date', { readOnly: true, list: true }),
  col('overdueDays', '逾期天数', 'integer', { readOnly: true, list: true }),
  col('lastVisitAt', '最近走访', 'datetime', { readOnly: true }),
  col('gridCode', '所在网格', 'gridCode', { readOnly: true, list: true }),
  col('communityCode', '所属社区', 'communityCode', { readOnly: true }),
  col('verifiedAt', '核实时间', 'datetime', { readOnly: true }),
]

/** A record as a row of the register (keys: the column names). */
function rowOf(v: GroupView): Record<string, unknown> {
  return Object.fromEntries([['id', v.id], ...COLUMNS.map((c) => [c.name, (v as Record<string, unknown>)[c.name] ?? null])])
}

async function importRows(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  const given = rows as CreateBody[]
  const p = ctx.principal
  const rowNo = (i: number) => ctx.rowNumbers[i] ?? i + 2
  const field = (b: CreateBody) => (b.residentId !== undefined ? 'residentId' : 'residentIdNumber')
  const keyring = dataKeyring()
  const { rows: found } = await trx.raw(sqlFile('special-groups/import_residents'), {
    rows: JSON.stringify(given.map((b, n) => ({ n, rid: b.residentId ?? null, idx: b.residentId === undefined ? idNumberLookup(keyring, b.residentIdNumber ?? '', 'resident.id_number') : null }))),
  }) as { rows: { n: number; id: number | null; community_code: string | null; city_code: string | null }[] }
  const residentOf: number[] = []
  for (const r of found) {
    const b = given[r.n]!
    if (r.id === null) throw new RegisterRowError(rowNo(r.n), field(b), 'special_groups.resident_not_found', `${field(b)}: no such resident`)
    if (!p.jurisdiction.covers(r.community_code!) || r.city_code !== ctx.cityCode) {
      throw new RegisterRowError(rowNo(r.n), field(b), 'special_groups.outside', `${field(b)}: the resident lives outside your jurisdiction`)
    }
    residentOf[r.n] = Number(r.id)
  }
  const seen = new Map<string, number>()
  given.forEach((b, i) => {
    const key = `${residentOf[i]}:${b.kind}`
    const first = seen.get(key)
    if (first !== undefined) throw new RegisterRowError(rowNo(i), field(b), 'special_groups.import_duplicate', `the same resident and kind as row ${rowNo(first)}`)
    seen.set(key, i)
  })
  const memberIds = [...new Set(given.map((b) => b.responsibleMemberId).filter((m): m is number => typeof m === 'number'))]
  if (memberIds.length) {
    const members = await trx('grid_member').whereIn('id', memberIds).where({ active: true }).select('id', 'community_code') as { id: number; community_code: string }[]
    const ok = new Set(members.filter((m) => p.jurisdiction.covers(m.community_code)).map((m) => Number(m.id)))
    const bad = given.findIndex((b) => typeof b.responsibleMemberId === 'number' && !ok.has(b.responsibleMemberId))
    if (bad >= 0) throw new RegisterRowError(rowNo(bad), 'responsibleMemberId', 'special_groups.member_not_found', 'responsibleMemberId: no such active grid member in your jurisdiction')
  }
  let inserted = 0
  let updated = 0
  for (let from = 0; from < given.length; from += 5000) {
    const batch = given.slice(from, from + 5000).map((b, k) => ({
      resident_id: residentOf[from + k], kind: b.kind, risk: b.riskLevel, member: b.responsibleMemberId ?? null,
      guardian_name: b.guardianName ?? null, guardian_phone: b.guardianPhone ?? null, since: b.since, until: b.until ?? null, note: b.note ?? null,
      interval_days: defaultIntervalDays(b.kind, b.riskLevel),
    }))
    const { rows: [n] } = await trx.raw(sqlFile('special-groups/import_upsert'), { rows: JSON.stringify(batch), user: p.userId }) as { rows: { inserted: number; updated: number }[] }
    inserted += Number(n!.inserted)
    updated += Number(n!.updated)
  }
  return { inserted, updated }
}

async function* exportRows(knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
  const grids = await servedGrids(knex, p)
  let after: { i: number } | null = null
  for (;;) {
    const rows = await selectGroups(knex, p, { area: filter.community, grids: filter.grid ? [filter.grid] : undefined, q: filter.q, status: 'all', after, limit: 1000 })
    if (rows.length === 0) return
    yield rows.map((r) => rowOf(groupView(r, accessOf(p, r, grids))))
    after = { i: Number(rows.at(-1)!.id) }
  }
}

async function inGrids(knex: Knex, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }) {
  const grids = await servedGrids(knex, p)
  const rows = await selectGroups(knex, p, { grids: gridCodes, status: 'active', limit: 10_000 })
  const stale = (r: (typeof rows)[number]) => r.verified_at === null || r.verified_at < opts.staleBefore
  const ordered = [...rows.filter(stale), ...rows.filter((r) => !stale(r))].slice(0, opts.limit)
  return {
    total: rows.length, stale: rows.filter(stale).length,
    items: ordered.map((r) => ({ ...rowOf(groupView(r, accessOf(p, r, grids))), stale: stale(r) })),
  }
}

export const specialGroupsRegister: RegisterDef = {
  name: 'special-groups', title: '特殊人群', layer: 'special_groups', columns: COLUMNS,
  readRoles: PEOPLE_ROLES, writeRoles: REGISTER_WRITE_ROLES,
  rowSchema: createBody as unknown as RegisterDef['rowSchema'],
  importRows, exportRows, inGrids,
}

