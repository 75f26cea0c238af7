// /api/v1/geocode: point → district, street, community, base grid, industry grids, inspectors
// and departments, for one point or a batch of up to 10,000 (one set-based query per batch).
//
// Any signed-in principal may geocode (it is how events get located); inspectors' phone
// numbers are included only where the principal's jurisdiction covers the point.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { parseCrs, type Crs } from '../geo/crs.ts'
import { geocode, isFailure, type PointInput } from './service.ts'

export const MAX_BATCH_POINTS = 10_000
/** Without a crs, coordinates are storage CGCS2000 lon,lat (numerically the same as EPSG:4326). */
export const DEFAULT_CRS = 'EPSG:4490'

const crsField = z.string().min(1).max(200).optional()
const xyBody = z.object({ x: z.number(), y: z.number(), crs: crsField }).strict()
const lonLatBody = z.object({ lon: z.number(), lat: z.number(), crs: crsField }).strict()
const batchPoint = z.object({
  id: z.union([z.string().min(1).max(100), z.number().int()]).optional(),
  x: z.number(),
  y: z.number(),
}).strict()
const batchBody = z.object({ crs: crsField, points: z.array(batchPoint).min(1) }).strict()

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(400, 'validation_failed', 'request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

const crsGiven = (body: unknown) => typeof (body as { crs?: unknown }).crs === 'string'

/** The {lon, lat} form names its axes, so it is reordered into the CRS's axis order. */
function singlePoint(body: Record<string, unknown>): { point: PointInput; crsText: string; crs: Crs } {
  if ('lon' in body || 'lat' in body) {
    const b = validate(lonLatBody, body)
    const crsText = b.crs ?? DEFAULT_CRS
    const crs = parseCrs(crsText)
    if (!crs.geographic) {
      throw new AppError(400, 'bad_request', `the {lon, lat} form needs a geographic CRS, not ${crs.id}: send {x, y, crs} for projected coordinates`)
    }
    const [x, y] = crs.latFirst ? [b.lat, b.lon] : [b.lon, b.lat]
    return { point: { x, y }, crsText, crs }
  }
  const b = validate(xyBody, body)
  const crsText = b.crs ?? DEFAULT_CRS
  return { point: { x: b.x, y: b.y }, crsText, crs: parseCrs(crsText) }
}

export function geocodeRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/geocode' })
  router.use(requireRole())

  router.post('/', async (ctx) => {
    const { point, crsText, crs } = singlePoint(objectBody(ctx.request.body))
    const [result] = await geocode(app.knex, [point], crs, crsText, principalOf(ctx).jurisdiction)
    if (isFailure(result!)) {
      const { status, type, detail, ...extra } = result.error
      // Projected coordinates sent without a crs are the usual cause: say what they were read as.
      const hint = crsGiven(ctx.request.body) || status !== 400 ? '' : ` (no crs given: read as ${DEFAULT_CRS} lon,lat)`
      throw new AppError(status, type, detail + hint, { ...extra, input: result.input })
    }
    ctx.body = result
  })

  router.post('/batch', async (ctx) => {
    const body = objectBody(ctx.request.body)
    // Checked before validating every point, so an oversized batch is refused cheaply.
    if (Array.isArray(body.points) && body.points.length > MAX_BATCH_POINTS) {
      throw new AppError(413, 'too_many_points',
        `a batch holds at most ${MAX_BATCH_POINTS} points, got ${body.points.length}: split it into several requests`,
        { limit: MAX_BATCH_POINTS, received: body.points.length })
    }
    const b = validate(batchBody, body)
    const crsText = b.crs ?? DEFAULT_CRS
    const crs = parseCrs(crsText)
    const results = await geocode(app.knex, b.points, crs, crsText, principalOf(ctx).jurisdiction)
    const failed = results.filter(isFailure).length
    ctx.body = { crs: crs.id, count: results.length, located: results.length - failed, failed, results }
  })
  return router
}
