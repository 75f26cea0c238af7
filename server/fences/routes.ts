// /api/v1/fences: electronic fences (polygon, circle, corridor, grid) with their rules and
// schedule; and /api/v1/fence-alerts (alertRoutes.ts). Staff of an area write the fences of
// their jurisdiction; analysts, departments and external systems read. A fence belongs to an
// area (admin_code): outside the caller's jurisdiction it answers 404 like a missing one, and a
// write naming an area outside it answers 403 (the caller named the place, nothing leaks).
// DELETE deactivates: the fence and its alerts stay as history.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { encodeCursor, fenceFeature, fenceView, listFences, readFence } from './repository.ts'
import { createFence, deactivateFence, updateFence } from './writes.ts'
import { addAlertRoutes, stringQuery } from './alertRoutes.ts'
import * as s from './schemas.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { fenceMessagesZh } from './messagesZh.ts'

/** Roles that create and change fences (inside their jurisdiction). */
export const FENCE_WRITERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
/** Roles that read fences and their alerts. */
export const FENCE_READERS: Role[] = [...FENCE_WRITERS, 'gis_analyst', 'department', 'external_system']

function idOf(ctx: Context): number {
  return validate(s.idParam, ctx.params.id, 'fence id')
}

export function fenceRoutes(app: AppContext): Router {
  registerMessages('zh', fenceMessagesZh)
  const router = new Router({ prefix: '/api/v1' })
  const { knex } = app
  const readers = requireRole(...FENCE_READERS)
  const writers = requireRole(...FENCE_WRITERS)

  const answer = async (ctx: Context, id: number, f: 'json' | 'geojson' = 'json') => {
    const row = await readFence(knex, principalOf(ctx).jurisdiction, id)
    if (!row) throw notFound(`no fence ${id} in your jurisdiction`)
    if (f === 'geojson') ctx.type = 'application/geo+json'
    ctx.body = f === 'geojson' ? fenceFeature(row) : fenceView(row)
  }

  router.get('/fences', readers, async (ctx) => {
    const q = validate(s.listQuery, ctx.query, 'query')
    const rows = await listFences(knex, principalOf(ctx).jurisdiction, q)
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    const next = last ? `/api/v1/fences?${new URLSearchParams({ ...stringQuery(ctx), cursor: encodeCursor(Number(last.id)) })}` : null
    if (q.f === 'geojson') {
      ctx.type = 'application/geo+json'
      ctx.body = { type: 'FeatureCollection', numberReturned: rows.length, next, features: rows.map(fenceFeature) }
    } else {
      ctx.body = { items: rows.map(fenceView), next }
    }
  })

  router.get('/fences/:id', readers, async (ctx) => {
    const { f } = validate(s.readQuery, ctx.query, 'query')
    await answer(ctx, idOf(ctx), f)
  })

  router.post('/fences', writers, async (ctx) => {
    const body = validate(s.createSchema, ctx.request.body, 'fence')
    const id = await createFence(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/fences/${id}`)
    await answer(ctx, id)
  })

  router.put('/fences/:id', writers, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(s.updateSchema, ctx.request.body, 'fence')
    await updateFence(knex, principalOf(ctx), id, body)
    await answer(ctx, id)
  })

  router.delete('/fences/:id', writers, async (ctx) => {
    const id = idOf(ctx)
    await deactivateFence(knex, principalOf(ctx), id)
    await answer(ctx, id)
  })

  addAlertRoutes(router, app, readers, writers)
  return router
}
