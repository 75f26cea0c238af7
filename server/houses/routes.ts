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
import { recordUnmask } from '../audit/write.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES, registerAccess, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { peopleMessagesZh } from './messagesZh.ts'
import { housesLayer } from './layer.ts'
import { decodeIdCursor, encodeIdCursor } from './cursor.ts'
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

  router.get('/', readers, async (ctx) => {
    const p = principalOf(ctx)
    const q = validate(houseQuery, ctx.query, 'query')
    const rows = await listHouses(knex, p, cityOf(p), { ...q, after: decodeIdCursor(q.cursor), limit: q.limit + 1 })
    const grids = await servedGridsOf(ctx, knex, p)
    const page = rows.slice(0, q.limit)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { items: page.map((r) => houseItem(p, r, grids)), next: rows.length > q.limit ? encodeIdCursor(page[page.length - 1]!.id) : null }
  })

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

  router.post('/:id/unmask', readers, async (ctx) => {
    const p = principalOf(ctx)
    const id = houseId(ctx)
    const { reason } = validate(reasonSchema, ctx.request.body ?? {})
    const row = await readHouse(knex, p, cityOf(p), id)
    if (!row) throw houseNotFound(id)
    const access = registerAccess(p, { communityCode: row.community_code, gridCode: row.grid_code }, await servedGridsOf(ctx, knex, p))
    if (access === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask the owner of house ${id}`).coded('houses.unmask_forbidden', { role: p.role, id })
    }
    const fields = [row.owner_name ? 'ownerName' : null, row.owner_phone ? 'ownerPhone' : null].filter((f): f is string => f !== null)
    const audit = await recordUnmask(knex, ctx, p, { type: 'houses', id: String(id), recordId: id, communityCode: row.community_code, fields }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { id, fields, ownerName: row.owner_name, ownerPhone: row.owner_phone, audit: { id: audit.id, at: audit.at.toISOString() } }
  })

  return router
}
