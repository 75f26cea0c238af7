// POST /api/v1/event-imports[?dryRun=true][&crs=EPSG:n][&fileName=…]: bulk import of historic
// events. The body is the file itself: CSV (text/csv, charset from the Content-Type, else
// UTF-8 with or without BOM, else GBK) or a GeoJSON FeatureCollection of Points
// (application/geo+json or application/json). 200 with the report (dry run, or written),
// 422 with the report listing every bad record when anything is wrong (nothing written),
// 413 beyond EVENT_IMPORT_MAX_BYTES, 415 for other content types.
// Its own URL (not /api/v1/events/imports): an import is a resource of its own, with a report,
// and the folder follows the URL like every capability.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { runEventImport, type ImportFormat } from './job.ts'

export const EVENT_IMPORT_MAX_BYTES = 32 * 1024 * 1024
/** Who may load history: the command centre (city) and district staff (their district). */
export const EVENT_IMPORTERS = ['command_center', 'district_staff'] as const

export const importQuery = z.object({
  dryRun: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
  crs: z.string().min(1).max(200).optional(),
  fileName: z.string().trim().min(1).max(300).regex(/^[^\p{Cc}/\\]+$/u, 'must be a plain file name').optional(),
}).strict()

const tooLarge = () => new AppError(413, 'payload_too_large', `event import files are limited to ${EVENT_IMPORT_MAX_BYTES} bytes; split the file or use npm run import:events`)

function formatOf(ctx: Context): ImportFormat {
  // the declared type, not ctx.is(): that answers nothing for an empty body (→ 400 below, not 415)
  const type = ctx.request.type.toLowerCase()
  if (type === 'text/csv' || type === 'application/csv') return 'csv'
  if (type === 'application/geo+json' || type === 'application/json') return 'geojson'
  throw new AppError(415, 'unsupported_media_type',
    `send the file as text/csv (charset=utf-8 or gbk) or application/geo+json, not ${ctx.get('content-type') || 'no Content-Type'}`)
}

/** The body: parsed JSON (bodyparser, under its own limit) or the raw bytes, within ours. */
async function body(ctx: Context): Promise<Buffer | unknown> {
  const parsed = (ctx.request as { body?: unknown }).body
  if (ctx.request.type === 'application/json' && parsed !== undefined) return parsed
  if (Number(ctx.get('content-length') || 0) > EVENT_IMPORT_MAX_BYTES) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length
    if (size > EVENT_IMPORT_MAX_BYTES) throw tooLarge()
    chunks.push(chunk as Buffer)
  }
  if (size === 0) throw new AppError(400, 'bad_request', 'empty body: send the CSV or GeoJSON file as the request body')
  return Buffer.concat(chunks)
}

export function eventImportRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/event-imports' })
  router.post('/', requireRole(...EVENT_IMPORTERS), async (ctx) => {
    const q = validate(importQuery, ctx.query, 'query')
    const format = formatOf(ctx)
    const data = await body(ctx)
    const report = await runEventImport(app.knex, principalOf(ctx), {
      format, data, fileName: q.fileName ?? `upload.${format}`, charset: ctx.request.charset || undefined, crs: q.crs,
    }, { dryRun: q.dryRun })
    ctx.body = report
  })
  return router
}
