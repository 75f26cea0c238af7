// /api/v1/vehicles: 实有车辆 (issue 14, item 4). The register's REST shape:
//   GET    /               ?community=&grid=&q=&kind=&use=&limit=&cursor=  → { items, next }
//   GET    /{id}
//   POST   /               the register's row (vehicleRowSchema) → 201
//   PATCH  /{id}           any fields + version (409 registers.version_conflict when stale); verified: true stamps 核实
//   POST   /{id}/unmask    {reason}: the owner's name, phone and ID number in full, audited first
// Reads: PLACE_READ_ROLES; writes: REGISTER_WRITE_ROLES; jurisdiction by the community of the
// owner's registration (404 outside; a write placing a vehicle outside answers 403).
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { messageFor, registerMessages } from '../http/messages/registry.ts'
import { recordUnmask } from '../audit/write.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { vehicleMessagesZh } from './messagesZh.ts'
import { vehicleRegister } from './register.ts'
import { idParam, listQuery, unmaskSchema, vehiclePatchSchema, vehicleRowSchema } from './schemas.ts'
import { createVehicle, listVehicles, readVehicle, updateVehicle } from './store.ts'
import { accessOf, ownerInFull, vehicleItem } from './view.ts'

const idOf = (ctx: Context) => validate(z.object({ id: idParam }), { id: ctx.params.id }, 'path').id

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

export function vehicleRoutes(app: AppContext): Router {
  registerMessages('zh', vehicleMessagesZh)
  // registers.version_conflict, the register contract's code: the same wording as the other registers
  if (messageFor('zh', 'registers.version_conflict') === undefined) {
    registerMessages('zh', { 'registers.version_conflict': '记录已被他人修改（当前第 {version} 版），请刷新后重试' })
  }
  defineRegister(vehicleRegister)
  const router = new Router({ prefix: '/api/v1/vehicles' })
  const { knex } = app
  const read = requireRole(...PLACE_READ_ROLES)
  const write = requireRole(...REGISTER_WRITE_ROLES)

  const answer = async (ctx: Context, id: number) => {
    const p = principalOf(ctx)
    const row = await readVehicle(knex, p, id)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = vehicleItem(row, accessOf(p, row, await servedGridsOf(ctx, knex, p)))
  }

  router.get('/', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const { rows, next } = await listVehicles(knex, p, q)
    const grids = await servedGridsOf(ctx, knex, p)
    const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== 'cursor')) as Record<string, string>
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      items: rows.map((r) => vehicleItem(r, accessOf(p, r, grids))),
      next: next === null ? null : `/api/v1/vehicles?${new URLSearchParams({ ...rest, cursor: next })}`,
    }
  })

  router.get('/:id', read, async (ctx) => answer(ctx, idOf(ctx)))

  router.post('/', write, async (ctx) => {
    const body = validate(vehicleRowSchema, ctx.request.body, 'vehicle')
    const id = await createVehicle(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/vehicles/${id}`)
    await answer(ctx, id)
  })

  router.patch('/:id', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(vehiclePatchSchema, ctx.request.body, 'vehicle')
    await updateVehicle(knex, principalOf(ctx), id, body)
    await answer(ctx, id)
  })

  router.post('/:id/unmask', read, async (ctx) => {
    const p = principalOf(ctx)
    const id = idOf(ctx)
    const { reason } = validate(unmaskSchema, ctx.request.body ?? {}, 'unmask')
    const row = await readVehicle(knex, p, id)
    if (accessOf(p, row, await servedGridsOf(ctx, knex, p)) === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask the owner of vehicle ${id}`).coded('vehicles.unmask_forbidden', { role: p.role, id })
    }
    const owner = ownerInFull(row)
    const fields = Object.entries(owner).filter(([, v]) => v !== null && v !== '').map(([k]) => k)
    const audit = await recordUnmask(knex, ctx, p, { type: 'vehicles', id: String(id), recordId: id, communityCode: row.community_code, fields }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { id, fields, ...owner, audit: { id: audit.id, at: audit.at.toISOString() } }
  })

  return router
}
