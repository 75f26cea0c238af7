// /api/v1/mediators: 调解员 and, under /api/v1/mediators/bodies, 调解机构 (issue 15 item 2).
//   GET|POST /bodies, GET|PATCH /bodies/{id}
//   GET|POST /, GET /me (the mediator the caller signs in as), GET|PATCH /{id}, POST /{id}/unmask {reason}
// Read: the people roles (command centre, district, street, community staff, grid inspectors) in
// their jurisdiction (the admin code the body sits in); write: command centre, district and street
// staff (the committees sit at streets and communities). A mediator's name and phone follow the
// one masking rule; an unmask is audited before the answer.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { messageFor, registerMessages } from '../http/messages/registry.ts'
import { recordUnmask } from '../audit/write.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { mediatorMessagesZh } from './messagesZh.ts'
import { bodyCreateSchema, bodyListQuery, bodyPatchSchema, idParam, mediatorCreateSchema, mediatorListQuery, mediatorPatchSchema, unmaskSchema } from './schemas.ts'
import { createBody, createMediator, listBodies, listMediators, mediatorOfUser, readBody, readMediator, updateBody, updateMediator } from './store.ts'
import { bodyItem, mediatorAccess, mediatorItem } from './view.ts'

export const MEDIATOR_READ_ROLES: readonly Role[] = PEOPLE_ROLES
export const MEDIATOR_WRITE_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff']

const idOf = (ctx: Context) => validate(z.object({ id: idParam }), { id: ctx.params.id }, 'path').id

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] }).coded('http.repeated_query', { field: k })
  }
}

const nextLink = (ctx: Context, path: string, next: number | null) => {
  if (next === null) return null
  const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== 'cursor')) as Record<string, string>
  return `${path}?${new URLSearchParams({ ...rest, cursor: String(next) })}`
}

export function mediatorRoutes(app: AppContext): Router {
  registerMessages('zh', mediatorMessagesZh)
  if (messageFor('zh', 'registers.version_conflict') === undefined) {
    registerMessages('zh', { 'registers.version_conflict': '记录已被他人修改（当前第 {version} 版），请刷新后重试' })
  }
  const router = new Router({ prefix: '/api/v1/mediators' })
  const { knex } = app
  const read = requireRole(...MEDIATOR_READ_ROLES)
  const write = requireRole(...MEDIATOR_WRITE_ROLES)

  router.get('/bodies', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(bodyListQuery, ctx.query, 'query')
    const { rows, next } = await listBodies(knex, principalOf(ctx), q)
    ctx.body = { items: rows.map(bodyItem), next: nextLink(ctx, '/api/v1/mediators/bodies', next) }
  })
  router.post('/bodies', write, async (ctx) => {
    const body = validate(bodyCreateSchema, ctx.request.body, 'mediation body')
    const p = principalOf(ctx)
    const id = await createBody(knex, p, body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/mediators/bodies/${id}`)
    ctx.body = bodyItem(await readBody(knex, p, id))
  })
  router.get('/bodies/:id', read, async (ctx) => {
    ctx.body = bodyItem(await readBody(knex, principalOf(ctx), idOf(ctx)))
  })
  router.patch('/bodies/:id', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(bodyPatchSchema, ctx.request.body, 'mediation body')
    const p = principalOf(ctx)
    await updateBody(knex, p, id, body)
    ctx.body = bodyItem(await readBody(knex, p, id))
  })

  router.get('/', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(mediatorListQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const { rows, next } = await listMediators(knex, p, q)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { items: rows.map((r) => mediatorItem(r, mediatorAccess(p, r))), next: nextLink(ctx, '/api/v1/mediators', next) }
  })
  router.post('/', write, async (ctx) => {
    const body = validate(mediatorCreateSchema, ctx.request.body, 'mediator')
    const p = principalOf(ctx)
    const id = await createMediator(knex, p, body)
    const row = await readMediator(knex, p, id)
    ctx.status = 201
    ctx.set('Location', `/api/v1/mediators/${id}`)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = mediatorItem(row, mediatorAccess(p, row))
  })
  // the caller's own mediator record (in full: the caller holds it)
  router.get('/me', read, async (ctx) => {
    const p = principalOf(ctx)
    const row = await mediatorOfUser(knex, p.userId)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = mediatorItem(row, mediatorAccess(p, row))
  })
  router.get('/:id', read, async (ctx) => {
    const p = principalOf(ctx)
    const row = await readMediator(knex, p, idOf(ctx))
    ctx.set('Cache-Control', 'no-store')
    ctx.body = mediatorItem(row, mediatorAccess(p, row))
  })
  router.patch('/:id', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(mediatorPatchSchema, ctx.request.body, 'mediator')
    const p = principalOf(ctx)
    await updateMediator(knex, p, id, body)
    const row = await readMediator(knex, p, id)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = mediatorItem(row, mediatorAccess(p, row))
  })
  router.post('/:id/unmask', read, async (ctx) => {
    const p = principalOf(ctx)
    const id = idOf(ctx)
    const { reason } = validate(unmaskSchema, ctx.request.body ?? {}, 'unmask')
    const row = await readMediator(knex, p, id)
    if (mediatorAccess(p, row) === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask mediator ${id}`).coded('mediators.unmask_forbidden', { role: p.role, id })
    }
    const fields = (['name', 'phone'] as const).filter((f) => row[f] !== null && row[f] !== '')
    const audit = await recordUnmask(knex, ctx, p, { type: 'mediators', id: String(id), recordId: id, communityCode: row.community_code, fields: [...fields] }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { id, fields, name: row.name, phone: row.phone, audit: { id: audit.id, at: audit.at.toISOString() } }
  })

  return router
}
