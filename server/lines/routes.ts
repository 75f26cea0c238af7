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
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { recordUnmask } from '../audit/write.ts'
import { PLACE_READ_ROLES, REGISTER_WRITE_ROLES, servedGridsOf } from '../registers/access.ts'
import { defineRegister } from '../registers/registry.ts'
import { lineMessagesZh } from './messagesZh.ts'
import { linesLayer } from './layer.ts'
import { createRecord, listComponents, listRecords } from './records.ts'
import { lineRegister } from './register.ts'
import { componentListQuery, idParam, linePatchSchema, lineRowSchema, listQuery, recordListQuery, recordSchema, unmaskSchema } from './schemas.ts'
import { createLine, lineExtras, listLines, readLine, updateLine } from './store.ts'
import { accessOf, lineItem } from './view.ts'

const idOf = (ctx: Context) => validate(z.object({ id: idParam }), { id: ctx.params.id }, 'path').id

function noRepeats(ctx: Context): void {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
}

const nextLink = (ctx: Context, path: string, key: string, value: string | null) => {
  if (value === null) return null
  const rest = Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== key)) as Record<string, string>
  return `${path}?${new URLSearchParams({ ...rest, [key]: value })}`
}

export function lineRoutes(app: AppContext): Router {
  registerMessages('zh', lineMessagesZh)
  defineRegister(lineRegister)
  app.catalogue.register(linesLayer)
  const router = new Router({ prefix: '/api/v1/lines' })
  const { knex } = app
  const read = requireRole(...PLACE_READ_ROLES)
  const write = requireRole(...REGISTER_WRITE_ROLES)

  const answer = async (ctx: Context, id: number) => {
    const p = principalOf(ctx)
    const row = await readLine(knex, p, id)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { ...lineItem(row, accessOf(p, row, await servedGridsOf(ctx, knex, p))), ...await lineExtras(knex, id) }
  }

  router.get('/', read, async (ctx) => {
    noRepeats(ctx)
    const q = validate(listQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const { rows, next } = await listLines(knex, p, q)
    const grids = await servedGridsOf(ctx, knex, p)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { items: rows.map((r) => lineItem(r, accessOf(p, r, grids))), next: nextLink(ctx, '/api/v1/lines', 'cursor', next) }
  })

  router.get('/:id', read, async (ctx) => answer(ctx, idOf(ctx)))

  router.post('/', write, async (ctx) => {
    const body = validate(lineRowSchema, ctx.request.body, 'line')
    const id = await createLine(knex, principalOf(ctx), body)
    ctx.status = 201
    ctx.set('Location', `/api/v1/lines/${id}`)
    await answer(ctx, id)
  })

  router.patch('/:id', write, async (ctx) => {
    const id = idOf(ctx)
    const body = validate(linePatchSchema, ctx.request.body, 'line')
    await updateLine(knex, principalOf(ctx), id, body)
    await answer(ctx, id)
  })

  router.post('/:id/unmask', read, async (ctx) => {
    const p = principalOf(ctx)
    const id = idOf(ctx)
    const { reason } = validate(unmaskSchema, ctx.request.body ?? {}, 'unmask')
    const row = await readLine(knex, p, id)
    if (accessOf(p, row, await servedGridsOf(ctx, knex, p)) === 'masked') {
      throw new AppError(403, 'forbidden', `role ${p.role} may not unmask the contact of line ${id}`).coded('lines.unmask_forbidden', { role: p.role, id })
    }
    const contact = { contactName: row.contact_name, contactPhone: row.contact_phone }
    const fields = Object.entries(contact).filter(([, v]) => v !== null && v !== '').map(([k]) => k)
    const audit = await recordUnmask(knex, ctx, p, { type: 'lines', id: String(id), recordId: id, communityCode: row.community_code, fields }, reason)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { id, fields, ...contact, audit: { id: audit.id, at: audit.at.toISOString() } }
  })

  router.get('/:id/components', read, async (ctx) => {
    noRepeats(ctx)
    const id = idOf(ctx)
    const q = validate(componentListQuery, ctx.query, 'query')
    const page = await listComponents(knex, principalOf(ctx), id, q)
    ctx.body = { items: page.items, next: nextLink(ctx, `/api/v1/lines/${id}/components`, 'after', page.next) }
  })

  router.get('/:id/records', read, async (ctx) => {
    noRepeats(ctx)
    const id = idOf(ctx)
    const q = validate(recordListQuery, ctx.query, 'query')
    const page = await listRecords(knex, principalOf(ctx), id, q)
    ctx.body = { items: page.items, next: nextLink(ctx, `/api/v1/lines/${id}/records`, 'cursor', page.next) }
  })

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
