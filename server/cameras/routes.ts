// /api/v1/cameras: the register of video cameras (place, direction, field of view, owner, the
// GB/T 28181 device and channel), which cameras see a point or an event (nearest first), and
// the live stream of one through the city's video platform (videoPlatform.ts), handed to the page
// through our own origin (live.ts), and video patrol rounds (patrolRoutes.ts). Layer `cameras`.
// A camera outside the caller's jurisdiction answers 404 like a missing one.
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { readEvent } from '../events/store.ts'
import { PLACE_READ_ROLES } from '../registers/access.ts'
import { cameraMessagesZh } from './messagesZh.ts'
import { camerasLayer } from './layer.ts'
import * as s from './schemas.ts'
import { cameraView, camerasCovering, createCamera, listCameras, type CameraRow } from './store.ts'
import { platformFromEnv, VideoPlatform, type LiveStream } from './videoPlatform.ts'
import { resolveSecret } from '../auth/tokens.ts'
import { fetchLiveFile, LiveTickets, ticketCamera } from './live.ts'
import { addPatrolRoutes } from './patrolRoutes.ts'

export const CAMERA_WRITERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff']
export const CAMERA_READERS: Role[] = [...new Set<Role>([...CAMERA_WRITERS, ...PLACE_READ_ROLES])]

export function cameraRoutes(app: AppContext): Router {
  registerMessages('zh', cameraMessagesZh)
  app.catalogue.register(camerasLayer)
  const settings = platformFromEnv()
  const platform = settings ? new VideoPlatform(settings) : undefined
  const router = new Router({ prefix: '/api/v1/cameras' })
  const { knex } = app
  const readers = requireRole(...CAMERA_READERS)
  const writers = requireRole(...CAMERA_WRITERS)
  const tickets = new LiveTickets(resolveSecret(app.config.authSecret, app.config.dataDir))
  // the platform's HLS URL of a camera played lately: the live files need it on every request,
  // and asking the platform to start play again for each segment would flood it
  const recentHls = new Map<number, { url: string; at: number }>()
  const HLS_TTL_MS = 10 * 60_000

  /** The camera's live stream: from its own template, or started on the platform. */
  const liveOf = async (row: CameraRow): Promise<{ live: LiveStream; source: 'platform' | 'template' }> => {
    // a camera with its own stream URL is played directly; the others through the platform
    if (row.stream_url_template) {
      const url = row.stream_url_template.replaceAll('{deviceId}', row.gb_device_id).replaceAll('{channelId}', row.gb_channel_id)
      const flv = /\.flv(\?|$)/.test(url)
      return { live: { hls: flv ? null : url, flv: flv ? url : null, webrtc: null, app: null, stream: null }, source: 'template' }
    }
    if (platform) {
      const live = await platform.startPlay(row.gb_device_id, row.gb_channel_id)
      if (live.hls) recentHls.set(Number(row.id), { url: live.hls, at: Date.now() })
      return { live, source: 'platform' }
    }
    // 409, not 503: the service works, this camera has no way to be played until one is configured
    throw new AppError(409, 'conflict', `camera ${row.id} has no stream URL and no video platform is configured (GRIDGOV_VIDEO_PLATFORM_URL)`)
      .coded('cameras.no_stream', { id: Number(row.id) })
  }

  const visible = async (ctx: Context): Promise<CameraRow> => {
    const id = validate(s.idParam, ctx.params.id, 'camera id')
    const [row] = await listCameras(knex, principalOf(ctx), { id, limit: 1 })
    if (!row) throw notFound(`no camera ${id} in your jurisdiction`).coded('cameras.not_found', { id })
    return row
  }

  router.get('/', readers, async (ctx) => {
    const q = validate(s.cameraListQuery, ctx.query, 'query')
    const rows = await listCameras(knex, principalOf(ctx), q)
    const last = rows.length === q.limit ? rows[rows.length - 1] : undefined
    const rest = Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'after' && v !== undefined).map(([k, v]) => [k, String(v)]))
    ctx.body = { items: rows.map(cameraView), next: last ? `/api/v1/cameras?${new URLSearchParams({ ...rest, after: last.id })}` : null }
  })

  router.post('/', writers, async (ctx) => {
    const body = validate(s.cameraCreateSchema, ctx.request.body, 'camera')
    const id = await createCamera(knex, principalOf(ctx), body)
    const [row] = await listCameras(knex, principalOf(ctx), { id, limit: 1 })
    ctx.status = 201
    ctx.set('Location', `/api/v1/cameras/${id}`)
    ctx.body = cameraView(row!)
  })

  // before /:id: 'covering' is not an id
  router.get('/covering', readers, async (ctx) => {
    const q = validate(s.coveringQuery, ctx.query, 'query')
    const rows = await camerasCovering(knex, principalOf(ctx), q.x, q.y, q.limit)
    ctx.body = { x: q.x, y: q.y, items: rows.map(cameraView) }
  })

  router.get('/covering/events/:number', readers, async (ctx) => {
    const number = validate(s.eventNumberParam, ctx.params.number, 'event number')
    const q = validate(s.eventCoveringQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const event = await readEvent(knex, number, p.jurisdiction, p.userId)
    if (!event) throw notFound(`no event ${number} in your jurisdiction`).coded('cameras.event_not_found', { number })
    const rows = await camerasCovering(knex, p, event.lon, event.lat, q.limit)
    ctx.body = { event: number, x: event.lon, y: event.lat, items: rows.map(cameraView) }
  })

  addPatrolRoutes(router, app, readers, writers)

  router.get('/:id', readers, async (ctx) => {
    ctx.body = cameraView(await visible(ctx))
  })

  // POST: it asks the platform to start pulling the stream from the device
  router.post('/:id/play', readers, async (ctx) => {
    const row = await visible(ctx)
    const { protocol } = validate(s.playQuery, ctx.query, 'query')
    const { live, source } = await liveOf(row)
    const url = protocol === 'hls' ? live.hls : protocol === 'flv' ? live.flv : live.webrtc
    const p = principalOf(ctx)
    // the HLS stream through our origin (live.ts): what the command screen plays
    const through = live.hls && p.userId !== null ? `/api/v1/cameras/${row.id}/live/${tickets.issue(Number(row.id), p.userId)}/${encodeURIComponent(new URL(live.hls).pathname.split('/').pop() || 'index.m3u8')}` : null
    ctx.body = { camera: Number(row.id), protocol, url, hls: live.hls, flv: live.flv, webrtc: live.webrtc, live: through, source }
  })

  // No bearer: the ticket in the path stands for the user (the player follows relative URIs and sends no header)
  router.get('/:id/live/:ticket/:file', async (ctx) => {
    const id = validate(s.idParam, ctx.params.id, 'camera id')
    const row = await ticketCamera(knex, tickets, String(ctx.params.ticket), id, CAMERA_READERS)
    const cached = recentHls.get(id)
    const hls = cached && Date.now() - cached.at < HLS_TTL_MS ? cached.url : (await liveOf(row)).live.hls
    if (!hls) throw notFound(`camera ${id} has no HLS stream`).coded('cameras.no_hls', { id })
    const file = await fetchLiveFile(hls, String(ctx.params.file), settings?.timeoutMs ?? 10_000)
    ctx.type = file.type
    // a live playlist changes every segment; a segment never does
    ctx.set('Cache-Control', file.type.includes('mpegurl') ? 'no-store' : 'private, max-age=300')
    ctx.body = file.body
  })

  return router
}
