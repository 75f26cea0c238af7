// The officers of the enforcement teams as a register of the generic services (import from a
// spreadsheet, export filtered and masked, the page's columns): name 'enforcement-officers'. The
// natural key is the certificate number (执法证号); an import upserts on it. Officers have no
// place, so no layer and no grid view. Teams, tasks and draws stay in the enforcement API.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { defineRegister, RegisterRowError, type ImportContext, type RegisterDef, type RegisterFilter } from '../registers/registry.ts'
import { ENFORCEMENT_READ_ROLES, ENFORCEMENT_WRITE_ROLES, officerView, type OfficerRow } from './access.ts'
import { officerCreateSchema } from './schemas.ts'

type Row = { teamId: number; name: string; certificateNo: string; phone?: string | null; active?: boolean }

async function importRows(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext) {
  const given = rows as Row[]
  const p = ctx.principal
  const teamIds = [...new Set(given.map((r) => r.teamId))]
  const visible = new Set((await p.jurisdiction.apply(trx('enforcement_team').whereIn('id', teamIds), 'community_code').pluck('id')).map(Number))
  const seen = new Map<string, number>()
  given.forEach((r, i) => {
    const row = ctx.rowNumbers[i] ?? i + 2
    if (!visible.has(r.teamId)) throw new RegisterRowError(row, 'teamId', 'enforcement.import_team', `teamId: no team ${r.teamId} in your jurisdiction`)
    const twice = seen.get(r.certificateNo)
    if (twice !== undefined) throw new RegisterRowError(row, 'certificateNo', 'enforcement.import_twice', `certificateNo: also in row ${twice}`)
    seen.set(r.certificateNo, row)
  })
  // an officer already registered elsewhere is not taken over by an import outside its jurisdiction
  const known = await trx('enforcement_officer').whereIn('certificate_no', [...seen.keys()]).select('certificate_no', 'community_code') as { certificate_no: string; community_code: string }[]
  for (const k of known) {
    if (!p.jurisdiction.covers(k.community_code)) throw new RegisterRowError(seen.get(k.certificate_no)!, 'certificateNo', 'enforcement.import_outside', 'certificateNo: registered outside your jurisdiction')
  }
  let inserted = 0
  for (let i = 0; i < given.length; i += 5000) {
    const { rows: out } = await trx.raw(sqlFile('enforcement/import_officers'), {
      rows: JSON.stringify(given.slice(i, i + 5000).map((r) => ({ team_id: r.teamId, name: r.name, certificate_no: r.certificateNo, phone: r.phone ?? null, active: r.active ?? true }))),
    }) as { rows: { inserted: boolean }[] }
    inserted += out.filter((o) => o.inserted).length
  }
  return { inserted, updated: given.length - inserted }
}

async function* exportRows(knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]> {
  let after = 0
  for (;;) {
    const qb = p.jurisdiction.apply(knex('enforcement_officer as o').join('enforcement_team as t', 't.id', 'o.team_id'), 'o.community_code')
      .where('o.id', '>', after).orderBy('o.id').limit(1000)
      .select('o.id', 'o.team_id', 't.name as team_name', 'o.community_code', 't.department_id', 'o.name', 'o.certificate_no', 'o.phone', 'o.active', 'o.version')
    if (filter.community) qb.whereRaw("o.community_code LIKE ? || '%'", [filter.community])
    if (filter.q) qb.whereRaw('strpos(t.name, ?) > 0', [filter.q])
    const rows = await qb as OfficerRow[]
    if (rows.length === 0) return
    yield rows.map((r) => {
      const v = officerView(p, r)
      return { teamId: v.teamId, teamName: v.teamName, name: v.name, certificateNo: v.certificateNo, phone: v.phone, active: v.active, communityCode: v.communityCode }
    })
    after = Number(rows.at(-1)!.id)
  }
}

export const officerRegister: RegisterDef = {
  name: 'enforcement-officers', path: '/api/v1/enforcement/officers', title: '执法人员', readRoles: ENFORCEMENT_READ_ROLES, writeRoles: ENFORCEMENT_WRITE_ROLES,
  rowSchema: officerCreateSchema as never,
  columns: [
    { name: 'teamId', title: '执法队伍编号', type: 'integer', required: true, list: true },
    { name: 'teamName', title: '执法队伍', type: 'string', readOnly: true, list: true },
    { name: 'name', title: '姓名', type: 'string', personal: 'name', required: true, list: true, maxLength: 50 },
    { name: 'certificateNo', title: '执法证号', type: 'string', personal: 'idNumber', required: true, list: true, maxLength: 32 },
    { name: 'phone', title: '联系电话', type: 'phone', personal: 'phone' },
    { name: 'active', title: '在岗', type: 'boolean', list: true },
    { name: 'communityCode', title: '所属区划', type: 'communityCode', readOnly: true },
  ],
  importRows, exportRows,
}

export function defineEnforcementRegisters(): void {
  defineRegister(officerRegister)
}
