// /api/v1/party: 党建引领 (Heilongjiang 6.3.1).
//   orgs        GET (?community=&grid=&q=&kind=) · GET /tree · GET /{id} · POST · PATCH /{id} (version)
//   members     GET (?orgId=&inDifficulty=) · GET /{id} · POST · PATCH /{id} · POST /{id}/unmask {reason}
//   positions   GET (?kind=) · GET /{id} · POST · PATCH /{id}          (阵地; the layer party_positions)
//   activities  GET · POST        projects GET · POST · PATCH /{id}        care GET · POST
//   stats       per area one level below ?area=, for ?from=&to=
// Reads: PLACE_READ_ROLES (names and phones masked as the one rule says); writes: REGISTER_WRITE_ROLES.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { accessOf, getRow, listRows, rowView, type ListQuery, type Row, type TableSpec } from '../teams/rows.ts'
import { bodyOf, idReader, query, unmask } from '../registers/routeKit.ts'
import { nest } from '../teams/chart.ts'
import { areaNames, childArea, defaultArea, round2 } from '../teams/stats.ts'
import { idParam, statsQuery as periodQuery, treeQuery, unmaskBody } from '../teams/schemas.ts'
import * as s from './schemas.ts'
import * as st from './store.ts'
import { definePartyRegisters, partyPositionsLayer } from './register.ts'

const idOf = idReader(idParam)
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
const DATE_COLS = new Set(['cared_on', 'started_on', 'due_on'])

/** A ledger row (activity, project, care) as JSON: camelCase, dates as YYYY-MM-DD, instants ISO. */
function ledgerView(r: Record<string, unknown>) {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r)) {
    if (k === 'cursor_t' || k === 'city_code' || k === 'created_by') continue
    out[camel(k)] = v instanceof Date ? (DATE_COLS.has(k) ? localDate(v) : v.toISOString()) : typeof v === 'string' && /^(hours|amount|budget)$/.test(k) ? Number(v) : v
  }
  return out
}

