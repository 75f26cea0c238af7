// /api/v1/special-groups (特殊人群, issue 14 item 2): records of residents under community
// correction, released persons, drug users, persons with a mental illness at risk and at-risk
// minors, with their follow-up visits and visit plans. For the people roles only (registers/
// access.ts), inside the caller's jurisdiction (outside answers 404), every record delivered
// written to the access audit (store.ts noteDelivered): being in a group is the sensitive fact.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { AppError } from '../http/errors.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { recordUnmask } from '../audit/write.ts'
import { noRepeats } from '../registers/routeKit.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { AUDIT_TYPE, KIND_TITLES, KINDS, SITUATION_TITLES, VISIT_METHOD_TITLES, type Kind } from './plan.ts'
import { areaQuery, createBody, idParam, listQuery, overdueQuery, patchBody, planBody, unmaskBody, visitBody, visitsQuery } from './schemas.ts'
import { accessOf, beijingToday, decodeCursor, getGroupRow, groupView, noteDelivered, pageOf, type GroupRow } from './store.ts'
import { addVisit, createGroup, setPlan, updateGroup } from './writes.ts'
import { specialGroupsLayer } from './layer.ts'
import { specialGroupsRegister } from './register.ts'
import { registerSpecialGroupMessages } from './messagesZh.ts'


async function views(ctx: Context, app: AppContext, rows: GroupRow[]) {
  const p = principalOf(ctx)
  const grids = await servedGridsOf(ctx, app.knex, p)
  return rows.map((r) => groupView(r, accessOf(p, r, grids)))
}

