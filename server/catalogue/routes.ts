// /api/v1/catalogue: the data catalogue (政务信息资源目录: every layer, API operation and dataset,
// browsable and searchable; the command centre edits an entry's metadata) and applications for
// access (catalogue/applications: an external system applies, the command centre approves with
// a scoped key shown once, rejects or revokes; the application's use read from the access audit).
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { forbidden, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import type { Principal } from '../auth/users.ts'
import { catalogueMessagesZh } from './messagesZh.ts'
import { APPLICANTS, CATALOGUE_ADMINS, CATALOGUE_READERS } from './roles.ts'
import { cityEntries, cityEntry, search } from './browse.ts'
import { applicationBody, applicationId, applicationsQuery, entryId, listQuery, metaBody, reasonBody, reviewBody, usageQuery } from './schemas.ts'
import { applicationFor, approve, checkAreas, describeApplication, holdable, reject, revoke, usage } from './applications.ts'

export { APPLICANTS, CATALOGUE_READERS } from './roles.ts'
const ADMINS = CATALOGUE_ADMINS

function cityOf(p: Principal): string {
  if (!p.cityCode) throw forbidden('your account belongs to no city').coded('catalogue.no_city')
  return p.cityCode
}

export function catalogueRoutes(app: AppContext): Router {
  registerMessages('zh', catalogueMessagesZh)
  const router = new Router({ prefix: '/api/v1/catalogue' })
  const { knex } = app

  router.get('/', requireRole(...CATALOGUE_READERS), async (ctx) => {
    const q = validate(listQuery, ctx.query, 'query')
    const found = search(await cityEntries(knex, app.catalogue, cityOf(principalOf(ctx))), q)
    ctx.body = { items: found.slice(q.offset, q.offset + q.limit), total: found.length, limit: q.limit, offset: q.offset }
  })

  router.get('/entries/:id', requireRole(...CATALOGUE_READERS), async (ctx) => {
    const id = validate(entryId, ctx.params.id, 'id')
    ctx.body = await entryOr404(app, cityOf(principalOf(ctx)), id)
  })

  router.patch('/entries/:id', requireRole(...ADMINS), async (ctx) => {
    const id = validate(entryId, ctx.params.id, 'id')
    const body = validate(metaBody, ctx.request.body)
    const p = principalOf(ctx)
    const city = cityOf(p)
    await entryOr404(app, city, id)
    const changed = {
      ...(body.owner !== undefined ? { owner: body.owner } : {}), ...(body.updateFrequency !== undefined ? { update_frequency: body.updateFrequency } : {}),
      ...(body.classification ? { classification: body.classification } : {}), ...(body.sharing ? { sharing: body.sharing } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}), updated_by: p.userId, updated_at: knex.fn.now(),
    }
    await knex('catalogue_entry_meta').insert({ city_code: city, entry_id: id, ...changed }).onConflict(['city_code', 'entry_id']).merge(changed)
    ctx.body = await entryOr404(app, city, id)
  })

  router.post('/applications', requireRole(...APPLICANTS), async (ctx) => {
    const body = validate(applicationBody, ctx.request.body)
    const p = principalOf(ctx)
    const city = cityOf(p)
    await holdable(knex, app.catalogue, p, body.resources)
    await checkAreas(knex, p, body.areas)
    const [row] = await knex('catalogue_application').insert({
      city_code: city, applicant_id: p.userId, system_name: body.systemName, purpose: body.purpose,
      resources: body.resources, areas: body.areas, valid_days: body.validDays,
    }).returning('*')
    ctx.status = 201
    ctx.body = describeApplication({ ...row, applicant_username: p.username })
  })

  router.get('/applications', requireRole(...ADMINS, ...APPLICANTS), async (ctx) => {
    const q = validate(applicationsQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const rows = await knex('catalogue_application as a').join('app_user as u', 'u.id', 'a.applicant_id')
      .where('a.city_code', cityOf(p)).modify((b) => {
        if (!isAdmin(p)) b.where('a.applicant_id', p.userId ?? 0)
        if (q.state) b.where('a.state', q.state)
      }).orderBy('a.id', 'desc').limit(q.limit).select('a.*', 'u.username as applicant_username') as Record<string, unknown>[]
    const keys = await keysOf(app, rows.map((r) => Number(r.id)))
    ctx.body = { items: rows.map((r) => describeApplication(r, keys.filter((k) => Number(k.application_id) === Number(r.id)))) }
  })

  router.get('/applications/:id', requireRole(...ADMINS, ...APPLICANTS), async (ctx) => {
    ctx.body = await described(app, await loaded(app, ctx))
  })

  router.post('/applications/:id/approve', requireRole(...ADMINS), async (ctx) => {
    const { comment } = validate(reviewBody, ctx.request.body ?? {})
    const { row: done, key } = await approve(knex, app.catalogue, principalOf(ctx), await loaded(app, ctx), comment)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { application: await described(app, done), key }
  })

  router.post('/applications/:id/reject', requireRole(...ADMINS), async (ctx) => {
    const { comment } = validate(reasonBody, ctx.request.body)
    ctx.body = await described(app, await reject(knex, principalOf(ctx), await loaded(app, ctx), comment))
  })

  router.post('/applications/:id/revoke', requireRole(...ADMINS), async (ctx) => {
    const { comment } = validate(reasonBody, ctx.request.body)
    ctx.body = await described(app, await revoke(knex, principalOf(ctx), await loaded(app, ctx), comment))
  })

  router.get('/applications/:id/usage', requireRole(...ADMINS, ...APPLICANTS), async (ctx) => {
    const q = validate(usageQuery, ctx.query, 'query')
    const row = await loaded(app, ctx)
    ctx.body = { application: Number(row.id), items: await usage(knex, Number(row.id), q.limit) }
  })
  return router
}

const isAdmin = (p: Principal) => ADMINS.includes(p.role)

async function entryOr404(app: AppContext, city: string, id: string) {
  const e = await cityEntry(app.knex, app.catalogue, city, id)
  if (!e) throw notFound(`no catalogue entry ${id}`).coded('catalogue.entry_not_found', { id })
  return e
}

/** The path's application: the city's for the command centre, the applicant's own otherwise (else 404). */
async function loaded(app: AppContext, ctx: Context) {
  const id = validate(applicationId, ctx.params.id, 'id')
  const p = principalOf(ctx)
  cityOf(p)
  return applicationFor(app.knex, p, id, isAdmin(p))
}

function keysOf(app: AppContext, ids: number[]): Promise<Record<string, unknown>[]> {
  return app.knex('api_key').whereIn('application_id', ids).orderBy('id')
    .select('id', 'application_id', 'prefix', 'scopes', 'expires_at', 'revoked_at', 'last_used_at', 'replaced_by')
}

async function described(app: AppContext, row: Record<string, unknown>) {
  const [user] = await app.knex('app_user').where({ id: row.applicant_id }).pluck('username') as string[]
  return describeApplication({ ...row, applicant_username: user ?? null }, await keysOf(app, [Number(row.id)]))
}
