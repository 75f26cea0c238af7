// Patrol task templates (巡查任务模板): what to patrol (grids or checkpoints), how often, how many
// visits of how many minutes, and who. A template belongs to an admin area: whoever's
// jurisdiction covers that area sees it, and staff of the area edit it. Its target never changes
// (visits of past tasks refer to its checkpoints and grids): a new target is a new template.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { parseCrs } from '../geo/crs.ts'
import { convertPoint } from '../geocode/service.ts'
import { sqlFile } from '../db/sql.ts'
import type { TemplateBody, TemplatePatch } from './schemas.ts'

export const DEFAULT_MIN_MINUTES = { checkpoint: 2, grid: 10 } as const

interface TemplateRow {
  id: number; city_code: string; admin_code: string; name: string; period: 'daily' | 'weekly' | 'custom'
  weekdays: number[]; every_days: number | null; anchor_date: string | null; target_kind: 'grid' | 'checkpoint'
  grid_codes: string[]; required_visits: number; min_minutes: number; member_ids: (string | number)[]
  active_from: string; active_to: string | null; active: boolean; version: number; created_at: Date; updated_at: Date
}
interface CheckpointRow { id: number; seq: number; name: string; radius_m: number; lon: number; lat: number; source: unknown }

type Problem = { field: string; message: string }
const unprocessable = (what: string, errors: Problem[]) =>
  new AppError(422, 'invalid_template', `${what}: ${errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`).join('; ')}`, { errors })
    .coded('patrol.invalid_template', { fields: errors.slice(0, 3).map((e) => e.field) })

const DATE_COLUMNS = "to_char(anchor_date, 'YYYY-MM-DD') AS anchor_date, to_char(active_from, 'YYYY-MM-DD') AS active_from, to_char(active_to, 'YYYY-MM-DD') AS active_to"

function templateQuery(knex: Knex | Knex.Transaction) {
  return knex('patrol_template').select('id', 'city_code', 'admin_code', 'name', 'period', 'weekdays', 'every_days', 'target_kind',
    'grid_codes', 'required_visits', 'min_minutes', 'member_ids', 'active', 'version', 'created_at', 'updated_at', knex.raw(DATE_COLUMNS))
}

export function toTemplate(r: TemplateRow, checkpoints: CheckpointRow[]) {
  return {
    id: Number(r.id), name: r.name, adminCode: r.admin_code, cityCode: r.city_code,
    period: r.period, weekdays: r.period === 'weekly' ? r.weekdays.map(Number) : undefined,
    everyDays: r.period === 'custom' ? r.every_days : undefined, from: r.period === 'custom' ? r.anchor_date : undefined,
    target: r.target_kind === 'grid'
      ? { kind: 'grid' as const, gridCodes: r.grid_codes }
      : { kind: 'checkpoint' as const, checkpoints: checkpoints.map((c) => ({ id: Number(c.id), seq: c.seq, name: c.name, radius: Number(c.radius_m), lon: c.lon, lat: c.lat, source: c.source })) },
    requiredVisits: r.required_visits, minMinutes: Number(r.min_minutes), memberIds: r.member_ids.map(Number),
    activeFrom: r.active_from, activeTo: r.active_to, active: r.active, version: r.version,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  }
}

async function checkpointsOf(knex: Knex | Knex.Transaction, ids: number[]): Promise<Map<number, CheckpointRow[]>> {
  const rows = await knex('patrol_checkpoint').whereIn('template_id', ids).orderBy(['template_id', 'seq'])
    .select('id', 'template_id', 'seq', 'name', 'radius_m', 'source', knex.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
  const by = new Map<number, CheckpointRow[]>()
  for (const r of rows) by.set(Number(r.template_id), [...(by.get(Number(r.template_id)) ?? []), r])
  return by
}

export async function listTemplates(knex: Knex, principal: Principal, q: { adminCode?: string; active: string; limit: number; offset: number }) {
  let qb = principal.jurisdiction.apply(templateQuery(knex), 'admin_code').orderBy('id').limit(q.limit).offset(q.offset)
  if (q.adminCode) qb = qb.whereRaw('admin_code LIKE ?', [`${adminPrefix(q.adminCode)}%`])
  if (q.active !== 'all') qb = qb.where('active', q.active === 'true')
  const rows = await qb as TemplateRow[]
  const cps = await checkpointsOf(knex, rows.map((r) => Number(r.id)))
  return rows.map((r) => toTemplate(r, cps.get(Number(r.id)) ?? []))
}

async function visibleRow(knex: Knex | Knex.Transaction, principal: Principal, id: number, lock = false): Promise<TemplateRow> {
  let qb = principal.jurisdiction.apply(templateQuery(knex).where('id', id), 'admin_code')
  if (lock) qb = qb.forUpdate()
  const row = await qb.first() as TemplateRow | undefined
  if (!row) throw notFound(`no patrol template ${id} in your jurisdiction`).coded('patrol.template_not_found', { id })
  return row
}

export async function getTemplate(knex: Knex, principal: Principal, id: number) {
  const row = await visibleRow(knex, principal, id)
  return toTemplate(row, (await checkpointsOf(knex, [id])).get(id) ?? [])
}

/** The admin area must exist and lie in the caller's jurisdiction; its city is the template's. */
async function areaOf(knex: Knex | Knex.Transaction, principal: Principal, code: string): Promise<string> {
  const area = await knex('admin_division').where({ code }).first('city_code')
  if (!area || !principal.jurisdiction.covers(code)) throw forbidden(`admin area ${code} is outside your jurisdiction`).coded('patrol.area_outside', { code })
  return area.city_code
}

/** Grid codes must be current grids of the admin area. */
async function checkGrids(trx: Knex.Transaction, admin: string, codes: string[]): Promise<Problem[]> {
  const found = await trx('grid').whereIn('code', codes).whereNull('valid_to')
    .whereRaw('community_code LIKE ?', [`${adminPrefix(admin)}%`]).pluck('code')
  const known = new Set(found)
  const dup = codes.filter((c, i) => codes.indexOf(c) !== i)
  return [
    ...codes.map((c, i) => (known.has(c) ? null : { field: `target.gridCodes.${i}`, message: `no current grid ${c} in admin area ${admin}` })),
    ...dup.map((c) => ({ field: 'target.gridCodes', message: `grid ${c} is listed twice` })),
  ].filter((p): p is Problem => p !== null)
}

/** Members must be active and belong to a community of the admin area. */
async function checkMembers(trx: Knex.Transaction, admin: string, ids: number[]): Promise<Problem[]> {
  if (!ids.length) return []
  const found = await trx('grid_member').whereIn('id', ids).where('active', true)
    .whereRaw('community_code LIKE ?', [`${adminPrefix(admin)}%`]).pluck('id')
  const known = new Set(found.map(Number))
  const problems = ids.map((id, i) => (known.has(id) ? null : { field: `memberIds.${i}`, message: `no active member ${id} in admin area ${admin}` }))
  if (new Set(ids).size !== ids.length) problems.push({ field: 'memberIds', message: 'a member is listed twice' })
  return problems.filter((p): p is Problem => p !== null)
}

type PlacedCheckpoint = { name: string; radius: number; lon: number; lat: number; source: Record<string, unknown> }

/** Converts checkpoints to storage (a bad coordinate is a 400 naming the checkpoint). */
function placeCheckpoints(list: Extract<TemplateBody['target'], { kind: 'checkpoint' }>['checkpoints']): PlacedCheckpoint[] {
  return list.map((c, i) => {
    try {
      const crs = parseCrs(c.crs)
      const p = convertPoint(c.x, c.y, crs)
      return { name: c.name, radius: c.radius, lon: p.lon, lat: p.lat, source: { x: c.x, y: c.y, crs: crs.id, conversion: p.conversion } }
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.status, err.type, `target.checkpoints.${i}: ${err.detail}`, { errors: [{ field: `target.checkpoints.${i}`, message: err.detail }] })
        .coded('patrol.invalid_template', { fields: [`target.checkpoints.${i}`] })
      throw err
    }
  })
}

/** Checkpoints must lie inside the template's admin area. */
async function checkCheckpoints(trx: Knex.Transaction, admin: string, cps: PlacedCheckpoint[]): Promise<Problem[]> {
  const { rows } = await trx.raw(sqlFile('patrol/checkpoints_outside'), { admin, lons: cps.map((c) => c.lon), lats: cps.map((c) => c.lat) }) as { rows: { i: number }[] }
  return rows.map((r) => ({ field: `target.checkpoints.${r.i - 1}`, message: `checkpoint lies outside admin area ${admin}` }))
}

export async function createTemplate(knex: Knex, principal: Principal, b: TemplateBody) {
  const cps = b.target.kind === 'checkpoint' ? placeCheckpoints(b.target.checkpoints) : []
  const id = await knex.transaction(async (trx) => {
    const city = await areaOf(trx, principal, b.adminCode)
    const problems = [
      ...(b.target.kind === 'grid' ? await checkGrids(trx, b.adminCode, b.target.gridCodes) : await checkCheckpoints(trx, b.adminCode, cps)),
      ...await checkMembers(trx, b.adminCode, b.memberIds),
    ]
    if (problems.length) throw unprocessable('the template does not fit its admin area', problems)
    const activeFrom = b.activeFrom ?? await today(trx)
    const [row] = await trx('patrol_template').insert({
      city_code: city, admin_code: b.adminCode, name: b.name, period: b.period,
      weekdays: b.period === 'weekly' ? [...b.weekdays!].sort((x, y) => x - y) : [], every_days: b.period === 'custom' ? b.everyDays : null,
      anchor_date: b.period === 'custom' ? (b.from ?? activeFrom) : null, target_kind: b.target.kind,
      grid_codes: b.target.kind === 'grid' ? b.target.gridCodes : [], required_visits: b.requiredVisits,
      min_minutes: b.minMinutes ?? DEFAULT_MIN_MINUTES[b.target.kind], member_ids: b.memberIds,
      active_from: activeFrom, active_to: b.activeTo ?? null, created_by: principal.userId,
    }).returning('id')
    const templateId = Number(row.id)
    if (cps.length) {
      await trx.raw(sqlFile('patrol/checkpoints_insert'), {
        template: templateId, names: cps.map((c) => c.name), radii: cps.map((c) => c.radius),
        lons: cps.map((c) => c.lon), lats: cps.map((c) => c.lat), sources: cps.map((c) => JSON.stringify(c.source)),
      })
    }
    return templateId
  })
  return getTemplate(knex, principal, id)
}

async function today(knex: Knex | Knex.Transaction): Promise<string> {
  const { rows } = await knex.raw("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS d")
  return rows[0].d
}

export async function updateTemplate(knex: Knex, principal: Principal, id: number, p: TemplatePatch) {
  await knex.transaction(async (trx) => {
    const row = await visibleRow(trx, principal, id, true)
    const period = p.period ?? row.period
    const weekdays = p.weekdays ?? (period === row.period ? row.weekdays.map(Number) : undefined)
    const everyDays = p.everyDays ?? (period === row.period ? row.every_days ?? undefined : undefined)
    const activeFrom = p.activeFrom ?? row.active_from
    const activeTo = p.activeTo === undefined ? row.active_to : p.activeTo
    const problems: Problem[] = []
    if (period === 'weekly' && !weekdays) problems.push({ field: 'weekdays', message: 'a weekly template needs weekdays' })
    if (period === 'custom' && !everyDays) problems.push({ field: 'everyDays', message: 'a custom template needs everyDays' })
    if (activeTo && activeTo < activeFrom) problems.push({ field: 'activeTo', message: 'activeTo is before activeFrom' })
    if (p.memberIds) problems.push(...await checkMembers(trx, row.admin_code, p.memberIds))
    if (problems.length) throw new AppError(400, 'validation_failed', `invalid template change: ${problems.map((e) => `${e.field}: ${e.message}`).join('; ')}`, { errors: problems })
      .coded('patrol.invalid_template', { fields: problems.map((e) => e.field) })
    await trx('patrol_template').where({ id }).update({
      name: p.name ?? row.name, period, weekdays: period === 'weekly' ? [...weekdays!].sort((x, y) => x - y) : [],
      every_days: period === 'custom' ? everyDays : null,
      anchor_date: period === 'custom' ? (p.from ?? row.anchor_date ?? activeFrom) : null,
      required_visits: p.requiredVisits ?? row.required_visits, min_minutes: p.minMinutes ?? row.min_minutes,
      member_ids: p.memberIds ?? row.member_ids, active_from: activeFrom, active_to: activeTo,
      active: p.active ?? row.active, version: row.version + 1, updated_at: trx.fn.now(),
    })
  })
  return getTemplate(knex, principal, id)
}

/** Deactivates (tasks keep referring to it); no more tasks are generated from it. */
export async function deleteTemplate(knex: Knex, principal: Principal, id: number) {
  await visibleRow(knex, principal, id)
  await knex('patrol_template').where({ id }).update({ active: false, version: knex.raw('version + 1'), updated_at: knex.fn.now() })
}
