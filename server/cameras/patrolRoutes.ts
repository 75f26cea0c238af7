// /api/v1/cameras/patrols: video patrol (视频巡查). A round of cameras for one shift is assigned to
// one member, who checks them in the round's order on the command screen. A problem seen becomes
// an event of the video_patrol channel through intake, with the frame the member saw (grabbed
// from the playing video in the browser's canvas and sent as a JPEG/PNG data URL) attached at
// stage intake: the event, its snapshot and the stop's state are written in one transaction.
import { Readable } from 'node:stream'
import type Router from '@koa/router'
import type { Middleware } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { intake } from '../events/intake.ts'
import { discardBlob, insertAttachment, storeBlob, type MediaType, type StoredBlob } from '../events/attachments.ts'
import * as s from './patrolSchemas.ts'
import { createPatrol, listPatrols, markStop, patrolView, stopsOf, stopView, type PatrolRow } from './patrols.ts'
import { listCameras } from './store.ts'
import { fieldError } from './store.ts'

export const PATROL_CHANNEL = 'video_patrol'

export function addPatrolRoutes(router: Router, app: AppContext, readers: Middleware, writers: Middleware): void {
  const { knex } = app

  const visiblePatrol = async (ctx: Parameters<Middleware>[0]): Promise<PatrolRow> => {
    const id = validate(s.patrolIdParam, ctx.params.patrolId, 'patrol id')
    const [row] = await listPatrols(knex, principalOf(ctx), { id, limit: 1, offset: 0 })
    if (!row) throw notFound(`no video patrol ${id} in your jurisdiction`).coded('cameras.patrol_not_found', { id })
    return row
  }

  router.get('/patrols', readers, async (ctx) => {
    const q = validate(s.patrolListQuery, ctx.query, 'query')
    const p = principalOf(ctx)
    const assignee = q.assignee === 'me' ? p.userId ?? -1 : q.assignee
    const rows = await listPatrols(knex, p, { ...q, assignee })
    ctx.body = { items: rows.map(patrolView), limit: q.limit, offset: q.offset }
  })

  router.post('/patrols', writers, async (ctx) => {
    const body = validate(s.patrolCreateSchema, ctx.request.body, 'patrol')
    const id = await createPatrol(knex, principalOf(ctx), body)
    const [row] = await listPatrols(knex, principalOf(ctx), { id, limit: 1, offset: 0 })
    ctx.status = 201
    ctx.set('Location', `/api/v1/cameras/patrols/${id}`)
    ctx.body = { ...patrolView(row!), items: (await stopsOf(knex, id)).map(stopView) }
  })

  router.get('/patrols/:patrolId', readers, async (ctx) => {
    const row = await visiblePatrol(ctx)
    ctx.body = { ...patrolView(row), items: (await stopsOf(knex, Number(row.id))).map(stopView) }
  })

  router.post('/patrols/:patrolId/stops/:seq', readers, async (ctx) => {
    const row = await visiblePatrol(ctx)
    const p = principalOf(ctx)
    const seq = validate(s.seqParam, ctx.params.seq, 'stop')
    const body = validate(s.checkSchema, ctx.request.body, 'check')
    if (Number(row.assignee_user_id) !== p.userId) {
      throw forbidden(`video patrol ${row.id} is assigned to ${row.assignee_name}`).coded('cameras.patrol_not_assignee', { name: row.assignee_name })
    }
    const stops = await stopsOf(knex, Number(row.id))
    const stop = stops.find((x) => x.seq === seq)
    if (!stop) throw notFound(`video patrol ${row.id} has no stop ${seq}`).coded('cameras.patrol_no_stop', { seq })
    if (stop.state !== 'pending') throw fieldError(409, 'seq', `stop ${seq} was checked already`).coded('cameras.patrol_stop_done', { field: 'seq', seq })
    const next = stops.find((x) => x.state === 'pending')!
    if (next.seq !== seq) throw fieldError(409, 'seq', `stop ${next.seq} comes first`).coded('cameras.patrol_out_of_turn', { field: 'seq', seq, next: next.seq })
    // the camera may have moved out of the member's area since the round was made
    const [camera] = await listCameras(knex, p, { id: Number(stop.camera_id), limit: 1 })
    if (!camera) throw notFound(`no camera ${stop.camera_id} in your jurisdiction`).coded('cameras.not_found', { id: Number(stop.camera_id) })

    const note = body.note ?? null
    if (body.result === 'normal') {
      if (!await markStop(knex, Number(row.id), seq, { state: 'normal', note, eventNumber: null, userId: p.userId })) throw raced(seq)
      ctx.body = { ...patrolView((await listPatrols(knex, p, { id: Number(row.id), limit: 1, offset: 0 }))[0]!), stop: seq, eventNumber: null }
      return
    }
    const finding = body.finding!
    const [, kind, base64] = /^data:image\/(jpeg|png);base64,(.*)$/.exec(body.snapshot!)!
    const bytes = Buffer.from(base64!, 'base64')
    if (bytes.length > s.SNAPSHOT_MAX_BYTES) {
      throw new AppError(413, 'payload_too_large', `snapshot: at most ${s.SNAPSHOT_MAX_BYTES} bytes of image`, { errors: [{ field: 'snapshot', message: 'too large' }] })
        .coded('cameras.snapshot_too_large', { field: 'snapshot', max: s.SNAPSHOT_MAX_BYTES })
    }
    const type: MediaType = kind === 'png' ? 'image/png' : 'image/jpeg'
    let blob: StoredBlob
    try {
      blob = await storeBlob(app.config.dataDir, Readable.from([bytes]), type, bytes.length)
    } catch (err) {
      // a data URL whose bytes are not the image it says (415 from the store) is the field's fault
      if (err instanceof AppError && err.status === 415) throw fieldError(400, 'snapshot', err.message).coded('cameras.snapshot_invalid', { field: 'snapshot' })
      throw err
    }
    try {
      const number = await knex.transaction(async (trx) => {
        const location = finding.location ?? { x: camera.lon, y: camera.lat }
        const made = await intake(trx, p, {
          channel: PATROL_CHANNEL, demandType: finding.demandType, classCode: finding.classCode, priority: finding.priority,
          description: `${finding.description}（视频巡查：${row.name}，第 ${seq} 路 ${camera.name}）`.slice(0, 4000),
          location, externalRef: `camera-patrol:${row.id}:${seq}`,
        }, `camera-patrol-${row.id}-${seq}`)
        if (!made.row) throw raced(seq)
        const attached = await insertAttachment(trx, made.row, blob, { type, name: `视频巡查截图-${camera.name}.${kind === 'png' ? 'png' : 'jpg'}`.slice(0, 200), stage: 'intake', userId: p.userId })
        if (!attached) throw new Error(`the snapshot of ${made.number} could not be attached`)
        if (!await markStop(trx, Number(row.id), seq, { state: 'finding', note, eventNumber: made.number, userId: p.userId })) throw raced(seq)
        return made.number
      })
      ctx.status = 201
      ctx.set('Location', `/api/v1/events/${number}`)
      ctx.body = { ...patrolView((await listPatrols(knex, p, { id: Number(row.id), limit: 1, offset: 0 }))[0]!), stop: seq, eventNumber: number }
    } catch (err) {
      await discardBlob(knex, app.config.dataDir, blob)
      throw err
    }
  })
}

const raced = (seq: number) => fieldError(409, 'seq', `stop ${seq} was checked by another request`).coded('cameras.patrol_stop_done', { field: 'seq', seq })
