// /api/v1/collection-tasks/{id}/returns/{instanceId}/media/{fileName}: the photo of a return's
// image answer. An ODK instance names its photo by file name only; the app (or ODK Collect's
// upload) sends the bytes after the return, one request per photo. They go to the event
// attachments' content-addressed store (server/events/attachments.ts: magic bytes, size limit,
// streamed, renamed into place) and collection_media (0071) ties (return, file name) to the hash.
// The return must exist first (the app queues it before its photos, in order): it decides who
// sees the photo (as the returns list does) and which names are accepted (its image answers).
// The same bytes again answer 200 (a replay after a lost answer), other bytes under a stored name 409.
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { AppError, badRequest } from '../http/errors.ts'
import type { Role } from '../auth/roles.ts'
import { declaredType, discardBlob, MEDIA_TYPES, registerBlobTable, sendBlob, storageFull, storeBlob, type MediaType, type StoredBlob } from '../events/attachments.ts'
import { taskReturns, type ReturnRow } from './store.ts'

// the photos share the event attachments' store: a failed event upload must not take one of ours
registerBlobTable('collection_media')

/** The photo types an image answer takes (the images of the attachment store). */
export const PHOTO_TYPES = (Object.keys(MEDIA_TYPES) as MediaType[]).filter((t) => t.startsWith('image/'))

export const mediaMessagesZh = {
  'collection.instance_not_found': '该任务没有实例 {field} 的回收表单（请先提交表单，再上传照片）',
  'collection.bad_file_name': '照片文件名 {field} 不合法：不能含斜杠或控制字符，最长 255 个字符',
  'collection.not_image_answer': '照片 {name} 不是该表单任何照片题的答案（{field}）',
  'collection.media_not_found': '回收表单没有照片 {name}（{field}）',
  'collection.not_image': '上传的内容不是 JPEG、PNG 或 WebP 图片（{field}）',
  'collection.photo_too_large': '照片过大：最多 {maxBytes} 字节（{field}）',
  'collection.media_conflict': '照片 {name} 已上传过不同的内容（{field}）',
}

interface MediaRow { sha256: string; media_type: MediaType; size_bytes: string }

const nameOk = (s: string) => s.length >= 1 && s.length <= 255 && !/[/\\]/.test(s) && ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)

export function mountMediaRoutes(router: Router, app: AppContext, roles: { read: Role[]; submit: Role[] },
  visibleTask: (ctx: Context, raw: string | undefined) => Promise<{ id: string }>): void {
  const { knex } = app

  /** The return (visible as in the returns list) and the file name checked; 404/400 naming the field. */
  const target = async (ctx: Context): Promise<{ ret: ReturnRow; fileName: string }> => {
    const t = await visibleTask(ctx, ctx.params.id)
    const instanceId = String(ctx.params.instanceId ?? '')
    const fileName = String(ctx.params.fileName ?? '')
    if (!nameOk(fileName)) throw badRequest(`fileName: "${fileName.slice(0, 60)}" is not a file name (no slash or control characters, at most 255)`, { field: 'fileName' })
      .coded('collection.bad_file_name', { field: 'fileName' })
    const ret = (await taskReturns(knex, principalOf(ctx), Number(t.id))).find((r) => r.instance_id === instanceId)
    if (!ret) throw new AppError(404, 'not_found', `instanceId: task ${t.id} has no return ${instanceId.slice(0, 200)} you may see`, { field: 'instanceId' }).coded('collection.instance_not_found', { field: 'instanceId' })
    return { ret, fileName }
  }

  router.put('/:id/returns/:instanceId/media/:fileName', requireRole(...roles.submit), async (ctx) => {
    const p = principalOf(ctx)
    const { ret, fileName } = await target(ctx)
    if (!ret.photos.some((m) => m.fileName === fileName)) {
      throw badRequest(`fileName: ${fileName} is not the answer of an image question of this return`, { field: 'fileName' })
        .coded('collection.not_image_answer', { field: 'fileName', name: fileName })
    }
    let type: MediaType
    try {
      type = declaredType(ctx.get('content-type'))
    } catch (err) {
      throw notImage((err as Error).message)
    }
    if (!PHOTO_TYPES.includes(type)) throw notImage(`Content-Type ${type} is not a photo: use ${PHOTO_TYPES.join(', ')}`)
    const length = ctx.get('content-length')
    let blob: StoredBlob
    try {
      blob = await storeBlob(app.config.dataDir, ctx.req, type, /^\d{1,15}$/.test(length) ? Number(length) : undefined)
    } catch (err) {
      if (!ctx.req.readableEnded) ctx.set('Connection', 'close')
      const e = err as AppError
      if (e instanceof AppError && e.status === 415) throw notImage(e.detail)
      if (e instanceof AppError && e.status === 400) throw badRequest(`body: ${e.detail}`, { field: 'body' }).coded('collection.not_image', { field: 'body' })
      if (e instanceof AppError && e.status === 413) {
        throw new AppError(413, 'payload_too_large', `body: ${e.detail}`, { field: 'body', maxBytes: MEDIA_TYPES[type].maxBytes })
          .coded('collection.photo_too_large', { field: 'body', maxBytes: MEDIA_TYPES[type].maxBytes })
      }
      throw err
    }
    let stored: MediaRow
    try {
      const [row] = await knex('collection_media').insert({
        return_id: ret.id, file_name: fileName, sha256: blob.sha256, media_type: type, size_bytes: blob.size, uploaded_by: p.userId,
      }).onConflict(['return_id', 'file_name']).ignore().returning(['sha256']) as { sha256: string }[]
      stored = row ? { sha256: row.sha256, media_type: type, size_bytes: String(blob.size) } : (await mediaRow(ret.id, fileName))!
      ctx.status = row ? 201 : 200
    } catch (err) {
      await discard(blob)
      throw (err as { code?: string }).code === '53100' ? storageFull(err) : err
    }
    if (stored.sha256 !== blob.sha256) {
      await discard(blob)
      throw new AppError(409, 'conflict', `fileName: ${fileName} was uploaded already with other bytes (sha256 ${stored.sha256})`, { field: 'fileName' })
        .coded('collection.media_conflict', { field: 'fileName', name: fileName })
    }
    ctx.body = { instanceId: ret.instance_id, fileName, sha256: stored.sha256, mediaType: stored.media_type, sizeBytes: Number(stored.size_bytes) }
  })

  router.get('/:id/returns/:instanceId/media/:fileName', requireRole(...roles.read), async (ctx) => {
    const { ret, fileName } = await target(ctx)
    const m = await mediaRow(ret.id, fileName)
    if (!m) throw new AppError(404, 'not_found', `fileName: return ${ret.instance_id} has no photo ${fileName}`, { field: 'fileName' }).coded('collection.media_not_found', { field: 'fileName', name: fileName })
    await sendBlob(ctx, app.config.dataDir, m.sha256, m.media_type)
  })

  const mediaRow = (returnId: string, fileName: string): Promise<MediaRow | undefined> =>
    knex('collection_media').where({ return_id: returnId, file_name: fileName }).first('sha256', 'media_type', 'size_bytes')

  /** A blob this upload created and nothing names goes again (an event may hold the same bytes). */
  const discard = (blob: StoredBlob) => discardBlob(knex, app.config.dataDir, blob)
}

const notImage = (detail: string) => new AppError(415, 'unsupported_media_type', `body: ${detail}`, { field: 'body', accepted: PHOTO_TYPES })
  .coded('collection.not_image', { field: 'body' })
