// /api/v1/exchange: the provincial link (全省一网运行) and open data.
// - the exchange format: GET / (kinds and schema links), GET /schemas/{name} (the JSON Schema files of docs/exchange/);
// - the province as an outbox platform of the caller's city: GET and PUT /province (command centre);
//   event changes, daily statistics and open-data catalogue entries go up through it (./pass.ts);
// - instructions from above: POST /instructions (the province's API key), GET /instructions (command centre);
// - open data, no sign-in: GET /open-data, GET /open-data/{city}/{dataset}.{csv|geojson} and /manifest.json, as the
//   daily pass wrote them (./openDataFiles.ts).
import fs from 'node:fs'
import path from 'node:path'
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { platformView, refuseInternalEndpoint, visibleCities, type PlatformRow } from '../integrations/platforms.ts'
import { exchangeMessagesZh } from './messagesZh.ts'
import { EXCHANGE_SCHEMA, SCHEMA_NAMES, schemaText, type SchemaName } from './schemas.ts'
import { provinceCode } from './messages.ts'
import { receiveInstruction } from './instructions.ts'
// the province's outbox adapter registers itself: a process serving the link can deliver to it
import './adapter.ts'
import { OPEN_DATASETS, type OpenDataset } from './openData.ts'
import { ensureOpenData, newestOpenData, openFileNames } from './openDataFiles.ts'
import { THRESHOLD } from '../analytics/reporters.ts'

/** An instruction is a few kilobytes; anything much larger is not one. */
export const INSTRUCTION_MAX_BYTES = 64 * 1024
const CITY = /^[0-9]{4}00$/

