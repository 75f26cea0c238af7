// /api/v1/exemplary-cases (重点公示, Heilongjiang 6.4.1.8): the centre pins well-handled events as
// exemplary cases, lists them (newest first, keyset pages, inside the caller's jurisdiction),
// reads one with how it was handled, and withdraws one (kept, stamped). And
// /api/v1/events/{number}/similar-cases: the cases offered beside an event, ranked and explained.
// The events router (server/events/routes.ts) answers its own paths only, so this router
// serves the similar-cases path under /events without touching it.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { AppError, notFound } from '../http/errors.ts'
import { checkArea } from '../analytics/filters.ts'
import { NUMBER, readEvent } from '../events/store.ts'
import { idParam, listQuery, PINNERS, pinBody, READERS, similarQuery, unpinQuery } from './schemas.ts'
import { caseView, getCase, listCases, pinCase, unpinCase } from './store.ts'
import { similarCases } from './similar.ts'
import { registerExemplaryMessages } from './messages.ts'

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

const stringQuery = (ctx: Context) =>
  Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string')) as Record<string, string>

export function exemplaryRoutes(app: AppContext): Router {
  registerExemplaryMessages()
  const router = new Router({ prefix: '/api/v1' })
  const { knex } = app
  const readers = requireRole(...READERS)
  const pinners = requireRole(...PINNERS)

  router.get('/exemplary-cases', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    if (q.area) await checkArea(knex, p.jurisdiction, q.area)
    const page = await listCases(knex, p, q)
    ctx.body = {
      items: page.rows.map((r) => caseView(r)), numberReturned: page.rows.length, next: page.next,
      nextHref: page.next ? `/api/v1/exemplary-cases?${new URLSearchParams({ ...stringQuery(ctx), cursor: page.next })}` : null,
    }
  })

  router.post('/exemplary-cases', pinners, async (ctx) => {
    const body = validate(pinBody, ctx.request.body)
    const c = await pinCase(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/exemplary-cases/${c.id}`)
    ctx.body = c
  })

  router.get('/exemplary-cases/:id', readers, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    ctx.body = await getCase(knex, principalOf(ctx), id)
  })

  router.delete('/exemplary-cases/:id', pinners, async (ctx) => {
    const { id } = validate(idParam, { id: ctx.params.id }, 'path')
    noRepeats(ctx)
    // the reason comes as a query parameter: DELETE requests carry no parsed body
    const q = validate(unpinQuery, ctx.query, 'query')
    ctx.body = await unpinCase(knex, principalOf(ctx), id, q.reason)
  })

  // Out-of-jurisdiction events answer 404 like missing ones, as on every event path.
  router.get('/events/:number/similar-cases', readers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(similarQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const number = String(ctx.params.number)
    const e = NUMBER.test(number) ? await readEvent(knex, number, p.jurisdiction, null) : undefined
    if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('exemplary.event_not_found', { number })
    ctx.body = await similarCases(knex, p, e, q.limit)
  })

  return router
}
