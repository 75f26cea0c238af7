// /api/v1/notices: staff write notices (公告) of their city: create (draft), edit (optimistic
// version), publish, withdraw; read with filters. Residents read published public ones at
// /api/v1/public/notices (publicRoutes.ts). Notices are city-wide, like the knowledge base: the
// caller's city decides, not the community jurisdiction.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { publicMessagesZh } from '../public/messagesZh.ts'
import { assertVersion, createSchema, getNotice, illegalState, listQuery, patchSchema, staffList, staffView, stateSchema } from './store.ts'

export const NOTICE_WRITE_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
export const NOTICE_READ_ROLES: Role[] = [...NOTICE_WRITE_ROLES, 'department', 'grid_inspector', 'gis_analyst']

function cityOf(ctx: Context): string {
  const p = principalOf(ctx)
  if (!p.cityCode) throw forbidden('your account belongs to no city').coded('auth.role_forbidden', { role: p.role })
  return p.cityCode
}

const columns = (b: Record<string, unknown>) => {
  const map: Record<string, string> = { title: 'title', category: 'category', bodyHtml: 'body_html', audience: 'audience', publishFrom: 'publish_from', publishUntil: 'publish_until' }
  return Object.fromEntries(Object.entries(b).filter(([k, v]) => k in map && v !== undefined).map(([k, v]) => [map[k]!, v]))
}

export function noticeRoutes(app: AppContext): Router {
  registerMessages('zh', publicMessagesZh)
  const router = new Router({ prefix: '/api/v1/notices' })
  const read = requireRole(...NOTICE_READ_ROLES)
  const write = requireRole(...NOTICE_WRITE_ROLES)

  router.get('/', read, async (ctx) => {
    ctx.body = await staffList(app.knex, cityOf(ctx), validate(listQuery, ctx.query, 'query'))
  })
  router.get('/:id', read, async (ctx) => {
    ctx.body = staffView(await getNotice(app.knex, cityOf(ctx), String(ctx.params.id)))
  })
  router.post('/', write, async (ctx) => {
    const city = cityOf(ctx)
    const b = validate(createSchema, ctx.request.body, 'request body')
    const p = principalOf(ctx)
    const [row] = await app.knex('notice').insert({ city_code: city, ...columns(b), created_by: p.userId, updated_by: p.userId }).returning('*')
    ctx.status = 201
    ctx.set('Location', `/api/v1/notices/${row.id}`)
    ctx.body = staffView(row)
  })
  router.patch('/:id', write, async (ctx) => {
    const city = cityOf(ctx)
    const b = validate(patchSchema, ctx.request.body, 'request body')
    ctx.body = await app.knex.transaction(async (trx) => {
      const row = await getNotice(trx, city, String(ctx.params.id), true)
      assertVersion(row, b.version)
      const next = { from: b.publishFrom === undefined ? row.publish_from : b.publishFrom, until: b.publishUntil === undefined ? row.publish_until : b.publishUntil }
      if (next.from && next.until && next.until <= next.from) {
        throw new AppError(400, 'validation_failed', 'invalid request body: publishUntil: must be after publishFrom',
          { errors: [{ field: 'publishUntil', message: 'must be after publishFrom' }] }).coded('public.form_field', { field: 'publishUntil' })
      }
      const [updated] = await trx('notice').where('id', row.id)
        .update({ ...columns(b), version: row.version + 1, updated_by: principalOf(ctx).userId, updated_at: new Date() }).returning('*')
      return staffView(updated)
    })
  })
  for (const action of ['publish', 'withdraw'] as const) {
    router.post(`/:id/${action}`, write, async (ctx) => {
      const city = cityOf(ctx)
      const b = validate(stateSchema, ctx.request.body ?? {}, 'request body')
      ctx.body = await app.knex.transaction(async (trx) => {
        const row = await getNotice(trx, city, String(ctx.params.id), true)
        assertVersion(row, b.version)
        const ok = action === 'publish' ? row.status !== 'published' : row.status === 'published'
        if (!ok) throw illegalState(row, action)
        const now = new Date()
        const set = action === 'publish' ? { status: 'published', published_at: now, withdrawn_at: null } : { status: 'withdrawn', withdrawn_at: now }
        const [updated] = await trx('notice').where('id', row.id)
          .update({ ...set, version: row.version + 1, updated_by: principalOf(ctx).userId, updated_at: now }).returning('*')
        return staffView(updated)
      })
    })
  }
  return router
}
