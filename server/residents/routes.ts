// /api/v1/residents: the resident register (实有人口). List (filters: flagged ones whose house was
// demolished, kind, the house they are linked to now, moved out), read, create, edit, move (history
// kept), link to a further house, the residence history, unmask with a reason. The register and
// the ID-number search source are registered here.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { registerSearchSource } from '../search/registry.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { idNumberLookup } from '../privacy/idNumber.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES, registerAccess, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { unmask } from '../registers/routeKit.ts'
import { sqlFile } from '../db/sql.ts'
import { peopleMessagesZh } from '../houses/messagesZh.ts'
import { listRoute, peopleUnmasking } from '../houses/peopleRoutes.ts'
import { cityOf, rowErrorToHttp } from '../houses/register.ts'
import { idParam } from '../houses/routes.ts'
import { reasonSchema } from '../houses/schema.ts'
import { linkSchema, moveSchema, residentPatchSchema, residentQuery, residentRowSchema } from './schema.ts'
import { ID_CONTEXT, listResidents, readResident, residentItem } from './store.ts'
import { writeResidents } from './write.ts'
import { linkResident, moveResident, patchResident, residentNotFound } from './move.ts'
import { residentRegister } from './register.ts'
import { residentSource } from './search.ts'

function residentId(ctx: Context): number {
  return validate(idParam, ctx.params.id, 'resident id')
}

export function residentRoutes(app: AppContext): Router {
  registerMessages('zh', peopleMessagesZh)
  defineRegister(residentRegister)
  registerSearchSource(residentSource)
  const router = new Router({ prefix: '/api/v1/residents' })
  const { knex } = app
  const readers = requireRole(...PEOPLE_ROLES)
  const writers = requireRole(...REGISTER_WRITE_ROLES)

  const answer = async (ctx: Context, id: number, status = 200) => {
    const p = principalOf(ctx)
    const row = await readResident(knex, p, cityOf(p), id)
    if (!row) throw residentNotFound(id)
    ctx.status = status
    ctx.set('Cache-Control', 'no-store')
    ctx.body = residentItem(p, row, await servedGridsOf(ctx, knex, p))
  }

  router.get('/', readers, listRoute(knex, residentQuery, listResidents, residentItem))

  router.get('/:id', readers, async (ctx) => answer(ctx, residentId(ctx)))

  router.get('/:id/residences', readers, async (ctx) => {
    const p = principalOf(ctx)
    const id = residentId(ctx)
    const row = await readResident(knex, p, cityOf(p), id)
    if (!row) throw residentNotFound(id)
    const access = registerAccess(p, { communityCode: row.community_code, gridCode: row.grid_code }, await servedGridsOf(ctx, knex, p))
    const { rows } = await knex.raw(sqlFile('people/residence_history'), { id }) as {
      rows: { id: string; house_id: string; full_address: string; role: string; valid_from: Date; valid_to: Date | null; reason: string | null }[]
    }
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      items: rows.map((h) => ({
        id: Number(h.id), houseId: Number(h.house_id), role: h.role, validFrom: h.valid_from.toISOString(), validTo: h.valid_to?.toISOString() ?? null,
        reason: h.reason, houseAddress: access === 'full' ? h.full_address : null,
      })),
    }
  })

  router.post('/', writers, async (ctx) => {
    const p = principalOf(ctx)
    const city = cityOf(p)
    const body = validate(residentRowSchema, ctx.request.body ?? {})
    const id = await knex.transaction(async (trx) => {
      const indexes = idNumberLookup(dataKeyring(), body.idNumber, ID_CONTEXT)
      const existing = indexes.length ? await trx('resident').whereIn('id_number_index', indexes).first('id', 'community_code') as { id: string; community_code: string } | undefined : undefined
      if (existing) {
        const inside = p.jurisdiction.covers(existing.community_code)
        throw new AppError(409, 'conflict', `idNumber: the person is registered already${inside ? ` (resident ${existing.id})` : ' outside your jurisdiction'}`,
          { errors: [{ field: 'idNumber', message: 'registered already' }] }).coded(inside ? 'residents.exists' : 'residents.elsewhere', inside ? { id: Number(existing.id) } : {})
      }
      try {
        return (await writeResidents(trx, [body], p, city, [1], 'created')).ids[0]!
      } catch (err) {
        throw rowErrorToHttp(err)
      }
    })
    ctx.set('Location', `/api/v1/residents/${id}`)
    await answer(ctx, id, 201)
  })

  router.patch('/:id', writers, async (ctx) => {
    const p = principalOf(ctx)
    const id = residentId(ctx)
    await patchResident(knex, p, cityOf(p), id, validate(residentPatchSchema, ctx.request.body ?? {}))
    await answer(ctx, id)
  })

  router.post('/:id/move', writers, async (ctx) => {
    const p = principalOf(ctx)
    const id = residentId(ctx)
    await moveResident(knex, p, cityOf(p), id, validate(moveSchema, ctx.request.body ?? {}))
    await answer(ctx, id)
  })

  router.post('/:id/residences', writers, async (ctx) => {
    const p = principalOf(ctx)
    const id = residentId(ctx)
    await linkResident(knex, p, cityOf(p), id, validate(linkSchema, ctx.request.body ?? {}))
    await answer(ctx, id, 201)
  })

  const unmasks = peopleUnmasking(knex, 'residents', (p, city, id) => readResident(knex, p, city, id), residentNotFound,
    (p, id) => new AppError(403, 'forbidden', `role ${p.role} may not unmask resident ${id}`).coded('residents.unmask_forbidden', { role: p.role, id }),
    (row) => ({ values: { name: row.name, idNumber: dataKeyring().decrypt(row.id_number_sealed, ID_CONTEXT), phone: row.phone, houseAddress: row.house_address } }))
  router.post('/:id/unmask', readers, async (ctx) => {
    const id = residentId(ctx)
    const { reason } = validate(reasonSchema, ctx.request.body ?? {})
    await unmask(ctx, knex, unmasks, id, reason)
  })

  return router
}