export function partyRoutes(app: AppContext): Router {
  definePartyRegisters()
  app.catalogue.register(partyPositionsLayer)
  const router = new Router({ prefix: '/api/v1/party' })
  const { knex } = app
  const readers = requireRole(...PLACE_READ_ROLES)
  const writers = requireRole(...REGISTER_WRITE_ROLES)

  const one = async (ctx: Context, spec: TableSpec, id: number) => {
    const p = principalOf(ctx)
    const row = await getRow(knex, p, spec, id)
    return rowView(spec, row, (await accessOf(ctx, knex, p))(row))
  }
  const page = async (ctx: Context, spec: TableSpec, q: Parameters<typeof listRows>[3], filter?: Parameters<typeof listRows>[4]) => {
    const p = principalOf(ctx)
    const { rows, next } = await listRows(knex, p, spec, q, filter)
    const access = await accessOf(ctx, knex, p)
    return { items: rows.map((r: Row) => rowView(spec, r, access(r))), next }
  }
  const created = async (ctx: Context, spec: TableSpec, path: string, id: number) => {
    ctx.status = 201
    ctx.set('Location', `/api/v1/party/${path}/${id}`)
    ctx.body = await one(ctx, spec, id)
  }

  /** GET (filtered), GET /{id}, POST and PATCH /{id} (at a version) of one party table under /{path}. */
  const crud = <L extends z.ZodType<ListQuery>, C extends z.ZodType, P extends z.ZodType>(path: string, spec: TableSpec, what: string,
    schemas: { list: L; create: C; patch: P }, create: (knex: Knex, p: Principal, body: z.output<C>) => Promise<number>,
    patch: (knex: Knex, p: Principal, id: number, body: z.output<P>) => Promise<unknown>, filter: (q: z.output<L>) => (qb: Knex.QueryBuilder) => void) => {
    router.get(`/${path}`, readers, async (ctx) => {
      const q = query(ctx, schemas.list)
      ctx.body = await page(ctx, spec, q, filter(q))
    })
    router.get(`/${path}/:id`, readers, async (ctx) => { ctx.body = await one(ctx, spec, idOf(ctx)) })
    router.post(`/${path}`, writers, async (ctx) => created(ctx, spec, path, await create(knex, principalOf(ctx), bodyOf(ctx, schemas.create, what))))
    router.patch(`/${path}/:id`, writers, async (ctx) => {
      const id = idOf(ctx)
      await patch(knex, principalOf(ctx), id, bodyOf(ctx, schemas.patch, what))
      ctx.body = await one(ctx, spec, id)
    })
  }

  router.get('/orgs/tree', readers, async (ctx) => {
    const q = query(ctx, treeQuery)
    const p = principalOf(ctx)
    const qb = p.jurisdiction.apply(knex('party_org as o'), 'o.community_code').orderBy(['o.community_code', 'o.id'])
      .select('o.id', 'o.parent_id', 'o.name', 'o.kind', 'o.community_code',
        knex.raw('(SELECT count(*) FROM party_member m WHERE m.org_id = o.id) AS members'))
    if (q.community) qb.where('o.community_code', 'like', `${adminPrefix(q.community)}%`)
    const rows = await qb as { id: number; parent_id: number | null; name: string; kind: string; community_code: string; members: number }[]
    ctx.body = { items: nest(rows.map((r) => ({ id: Number(r.id), parentId: r.parent_id === null ? null : Number(r.parent_id), name: r.name, kind: r.kind,
      communityCode: r.community_code, members: Number(r.members) }))) }
  })
  crud('orgs', st.ORG_SPEC, 'organisation', { list: s.orgListQuery, create: s.orgCreate, patch: s.orgPatch }, st.createOrg, st.patchOrg,
    (q) => (qb) => { if (q.kind) qb.where('t.kind', q.kind) })
  crud('members', st.MEMBER_SPEC, 'member', { list: s.memberListQuery, create: s.memberCreate, patch: s.memberPatch }, st.createMember, st.patchMember,
    (q) => (qb) => {
      if (q.orgId) qb.where('t.org_id', q.orgId)
      if (q.inDifficulty !== undefined) qb.where('t.in_difficulty', q.inDifficulty)
    })
  router.post('/members/:id/unmask', writers, async (ctx) => {
    const id = idOf(ctx)
    const { reason } = bodyOf(ctx, unmaskBody, 'unmask')
    await unmask(ctx, knex, {
      type: 'party-members',
      read: (_ctx, p, memberId) => getRow(knex, p, st.MEMBER_SPEC, memberId),
      masked: async (_ctx, p, row) => (await accessOf(ctx, knex, p))(row) === 'masked',
      forbidden: (p, memberId) => new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of party member ${memberId}`).coded('party.unmask_forbidden', { role: p.role, id: memberId }),
      reveal: (row) => ({ fields: ['name', ...(row.phone ? ['phone'] : [])], values: { name: row.name, phone: row.phone ?? null } }),
    }, id, reason)
  })

  crud('positions', st.POSITION_SPEC, 'position', { list: s.positionListQuery, create: s.positionCreate, patch: s.positionPatch }, st.createPosition, st.patchPosition,
    (q) => (qb) => { if (q.kind) qb.where('t.kind', q.kind) })

  const ledger = (path: string, table: 'party_activity' | 'party_project' | 'party_care', add: (ctx: Context) => Promise<number>) => {
    router.get(`/${path}`, readers, async (ctx) => {
      const { rows, next } = await st.listLedger(knex, principalOf(ctx), table, query(ctx, s.plainListQuery))
      ctx.body = { items: rows.map(ledgerView), next }
    })
    router.post(`/${path}`, writers, async (ctx) => {
      const id = await add(ctx)
      ctx.status = 201
      ctx.body = ledgerView(await knex(table).where({ id }).first())
    })
  }
  ledger('activities', 'party_activity', (ctx) => st.addActivity(knex, principalOf(ctx), bodyOf(ctx, s.activityCreate, 'activity')))
  ledger('projects', 'party_project', (ctx) => st.addProject(knex, principalOf(ctx), bodyOf(ctx, s.projectCreate, 'project')))
  ledger('care', 'party_care', (ctx) => st.addCare(knex, principalOf(ctx), bodyOf(ctx, s.careCreate, 'care')))
  router.patch('/projects/:id', writers, async (ctx) => {
    const id = idOf(ctx)
    await st.patchProject(knex, principalOf(ctx), id, bodyOf(ctx, s.projectPatch, 'project'))
    ctx.body = ledgerView(await knex('party_project').where({ id }).first())
  })

  router.get('/stats', readers, async (ctx) => {
    const q = query(ctx, periodQuery)
    const p = principalOf(ctx)
    const area = q.area ?? defaultArea(p)
    const { rows } = p.jurisdiction.isEmpty ? { rows: [] } : await knex.raw(sqlFile('party/stats'), {
      patterns: p.jurisdiction.patterns, area: `${adminPrefix(area)}%`, from: q.from ?? null, to: q.to ?? null,
    }) as { rows: { community_code: string; metric: string; value: number }[] }
    const groups = new Map<string, Record<string, number>>()
    const total: Record<string, number> = {}
    for (const r of rows) {
      const key = childArea(r.community_code, area)
      const g = groups.get(key) ?? {}
      g[r.metric] = (g[r.metric] ?? 0) + Number(r.value)
      total[r.metric] = (total[r.metric] ?? 0) + Number(r.value)
      groups.set(key, g)
    }
    const names = await areaNames(knex, [area, ...groups.keys()])
    const metrics = ['orgs', 'members', 'probationary', 'inDifficulty', 'positions', 'projects', 'projectsOngoing', 'projectsDone',
      'activities', 'studySessions', 'activityHours', 'activityPersonHours', 'care', 'careAmount']
    const filled = (g: Record<string, number>) => Object.fromEntries(metrics.map((m) => [m, round2(g[m] ?? 0)]))
    ctx.body = {
      area: { code: area, name: names.get(area)?.name ?? null }, from: q.from ?? null, to: q.to ?? null, total: filled(total),
      byArea: [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, g]) => ({ code, name: names.get(code)?.name ?? null, ...filled(g) })),
    }
  })

  return router
}
