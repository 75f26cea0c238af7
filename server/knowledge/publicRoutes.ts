// /api/v1/public/knowledge: what anyone reads without signing in, published public articles only
// (an internal, unpublished, withdrawn or expired article answers 404 like a missing one). The
// items are the staff items without their internal fields (status, author, review, version).
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { validate } from '../http/validate.ts'
import { idParam, publicListQuery } from './schemas.ts'
import { articleView, listArticles, PUBLIC_SCOPE, readArticle } from './articles.ts'
import { noRepeats } from './routes.ts'
import { registerKnowledgeMessages } from './messages.ts'

export function publicKnowledgeRoutes(app: AppContext): Router {
  registerKnowledgeMessages()
  const router = new Router({ prefix: '/api/v1/public/knowledge' })

  router.get('/', async (ctx) => {
    noRepeats(ctx)
    const q = validate(publicListQuery, ctx.query, 'query')
    const page = await listArticles(app.knex, PUBLIC_SCOPE, q)
    ctx.body = { items: page.items, next: page.next }
  })

  router.get('/:id', async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    ctx.body = await articleView(app.knex, PUBLIC_SCOPE, await readArticle(app.knex, PUBLIC_SCOPE, id))
  })
  return router
}
