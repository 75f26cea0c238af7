// Inspection records (检查记录) of places and units: when, who, the result, the findings, the
// rectification (整改) asked for with its due date, and when it was done. An inspection is also a
// 核实 of the row (verified_at moves on). Mounted by places/routes.ts and units/routes.ts:
//   GET  /{id}/inspections                       newest first (at most 200)
//   POST /{id}/inspections                       record one → 201
//   POST /{id}/inspections/{iid}/rectified       the rectification is done
// and by places/routes.ts: GET /api/v1/places/rectifications/overdue (both targets).
import type Router from '@koa/router'
import type { Knex } from 'knex'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import { fieldProblem, readRow, type RegisterTable } from './register.ts'
import { optional, text } from './schemas.ts'
import { decodeIdCursor, encodeIdCursor } from './store.ts'
import { idOf, noRepeats, readers, writers } from './routesKit.ts'

export const inspectionResults = { passed: '合格', rectify: '限期整改', failed: '不合格' } as const
type Result = keyof typeof inspectionResults
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Today in the city's time (Asia/Shanghai), YYYY-MM-DD. */
export const today = (at = new Date()): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at)

export const inspectionBody = z.object({
  inspectedAt: z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) <= Date.now() + 300_000, 'lies in the future'),
  inspectorName: optional(text(50)),
  result: z.enum(Object.keys(inspectionResults) as [Result, ...Result[]]),
  findings: optional(text(2000)),
  rectificationDue: optional(z.string().regex(DAY, 'a day YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s)), 'not a day')),
}).strict().superRefine((v, ctx) => {
  if (v.result !== 'passed' && v.rectificationDue == null) ctx.addIssue({ code: 'custom', path: ['rectificationDue'], message: 'required when the result is not passed' })
  if (v.result === 'passed' && v.rectificationDue != null) ctx.addIssue({ code: 'custom', path: ['rectificationDue'], message: 'a passed inspection asks for no rectification' })
  // zod runs this even when a field above failed: compare only a real instant
  if (v.rectificationDue != null && !Number.isNaN(Date.parse(v.inspectedAt)) && v.rectificationDue < today(new Date(v.inspectedAt))) ctx.addIssue({ code: 'custom', path: ['rectificationDue'], message: 'lies before the inspection' })
})

export const rectifiedBody = z.object({
  rectifiedAt: z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) <= Date.now() + 300_000, 'lies in the future').optional(),
  note: optional(text(1000)),
}).strict()

export const overdueQuery = z.object({
  target: z.enum(['place', 'unit']).optional(),
  community: z.string().regex(/^[0-9]{12}$/, 'a 12-digit admin code').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
}).strict()

interface InspectionRow {
  id: string; place_id: string | null; unit_id: string | null; community_code: string; inspected_at: Date; inspector_id: string | null
  inspector_name: string; result: Result; findings: string | null; rectification_due: string | null; rectified_at: Date | null
  rectification_note: string | null
}

const inspectionColumns = ['id', 'place_id', 'unit_id', 'community_code', 'inspected_at', 'inspector_id', 'inspector_name', 'result',
  'findings', 'rectified_at', 'rectification_note']

function inspectionView(r: InspectionRow, day = today()) {
  const due = r.rectification_due
  const open = due !== null && r.rectified_at === null
  return {
    id: Number(r.id), target: r.place_id !== null ? 'place' : 'unit', targetId: Number(r.place_id ?? r.unit_id),
    communityCode: r.community_code, inspectedAt: new Date(r.inspected_at).toISOString(),
    inspectorId: r.inspector_id === null ? null : Number(r.inspector_id), inspectorName: r.inspector_name,
    result: r.result, findings: r.findings, rectificationDue: due,
    rectifiedAt: r.rectified_at === null ? null : new Date(r.rectified_at).toISOString(), rectificationNote: r.rectification_note,
    overdue: open && due < day,
  }
}

const selectInspection = (knex: Knex) => [...inspectionColumns, knex.raw('rectification_due::text AS rectification_due')]

