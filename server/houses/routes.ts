// /api/v1/houses: the house register (实有房屋). List, read, create, edit (optimistic, a demolition
// flags the residents), unmask the owner with a reason; the houses layer and the register's
// description for the generic engine are registered here.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { unmask } from '../registers/routeKit.ts'
import { peopleMessagesZh } from './messagesZh.ts'
import { housesLayer } from './layer.ts'
import { listRoute, peopleUnmasking } from './peopleRoutes.ts'
import { housePatchSchema, houseQuery, houseRowSchema, reasonSchema } from './schema.ts'
import { houseItem, listHouses, readHouse, writeHouses } from './store.ts'
import { houseNotFound, patchHouse } from './patch.ts'
import { cityOf, houseRegister, rowErrorToHttp } from './register.ts'

export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)

function houseId(ctx: Context): number {
  return validate(idParam, ctx.params.id, 'house id')
}

export function houseRoutes(app: AppContext): Router {
  registerMessages('zh', peopleMessagesZh)
  defineRegister(houseRegister)
  app.catalogue.register(housesLayer)
  const router = new Router({ prefix: '/api/v1/houses' })
  const { knex } = app
  const readers = requireRole(...PEOPLE_ROLES)
  const writers = requireRole(...REGISTER_WRITE_ROLES)

  router.get('/', readers, listRoute(knex, houseQuery, listHouses, houseItem))

  router.get('/:id', readers, async (ctx) => {
    const p = principalOf(ctx)
    const id = houseId(ctx)
    const row = await readHouse(knex, p, cityOf(p), id)
    if (!row) throw houseNotFound(id)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = houseItem(p, row, await servedGridsOf(ctx, knex, p))
  })

  router.post('/', writers, async (ctx) => {
    const p = principalOf(ctx)
    const city = cityOf(p)
    const body = validate(houseRowSchema, ctx.request.body ?? {})
    const id = await knex.transaction(async (trx) => {
      const existing = await trx('house').where({ city_code: city, full_address: body.fullAddress }).first('id') as { id: string } | undefined
      if (existing) {
        throw new AppError(409, 'conflict', `fullAddress: a house at ${body.fullAddress} is registered already (id ${existing.id})`,
          { errors: [{ field: 'fullAddress', message: 'taken' }] }).coded('houses.exists', { fullAddress: body.fullAddress, id: Number(existing.id) })
      }
      try {
        return (await writeHouses(trx, [body], p, city, [1])).ids[0]!
      } catch (err) {
        throw rowErrorToHttp(err)
      }
    })
    ctx.status = 201
    ctx.set('Location', `/api/v1/houses/${id}`)
    ctx.body = houseItem(p, (await readHouse(knex, p, city, id))!, await servedGridsOf(ctx, knex, p))
  })

  router.patch('/:id', writers, async (ctx) => {
    const p = principalOf(ctx)
    const id = houseId(ctx)
    const body = validate(housePatchSchema, ctx.request.body ?? {})
    const row = await patchHouse(knex, p, cityOf(p), id, body)
    ctx.body = houseItem(p, row, await servedGridsOf(ctx, knex, p))
  })

  const unmasks = peopleUnmasking(knex, 'houses', (p, city, id) => readHouse(knex, p, city, id), houseNotFound,
    (p, id) => new AppError(403, 'forbidden', `role ${p.role} may not unmask the owner of house ${id}`).coded('houses.unmask_forbidden', { role: p.role, id }),
    (row) => ({ values: { ownerName: row.owner_name, ownerPhone: row.owner_phone } }))
  router.post('/:id/unmask', readers, async (ctx) => {
    const id = houseId(ctx)
    const { reason } = validate(reasonSchema, ctx.request.body ?? {})
    await unmask(ctx, knex, unmasks, id, reason)
  })

  return router
}
