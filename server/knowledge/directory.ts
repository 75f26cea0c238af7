// 部门通讯录 (the department directory, /api/v1/knowledge/directory): every department of the
// caller's city with its office contact (office and duty lines, address, hours, responsibilities).
// These are institutional lines, not persons: nothing here is a personal field. The departments
// come from the department table (kept by the city import); reviewers keep the contact part.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { forbidden, notFound } from '../http/errors.ts'
import { isReviewer } from './articles.ts'

interface DirRow {
  id: string; code: string; name: string; kind: string; admin_code: string; admin_name: string | null; parent_code: string | null
  phone: string | null; duty_phone: string | null; address: string | null; hours: string | null; responsibilities: string | null; updated_at: Date | null
}

const view = (r: DirRow) => ({
  code: r.code, name: r.name, kind: r.kind, adminCode: r.admin_code, adminName: r.admin_name, parentCode: r.parent_code,
  phone: r.phone, dutyPhone: r.duty_phone, address: r.address, hours: r.hours, responsibilities: r.responsibilities,
  updatedAt: r.updated_at ? r.updated_at.toISOString() : null,
})

function base(knex: Knex, p: Principal) {
  return knex('department as d').leftJoin('knowledge_directory as k', 'k.department_id', 'd.id')
    .leftJoin('admin_division as a', 'a.code', 'd.admin_code').leftJoin('department as pd', 'pd.id', 'd.parent_id')
    .where('d.city_code', p.cityCode ?? '')
    .select('d.id', 'd.code', 'd.name', 'd.kind', 'd.admin_code', 'a.name as admin_name', 'pd.code as parent_code', 'k.phone', 'k.duty_phone',
      'k.address', 'k.hours', 'k.responsibilities', 'k.updated_at')
}

export async function listDirectory(knex: Knex, p: Principal, q: { q?: string | undefined; kind?: string | undefined }) {
  const qb = base(knex, p).orderBy([{ column: 'd.admin_code' }, { column: 'd.kind' }, { column: 'd.code' }])
  if (q.kind) void qb.andWhere('d.kind', q.kind)
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    void qb.andWhere((w) => { void w.where('d.name', 'like', like).orWhere('k.responsibilities', 'like', like).orWhere('d.code', q.q!) })
  }
  return { items: (await qb as DirRow[]).map(view) }
}

async function one(knex: Knex, p: Principal, code: string): Promise<DirRow> {
  const r = await base(knex, p).andWhere('d.code', code).first() as DirRow | undefined
  if (!r) throw notFound(`no department ${code}`).coded('knowledge.department_not_found', { code })
  return r
}

export async function getDirectory(knex: Knex, p: Principal, code: string) {
  return view(await one(knex, p, code))
}

export async function putDirectory(knex: Knex, p: Principal, code: string, b: Record<string, string | null | undefined>) {
  if (!isReviewer(p)) throw forbidden('only reviewers keep the directory').coded('knowledge.reviewers_only', { step: '维护通讯录' })
  const d = await one(knex, p, code)
  const row = {
    department_id: d.id, phone: b.phone ?? null, duty_phone: b.dutyPhone ?? null, address: b.address ?? null, hours: b.hours ?? null,
    responsibilities: b.responsibilities ?? null, updated_at: new Date(),
  }
  await knex('knowledge_directory').insert(row).onConflict('department_id').merge()
  return getDirectory(knex, p, code)
}
