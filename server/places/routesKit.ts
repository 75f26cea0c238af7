// The REST shape every register shares, for a RegisterTable: list, one, create, patch, unmask,
// and its registration with the generic layer (server/registers/registry.ts).
//   GET    /?community=&grid=&kind=&q=&limit=&cursor=   → { items, next }
//   GET    /{id}
//   POST   /                    (body: the register's rowSchema) → 201
//   PATCH  /{id}                (any fields + version; 409 when stale)
//   POST   /{id}/unmask {reason} (the personal fields in full, recorded in the access audit first)
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, registerAccess, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { idReader, noRepeats, unmask, type Unmasking } from '../registers/routeKit.ts'
import { personalKinds, readRow, rowView, type RegisterTable, type Row } from './register.ts'
import { idParam, unmaskBody } from './schemas.ts'
import { createRow, exportRows, importRows, inGrids, listRows, patchRow, type ListQuery } from './store.ts'
import { registerRowWriter } from '../ogc/wfs/transactionRows.ts'

export interface RegisterRoutes {
  table: RegisterTable
  title: string
  layer: string
  listQuery: z.ZodType<ListQuery>
  patchSchema: z.ZodType<Record<string, unknown> & { version: number; verified?: boolean | undefined }>
}

export const readers = () => requireRole(...PLACE_READ_ROLES)
export const writers = () => requireRole(...REGISTER_WRITE_ROLES)

export const idOf = idReader(idParam)
export { noRepeats }

/** Defines the register (import, export, grid view) and mounts its REST routes. */
export function mountRegister(router: Router, app: AppContext, spec: RegisterRoutes): void {
  const { knex } = app
  const t = spec.table
  defineRegister({
    name: t.register, title: spec.title, layer: spec.layer, columns: t.columns,
    readRoles: PLACE_READ_ROLES, writeRoles: REGISTER_WRITE_ROLES, rowSchema: t.rowSchema,
    importRows: (trx, rows, ctx) => importRows(trx, t, rows, ctx),
    exportRows: (db, p, filter) => exportRows(db, t, p, filter),
    inGrids: (db, p, grids, opts) => inGrids(db, t, p, grids, opts),
  })
  // WFS-T writes the register's layer through the same create and patch (server/ogc/wfs/transactionRows.ts)
  registerRowWriter({ layer: spec.layer, what: t.what, roles: REGISTER_WRITE_ROLES, rowSchema: t.rowSchema, patchSchema: spec.patchSchema,
    create: (trx, p, input) => createRow(trx, t, p, input), patch: (trx, p, id, input) => patchRow(trx, t, p, id, input) })

  const view = async (ctx: Context, id: number) => {
    const p = principalOf(ctx)
    return rowView(t, p, await readRow(knex, t, p, id), await servedGridsOf(ctx, knex, p))
  }

  router.get('/', readers(), async (ctx) => {
    noRepeats(ctx)
    const p = principalOf(ctx)
    const q = validate(spec.listQuery, ctx.query, 'query')
    ctx.body = await listRows(knex, t, p, q, await servedGridsOf(ctx, knex, p))
  })

  router.get('/:id', readers(), async (ctx) => {
    ctx.body = await view(ctx, idOf(ctx))
  })

  router.post('/', writers(), async (ctx) => {
    const body = validate(t.rowSchema, ctx.request.body ?? {}, t.what)
    const id = await createRow(knex, t, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/${t.register}/${id}`)
    ctx.body = await view(ctx, id)
  })

  router.patch('/:id', writers(), async (ctx) => {
    const id = idOf(ctx)
    const body = validate(spec.patchSchema, ctx.request.body ?? {}, t.what)
    await patchRow(knex, t, principalOf(ctx), id, body)
    ctx.body = await view(ctx, id)
  })

  const unmasks: Unmasking<Row> = {
    type: t.register,
    read: (_ctx, p, id) => readRow(knex, t, p, id),
    masked: async (ctx, p, row) => registerAccess(p, { communityCode: row.community_code, gridCode: row.grid_code }, await servedGridsOf(ctx, knex, p)) === 'masked',
    forbidden: (p, id) => new AppError(403, 'forbidden', `role ${p.role} may not unmask personal fields of ${t.what} ${id}`).coded('places.unmask_forbidden', { role: p.role, what: t.what, id }),
    reveal: (row) => {
      const kinds = personalKinds(t)
      return { values: Object.fromEntries(t.fields.filter((f) => kinds[f.name]).map((f) => [f.name, (row[f.column] as string | null) ?? null])) }
    },
    nested: true,
  }
  router.post('/:id/unmask', readers(), async (ctx) => {
    const id = idOf(ctx)
    const { reason } = validate(unmaskBody, ctx.request.body ?? {}, 'unmask')
    await unmask(ctx, knex, unmasks, id, reason)
  })
}
