// /api/v1/events/{number}/attachments: upload (raw body), list, download.
// The event is read with the caller's jurisdiction first: an event outside it answers 404
// exactly like a missing one, before a byte of the upload is read.
import type Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, notFound } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { NUMBER, readEvent, type EventRow } from './store.ts'
import { recordNote } from './transitions.ts'
import {
  STAGES, assertMayAttach, attachmentView, contentDisposition, declaredType, findAttachment, insertAttachment,
  listAttachments, MAX_PER_EVENT, sendBlob, storeBlob, discardBlob, storageFull, type AttachmentRow,
} from './attachments.ts'

export const uploadQuery = z.object({
  stage: z.enum(STAGES).default('intake'),
  // a file name as shown to people: no path, no control characters
  name: z.string().trim().min(1).max(200).regex(/^[^/\\\p{Cc}]+$/u, 'must be a file name without path separators or control characters').optional(),
}).strict()

async function visibleEvent(app: AppContext, ctx: Context): Promise<EventRow> {
  const p = principalOf(ctx)
  const number = String(ctx.params.number)
  const e = NUMBER.test(number) ? await readEvent(app.knex, number, p.jurisdiction, p.userId) : undefined
  if (!e) throw notFound(`no event ${number} in your jurisdiction`).coded('events.not_found', { number })
  return e
}

function contentLength(ctx: Context): number | undefined {
  const v = ctx.get('content-length')
  if (!v) return undefined
  if (!/^\d{1,15}$/.test(v)) throw new AppError(400, 'bad_request', `Content-Length "${v.slice(0, 40)}" is not a byte count`)
  return Number(v)
}

export function mountAttachmentRoutes(router: Router, app: AppContext): void {
  router.post('/:number/attachments', async (ctx) => {
    const p = principalOf(ctx)
    const e = await visibleEvent(app, ctx)
    const q = validate(uploadQuery, ctx.query, 'query')
    assertMayAttach(p, e, q.stage)
    const type = declaredType(ctx.get('content-type'))
    let blob
    try {
      blob = await storeBlob(app.config.dataDir, ctx.req, type, contentLength(ctx))
    } catch (err) {
      // refused midway: do not read the rest of a large body just to discard it
      if (!ctx.req.readableEnded) ctx.set('Connection', 'close')
      throw err
    }
    let row: AttachmentRow
    try {
      // the row and its history note together: a failure leaves neither, and then not the blob
      row = await app.knex.transaction(async (trx) => {
        const r = await insertAttachment(trx, e, blob, { type, name: q.name ?? null, stage: q.stage, userId: p.userId })
        if (!r) throw new AppError(409, 'too_many_attachments', `event ${e.number} already has ${MAX_PER_EVENT} attachments`)
          .coded('events.too_many_attachments', { number: e.number, max: MAX_PER_EVENT })
        await recordNote(trx, p, e.number, { action: 'attachment_added', comment: q.name ?? null,
          explanation: { attachment: r.id, mediaType: type, sizeBytes: blob.size, stage: q.stage, sha256: blob.sha256 } })
        return r
      })
    } catch (err) {
      await discardBlob(app.knex, app.config.dataDir, blob)
      throw (err as { code?: string }).code === '53100' ? storageFull(err) : err
    }
    ctx.status = 201
    ctx.set('Location', `/api/v1/events/${e.number}/attachments/${row.id}`)
    ctx.body = attachmentView(row, e.number)
  })

  router.get('/:number/attachments', async (ctx) => {
    const e = await visibleEvent(app, ctx)
    const rows = await listAttachments(app.knex, e.id)
    ctx.body = { number: e.number, items: rows.map((r) => attachmentView(r, e.number)) }
  })

  router.get('/:number/attachments/:id', async (ctx) => {
    const e = await visibleEvent(app, ctx)
    const id = String(ctx.params.id)
    const row = /^[1-9][0-9]{0,15}$/.test(id) ? await findAttachment(app.knex, e.id, Number(id)) : undefined
    if (!row) throw notFound(`event ${e.number} has no attachment ${id}`).coded('events.no_attachment', { number: e.number, id })
    ctx.set('Content-Disposition', contentDisposition(row.original_name, row))
    await sendBlob(ctx, app.config.dataDir, row.sha256, row.media_type)
  })
}
