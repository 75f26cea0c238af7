// /api/v1/registers: the generic services of every register (registry.ts):
//   GET  /registers                       the registers the caller may read, their columns, canWrite
//   GET  /registers/mine                  the grid inspector's 一员多格 view (its grids, what is stale)
//   GET  /registers/grids/{code}          everything registered in one base grid
//   POST /registers/{name}/import         xlsx or CSV, all or nothing, dryRun; 413 / 415 / 422
//   GET  /registers/{name}/export         xlsx or CSV, filtered by the caller's rights, masked
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { messageFor, negotiateLanguage, registerMessages } from '../http/messages/registry.ts'
import { PLACE_READ_ROLES } from './access.ts'
import { allRegisters, registerNamed, type RegisterDef } from './registry.ts'
import { runRegisterImport, type RowProblem } from './importJob.ts'
import { exportRegister } from './exportJob.ts'
import { declaredFormat, readUpload } from './upload.ts'
import { DEFAULT_STALE_DAYS, gridView, mineView } from './views.ts'
import { registerMessagesZh } from './messagesZh.ts'

const flag = z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1')
const whole = (min: number, max: number) => z.string().regex(/^\d{1,5}$/, `must be a whole number from ${min} to ${max}`).transform(Number)
  .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)

export const importQuery = z.object({ dryRun: flag }).strict()
export const exportQuery = z.object({
  format: z.enum(['xlsx', 'csv']).optional(),
  community: z.string().regex(/^\d{4,12}$/, 'must be an admin code (4 to 12 digits)').optional(),
  grid: z.string().regex(/^\d{15}$/, 'must be a 15-digit base grid code').optional(),
  q: z.string().trim().min(1).max(50).regex(/^[^\p{Cc}]+$/u, 'must not hold control characters').optional(),
}).strict()
export const viewQuery = z.object({
  staleDays: whole(1, 3650).optional(),
  limit: whole(0, 500).optional(),
}).strict()
const nameParam = z.object({ name: z.string().regex(/^[a-z][a-z-]{1,39}$/, 'must be a register name such as residents') })
const codeParam = z.object({ code: z.string().regex(/^\d{15}$/, 'must be a 15-digit base grid code') })

/** The register a path names, readable (and for imports writable) by the caller; else 404 / 403. */
function registerFor(ctx: Context, write: boolean): RegisterDef {
  const { name } = validate(nameParam, ctx.params, 'path')
  const def = registerNamed(name)
  const p = principalOf(ctx)
  if (!def) throw notFound(`no register ${name}`).coded('registers.unknown', { name })
  if (!def.readRoles.includes(p.role)) throw forbidden(`role ${p.role} may not read ${name}`).coded('registers.forbidden', { name })
  if (write && !def.writeRoles.includes(p.role)) throw forbidden(`role ${p.role} may not import into ${name}`).coded('registers.read_only', { name })
  return def
}

/** Register metadata for the page: its columns, and what this caller may do. */
function describe(def: RegisterDef, p: Principal) {
  return {
    name: def.name, title: def.title, path: def.path ?? `/api/v1/${def.name}`, ...(def.layer ? { layer: def.layer } : {}),
    canWrite: def.writeRoles.includes(p.role), gridView: def.inGrids !== undefined,
    columns: def.columns.map((c) => ({
      name: c.name, title: c.title, type: c.type, required: c.required ?? false, readOnly: c.readOnly ?? false, list: c.list ?? false,
      ...(c.options ? { options: c.options } : {}), ...(c.personal ? { personal: c.personal } : {}), ...(c.maxLength ? { maxLength: c.maxLength } : {}),
    })),
  }
}

/** The row problems of a rejected import in the caller's language. */
function localise(ctx: Context, err: unknown): unknown {
  if (!(err instanceof AppError) || err.code !== 'registers.import_rejected' || negotiateLanguage(ctx.get('accept-language')) !== 'zh') return err
  const problems = (err.extra.problems as RowProblem[]).map((p) => {
    const zh = messageFor('zh', p.code, { ...p.params, message: p.message })
    return zh ? { ...p, message: zh } : p
  })
  return new AppError(err.status, err.type, err.detail, { ...err.extra, problems }).coded(err.code, err.params)
}

const viewOptions = (q: z.output<typeof viewQuery>) => ({ staleDays: q.staleDays ?? DEFAULT_STALE_DAYS, limit: q.limit ?? 100 })

export function registerRoutes(app: AppContext): Router {
  registerMessages('zh', registerMessagesZh)
  const router = new Router({ prefix: '/api/v1/registers' })

  router.get('/', requireRole(...PLACE_READ_ROLES), (ctx) => {
    const p = principalOf(ctx)
    ctx.body = { items: allRegisters().filter((d) => d.readRoles.includes(p.role)).map((d) => describe(d, p)) }
  })

  router.get('/mine', requireRole('grid_inspector'), async (ctx) => {
    const q = validate(viewQuery, ctx.query, 'query')
    ctx.body = await mineView(app.knexRead, principalOf(ctx), viewOptions(q))
  })

  router.get('/grids/:code', requireRole(...PLACE_READ_ROLES), async (ctx) => {
    const { code } = validate(codeParam, ctx.params, 'path')
    const q = validate(viewQuery, ctx.query, 'query')
    ctx.body = await gridView(app.knexRead, principalOf(ctx), code, viewOptions(q))
  })

  router.post('/:name/import', requireRole(...PLACE_READ_ROLES), async (ctx) => {
    const def = registerFor(ctx, true)
    const q = validate(importQuery, ctx.query, 'query')
    const format = declaredFormat(ctx)
    const bytes = await readUpload(ctx)
    try {
      ctx.body = await runRegisterImport(app.knex, principalOf(ctx), def, { bytes, format, charset: ctx.request.charset || undefined }, { dryRun: q.dryRun })
    } catch (err) {
      throw localise(ctx, err)
    }
  })

  router.get('/:name/export', requireRole(...PLACE_READ_ROLES), async (ctx) => {
    const def = registerFor(ctx, false)
    const q = validate(exportQuery, ctx.query, 'query')
    const file = await exportRegister(app.knexRead, principalOf(ctx), def, { community: q.community, grid: q.grid, q: q.q }, q.format ?? 'xlsx')
    ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`)
    ctx.set('Cache-Control', 'no-store')
    ctx.set('X-Row-Count', String(file.rows))
    ctx.type = file.contentType
    ctx.body = file.body
  })
  return router
}