export function mountInspections(router: Router, app: AppContext, t: RegisterTable, target: 'place' | 'unit'): void {
  const { knex } = app
  const fk = `${target}_id`

  router.get('/:id/inspections', readers(), async (ctx) => {
    const id = idOf(ctx)
    await readRow(knex, t, principalOf(ctx), id)
    const rows = await knex('register_inspection').select(selectInspection(knex)).where(fk, id)
      .orderBy([{ column: 'inspected_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(200) as InspectionRow[]
    ctx.body = { items: rows.map((r) => inspectionView(r)) }
  })

  router.post('/:id/inspections', writers(), async (ctx) => {
    const id = idOf(ctx)
    const p = principalOf(ctx)
    const b = validate(inspectionBody, ctx.request.body ?? {}, 'inspection')
    const row = await knex.transaction(async (trx) => {
      const target = await readRow(trx, t, p, id)
      const [ins] = await trx('register_inspection').insert({
        city_code: p.cityCode ?? target.community_code.slice(0, 4) + '00', community_code: target.community_code, [fk]: id,
        inspected_at: b.inspectedAt, inspector_id: p.userId, inspector_name: b.inspectorName ?? p.displayName,
        result: b.result, findings: b.findings ?? null, rectification_due: b.rectificationDue ?? null,
      }).returning(selectInspection(trx)) as InspectionRow[]
      // an inspection on site is a 核实 of the row
      await trx(t.table).where({ id }).update({ verified_at: trx.raw('greatest(verified_at, ?::timestamptz)', [b.inspectedAt]) })
      return ins!
    })
    ctx.status = 201
    ctx.body = inspectionView(row)
  })

  router.post('/:id/inspections/:iid/rectified', writers(), async (ctx) => {
    const id = idOf(ctx)
    const iid = idOf(ctx, 'iid')
    const b = validate(rectifiedBody, ctx.request.body ?? {}, 'rectified')
    await readRow(knex, t, principalOf(ctx), id)
    const found = await knex('register_inspection').select(selectInspection(knex)).where({ id: iid, [fk]: id }).first() as InspectionRow | undefined
    if (!found) throw new AppError(404, 'not_found', `no inspection ${iid} of ${t.what} ${id}`).coded('places.inspection_not_found', { id: iid })
    if (found.rectification_due === null) throw fieldProblem(409, 'rectifiedAt', 'this inspection asked for no rectification').coded('places.nothing_to_rectify', { field: 'rectifiedAt', id: iid })
    if (found.rectified_at !== null) throw fieldProblem(409, 'rectifiedAt', 'the rectification is recorded as done already').coded('places.rectified_already', { field: 'rectifiedAt', id: iid })
    const at = b.rectifiedAt ?? new Date().toISOString()
    if (Date.parse(at) < new Date(found.inspected_at).getTime()) throw fieldProblem(400, 'rectifiedAt', 'lies before the inspection').coded('places.rectified_before', { field: 'rectifiedAt' })
    const [row] = await knex('register_inspection').where({ id: iid }).update({ rectified_at: at, rectification_note: b.note ?? null })
      .returning(selectInspection(knex)) as InspectionRow[]
    ctx.body = inspectionView(row!)
  })
}

/** GET /rectifications/overdue (mounted by places/routes.ts before /{id}). */
export function mountOverdue(router: Router, app: AppContext): void {
  router.get('/rectifications/overdue', readers(), async (ctx) => {
    noRepeats(ctx)
    const q = validate(overdueQuery, ctx.query, 'query')
    ctx.body = await overdueRectifications(app.knex, principalOf(ctx), q)
  })
}

interface OverdueRow extends InspectionRow { target_name: string; target_kind: string; grid_code: string | null; days_overdue: number }

export async function overdueRectifications(knex: Knex, p: Principal, q: z.output<typeof overdueQuery>) {
  const day = today()
  const afterId = decodeIdCursor(q.cursor)
  let afterDue: string | null = null
  if (afterId !== null) {
    const prev = await knex('register_inspection').where({ id: afterId }).first(knex.raw('rectification_due::text AS due')) as { due: string | null } | undefined
    afterDue = prev?.due ?? null
  }
  const community = q.community?.replace(/(000)+$/, '') ?? null
  const { rows } = await knex.raw(sqlFile('places/overdue'), [day, day, p.jurisdiction.patterns, q.target ?? null, q.target ?? null,
    community, community, afterDue, afterDue, afterId ?? 0, q.limit + 1]) as { rows: OverdueRow[] }
  const kept = rows.slice(0, q.limit)
  return {
    today: day,
    items: kept.map((r) => ({ ...inspectionView(r, day), targetName: r.target_name, targetKind: r.target_kind, gridCode: r.grid_code, daysOverdue: Number(r.days_overdue) })),
    next: rows.length > q.limit ? encodeIdCursor(Number(kept.at(-1)!.id)) : null,
  }
}