/** The province platform as the command centre configures it (PUT creates or replaces). */
export const provinceSchema = z.object({
  name: z.string().trim().min(1).max(100).default('省级平台'),
  endpoint: z.string().max(2000).url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .refine((u) => !/\s/.test(u), 'must not contain spaces'),
  secret: z.string().min(16).max(200).nullable().optional().describe('HMAC key of X-Gridgov-Signature; absent: kept, null: removed; never answered'),
  actions: z.array(z.string().regex(/^[a-z_]{3,40}$/)).min(1).max(50).nullable().optional().describe('event changes sent (null: all)'),
  classPrefixes: z.array(z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a 2- or 4-digit class code')).min(1).max(100).nullable().optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  maxRejections: z.number().int().min(1).max(100).default(3),
  enabled: z.boolean().default(true),
}).strict()

export const instructionsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict()

export function exchangeRoutes(app: AppContext): Router {
  registerMessages('zh', exchangeMessagesZh)
  const router = new Router({ prefix: '/api/v1/exchange' })
  const operators = requireRole('command_center')

  router.get('/', (ctx) => {
    ctx.body = {
      schema: EXCHANGE_SCHEMA, kinds: ['event', 'statistics', 'catalogue-entry', 'instruction', 'instruction-feedback'],
      schemas: Object.fromEntries(SCHEMA_NAMES.map((n) => [n, `/api/v1/exchange/schemas/${n}`])),
      openData: '/api/v1/exchange/open-data',
    }
  })

  router.get('/schemas/:name', (ctx) => {
    const name = String(ctx.params.name).replace(/\.schema\.json$/, '')
    if (!(SCHEMA_NAMES as readonly string[]).includes(name)) throw notFound(`no exchange schema ${name}`).coded('exchange.no_schema', { name })
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.type = 'application/schema+json'
    ctx.body = schemaText(name as SchemaName)
  })

  router.get('/province', operators, async (ctx) => {
    const city = visibleCities(principalOf(ctx))[0]
    const row = city ? await app.knex('integration_platform').where({ code: provinceCode(city) }).first() as PlatformRow | undefined : undefined
    if (!row) throw notFound('no province platform is configured for your city').coded('exchange.no_province')
    ctx.body = platformView(row)
  })

  router.put('/province', operators, async (ctx) => {
    const city = visibleCities(principalOf(ctx))[0]
    if (!city) throw new AppError(403, 'forbidden', 'only a city-level account configures the province link').coded('exchange.city_only')
    const b = validate(provinceSchema, ctx.request.body, 'province')
    await refuseInternalEndpoint(b.endpoint, app.config.webhookAllowedNetworks ?? [])
    const code = provinceCode(city)
    const existing = await app.knex('integration_platform').where({ code }).first('code')
    await app.knex('integration_platform').insert({
      code, city_code: city, name: b.name, adapter: 'province', endpoint: b.endpoint, actions: b.actions ?? null, channels: null,
      class_prefixes: b.classPrefixes ?? null, timeout_ms: b.timeoutMs, max_rejections: b.maxRejections, enabled: b.enabled,
      ...(b.secret !== undefined ? { secret: b.secret } : {}),
    }).onConflict('code').merge()
    ctx.status = existing ? 200 : 201
    ctx.body = platformView(await app.knex('integration_platform').where({ code }).first())
  })

  router.post('/instructions', requireRole('external_system'), async (ctx) => {
    const size = Buffer.byteLength(JSON.stringify(ctx.request.body ?? null))
    if (size > INSTRUCTION_MAX_BYTES) {
      throw new AppError(413, 'payload_too_large', `an instruction is at most ${INSTRUCTION_MAX_BYTES} bytes, this one ${size}`)
        .coded('exchange.too_large', { max: INSTRUCTION_MAX_BYTES, size })
    }
    const r = await receiveInstruction(app.knex, principalOf(ctx), ctx.request.body)
    ctx.status = r.status
    ctx.body = r
  })

  router.get('/instructions', operators, async (ctx) => {
    const q = validate(instructionsQuery, ctx.query, 'query')
    const cities = visibleCities(principalOf(ctx))
    const rows = await app.knex('exchange_instruction').whereIn('city_code', cities).orderBy('received_at', 'desc').limit(q.limit)
      .select('message_id', 'sender_area', 'sender_system', 'title', 'due_at', 'event_number', 'received_at') as
      { message_id: string; sender_area: string; sender_system: string; title: string; due_at: Date | null; event_number: string; received_at: Date }[]
    ctx.body = {
      items: rows.map((r) => ({ messageId: r.message_id, sender: { system: r.sender_system, areaCode: r.sender_area }, title: r.title,
        dueAt: r.due_at?.toISOString() ?? null, eventNumber: r.event_number, receivedAt: r.received_at.toISOString() })),
    }
  })

  // Open data: public, cacheable; the cities are those whose divisions are loaded. Files are read
  // as the daily pass wrote them (./openDataFiles.ts), never computed here.
  router.get('/open-data', async (ctx) => {
    const cities = await app.knex('admin_division').where({ level: 'city' }).orderBy('code').select('city_code', 'name') as { city_code: string; name: string }[]
    ctx.set('Cache-Control', 'public, max-age=600')
    ctx.body = {
      threshold: THRESHOLD, timeZone: 'Asia/Shanghai',
      items: cities.flatMap((c) => {
        const newest = newestOpenData(app.config.dataDir, c.city_code)
        const m = newest?.manifest
        return (Object.keys(OPEN_DATASETS) as OpenDataset[]).map((d) => ({
          city: c.city_code, cityName: c.name, dataset: d, name: OPEN_DATASETS[d].name,
          date: m?.date ?? null, generatedAt: m?.generatedAt ?? null, period: m?.period ?? null,
          manifest: m ? `/api/v1/exchange/open-data/${c.city_code}/manifest.json` : null,
          // before the first pass the links are given without their figures (the first download writes the day)
          files: (m?.files ?? openFileNames.map((f) => ({ ...f, sha256: null, rows: null, bytes: null }))).filter((f) => f.dataset === d).map((f) => ({
            format: f.format, href: `/api/v1/exchange/open-data/${c.city_code}/${f.name}`, sha256: f.sha256, rows: f.rows, bytes: f.bytes,
          })),
        }))
      }),
    }
  })

  router.get('/open-data/:city/:file', async (ctx) => {
    const city = String(ctx.params.city)
    const file = String(ctx.params.file)
    if (!CITY.test(city)) throw badRequest(`city: ${city} must be a 6-digit city code ending in 00`, { field: 'city' }).coded('exchange.bad_city', { field: 'city' })
    const listed = openFileNames.find((f) => f.name === file)
    if (!listed && file !== 'manifest.json') throw notFound(`no open dataset file ${file}`).coded('exchange.no_dataset', { file })
    const known = await app.knex('admin_division').where({ level: 'city', city_code: city }).first('code')
    if (!known) throw notFound(`no city ${city}`).coded('exchange.no_city', { city })
    const newest = await ensureOpenData(app.knex, app.config.dataDir, city)
    const entry = newest.manifest.files.find((f) => f.name === file)
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.set('Last-Modified', new Date(newest.manifest.generatedAt).toUTCString())
    if (!entry) {
      ctx.type = 'application/json'
      ctx.body = newest.manifest
      return
    }
    ctx.set('ETag', `"${entry.sha256}"`)
    ctx.set('Content-Disposition', `attachment; filename="${city}-${newest.manifest.date}-${file}"`)
    ctx.type = entry.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/geo+json'
    ctx.status = 200
    if (ctx.fresh) {
      ctx.status = 304
      return
    }
    ctx.length = entry.bytes
    ctx.body = fs.createReadStream(path.join(newest.dir, file))
  })
  return router
}
