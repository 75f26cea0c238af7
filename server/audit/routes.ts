// GET /api/v1/audit: the access audit (访问日志) for the auditor (审计员) only, newest first with a
// keyset cursor, as JSON or CSV. Nobody writes or deletes rows through the API: there is no other
// route here, and the table refuses both (migration 0032). The command centre does not read it:
// the audited must not audit themselves (separation of duties, 等保 三员分立).
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { instantSchema } from '../http/dates.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { ACTIONS, AUDIT_PATH } from './rows.ts'
import { auditMessagesZh } from './messagesZh.ts'
import { toCsv } from './csv.ts'
import { view, type AuditRowRead } from './view.ts'

/** Who reads the audit (capabilities.ts offers the 访问日志 panel from this list). */
export const AUDIT_READERS: readonly Role[] = ['auditor']

const querySchema = z.object({
  user: z.string().regex(/^[A-Za-z0-9_.-]{2,64}$/, 'must be a login name').optional(),
  action: z.enum(ACTIONS).optional(),
  resourceType: z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, 'must be a collection name such as events').optional(),
  resourceId: z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u, 'must not hold control characters').optional(),
  requestId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a request id (letters, digits . _ -, at most 64)').optional(),
  from: instantSchema().optional(),
  to: instantSchema().optional(),
  personal: z.enum(['true', 'false']).optional(),
  limit: z.string().regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000').transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'must be a whole number from 1 to 1000').optional(),
  cursor: z.string().max(200).optional(),
  format: z.enum(['json', 'csv']).optional(),
}).strict()


export function auditRoutes(app: AppContext): Router {
  registerMessages('zh', auditMessagesZh)
  const router = new Router()
  router.get(AUDIT_PATH, requireRole(...AUDIT_READERS), async (ctx) => {
    const q = validate(querySchema, ctx.query, 'query')
    if (q.from && q.to && q.to <= q.from) {
      throw new AppError(400, 'validation_failed', 'invalid query: to: must be later than from', { errors: [{ field: 'to', message: 'must be later than from' }] })
        .coded('audit.bad_range')
    }
    const c = q.cursor ? decodeTimeCursor(q.cursor) : null
    const limit = q.limit ?? 100
    const { rows } = await app.knex.raw(sqlFile('audit/list'), {
      city: principalOf(ctx).cityCode ?? '', username: q.user ?? null, action: q.action ?? null, resourceType: q.resourceType ?? null,
      resourceId: q.resourceId ?? null, requestId: q.requestId ?? null, personal: q.personal === undefined ? null : q.personal === 'true',
      from: q.from ?? null, to: q.to ?? null, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: limit + 1,
    }) as { rows: AuditRowRead[] }
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const next = rows.length > limit && last ? encodeTimeCursor(last.cursor_t, last.id) : null
    ctx.set('Cache-Control', 'no-store')
    if (q.format === 'csv') {
      if (next) ctx.set('X-Next-Cursor', next)
      ctx.type = 'text/csv; charset=utf-8'
      ctx.attachment('access-audit.csv')
      ctx.body = toCsv(page.map(view))
      return
    }
    ctx.body = { items: page.map(view), next }
  })
  return router
}
