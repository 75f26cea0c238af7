// /api/v1/cameras: the register of video cameras (place, direction, field of view, owner, the
// GB/T 28181 device and channel), which cameras see a point or an event (nearest first), and
// the live stream of one through the city's video platform (videoPlatform.ts). Layer `cameras`.
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

  router.get('/:id', readers, async (ctx) => {
    ctx.body = cameraView(await visible(ctx))
  })

  // POST: it asks the platform to start pulling the stream from the device
  router.post('/:id/play', readers, async (ctx) => {
    const row = await visible(ctx)
    const { protocol } = validate(s.playQuery, ctx.query, 'query')
    let live: LiveStream
    let source: 'platform' | 'template'
    // a camera with its own stream URL is played directly; the others through the platform
    if (row.stream_url_template) {
      const url = row.stream_url_template.replaceAll('{deviceId}', row.gb_device_id).replaceAll('{channelId}', row.gb_channel_id)
      const flv = /\.flv(\?|$)/.test(url)
      live = { hls: flv ? null : url, flv: flv ? url : null, webrtc: null, app: null, stream: null }
      source = 'template'
    } else if (platform) {
      live = await platform.startPlay(row.gb_device_id, row.gb_channel_id)
      source = 'platform'
    } else {
      // 409, not 503: the service works, this camera has no way to be played until one is configured
      throw new AppError(409, 'conflict', `camera ${row.id} has no stream URL and no video platform is configured (GRIDGOV_VIDEO_PLATFORM_URL)`)
        .coded('cameras.no_stream', { id: Number(row.id) })
    }
    const url = protocol === 'hls' ? live.hls : protocol === 'flv' ? live.flv : live.webrtc
    ctx.body = { camera: Number(row.id), protocol, url, hls: live.hls, flv: live.flv, webrtc: live.webrtc, source }
  })

  return router
}
