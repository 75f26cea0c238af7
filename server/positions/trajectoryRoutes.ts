// /api/v1/members/{id}/trajectory and /replay: a member's track over a window (GeoJSON or
// GPX 1.1) and the replay of one member-day. Both read the fixes of every device the member
// carried (position.member_id), valid ones only unless includeFiltered=true.
import Router from '@koa/router'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { daySchema, instantSchema } from '../http/dates.ts'
import { writeGpx } from './gpx.ts'
import { buildReplay, inSnapshot, loadTrack, memberFor, simplifiedPieces, stopGrids, summarise } from './replay.ts'
import { trajectoryGeojson } from './trajectoryGeojson.ts'

const DAY_MS = 86_400_000
/** The longest window one trajectory request may cover. */
export const MAX_RANGE_DAYS = 7
/** The largest simplification tolerance: beyond it a track is a few straight lines, not a track. */
export const MAX_SIMPLIFY_M = 500
/** Replay's default tolerance: a walk along a street loses nothing visible at street zoom. */
export const REPLAY_SIMPLIFY_M = 5

// one reading of client dates (server/http/dates.ts); tracks are stored from 1970 on
const instant = instantSchema('must be a date yyyy-mm-dd (Asia/Shanghai) or an ISO 8601 date-time with a zone', { fromYear: 1970 })
const day = daySchema('must be a date yyyy-mm-dd (a day in Asia/Shanghai)', 1970)

const metres = z.string().max(12).regex(/^\d+(\.\d+)?$/, 'must be a number of metres').transform(Number)
  .pipe(z.number().min(0).max(MAX_SIMPLIFY_M, `must be at most ${MAX_SIMPLIFY_M} metres`))

export const trajectoryQuerySchema = z.object({
  from: instant.optional().describe('start, inclusive (default: today 00:00 Asia/Shanghai, or `to` minus one day)'),
  to: instant.optional().describe('end, exclusive (a date means its 00:00 Asia/Shanghai; default `from` plus one day); at most 7 days after `from`'),
  format: z.enum(['geojson', 'gpx']).default('geojson'),
  simplify: metres.optional().describe('Douglas-Peucker tolerance in metres (0-500); absent or 0: every fix'),
  includeFiltered: z.enum(['true', 'false']).transform((v) => v === 'true').default(false)
    .describe('also return the fixes the ingest filters marked (GeoJSON points / GPX waypoints, never in the line)'),
}).strict()

export const replayQuerySchema = z.object({
  date: day.optional().describe('the day (Asia/Shanghai); default today'),
  simplify: metres.default(REPLAY_SIMPLIFY_M).describe('Douglas-Peucker tolerance in metres (0-500), default 5'),
}).strict()

const badParam = (field: string, message: string) =>
  new AppError(400, 'validation_failed', `invalid query: ${field}: ${message}`, { errors: [{ field, message }] })

function parseQuery<S extends z.ZodType>(schema: S, raw: Record<string, string | string[] | undefined>): z.output<S> {
  for (const [k, v] of Object.entries(raw)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
  return validate(schema, raw, 'query')
}

/** Today in Asia/Shanghai (UTC+8 all year). */
export const shanghaiToday = (now = Date.now()) => new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)
const shanghaiMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`)

/** The window [from, to) of a trajectory request, its defaults filled and its limits checked. */
export function trajectoryWindow(q: { from?: Date; to?: Date }, now = Date.now()): { from: Date; to: Date } {
  const from = q.from ?? (q.to ? new Date(q.to.getTime() - DAY_MS) : shanghaiMidnight(shanghaiToday(now)))
  const to = q.to ?? new Date(from.getTime() + DAY_MS)
  if (from >= to) throw badParam('to', 'must be later than from')
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw badParam('to', `at most ${MAX_RANGE_DAYS} days after from`)
  return { from, to }
}

const STAFF = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system'] as const

function memberId(raw: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw badParam('id', 'must be a member id (a positive whole number)')
  return Number(raw)
}

export function trajectoryRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/members' })
  router.use(requireRole(...STAFF))

  router.get('/:id/trajectory', async (ctx) => {
    const p = principalOf(ctx)
    const id = memberId(String(ctx.params.id))
    const q = parseQuery(trajectoryQuerySchema, ctx.query)
    const { from, to } = trajectoryWindow(q)
    const { m, track, grids, sum } = await inSnapshot(app.knex, async (trx) => {
      const m = await memberFor(trx, p, id)
      const track = await loadTrack(trx, m, from, to, q.includeFiltered)
      const sum = summarise(track.valid)
      return { m, track, sum, grids: await stopGrids(trx, sum.stops) }
    })
    const simplifyM = q.simplify ?? 0
    if (q.format === 'gpx') {
      ctx.type = 'application/gpx+xml'
      ctx.set('Content-Disposition', `attachment; filename="member-${m.id}-${from.toISOString().slice(0, 10)}.gpx"`)
      ctx.body = writeGpx({
        name: `${m.name} ${from.toISOString()} – ${to.toISOString()}`, created: new Date(),
        pieces: simplifiedPieces(track.valid, simplifyM).map((x) => x.kept),
        stops: sum.stops.map((s, i) => ({ ...s, gridCode: grids[i] ?? null })), filtered: track.filtered,
      })
      return
    }
    ctx.type = 'application/geo+json'
    ctx.body = trajectoryGeojson({ member: m, from, to, track, summary: sum, stopGrids: grids, simplifyM, includeFiltered: q.includeFiltered })
  })

  router.get('/:id/replay', async (ctx) => {
    const p = principalOf(ctx)
    const id = memberId(String(ctx.params.id))
    const q = parseQuery(replayQuerySchema, ctx.query)
    const date = q.date ?? shanghaiToday()
    const from = shanghaiMidnight(date)
    ctx.body = await inSnapshot(app.knex, async (trx) =>
      buildReplay(trx, p, await memberFor(trx, p, id), date, from, new Date(from.getTime() + DAY_MS), q.simplify))
  })
  return router
}
