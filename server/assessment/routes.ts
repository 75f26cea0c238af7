// /api/v1/assessment-rules and /api/v1/assessments: versioned assessment rules (考核规则) and the
// snapshots of closed periods (考核快照) with their ranking. Rules and snapshots are the city's;
// the command centre writes them, analytics readers read them, each seeing the rows of the units
// inside their jurisdiction (ranks stay the city's).
import Router from '@koa/router'
import { z } from 'zod'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError, notFound } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { ANALYTICS_READERS } from '../analytics/routes.ts'
import { PERIOD_KINDS, parsePeriod, periodOf, type Period, type PeriodKind } from '../analytics/calendarPeriods.ts'
import { changeRule, changeRuleSchema, cityOf, createRule, createRuleSchema, day, latestRule, latestRules, ruleCode, ruleInForce,
  ruleVersions, text } from './rules.ts'
import { currentSnapshots, readChain, visibleRows, writeSnapshot, type Snapshot } from './snapshots.ts'

const kind = z.enum(PERIOD_KINDS, { message: `must be one of ${PERIOD_KINDS.join(', ')}` })
export const ruleAtQuery = z.object({ at: day.optional().describe('the version in force on this day (default: the latest version)') }).strict()
export const snapshotQuery = z.object({
  rule: ruleCode.optional(),
  kind: kind.optional(),
  period: z.string().max(10, 'at most 10 characters').optional().describe('a period label of `kind`: 2026-11-30, 2026-W48, 2026-11, 2026'),
  limit: z.string().regex(/^[0-9]{1,3}$/, 'must be a whole number 1-200').transform(Number)
    .pipe(z.number().int().min(1, 'must be 1-200').max(200, 'must be 1-200')).default(50),
}).strict()
export const snapshotBody = z.object({
  rule: ruleCode,
  kind,
  period: z.string().max(10, 'at most 10 characters'),
  reason: text(500).optional(),
}).strict()

/** Query strings: a repeated parameter is refused rather than one of its values chosen. */
function query<S extends z.ZodType>(ctx: Context, schema: S): z.output<S> {
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) throw new AppError(400, 'validation_failed', `invalid query: ${k}: given more than once`, { errors: [{ field: k, message: 'given more than once' }] })
  }
  return validate(schema, ctx.query, 'query')
}

const codeParam = (ctx: Context) => validate(z.object({ code: ruleCode }), { code: ctx.params.code }, 'path')
const badField = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `invalid request: ${field}: ${message}`, { errors: [{ field, message }] })

/** parsePeriod for a body field: the same 400 naming `period`, worded as the body's. */
function bodyPeriod(kind: PeriodKind, label: string): Period {
  try {
    return parsePeriod(kind, label)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    throw new AppError(err.status, err.type, err.detail.replace(/^invalid query/, 'invalid request body'), err.extra)
  }
}

export function assessmentRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1' })
  const { knex } = app
  const readers = requireRole(...ANALYTICS_READERS)
  const writers = requireRole('command_center')
  const shown = (ctx: Context, s: Snapshot) => ({ ...s, rows: visibleRows(principalOf(ctx), s) })

  router.get('/assessment-rules', readers, async (ctx) => {
    ctx.body = { items: await latestRules(knex, cityOf(principalOf(ctx))) }
  })

  router.post('/assessment-rules', writers, async (ctx) => {
    const p = principalOf(ctx)
    const b = validate(createRuleSchema, ctx.request.body)
    ctx.status = 201
    ctx.body = await createRule(knex, cityOf(p), p.userId, b)
  })

  router.get('/assessment-rules/:code', readers, async (ctx) => {
    const { code } = codeParam(ctx)
    const { at } = query(ctx, ruleAtQuery)
    const city = cityOf(principalOf(ctx))
    const rule = at === undefined ? await latestRule(knex, city, code) : await ruleInForce(knex, city, code, at)
    if (!rule) throw notFound(at === undefined || !(await latestRule(knex, city, code)) ? `no assessment rule ${code}` : `rule ${code} has no version in force on ${at}`)
    ctx.body = rule
  })

  router.get('/assessment-rules/:code/versions', readers, async (ctx) => {
    const { code } = codeParam(ctx)
    const items = await ruleVersions(knex, cityOf(principalOf(ctx)), code)
    if (items.length === 0) throw notFound(`no assessment rule ${code}`)
    ctx.body = { code, items }
  })

  router.put('/assessment-rules/:code', writers, async (ctx) => {
    const { code } = codeParam(ctx)
    const p = principalOf(ctx)
    const b = validate(changeRuleSchema, ctx.request.body)
    ctx.status = 201
    ctx.body = await changeRule(knex, cityOf(p), code, p.userId, b)
  })

  router.get('/assessments', readers, async (ctx) => {
    const q = query(ctx, snapshotQuery)
    const city = cityOf(principalOf(ctx))
    if (q.period !== undefined && q.kind === undefined) throw badField('kind', 'required with period')
    const label = q.period === undefined ? null : parsePeriod(q.kind!, q.period).label
    if (q.rule !== undefined && !(await latestRule(knex, city, q.rule))) throw badField('rule', `no assessment rule ${q.rule}`)
    const items = await currentSnapshots(knex, city, { code: q.rule ?? null, kind: q.kind ?? null, label, limit: q.limit })
    ctx.body = { items: items.map((s) => shown(ctx, s)) }
  })

  router.get('/assessments/:id', readers, async (ctx) => {
    const { id } = validate(z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a snapshot id').transform(Number) }),
      { id: ctx.params.id }, 'path')
    const [head, ...chain] = await readChain(knex, cityOf(principalOf(ctx)), id)
    if (!head) throw notFound(`no assessment snapshot ${id}`)
    ctx.body = { ...shown(ctx, head), chain: chain.map(({ rows: _rows, ...s }) => s) }
  })

  router.post('/assessments', writers, async (ctx) => {
    const p = principalOf(ctx)
    const city = cityOf(p)
    const b = validate(snapshotBody, ctx.request.body)
    const period = bodyPeriod(b.kind, b.period)
    const latest = await latestRule(knex, city, b.rule)
    if (!latest) throw badField('rule', `no assessment rule ${b.rule}`)
    const now = new Date()
    if (period.to > now) {
      throw new AppError(409, 'conflict', `period: ${period.label} has not ended (a snapshot is of a closed period; the current one is ${periodOf(b.kind, now).label})`,
        { errors: [{ field: 'period', message: 'has not ended yet' }] })
    }
    const made = await writeSnapshot(knex, city, b.rule, period, { userId: p.userId, reason: b.reason ?? null }, false, now)
    ctx.status = 201
    ctx.body = shown(ctx, made!)
  })

  return router
}
