// Raster base-map data (issue 16 item 4): /api/v1/rasters (import by upload, list, read, delete:
// the roles that administer city-wide map data) and the raster tiles /tiles/raster/{name}/{z}/{x}/{y}.png
// (any signed-in user). Mounted before the /tiles router, which would otherwise take
// /tiles/raster/… for a catalogue layer. The rasters are also WMS layers (layers.ts).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import { createCanvas } from '@napi-rs/canvas'
import type { AppContext } from '../context.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { parseCrs } from '../geo/crs.ts'
import { drawExtraLayers, type MapArea } from '../ogc/wms/layerSources.ts'
import { etagOf, matchesIfNoneMatch, parseTile } from '../../tiles/tileHttp.ts'
import type { TileCoord } from '../../tiles/tilemath.ts'
import { importRaster, NAME_PATTERN } from './importJob.ts'
import { RASTER_KINDS } from './inspect.ts'
import { absoluteFile, deleteRaster, getRaster, listRasters, rasterView } from './store.ts'
import { rasterLayers, rastersChanged, registerRasterLayers } from './layers.ts'
import { closeCog } from './reader.ts'
import { rasterMessagesZh } from './messagesZh.ts'

/** Who administers map data city-wide: the roles that may import community boundaries (server/import). */
export const RASTER_ADMINS: Role[] = ['command_center', 'district_staff', 'gis_analyst']
export const RASTER_MAX_BYTES = 1024 * 1024 * 1024
export const RASTER_TILE_CACHE = 'private, max-age=300'

const importQuery = z.object({
  name: z.string().regex(NAME_PATTERN, 'a lower-case letter, then letters, digits, _ or - (at most 51)'),
  kind: z.enum(RASTER_KINDS),
  title: z.string().min(1).max(100).optional(),
}).strict()

const tooLarge = () => new AppError(413, 'payload_too_large', `raster uploads are limited to ${RASTER_MAX_BYTES} bytes`)
  .coded('rasters.too_large', { max: RASTER_MAX_BYTES })

/** The request body written to a scratch file (never held in memory), within the size limit. */
async function saveBody(ctx: Context, file: string): Promise<void> {
  const parsed = (ctx.request as { body?: unknown }).body
  if (typeof parsed === 'string' && parsed.length) {
    // text/plain is parsed by the body parser: an ASCII grid sent as text is still a raster
    fs.writeFileSync(file, parsed)
    return
  }
  if (ctx.is('json', 'urlencoded', 'xml')) {
    throw new AppError(415, 'unsupported_media_type', 'send the raster file\'s bytes (image/tiff, application/octet-stream or application/zip), not a form or JSON')
      .coded('rasters.body_type')
  }
  if (Number(ctx.get('content-length') || 0) > RASTER_MAX_BYTES) throw tooLarge()
  let size = 0
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      done(size > RASTER_MAX_BYTES ? tooLarge() : null, chunk)
    },
  })
  await pipeline(ctx.req, limit, fs.createWriteStream(file))
  if (size === 0) throw new AppError(400, 'bad_request', 'empty body: send a GeoTIFF, an ERDAS .img, a DEM, or a zip of one with its sidecars').coded('rasters.empty')
}

/** A Web Mercator tile as a map area in EPSG:3857 metres. */
function tileArea(t: TileCoord): MapArea {
  const half = Math.PI * 6378137, size = (2 * half) / 2 ** t.z
  return { crs: parseCrs('EPSG:3857'), bbox: [-half + t.x * size, half - (t.y + 1) * size, -half + (t.x + 1) * size, half - t.y * size], width: 256, height: 256 }
}

export function rasterRoutes(app: AppContext): Router {
  registerMessages('zh', rasterMessagesZh)
  registerRasterLayers()
  const router = new Router()
  const admin = requireRole(...RASTER_ADMINS)
  const reserved = () => new Set(app.catalogue.layers.map((l) => l.id))

  router.post('/api/v1/rasters', admin, async (ctx) => {
    const q = validate(importQuery, ctx.query, 'query')
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-raster-'))
    try {
      const input = path.join(scratch, 'upload')
      await saveBody(ctx, input)
      const report = await importRaster(app.knex, app.config.dataDir, {
        input, name: q.name, kind: q.kind, title: q.title, createdBy: principalOf(ctx).username, reserved: reserved(),
      })
      rastersChanged(app)
      ctx.status = 201
      ctx.set('Location', `/api/v1/rasters/${q.name}`)
      ctx.body = report
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  })

  router.get('/api/v1/rasters', admin, async (ctx) => {
    ctx.body = { rasters: (await listRasters(app.knex)).map(rasterView) }
  })

  const named = async (ctx: Context) => {
    const row = await getRaster(app.knex, String(ctx.params.name))
    if (!row) throw notFound(`no raster named ${String(ctx.params.name).slice(0, 60)}`).coded('rasters.not_found', { name: String(ctx.params.name).slice(0, 60) })
    return row
  }
  router.get('/api/v1/rasters/:name', admin, async (ctx) => {
    ctx.body = rasterView(await named(ctx))
  })
  router.delete('/api/v1/rasters/:name', admin, async (ctx) => {
    const row = await named(ctx)
    const files = await deleteRaster(app.knex, row.name)
    rastersChanged(app)
    for (const f of files) {
      const abs = absoluteFile(app.config.dataDir, f)
      closeCog(abs)
      fs.rmSync(abs, { force: true })
    }
    ctx.status = 204
  })

  router.get('/tiles/raster/:name/:z/:x/:y.png', requireRole(), async (ctx) => {
    const t = parseTile(ctx.params)
    const layer = (await rasterLayers(app)).find((l) => l.name === ctx.params.name)
    if (!layer) throw notFound(`no raster named ${String(ctx.params.name).slice(0, 60)}`).coded('rasters.not_found', { name: String(ctx.params.name).slice(0, 60) })
    // drawn exactly as a transparent WMS GetMap of the same box: the same compositing, the same encoder
    const canvas = createCanvas(256, 256)
    await drawExtraLayers(canvas, [layer], tileArea(t))
    const bytes = await canvas.encode('png')
    const etag = etagOf(bytes, `raster:${layer.version}`)
    ctx.set('ETag', etag)
    ctx.set('Cache-Control', RASTER_TILE_CACHE)
    if (matchesIfNoneMatch(ctx.get('if-none-match') || undefined, etag)) {
      ctx.status = 304
      return
    }
    ctx.type = 'image/png'
    ctx.body = bytes
  })
  return router
}
