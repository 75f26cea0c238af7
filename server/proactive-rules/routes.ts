// /api/v1/proactive-rules (主动服务, issue 20 item 4): a city's rules over the registers (an ID
// card about to expire, a child reaching school age, a lone elderly resident not visited), kept
// with every version, and the tasks their pass (pass.ts, analytics loop) makes for the inspector
// of each person's grid: listed as the role may see the person, done or dismissed once.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError, badRequest } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import type { Role } from '../auth/roles.ts'
import { registerProactiveMessages } from './messagesZh.ts'
import { ruleView, type RuleRow } from './rules.ts'
import { changeRule, createRule, paramsOf, ruleOf, ruleVersions } from './ruleStore.ts'
import { closeTask, listTasks } from './tasks.ts'
import { changeBody, createBody, deleteQuery, dismissBody, doneBody, ruleListQuery, taskListQuery } from './schemas.ts'

/** Rules hold no personal data: every staff role of a city reads them. */
export const RULE_READ_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'grid_inspector', 'gis_analyst']
export const RULE_ADMIN_ROLES: Role[] = ['command_center']
const CLOCK_SKEW_MS = 60_000

function cityOf(ctx: Context): string {
  const city = principalOf(ctx).cityCode?.slice(0, 6)
  if (!city) throw new AppError(403, 'forbidden', 'your account belongs to no city: proactive rules are per city').coded('proactive.no_city')
  return city
}

function idOf(raw: string | undefined): number {
  const id = /^[0-9]{1,15}$/.test(raw ?? '') ? Number(raw) : 0
  if (id < 1) {
    throw badRequest('id: must be a positive whole number', { errors: [{ field: 'id', message: 'must be a positive whole number' }] })
      .coded('proactive.bad_id', { field: 'id' })
  }
  return id
}

export function proactiveRoutes(app: AppContext): Router {
  registerProactiveMessages()
  const router = new Router({ prefix: '/api/v1/proactive-rules' })
  const { knex } = app
  const read = requireRole(...RULE_READ_ROLES)
  const admin = requireRole(...RULE_ADMIN_ROLES)
  router.use(async (ctx, next) => {
    await next()
    ctx.set('Cache-Control', 'no-store')
  })

  // the task routes first: "tasks" is no rule id
  router.get('/tasks', requireRole(...PEOPLE_ROLES), async (ctx) => {
    const q = validate(taskListQuery, ctx.query, 'query')
    const items = await listTasks(knex, principalOf(ctx), { ...q, status: q.status === 'all' ? undefined : q.status })
    ctx.body = { items, next: items.length === q.limit ? items.at(-1)!.id : null }
  })

  router.post('/tasks/:id/done', requireRole(...REGISTER_WRITE_ROLES), async (ctx) => {
    const id = idOf(ctx.params.id)
    const b = validate(doneBody, ctx.request.body ?? {}, 'request body')
    if (b.visit?.visitedAt && b.visit.visitedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw badRequest('visit.visitedAt lies in the future', { errors: [{ field: 'visit.visitedAt', message: 'must not be in the future' }] })
        .coded('proactive.visit_in_future', { field: 'visit.visitedAt' })
    }
    ctx.body = await closeTask(knex, principalOf(ctx), id, { status: 'done', note: b.note ?? '已办结', visit: b.visit })
  })

  router.post('/tasks/:id/dismiss', requireRole(...REGISTER_WRITE_ROLES), async (ctx) => {
    const id = idOf(ctx.params.id)
    const b = validate(dismissBody, ctx.request.body ?? {}, 'request body')
    ctx.body = await closeTask(knex, principalOf(ctx), id, { status: 'dismissed', note: b.reason })
  })

  router.get('/', read, async (ctx) => {
    const q = validate(ruleListQuery, ctx.query, 'query')
    const city = cityOf(ctx)
    const rows = await knex('proactive_rule').where({ city_code: city })
      .modify((b) => { if (!q.deleted) b.whereNull('deleted_at') }).orderBy('id') as RuleRow[]
    ctx.body = { cityCode: city, items: rows.map(ruleView) }
  })

  router.post('/', admin, async (ctx) => {
    const b = validate(createBody, ctx.request.body, 'request body')
    const row = await createRule(knex, cityOf(ctx), { ...b, params: paramsOf(b.kind, b.params) }, principalOf(ctx))
    ctx.status = 201
    ctx.set('Location', `/api/v1/proactive-rules/${row.id}`)
    ctx.body = ruleView(row)
  })

  router.get('/:id', read, async (ctx) => {
    const row = await ruleOf(knex, cityOf(ctx), idOf(ctx.params.id), true)
    ctx.body = { ...ruleView(row), versions: await ruleVersions(knex, Number(row.id)) }
  })

  router.put('/:id', admin, async (ctx) => {
    const id = idOf(ctx.params.id)
    const b = validate(changeBody, ctx.request.body, 'request body')
    ctx.body = ruleView(await changeRule(knex, cityOf(ctx), id, b, principalOf(ctx)))
  })

  router.delete('/:id', admin, async (ctx) => {
    const id = idOf(ctx.params.id)
    const q = validate(deleteQuery, ctx.query, 'query')
    ctx.body = ruleView(await changeRule(knex, cityOf(ctx), id, { version: q.version, reason: q.reason, enabled: false }, principalOf(ctx), true))
  })

  return router
}
