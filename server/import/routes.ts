// POST /api/v1/import?kind=base|industry|grid|community|component[&dryRun=true][&crs=…][&format=…]:
// the body is a GeoJSON FeatureCollection (application/json or application/geo+json), a zip
// (Shapefile, MapInfo TAB or MIF/MID, KMZ, or one .gpkg/.dxf/.kml inside), a single KML, DXF,
// MIF or GeoPackage file, or a multipart/form-data upload of a file set (./source.ts). All or
// nothing: 200 with the report, 422 with every violation, 400 for unusable input, 403 when a
// feature lies outside the jurisdiction, 415 when the format needs GDAL and it is not installed.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { GRID_WRITERS } from '../grids/routes.ts'
import { IMPORT_KINDS, runImport } from './job.ts'
import { IMPORT_FORMATS, readSource, type FileSet, type ImportFormat } from './source.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { importMessagesZh } from './messagesZh.ts'
import { ZIP_MAX_ENTRIES } from './shapefileReader.ts'

export const IMPORT_MAX_BYTES = 64 * 1024 * 1024

const importQuery = z.object({
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
  crs: z.string().min(1).max(200).optional(),
  format: z.enum(IMPORT_FORMATS).optional(),
}).strict()

/** Formats a Content-Type names (the others are recognised from the bytes). */
const CONTENT_FORMATS: [string, ImportFormat][] = [
  ['application/vnd.google-earth.kml+xml', 'kml'], ['application/vnd.google-earth.kmz', 'kmz'],
  ['application/geopackage+sqlite3', 'gpkg'], ['image/vnd.dxf', 'dxf'], ['application/dxf', 'dxf'],
]

/** A multipart upload's files by lower-cased base name (the parts of a MapInfo or Shapefile set). */
async function fileSet(ctx: Context, body: Buffer): Promise<FileSet> {
  let form: FormData
  try {
    form = await new Response(body, { headers: { 'content-type': ctx.get('content-type') } }).formData()
  } catch {
    throw new AppError(400, 'bad_import_file', 'the multipart/form-data body cannot be read').coded('vector_import.bad_multipart')
  }
  const files: FileSet = new Map()
  for (const [, value] of form) {
    if (typeof value === 'string') continue
    if (files.size >= ZIP_MAX_ENTRIES) throw new AppError(400, 'bad_import_file', `more than ${ZIP_MAX_ENTRIES} files`).coded('vector_import.bad_multipart')
    files.set(value.name.split(/[\\/]/).pop()!.toLowerCase(), Buffer.from(await value.arrayBuffer()))
  }
  return files
}

/** The raw body (bodyparser leaves zip and geo+json bodies unread), within the size limit. */
async function rawBody(ctx: Context): Promise<Buffer | unknown> {
  const parsed = (ctx.request as { body?: unknown }).body
  if (parsed !== undefined && !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0 && !ctx.is('json'))) return parsed
  const declared = Number(ctx.get('content-length') || 0)
  if (declared > IMPORT_MAX_BYTES) throw new AppError(413, 'payload_too_large', `import files are limited to ${IMPORT_MAX_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length
    if (size > IMPORT_MAX_BYTES) throw new AppError(413, 'payload_too_large', `import files are limited to ${IMPORT_MAX_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) throw new AppError(400, 'bad_request', 'empty body: send a GeoJSON FeatureCollection or a zipped Shapefile')
  return Buffer.concat(chunks)
}

export function importRoutes(app: AppContext): Router {
  registerMessages('zh', importMessagesZh)
  const router = new Router({ prefix: '/api/v1/import' })
  router.post('/', requireRole(...GRID_WRITERS), async (ctx) => {
    const q = validate(importQuery, ctx.query, 'query')
    const principal = principalOf(ctx)
    // Community boundaries are administrative data: street and community staff may not add them.
    if (q.kind === 'community' && !['command_center', 'district_staff', 'gis_analyst'].includes(principal.role)) {
      throw new AppError(403, 'forbidden', `role ${principal.role} may not import communities`)
    }
    const body = await rawBody(ctx)
    const type = ctx.get('content-type').split(';')[0]!.trim().toLowerCase()
    const hint = q.format ?? CONTENT_FORMATS.find(([t]) => t === type)?.[1]
    const data = ctx.is('multipart') && Buffer.isBuffer(body) ? await fileSet(ctx, body) : body
    const source = await readSource(data, q.crs, hint)
    const report = await runImport(app.knex, principal, source.features, { kind: q.kind, dryRun: q.dryRun, crs: source.crs })
    ctx.body = { ...report, format: source.format, source: source.note }
  })
  return router
}
