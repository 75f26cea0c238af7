// /api/v1/utility-usage (水煤气用量, issue 19 item 2): the monthly import per household and the
// months the rule flagged (rule.ts), for the roles that may see the people register
// (registers/access.ts PEOPLE_ROLES) inside their jurisdiction: usage tells who is at home.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { PEOPLE_ROLES, REGISTER_WRITE_ROLES } from '../registers/access.ts'
import { declaredFormat, readUpload } from '../registers/upload.ts'
import { isZip, readSheet } from '../registers/sheet.ts'
import { importUsage, UTILITY_TITLES } from './importer.ts'
import { RULE } from './rule.ts'
import { registerUtilityMessages } from './messagesZh.ts'

export const flagsQuery = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM').optional(),
  kind: z.enum(['drop', 'spike']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict()

export function utilityUsageRoutes(app: AppContext): Router {
  registerUtilityMessages()
  const router = new Router({ prefix: '/api/v1/utility-usage' })
  const { knex } = app
  router.use(async (ctx, next) => {
    await next()
    ctx.set('Cache-Control', 'no-store')
  })

  router.post('/imports', requireRole(...REGISTER_WRITE_ROLES), async (ctx) => {
    const declared = declaredFormat(ctx)
    const bytes = await readUpload(ctx)
    const format = declared === 'sniff' ? (isZip(bytes) ? 'xlsx' : 'csv') : declared
    const sheet = await readSheet(bytes, { format, charset: ctx.request.charset || undefined })
    ctx.body = { format, rule: RULE, ...await importUsage(knex, principalOf(ctx), sheet) }
  })

  router.get('/flags', requireRole(...PEOPLE_ROLES), async (ctx) => {
    const q = validate(flagsQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const rows = await p.jurisdiction.apply(knex('utility_flag as f').join('household as h', 'h.id', 'f.household_id'), 'f.community_code')
      .modify((b) => {
        if (q.month) b.where('f.month', `${q.month}-01`)
        if (q.kind) b.where('f.kind', q.kind)
      })
      .orderBy([{ column: 'f.month', order: 'desc' }, { column: 'f.id', order: 'desc' }]).limit(q.limit)
      .select('f.id', 'h.household_number', 'f.community_code', 'f.grid_code', 'f.utility', knex.raw("to_char(f.month, 'YYYY-MM') AS month"), 'f.kind',
        knex.raw('f.amount::float8 AS amount'), knex.raw('f.baseline::float8 AS baseline'), 'f.lone_elderly', 'f.notified', 'f.created_at') as {
        id: number; household_number: string; community_code: string; grid_code: string | null; utility: keyof typeof UTILITY_TITLES; month: string
        kind: 'drop' | 'spike'; amount: number; baseline: number; lone_elderly: boolean; notified: number; created_at: Date }[]
    ctx.body = {
      rule: RULE,
      items: rows.map((r) => ({
        id: Number(r.id), householdNumber: r.household_number, communityCode: r.community_code, gridCode: r.grid_code, utility: r.utility,
        utilityTitle: UTILITY_TITLES[r.utility], month: r.month, kind: r.kind, kindTitle: r.kind === 'drop' ? '独居老人用量骤降' : '用量激增',
        amount: r.amount, baseline: Math.round(r.baseline * 1000) / 1000, loneElderly: r.lone_elderly, notified: r.notified, flaggedAt: r.created_at.toISOString(),
      })),
    }
  })

  return router
}
