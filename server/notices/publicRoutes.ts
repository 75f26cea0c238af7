// The public read of notices, mounted on /api/v1/public by publicRoutes: published public
// notices inside their window only (sql/queries/notices/public_list.sql).
import type Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { validate } from '../http/validate.ts'
import { noticeNotFound, publicList, publicListQuery } from './store.ts'

export function mountPublicNotices(router: Router, app: AppContext): void {
  router.get('/notices', async (ctx) => {
    const q = validate(publicListQuery, ctx.query, 'query')
    ctx.set('Cache-Control', 'public, max-age=60')
    ctx.body = await publicList(app.knex, q)
  })
  router.get('/notices/:id', async (ctx) => {
    const id = String(ctx.params.id)
    if (!/^[1-9]\d{0,15}$/.test(id)) throw noticeNotFound(id)
    const { items } = await publicList(app.knex, { limit: 1, id: Number(id) })
    if (!items[0]) throw noticeNotFound(id)
    ctx.set('Cache-Control', 'public, max-age=60')
    ctx.body = items[0]
  })
}
