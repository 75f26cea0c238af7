// 部门职能盲区: the register of responsibilities that are missing (orders of a class bounce
// between units in an area: nobody takes them) or overlapping (the responsibility list names
// several units for one class and area). detect() fills it from the bounced orders and the
// matters configuration in force (0050 config_version, class bodies' `responsibility`), and
// resolves the open gaps the configuration now settles, naming the version that settled it.
import type { Knex } from 'knex'
import { z } from 'zod'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { readRule } from '../hard-cases/rule.ts'

export const BLIND_SPOT_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff']
const LOOK_BACK_DAYS = 180

export const listQuery = z.object({ state: z.enum(['open', 'resolved', 'all']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict()
export const gapBody = z.object({
  kind: z.enum(['missing', 'overlap']),
  classCode: z.string().regex(/^[0-9]{4}$/),
  areaCode: z.string().regex(/^[0-9]{12}$/),
  departmentCodes: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/)).max(20).default([]),
  note: z.string().trim().min(1).max(2000),
}).strict()
export const resolveBody = z.object({
  resolution: z.string().trim().min(1).max(2000),
  /** the configuration version that settles it (e.g. a class version id), when there is one */
  configRef: z.string().trim().min(1).max(200).optional(),
}).strict()

/** One entry of a class's responsibility list: the unit responsible in an area. */
export interface Responsibility { area: string; unit: string }

/** Reads the list leniently: the configuration's own schema is helper-owned and may name fields differently. */
export function responsibilitiesOf(raw: unknown): Responsibility[] {
  if (!Array.isArray(raw)) return []
  const out: Responsibility[] = []
  for (const r of raw) {
    if (r === null || typeof r !== 'object') continue
    const o = r as Record<string, unknown>
    const area = o.areaCode ?? o.areaPrefix ?? o.area
    const unit = o.departmentCode ?? o.unitCode ?? o.department ?? o.unit
    if (typeof area === 'string' && typeof unit === 'string') out.push({ area, unit })
  }
  return out
}

const covers = (area: string, target: string) => target.startsWith(/^[0-9]{12}$/.test(area) ? adminPrefix(area) : area)

/** The units the list makes responsible for a class in an area (the most specific entries win). */
export function responsibleUnits(list: Responsibility[], areaCode: string): string[] {
  const hits = list.filter((r) => covers(r.area, areaCode))
  if (!hits.length) return []
  const depth = (a: string) => (/^[0-9]{12}$/.test(a) ? adminPrefix(a).length : a.length)
  const best = Math.max(...hits.map((h) => depth(h.area)))
  return [...new Set(hits.filter((h) => depth(h.area) === best).map((h) => h.unit))].sort()
}

interface GapRow {
  id: string; kind: string; class_code: string; class_name: string; area_code: string; area_name: string; event_numbers: string[]; source: string
  note: string | null; state: string; created_at: Date; resolved_at: Date | null; resolution: string | null; resolution_ref: string | null; units: { code: string; name: string }[]
}

/** A 400 naming the field (callers code it with a literal, so the catalogue test sees every code). */
const fieldError = (field: string, text: string) => badRequest(`${field}: ${text}`, { errors: [{ field, message: text }] })

export async function listGaps(db: Knex, p: Principal, q: z.output<typeof listQuery>) {
  const { rows } = await db.raw(sqlFile('blind-spots/list'), { patterns: p.jurisdiction.patterns, state: q.state, limit: q.limit }) as { rows: GapRow[] }
  return { state: q.state, items: rows.map(gapView) }
}

const gapView = (g: GapRow) => ({
  id: Number(g.id), kind: g.kind, kindTitle: g.kind === 'missing' ? '职责缺失' : '职责交叉', class: { code: g.class_code, name: g.class_name },
  area: { code: g.area_code, name: g.area_name }, units: g.units, eventNumbers: g.event_numbers, source: g.source, note: g.note, state: g.state,
  createdAt: g.created_at.toISOString(), resolvedAt: g.resolved_at?.toISOString() ?? null, resolution: g.resolution, configRef: g.resolution_ref,
})

async function readGap(db: Knex, p: Principal, id: number) {
  const { rows } = await db.raw(sqlFile('blind-spots/list'), { patterns: p.jurisdiction.patterns, state: 'all', limit: 500 }) as { rows: GapRow[] }
  const g = rows.find((r) => Number(r.id) === id)
  if (!g) throw notFound(`no blind spot ${id} in your jurisdiction`).coded('blind_spots.not_found', { id })
  return gapView(g)
}

export async function createGap(db: Knex, p: Principal, b: z.output<typeof gapBody>) {
  if (!p.jurisdiction.covers(b.areaCode) || !await db('admin_division').where('code', b.areaCode).first('code')) {
    throw fieldError('areaCode', `${b.areaCode} is not an area of your jurisdiction`).coded('blind_spots.area_outside', { field: 'areaCode', area: b.areaCode })
  }
  if (!await db('event_class').where('code', b.classCode).first('code')) throw fieldError('classCode', `no class ${b.classCode}`).coded('blind_spots.unknown_class', { field: 'classCode', code: b.classCode })
  const units = await db('department').whereIn('code', b.departmentCodes).select('id', 'code')
  b.departmentCodes.forEach((c, i) => { if (!units.some((u) => u.code === c)) throw fieldError(`departmentCodes.${i}`, `no unit ${c}`).coded('blind_spots.unknown_unit', { field: `departmentCodes.${i}`, code: c }) })
  const [row] = await db('responsibility_gap').insert({ city_code: p.cityCode ?? b.areaCode.slice(0, 6), kind: b.kind, class_code: b.classCode, area_code: b.areaCode,
    department_ids: units.map((u) => Number(u.id)), source: 'manual', note: b.note, created_by: p.userId })
    .onConflict(db.raw('(class_code, area_code, kind) WHERE state = \'open\'')).ignore().returning('id')
  if (!row) throw new AppError(409, 'gap_open', `an open ${b.kind} gap of class ${b.classCode} in ${b.areaCode} is in the register already`).coded('blind_spots.already_open', { kind: b.kind, classCode: b.classCode, area: b.areaCode })
  return readGap(db, p, Number(row.id))
}

export async function resolveGap(db: Knex, p: Principal, id: number, b: z.output<typeof resolveBody>, now = new Date()) {
  const g = await readGap(db, p, id)
  if (g.state !== 'open') throw new AppError(409, 'gap_resolved', `blind spot ${id} is resolved already`).coded('blind_spots.already_resolved', { id })
  await db('responsibility_gap').where({ id, state: 'open' }).update({ state: 'resolved', resolved_by: p.userId, resolved_at: now, resolution: b.resolution, resolution_ref: b.configRef ?? null })
  return readGap(db, p, id)
}

/**
 * Fills the register: a class bouncing in a street with no single responsible unit in the list is
 * missing; a class whose list names several units for one area is overlapping. Open gaps the list
 * now settles (exactly one unit) are resolved with the class version's id.
 */
export async function detect(db: Knex, p: Principal, now = new Date()) {
  const rule = await readRule(db, p.cityCode)
  const { rows: classes } = await db.raw(sqlFile('blind-spots/classes_in_force'), { at: now }) as { rows: { id: string; class_code: string; responsibility: unknown }[] }
  const lists = new Map(classes.map((c) => [c.class_code, { version: String(c.id), list: responsibilitiesOf(c.responsibility) }]))
  const { rows: groups } = await db.raw(sqlFile('blind-spots/bounced_groups'), { patterns: p.jurisdiction.patterns, since: new Date(now.getTime() - LOOK_BACK_DAYS * 86_400_000), bounces: rule.bounces }) as
    { rows: { class_code: string; street_code: string; numbers: string[]; department_ids: string[] }[] }
  const opened: number[] = []
  const upsert = async (kind: 'missing' | 'overlap', classCode: string, area: string, ids: number[], numbers: string[], note: string) => {
    const open = await db('responsibility_gap').where({ class_code: classCode, area_code: area, kind, state: 'open' }).first('id', 'event_numbers')
    if (open) {
      await db('responsibility_gap').where('id', open.id).update({ event_numbers: [...new Set([...(open.event_numbers as string[]), ...numbers])].sort() })
      return
    }
    const [row] = await db('responsibility_gap').insert({ city_code: p.cityCode ?? area.slice(0, 6), kind, class_code: classCode, area_code: area, department_ids: ids,
      event_numbers: numbers, source: kind === 'missing' ? 'bounced' : 'manual', note, created_by: p.userId }).returning('id')
    opened.push(Number(row.id))
  }
  for (const g of groups) {
    const units = responsibleUnits(lists.get(g.class_code)?.list ?? [], g.street_code)
    if (units.length === 1) continue
    await upsert('missing', g.class_code, g.street_code, g.department_ids.map(Number), g.numbers,
      units.length ? `权责清单为该区域列出 ${units.length} 个责任单位，工单仍反复流转` : '权责清单未列出该区域的责任单位，工单反复流转')
  }
  for (const [classCode, { list }] of lists) {
    const areas = [...new Set(list.map((r) => r.area))].filter((a) => /^[0-9]{12}$/.test(a) && p.jurisdiction.covers(a))
    for (const a of areas) {
      const units = responsibleUnits(list, a)
      if (units.length < 2) continue
      const ids = (await db('department').whereIn('code', units).pluck('id')).map(Number)
      await upsert('overlap', classCode, a, ids, [], `权责清单为同一区域列出多个责任单位：${units.join('、')}`)
    }
  }
  // what the configuration settles now
  const resolved: number[] = []
  const open = await db('responsibility_gap').where('state', 'open').whereRaw('area_code LIKE ANY(?::text[])', [p.jurisdiction.patterns]).select('id', 'class_code', 'area_code')
  for (const g of open) {
    const c = lists.get(g.class_code)
    if (!c || responsibleUnits(c.list, g.area_code).length !== 1) continue
    await db('responsibility_gap').where({ id: g.id, state: 'open' }).update({ state: 'resolved', resolved_at: now, resolved_by: p.userId,
      resolution: `权责清单已明确唯一责任单位：${responsibleUnits(c.list, g.area_code)[0]}`, resolution_ref: `config_version:${c.version}` })
    resolved.push(Number(g.id))
  }
  return { bounces: rule.bounces, opened, resolved, register: (await listGaps(db, p, { state: 'open', limit: 500 })).items }
}
