// /api/v1/opinion (网络舆情, issue 19 item 3): the feeds a city reads (configuration of the
// command centre), the posts they delivered with why each is relevant and where it is, the
// operator's accept (→ an event of the 舆情 channel through intake) or reject (with a reason),
// and topics over time. Feeds are read on request (POST …/feeds/{id}/pull) and by the
// background loop (loop.ts).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { assertPublicTarget, InternalTargetError } from '../http/outbound.ts'
import { sqlFile } from '../db/sql.ts'
import { acceptBody, feedBody, idParam, postsQuery, rejectBody, topicsQuery } from './schemas.ts'
import { acceptPost, getPost, listPosts, postView, rejectPost } from './store.ts'
import { pullFeed, type FeedRow } from './pull.ts'
import { registerOpinionMessages } from './messagesZh.ts'

/** Who reads and decides posts: the roles that may report through the 舆情 channel (migration 0059). */
export const OPINION_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff']

const feedView = (f: FeedRow & { active: boolean; last_pulled_at: Date | null; last_error: string | null; created_at: Date }) => ({
  id: Number(f.id), name: f.name, url: f.url, active: f.active, lastPulledAt: f.last_pulled_at?.toISOString() ?? null, lastError: f.last_error,
  createdAt: f.created_at.toISOString(),
})

export function opinionRoutes(app: AppContext): Router {
  registerOpinionMessages()
  const router = new Router({ prefix: '/api/v1/opinion' })
  const { knex } = app
  const centre = requireRole('command_center')
  const readers = requireRole(...OPINION_ROLES)
  const allowedNetworks = app.config.opinionFeedAllowedNetworks ?? []
  const cityOf = (p: { cityCode: string | null }) => {
    if (!p.cityCode) throw new AppError(403, 'forbidden', 'your account belongs to no city: feeds are read per city').coded('opinion.no_city')
    return p.cityCode
  }

  router.get('/feeds', centre, async (ctx) => {
    const rows = await knex('opinion_feed').where({ city_code: cityOf(principalOf(ctx)) }).orderBy('id')
    ctx.body = { items: rows.map(feedView) }
  })

  router.post('/feeds', centre, async (ctx) => {
    const b = validate(feedBody, ctx.request.body ?? {})
    const p = principalOf(ctx)
    await assertPublicTarget(b.url, allowedNetworks).catch((e: unknown) => {
      if (!(e instanceof InternalTargetError)) throw e
      throw badRequest(`url: ${e.message}`, { errors: [{ field: 'url', message: 'an internal address' }] }).coded('opinion.feed_internal', { host: e.host, address: e.address })
    })
    const [row] = await knex('opinion_feed').insert({ city_code: cityOf(p), name: b.name, url: b.url, active: b.active, created_by: p.userId })
      .onConflict(['city_code', 'url']).ignore().returning('*')
    if (!row) throw new AppError(409, 'conflict', `the feed ${b.url} is already configured`, { errors: [{ field: 'url', message: 'already configured' }] }).coded('opinion.feed_exists')
    ctx.status = 201
    ctx.set('Location', `/api/v1/opinion/feeds/${row.id}`)
    ctx.body = feedView(row)
  })

  router.post('/feeds/:id/pull', centre, async (ctx) => {
    const { id } = validate(idParam, ctx.params, 'path')
    const feed = await knex('opinion_feed').where({ id, city_code: cityOf(principalOf(ctx)) }).first() as FeedRow | undefined
    if (!feed) throw notFound(`no feed ${id} in your city`).coded('opinion.feed_not_found', { id })
    ctx.body = await pullFeed(knex, feed, { allowedNetworks })
  })

  router.get('/posts', readers, async (ctx) => {
    const q = validate(postsQuery, ctx.query, 'query')
    const rows = await listPosts(knex, principalOf(ctx), q)
    ctx.body = { items: rows.map(postView), next: rows.length === q.limit ? { before: Number(rows.at(-1)!.id) } : null }
  })

  router.get('/posts/:id', readers, async (ctx) => {
    const { id } = validate(idParam, ctx.params, 'path')
    ctx.body = postView(await getPost(knex, principalOf(ctx), id))
  })

  router.post('/posts/:id/accept', readers, async (ctx) => {
    const { id } = validate(idParam, ctx.params, 'path')
    const b = validate(acceptBody, ctx.request.body ?? {})
    const r = await acceptPost(knex, principalOf(ctx), id, b)
    ctx.status = r.replayed ? 200 : 201
    ctx.set('Location', `/api/v1/events/${r.eventNumber}`)
    ctx.body = { post: postView(r.post), eventNumber: r.eventNumber, replayed: r.replayed }
  })

  router.post('/posts/:id/reject', readers, async (ctx) => {
    const { id } = validate(idParam, ctx.params, 'path')
    const { reason } = validate(rejectBody, ctx.request.body ?? {})
    ctx.body = postView(await rejectPost(knex, principalOf(ctx), id, reason))
  })

  // counts of public posts, no personal data: the whole city's, for every reader of the city
  router.get('/topics', readers, async (ctx) => {
    const q = validate(topicsQuery, ctx.query, 'query')
    const { rows } = await knex.raw(sqlFile('opinion/topics'), {
      city: cityOf(principalOf(ctx)), from: q.from, to: q.to, interval: q.interval, keyword: q.keyword ?? null, limit: q.limit,
    }) as { rows: { keyword: string; total: number; period: string; posts: number }[] }
    const topics = new Map<string, { keyword: string; total: number; series: { period: string; posts: number }[] }>()
    for (const r of rows) {
      const t = topics.get(r.keyword) ?? { keyword: r.keyword, total: r.total, series: [] }
      t.series.push({ period: r.period, posts: r.posts })
      topics.set(r.keyword, t)
    }
    ctx.body = { from: q.from, to: q.to, interval: q.interval, timeZone: 'Asia/Shanghai', topics: [...topics.values()] }
  })

  return router
}
