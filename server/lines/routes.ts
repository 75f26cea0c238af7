// /api/v1/lines: 护路护线 (issue 14, item 4). The register's REST shape, plus the components on a
// line and its records:
//   GET    /                      ?community=&grid=&q=&kind=&limit=&cursor=  → { items, next } (lines crossing the community / grid)
//   GET    /{id}                  with geometry (GeoJSON, EPSG:4490), communities and grids crossed (length in each)
//   POST   /                      the register's row (lineRowSchema) → 201
//   PATCH  /{id}                  any fields + version (409 registers.version_conflict when stale); verified: true stamps 核实
//   POST   /{id}/unmask           {reason}: the contact person and phone in full, audited first
//   GET    /{id}/components       ?limit=&after=  components within the line's tolerance
//   GET    /{id}/records          ?kind=&componentId=&limit=&cursor=  inspection / repair / replacement records, newest first
//   POST   /{id}/records          one record → 201
// Reads: PLACE_READ_ROLES; writes: REGISTER_WRITE_ROLES; jurisdiction by the community holding
// most of the line's length (404 outside; a write placing it outside answers 403).
import Router from '@koa/router'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { mountRest } from '../registers/restKit.ts'
import { idOf, nextLink, noRepeats } from '../registers/routeKit.ts'
import { lineMessagesZh } from './messagesZh.ts'
import { linesLayer } from './layer.ts'
import { createRecord, listComponents, listRecords } from './records.ts'
import { lineRegister } from './register.ts'
import { componentListQuery, linePatchSchema, lineRowSchema, listQuery, recordListQuery, recordSchema } from './schemas.ts'
import { createLine, lineExtras, listLines, readLine, updateLine } from './store.ts'
import { accessOf, lineItem } from './view.ts'

export function lineRoutes(app: AppContext): Router {
  registerMessages('zh', lineMessagesZh)
  defineRegister(lineRegister)
  app.catalogue.register(linesLayer)
  const router = new Router({ prefix: '/api/v1/lines' })
  const { knex } = app
  mountRest(router, knex, {
    path: '/api/v1/lines', what: 'line', listQuery, rowSchema: lineRowSchema, patchSchema: linePatchSchema,
    list: listLines, read: readLine, create: createLine, update: updateLine, access: accessOf, item: lineItem, extras: lineExtras,
    unmask: {
      type: 'lines',
      forbidden: (p, id) => new AppError(403, 'forbidden', `role ${p.role} may not unmask the contact of line ${id}`).coded('lines.unmask_forbidden', { role: p.role, id }),
      reveal: (row) => ({ values: { contactName: row.contact_name, contactPhone: row.contact_phone } }),
    },
  })
  const read = requireRole(...PLACE_READ_ROLES)
  const write = requireRole(...REGISTER_WRITE_ROLES)

  /** A page of what belongs to a line (components by `after`, records by `cursor`), with the link to the next. */
  const linePages = <Q>(name: string, key: string, schema: z.ZodType<Q>, list: (knex: Knex, p: Principal, id: number, q: Q) => Promise<{ items: unknown[]; next: string | null }>) =>
    router.get(`/:id/${name}`, read, async (ctx) => {
      noRepeats(ctx)
      const id = idOf(ctx)
      const q = validate(schema, ctx.query, 'query')
      const page = await list(knex, principalOf(ctx), id, q)
      ctx.body = { items: page.items, next: nextLink(ctx, `/api/v1/lines/${id}/${name}`, key, page.next) }
    })
  linePages('components', 'after', componentListQuery, listComponents)
  linePages('records', 'cursor', recordListQuery, listRecords)

  router.post('/:id/records', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(recordSchema, ctx.request.body, 'record')
    const record = await createRecord(knex, principalOf(ctx), id, body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/lines/${id}/records`)
    ctx.body = record
  })

  return router
}
