// /api/v1/resource-orders: 调派指令 — send a resource (a member's device or a vehicle) to a point or
// into a grid, optionally for an event, and follow it until it arrives (the order pass in the
// field loop, server/orders/pass.ts, moves the states on; the stream says so as 'order').
//   POST /                 send (201 with the order)
//   GET  /                 the orders inside the caller's jurisdiction (open ones by default)
//   GET  /{id}             one, with the distance left now and the track since sending
//   POST /{id}/cancel      cancel an open one
// Who: the roles that may dispatch events (the state machine's rule, DISPATCH_ROLES); what: the
// resources, grids, events and orders inside the caller's jurisdiction (404 otherwise).
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { DISPATCH_ROLES } from '../events/dispatchOptions.ts'
import { cancelSchema, orderCreateSchema, orderIdParam, orderListQuery } from './schemas.ts'
import { cancelOrder, createOrder, listOrders, readOrder } from './store.ts'

/** Who may send, read and cancel orders. */
export const ORDER_ROLES = DISPATCH_ROLES

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

const idOf = (ctx: Context) => validate(z.object({ id: orderIdParam }), { id: ctx.params.id }, 'path').id

export function orderRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/resource-orders' })
  const { knex } = app
  const dispatchers = requireRole(...ORDER_ROLES)

  router.post('/', dispatchers, async (ctx) => {
    const body = validate(orderCreateSchema, ctx.request.body, 'order')
    ctx.body = await createOrder(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/resource-orders/${(ctx.body as { id: number }).id}`)
  })

  router.get('/', dispatchers, async (ctx) => {
    noRepeats(ctx)
    const q = validate(orderListQuery, ctx.query, 'query')
    const page = await listOrders(knex, principalOf(ctx), q)
    const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== 'before')) as Record<string, string>
    ctx.body = { items: page.items, next: page.next === null ? null : `/api/v1/resource-orders?${new URLSearchParams({ ...rest, before: String(page.next) })}` }
  })

  router.get('/:id', dispatchers, async (ctx) => {
    const { order, track } = await readOrder(knex, principalOf(ctx), idOf(ctx))
    ctx.body = { ...order, track }
  })

  router.post('/:id/cancel', dispatchers, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(cancelSchema, ctx.request.body ?? {}, 'cancel')
    ctx.body = await cancelOrder(knex, principalOf(ctx), id, body.reason)
  })

  return router
}