export function specialGroupRoutes(app: AppContext): Router {
  registerSpecialGroupMessages()
  app.catalogue.register(specialGroupsLayer)
  defineRegister(specialGroupsRegister)
  const router = new Router({ prefix: '/api/v1/special-groups' })
  const { knex } = app
  const readers = requireRole(...PEOPLE_ROLES)
  const writers = requireRole(...REGISTER_WRITE_ROLES)
  router.use(async (ctx, next) => {
    await next()
    ctx.set('Cache-Control', 'no-store')
  })

  router.get('/', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const page = await pageOf(knex, principalOf(ctx), {
      area: q.community, grids: q.grid ? [q.grid] : undefined, q: q.q, kind: q.kind, risk: q.risk, member: q.member,
      status: q.status, overdue: q.overdue, after: decodeCursor(q.cursor, false), limit: q.limit,
    })
    ctx.body = { items: await views(ctx, app, page.rows), next: page.next }
  })

  // counts only: no record is delivered, nothing to audit
  router.get('/summary', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(areaQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const rows = p.jurisdiction.isEmpty ? [] : (await knex.raw(sqlFile('special-groups/summary'), {
      patterns: p.jurisdiction.patterns, area: q.community ? `${adminPrefix(q.community)}%` : null,
      grids: q.grid ? [q.grid] : null, today: beijingToday(),
    }) as { rows: { kind: Kind; total: number; high: number; medium: number; low: number; overdue: number }[] }).rows
    const byKind = KINDS.map((k) => {
      const r = rows.find((x) => x.kind === k)
      return { kind: k, kindTitle: KIND_TITLES[k], total: r?.total ?? 0, high: r?.high ?? 0, medium: r?.medium ?? 0, low: r?.low ?? 0, overdue: r?.overdue ?? 0 }
    })
    ctx.body = { today: beijingToday(), total: byKind.reduce((s, k) => s + k.total, 0), overdue: byKind.reduce((s, k) => s + k.overdue, 0), byKind }
  })

  // the overdue visits (逾期未走访), most overdue first, with their count
  router.get('/overdue', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(overdueQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const filter = { area: q.community, grids: q.grid ? [q.grid] : undefined, kind: q.kind, status: 'active' as const, overdue: true }
    const page = await pageOf(knex, p, { ...filter, byDue: true, after: decodeCursor(q.cursor, true), limit: q.limit })
    const { rows } = await knex.raw(sqlFile('special-groups/summary'), {
      patterns: p.jurisdiction.isEmpty ? ['-'] : p.jurisdiction.patterns, area: q.community ? `${adminPrefix(q.community)}%` : null,
      grids: q.grid ? [q.grid] : null, today: beijingToday(),
    }) as { rows: { kind: Kind; overdue: number }[] }
    const total = rows.filter((r) => !q.kind || r.kind === q.kind).reduce((s, r) => s + r.overdue, 0)
    ctx.body = { today: beijingToday(), total, items: await views(ctx, app, page.rows), next: page.next }
  })

  router.post('/', writers, async (ctx) => {
    const body = validate(createBody, ctx.request.body ?? {})
    const row = await createGroup(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/special-groups/${row.id}`)
    ctx.body = (await views(ctx, app, [row]))[0]
  })

  router.get('/:id', readers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    ctx.body = (await views(ctx, app, [await getGroupRow(knex, principalOf(ctx), id)]))[0]
  })

  router.patch('/:id', writers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    const body = validate(patchBody, ctx.request.body ?? {})
    ctx.body = (await views(ctx, app, [await updateGroup(knex, principalOf(ctx), id, body)]))[0]
  })

  router.put('/:id/plan', writers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    const body = validate(planBody, ctx.request.body ?? {})
    ctx.body = (await views(ctx, app, [await setPlan(knex, principalOf(ctx), id, body.intervalDays, body.reason)]))[0]
  })

  router.get('/:id/visits', readers, async (ctx) => {
    noRepeats(ctx)
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    const q = validate(visitsQuery, ctx.query, 'query')
    const g = await getGroupRow(knex, principalOf(ctx), id)
    const c = q.cursor ? decodeTimeCursor(q.cursor) : null
    const { rows } = await knex.raw(sqlFile('special-groups/visits'), { id, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: q.limit + 1 }) as { rows: VisitRow[] }
    const more = rows.length > q.limit
    if (more) rows.pop()
    noteDelivered(g) // the visits of a record tell that it exists
    ctx.body = { items: rows.map(visitView), next: more ? encodeTimeCursor(rows.at(-1)!.cursor_t, rows.at(-1)!.id) : null }
  })

  router.post('/:id/visits', writers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    const body = validate(visitBody, ctx.request.body ?? {})
    const p = principalOf(ctx)
    const v = await addVisit(knex, p, id, body)
    ctx.status = 201
    ctx.body = { id: v.id, visitedAt: v.visitedAt.toISOString(), group: (await views(ctx, app, [await getGroupRow(knex, p, id)]))[0] }
  })

  router.post('/:id/unmask', readers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    const { reason } = validate(unmaskBody, ctx.request.body ?? {})
    const p = principalOf(ctx)
    const g = await getGroupRow(knex, p, id)
    const access = accessOf(p, g, await servedGridsOf(ctx, knex, p))
    if (access === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of special-group record ${id}`).coded('special_groups.unmask_forbidden', { role: p.role, id })
    }
    const r = await knex('resident').where({ id: g.resident_id }).first('id_number_sealed', 'phone') as { id_number_sealed: string; phone: string | null }
    const fields = ['kind', 'residentName', 'residentIdNumber', ...(r.phone ? ['residentPhone'] : []),
      ...(g.guardian_name ? ['guardianName'] : []), ...(g.guardian_phone ? ['guardianPhone'] : [])]
    const audit = await recordUnmask(knex, ctx, p, { type: AUDIT_TYPE, id: String(g.id), recordId: Number(g.id), communityCode: g.community_code, fields }, reason)
    ctx.body = {
      id: Number(g.id), fields, residentName: g.resident_name, residentIdNumber: dataKeyring().decrypt(r.id_number_sealed, 'resident.id_number'),
      residentPhone: r.phone, guardianName: g.guardian_name, guardianPhone: g.guardian_phone,
      audit: { id: audit.id, at: audit.at.toISOString() },
    }
  })

  return router
}

interface VisitRow {
  id: number; visited_at: Date; method: keyof typeof VISIT_METHOD_TITLES; situation: keyof typeof SITUATION_TITLES; notes: string | null
  visitor_user_id: number | null; visitor_name: string | null; visitor_member_id: number | null; lon: number | null; lat: number | null; created_at: Date; cursor_t: string
}

const visitView = (v: VisitRow) => ({
  id: Number(v.id), visitedAt: v.visited_at.toISOString(), method: v.method, methodTitle: VISIT_METHOD_TITLES[v.method],
  situation: v.situation, situationTitle: SITUATION_TITLES[v.situation], notes: v.notes,
  visitor: { userId: v.visitor_user_id === null ? null : Number(v.visitor_user_id), name: v.visitor_name, memberId: v.visitor_member_id === null ? null : Number(v.visitor_member_id) },
  lon: v.lon === null ? null : Number(v.lon), lat: v.lat === null ? null : Number(v.lat),
})
