// /api/v1/knowledge (知识库, Heilongjiang 6.1.4): articles and their lifecycle, search, versions,
// ratings, favourites, corrections, citations from events, drafts from events, requests for
// missing knowledge and the department directory. Staff only (READERS); reviewing steps REVIEWERS.
// The public reads published public articles through /api/v1/public/knowledge (publicRoutes.ts).
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { AppError, forbidden } from '../http/errors.ts'
import {
  answerBody, citeBody, correctionBody, createBody, decisionBody, directoryBody, directoryQuery, fromEventBody, idParam, listQuery,
  patchBody, ratingBody, READERS, reasonBody, requestBody, reviewBody, simpleListQuery,
} from './schemas.ts'
import { articleView, insertArticle, listArticles, patchArticle, readArticle, scopeOf, versionsOf } from './articles.ts'
import { step } from './lifecycle.ts'
import { answerRequest, ask, correctionsOf, decideCorrection, favour, listRequests, rate, submitCorrection } from './engagement.ts'
import { citationsOf, cite, draftFromEvent } from './events.ts'
import { getDirectory, listDirectory, putDirectory } from './directory.ts'
import { registerKnowledgeMessages } from './messages.ts'

export function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

const idOf = (ctx: Context, name = 'id') => validate(idParam, { id: ctx.params[name] }, 'path').id

export function knowledgeRoutes(app: AppContext): Router {
  registerKnowledgeMessages()
  const router = new Router({ prefix: '/api/v1/knowledge' })
  const { knex } = app
  router.use(requireRole(...READERS))

  router.get('/', async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    ctx.body = await listArticles(knex, scopeOf(principalOf(ctx)), q)
  })

  router.post('/', async (ctx) => {
    const b = validate(createBody, ctx.request.body)
    const p = principalOf(ctx)
    if (!p.cityCode) throw forbidden('a principal without a city cannot write articles')
    const id = await knex.transaction((trx) => insertArticle(trx, p, { ...b, city: p.cityCode! }))
    ctx.status = 201
    ctx.set('Location', `/api/v1/knowledge/${id}`)
    ctx.body = await articleView(knex, scopeOf(p), await readArticle(knex, scopeOf(p), id))
  })

  router.post('/from-event', async (ctx) => {
    const b = validate(fromEventBody, ctx.request.body)
    const a = await draftFromEvent(knex, principalOf(ctx), b)
    ctx.status = 201
    ctx.set('Location', `/api/v1/knowledge/${a.id}`)
    ctx.body = a
  })

  router.get('/requests', async (ctx) => {
    noRepeats(ctx)
    const q = validate(simpleListQuery, ctx.query, 'query')
    ctx.body = await listRequests(knex, principalOf(ctx), q)
  })
  router.post('/requests', async (ctx) => {
    ctx.status = 201
    ctx.body = await ask(knex, principalOf(ctx), validate(requestBody, ctx.request.body))
  })
  router.post('/requests/:id/answer', async (ctx) => {
    ctx.body = await answerRequest(knex, principalOf(ctx), idOf(ctx), validate(answerBody, ctx.request.body))
  })

  router.get('/directory', async (ctx) => {
    noRepeats(ctx)
    ctx.body = await listDirectory(knex, principalOf(ctx), validate(directoryQuery, ctx.query, 'query'))
  })
  router.get('/directory/:code', async (ctx) => {
    ctx.body = await getDirectory(knex, principalOf(ctx), String(ctx.params.code))
  })
  router.put('/directory/:code', async (ctx) => {
    ctx.body = await putDirectory(knex, principalOf(ctx), String(ctx.params.code), validate(directoryBody, ctx.request.body))
  })

  router.get('/:id', async (ctx) => {
    const scope = scopeOf(principalOf(ctx))
    ctx.body = await articleView(knex, scope, await readArticle(knex, scope, idOf(ctx)))
  })
  router.patch('/:id', async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await patchArticle(knex, principalOf(ctx), id, validate(patchBody, ctx.request.body))
  })
  router.get('/:id/versions', async (ctx) => {
    ctx.body = await versionsOf(knex, scopeOf(principalOf(ctx)), idOf(ctx))
  })

  router.post('/:id/submit', async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await step(knex, principalOf(ctx), id, 'submit')
  })
  router.post('/:id/review', async (ctx) => {
    const id = idOf(ctx)
    const b = validate(reviewBody, ctx.request.body)
    ctx.body = await step(knex, principalOf(ctx), id, b.decision, b.reason ?? null)
  })
  router.post('/:id/publish', async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await step(knex, principalOf(ctx), id, 'publish')
  })
  router.post('/:id/withdraw', async (ctx) => {
    const id = idOf(ctx)
    const b = validate(reasonBody, ctx.request.body ?? {})
    ctx.body = await step(knex, principalOf(ctx), id, 'withdraw', b.reason ?? null)
  })

  router.put('/:id/rating', async (ctx) => {
    const id = idOf(ctx)
    ctx.body = await rate(knex, principalOf(ctx), id, validate(ratingBody, ctx.request.body).score)
  })
  router.put('/:id/favourite', async (ctx) => {
    ctx.body = await favour(knex, principalOf(ctx), idOf(ctx), true)
  })
  router.delete('/:id/favourite', async (ctx) => {
    ctx.body = await favour(knex, principalOf(ctx), idOf(ctx), false)
  })

  router.get('/:id/corrections', async (ctx) => {
    ctx.body = await correctionsOf(knex, principalOf(ctx), idOf(ctx))
  })
  router.post('/:id/corrections', async (ctx) => {
    const id = idOf(ctx)
    ctx.status = 201
    ctx.body = await submitCorrection(knex, principalOf(ctx), id, validate(correctionBody, ctx.request.body).content)
  })
  router.post('/:id/corrections/:cid/decision', async (ctx) => {
    const id = idOf(ctx)
    const cid = idOf(ctx, 'cid')
    const b = validate(decisionBody, ctx.request.body)
    ctx.body = await decideCorrection(knex, principalOf(ctx), id, cid, b.decision === 'accept', b.answer ?? null)
  })

  router.get('/:id/citations', async (ctx) => {
    ctx.body = await citationsOf(knex, principalOf(ctx), idOf(ctx))
  })
  router.post('/:id/citations', async (ctx) => {
    const id = idOf(ctx)
    ctx.status = 201
    ctx.body = await cite(knex, principalOf(ctx), id, validate(citeBody, ctx.request.body))
  })

  return router
}
