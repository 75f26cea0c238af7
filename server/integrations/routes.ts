// /api/v1/integrations: third-party platforms, their outbox and delivery log (operators of the
// city command centre), and status feedback from the platforms (their system accounts).
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { sqlFile } from '../db/sql.ts'
import { receiveFeedback } from './feedback.ts'
import { registerIntegrationMessages } from './messagesZh.ts'
import { PLATFORM_CODE, platformFor, platformView, refuseInternalEndpoint, visibleCities, type PlatformRow } from './platforms.ts'

/** A feedback is a few hundred bytes; anything much larger is not one. */
const FEEDBACK_MAX_BYTES = 8 * 1024

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
}).strict()
export const deliveriesQuery = pageSchema.extend({ outboxId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }).strict()
export const messagesQuery = pageSchema.extend({ state: z.enum(['pending', 'delivered', 'dead', 'all']).default('all') }).strict()

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * A platform as the command centre configures it (PUT creates or replaces). A missing secret
 * keeps the one on file; `secret: null` removes it. Filters: null or absent = everything.
 */
export const platformSchema = z.object({
  name: z.string().trim().min(1).max(100),
  adapter: z.enum(['webhook']).default('webhook'),
  endpoint: z.string().max(2000).url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .refine((u) => !/\s/.test(u), 'must not contain spaces'),
  secret: z.string().min(16).max(200).nullable().optional(),
  actions: z.array(z.string().regex(/^[a-z_]{3,40}$/)).min(1).max(50).nullable().optional(),
  channels: z.array(z.string().regex(/^[a-z0-9_]{2,40}$/)).min(1).max(20).nullable().optional(),
  classPrefixes: z.array(z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2- or 4-digit class code')).min(1).max(100).nullable().optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  maxRejections: z.number().int().min(1).max(100).default(3),
  enabled: z.boolean().default(true),
}).strict()

export function integrationRoutes(app: AppContext): Router {
  registerIntegrationMessages()
  const router = new Router({ prefix: '/api/v1/integrations' })
  router.use(requireRole())
  const operators = requireRole('command_center')

  router.get('/', operators, async (ctx) => {
    const { rows } = await app.knex.raw(sqlFile('integrations/platforms'), { cities: visibleCities(principalOf(ctx)) }) as { rows: PlatformRow[] }
    ctx.body = { items: rows.map(platformView) }
  })

  // Create or replace a platform of the caller's city. A code another city uses is a 409.
  router.put('/:platform', operators, async (ctx) => {
    const p = principalOf(ctx)
    const code = String(ctx.params.platform)
    if (!PLATFORM_CODE.test(code)) throw badRequest(`platform code ${code} must be 2-40 lower-case letters, digits or _ starting with a letter`)
    const city = visibleCities(p)[0]
    if (!city) throw forbidden('only a city-level account configures platforms')
    const b = validate(platformSchema, ctx.request.body, 'platform')
    await refuseInternalEndpoint(b.endpoint, app.config.webhookAllowedNetworks ?? [])
    const existing = await app.knex('integration_platform').where({ code }).first('city_code')
    if (existing && existing.city_code !== city) throw new AppError(409, 'platform_code_taken', `platform code ${code} is used by another city`)
    const row = {
      code, city_code: city, name: b.name, adapter: b.adapter, endpoint: b.endpoint, actions: b.actions ?? null, channels: b.channels ?? null,
      class_prefixes: b.classPrefixes ?? null, timeout_ms: b.timeoutMs, max_rejections: b.maxRejections, enabled: b.enabled,
      ...(b.secret !== undefined ? { secret: b.secret } : {}),
    }
    await app.knex('integration_platform').insert(row).onConflict('code').merge()
    ctx.status = existing ? 200 : 201
    ctx.body = platformView(await platformFor(app.knex, p, code))
  })

  router.get('/:platform/outbox', operators, async (ctx) => {
    const platform = await platformFor(app.knex, principalOf(ctx), String(ctx.params.platform))
    const q = validate(messagesQuery, ctx.query, 'query')
    const { rows } = await app.knex.raw(sqlFile('integrations/messages'), { platform: platform.code, before: q.before ?? null, state: q.state, limit: q.limit })
    ctx.body = {
      platform: platform.code,
      items: rows.map((r: Record<string, Date | null | string | number>) => ({
        id: Number(r.id), key: r.key, eventNumber: r.event_number, seq: r.event_seq, action: r.action, attempts: r.attempts,
        state: r.delivered_at ? 'delivered' : r.dead_at ? 'dead' : 'pending', createdAt: iso(r.created_at as Date),
        nextAttemptAt: r.delivered_at || r.dead_at ? null : iso(r.available_at as Date),
        deliveredAt: iso(r.delivered_at as Date | null), deadAt: iso(r.dead_at as Date | null), lastError: r.last_error, lastStatusCode: r.last_status_code,
      })),
      nextBefore: rows.length === q.limit ? Number(rows[rows.length - 1].id) : null,
    }
  })

  router.get('/:platform/deliveries', operators, async (ctx) => {
    const platform = await platformFor(app.knex, principalOf(ctx), String(ctx.params.platform))
    const q = validate(deliveriesQuery, ctx.query, 'query')
    const { rows } = await app.knex.raw(sqlFile('integrations/deliveries'), {
      platform: platform.code, before: q.before ?? null, outboxId: q.outboxId ?? null, limit: q.limit,
    })
    ctx.body = {
      platform: platform.code,
      items: rows.map((r: Record<string, Date | null | string | number>) => ({
        id: Number(r.id), outboxId: Number(r.outbox_id), key: r.key, attempt: r.attempt, at: iso(r.at as Date), outcome: r.outcome,
        statusCode: r.status_code, error: r.error, durationMs: r.duration_ms, response: r.response,
      })),
      nextBefore: rows.length === q.limit ? Number(rows[rows.length - 1].id) : null,
    }
  })

  // Sends a message again now: a dead letter after the platform was fixed, or a pending one
  // without waiting for its back-off. A delivered message stays delivered (409).
  router.post('/:platform/outbox/:id/retry', operators, async (ctx) => {
    const platform = await platformFor(app.knex, principalOf(ctx), String(ctx.params.platform))
    const id = /^[1-9][0-9]{0,15}$/.test(String(ctx.params.id)) ? Number(ctx.params.id) : NaN
    const row = Number.isSafeInteger(id) ? await app.knex('outbox').where({ id, platform_code: platform.code }).first('id', 'delivered_at') : undefined
    if (!row) throw notFound(`no outbox message ${ctx.params.id} for platform ${platform.code}`)
    if (row.delivered_at) throw new AppError(409, 'already_delivered', `message ${id} was delivered at ${row.delivered_at.toISOString()}`)
    const [updated] = await app.knex('outbox').where({ id }).whereNull('delivered_at')
      .update({ dead_at: null, available_at: new Date() }).returning(['id', 'attempts'])
    if (!updated) throw new AppError(409, 'already_delivered', `message ${id} was delivered meanwhile`)
    ctx.body = { id, state: 'pending', attempts: updated.attempts, nextAttemptAt: new Date().toISOString() }
  })

  router.post('/:platform/feedback', requireRole('external_system', 'command_center'), async (ctx) => {
    const p = principalOf(ctx)
    const platform = await platformFor(app.knex, p, String(ctx.params.platform), true)
    const size = Buffer.byteLength(JSON.stringify(ctx.request.body ?? null))
    if (size > FEEDBACK_MAX_BYTES) throw new AppError(413, 'payload_too_large', `a feedback body is at most ${FEEDBACK_MAX_BYTES} bytes, this one ${size}`)
    const r = await receiveFeedback(app.knex, p, platform, ctx.request.body)
    ctx.status = r.replayed ? 200 : 201
    ctx.body = { platform: platform.code, ...r }
  })
  return router
}
