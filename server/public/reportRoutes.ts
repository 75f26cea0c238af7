// The residents' endpoints under /api/v1/public (no sign-in): codes, reports, following,
// evaluation, appeal, photos. Contract: /work services brief "Contract between public-api and
// public-page"; README "Residents' page".
import fs from 'node:fs'
import type Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { AppError, notFound } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { validate } from '../http/validate.ts'
import { blobPath, insertAttachment, MEDIA_TYPES, type StoredBlob } from '../events/attachments.ts'
import { appendHistory } from '../events/historyAppend.ts'
import { intake } from '../events/intake.ts'
import { readEvent, NUMBER } from '../events/store.ts'
import { transition } from '../events/transitions.ts'
import { statusTitles } from '../events/workflow.ts'
import { checkCode, consumeCode, issueCode, reporterPhoneOf } from './codes.ts'
import { assertFollowToken, issueFollowToken, tokenInvalid } from './follow.ts'
import { readForm } from './multipart.ts'
import { discardPhotos, MAX_PHOTOS, mismatchMetres, preparePhoto, storePhotos, type Photo } from './photos.ts'
import { geodesicMetres } from '../positions/trajectory.ts'
import { reportRow, reportView, residentPrincipal, SATISFACTION_IN, type ReportRow } from './view.ts'

// eslint-disable-next-line no-control-regex -- the NUL is what is refused (PostgreSQL cannot store it)
const noNul = /^[^\u0000]*$/
const PHONE = /^1[3-9]\d{9}$/
const text = (min: number, max: number) => z.string().trim().min(min).max(max).regex(noNul, 'must not contain a NUL character')
const phone = z.string().regex(PHONE, 'must be a mainland mobile number (11 digits, 1[3-9]…)')
const code = z.string().regex(/^\d{6}$/, 'must be the 6-digit code')
const number = z.string().regex(NUMBER, 'must be an event number such as E202612030001')
const coordinate = (min: number, max: number) => z.string().trim().regex(/^-?\d{1,3}(\.\d{1,15})?$/, 'must be a decimal number')
  .transform(Number).pipe(z.number().min(min).max(max))

export const codeSchema = z.object({ phone, purpose: z.enum(['report', 'follow']), number: number.optional() }).strict()
  .refine((b) => b.purpose !== 'follow' || b.number !== undefined, { path: ['number'], message: 'required when purpose is follow' })
export const reportSchema = z.object({
  description: text(5, 500), lon: coordinate(-180, 180), lat: coordinate(-90, 90), crs: z.enum(['GCJ-02', 'EPSG:4326']).default('GCJ-02'),
  phone, code, name: text(1, 50).optional(), address: text(1, 200).optional(),
}).strict()
export const followSchema = z.object({ phone, code }).strict()
export const evaluationSchema = z.object({ satisfaction: z.enum(['satisfied', 'basic', 'dissatisfied']), comment: text(1, 500).optional() }).strict()
export const appealSchema = z.object({ reason: text(5, 500) }).strict()

/** Who files a resident's report: the public role, no account (reports anywhere, like the public). */
const REPORTER: Principal = Object.freeze({ kind: 'anonymous', userId: null, username: 'resident', displayName: '群众', role: 'public',
  departmentId: null, cityCode: null, jurisdiction: Jurisdiction.none() })

/** Resident reports are filed under 其他事件 as 投诉举报; the operator classifies them on accepting. */
const RESIDENT_CLASS = '9999'

function numberParam(ctx: Context): string {
  const n = String(ctx.params.number)
  if (!NUMBER.test(n)) throw tokenInvalid(n.slice(0, 20))
  return n
}

/** The report behind a live follow token (401 for anything else, a missing number included). */
async function followed(app: AppContext, ctx: Context): Promise<ReportRow> {
  const n = numberParam(ctx)
  const token = ctx.get('x-follow-token') || (typeof ctx.query.token === 'string' ? ctx.query.token : undefined)
  await assertFollowToken(app.knex, n, token)
  const r = await reportRow(app.knex, n)
  if (!r) throw tokenInvalid(n)
  return r
}

export function mountReportRoutes(router: Router, app: AppContext): void {
  router.post('/codes', async (ctx) => {
    const b = validate(codeSchema, ctx.request.body, 'request body')
    await issueCode(app.knex, ctx, b)
    ctx.status = 202
    ctx.body = { expiresIn: 300, resendAfter: 60 }
  })

  router.post('/reports', async (ctx) => {
    const form = await readForm(ctx)
    const b = validate(reportSchema, form.fields, 'form')
    if (form.photos.length > MAX_PHOTOS) {
      throw new AppError(400, 'validation_failed', `photos: at most ${MAX_PHOTOS}`, { errors: [{ field: 'photos', message: `at most ${MAX_PHOTOS}` }] })
        .coded('public.too_many_photos', { max: MAX_PHOTOS })
    }
    const photos: Photo[] = []
    for (const [i, f] of form.photos.entries()) photos.push(await preparePhoto(i, f))
    const codeId = await checkCode(app.knex, ctx, { phone: b.phone, code: b.code, purpose: 'report' })
    const blobs = await storePhotos(app.knex, app.config.dataDir, photos)
    try {
      const out = await app.knex.transaction(async (trx) => {
        await consumeCode(trx, codeId)
        const r = await intake(trx, REPORTER, {
          channel: 'resident', demandType: '投诉举报', classCode: RESIDENT_CLASS, description: b.description,
          location: { x: b.lon, y: b.lat, crs: b.crs === 'GCJ-02' ? 'GCJ-02' : 'CRS:84' }, address: b.address,
          reporter: { name: b.name, phone: b.phone },
        }, undefined)
        const row = r.row!
        const resident = residentPrincipal(row)
        const e = (await readEvent(trx, row.number, resident.jurisdiction, null, true))!
        const now = new Date()
        for (const [i, p] of photos.entries()) await attachPhoto(trx, e, p, blobs[i]!, resident, now)
        const followToken = await issueFollowToken(trx, row.number)
        return { number: row.number, followToken, status: e.status, statusName: statusTitles[e.status] }
      })
      ctx.status = 201
      ctx.set('Location', `/api/v1/public/reports/${out.number}`)
      ctx.body = out
    } catch (err) {
      await discardPhotos(app.knex, app.config.dataDir, blobs)
      throw err
    }
  })

  router.post('/reports/:number/follow', async (ctx) => {
    const n = String(ctx.params.number)
    const b = validate(followSchema, ctx.request.body, 'request body')
    if (!NUMBER.test(n)) throw new AppError(400, 'validation_failed', 'number: not an event number', { errors: [{ field: 'number', message: 'not an event number' }] }).coded('public.form_field', { field: 'number' })
    const codeId = await checkCode(app.knex, ctx, { phone: b.phone, code: b.code, purpose: 'follow', number: n })
    const e = await reporterPhoneOf(app.knex, n)
    // the code was only sent when the phone matched; checked again all the same
    if (!e || e.phone !== b.phone) throw tokenInvalid(n)
    const followToken = await app.knex.transaction(async (trx) => {
      await consumeCode(trx, codeId)
      return issueFollowToken(trx, n)
    })
    ctx.body = { followToken }
  })

  router.get('/reports/:number', async (ctx) => {
    const r = await followed(app, ctx)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await reportView(app.knex, r)
  })

  router.post('/reports/:number/evaluation', async (ctx) => {
    const r = await followed(app, ctx)
    const b = validate(evaluationSchema, ctx.request.body, 'request body')
    await transition(app.knex, residentPrincipal(r), r.number, { action: 'evaluate', satisfaction: SATISFACTION_IN[b.satisfaction], comment: b.comment })
    ctx.body = await reportView(app.knex, (await reportRow(app.knex, r.number))!)
  })

  router.post('/reports/:number/appeal', async (ctx) => {
    const r = await followed(app, ctx)
    const b = validate(appealSchema, ctx.request.body, 'request body')
    const t = await transition(app.knex, residentPrincipal(r), r.number, { action: 'appeal', comment: b.reason })
    const child = await app.knex('event').where('parent_event_id', t.event.id).orderBy('id', 'desc').first('number')
    ctx.status = 201
    ctx.body = { number: child?.number ?? null }
  })

  router.get('/photos/:id', async (ctx) => {
    const id = String(ctx.params.id)
    const row = /^[1-9]\d{0,15}$/.test(id)
      ? await app.knex('event_attachment as a').join('event as e', 'e.id', 'a.event_id').where('a.id', Number(id)).whereNull('a.uploaded_by')
        .whereLike('a.original_name', 'resident-photo-%').first('a.sha256', 'a.media_type', 'e.number')
      : undefined
    if (!row) throw notFound(`no photo ${id.slice(0, 20)}`).coded('public.photo_not_found', { id: id.slice(0, 20) })
    const token = ctx.get('x-follow-token') || (typeof ctx.query.token === 'string' ? ctx.query.token : undefined)
    await assertFollowToken(app.knex, row.number, token)
    const file = blobPath(app.config.dataDir, row.sha256)
    const stat = await fs.promises.stat(file)
    ctx.set('Cache-Control', 'private, max-age=3600')
    ctx.set('X-Content-Type-Options', 'nosniff')
    ctx.type = row.media_type
    ctx.length = stat.size
    ctx.body = fs.createReadStream(file)
  })
}

/** One photo's attachment row, its history note and, when its EXIF position is far from the report, a flag for the operator. */
async function attachPhoto(trx: Parameters<typeof appendHistory>[0], e: Awaited<ReturnType<typeof readEvent>> & object, p: Photo, blob: StoredBlob,
  resident: ReturnType<typeof residentPrincipal>, now: Date): Promise<void> {
  const name = `resident-photo-${p.index + 1}.${MEDIA_TYPES[p.type].ext}`
  const a = await insertAttachment(trx, e, blob, { type: p.type, name, stage: 'intake', userId: null })
  if (!a) throw new Error(`photo ${p.index} of ${e.number} not attached`)
  await appendHistory(trx, e, { action: 'attachment_added', from: e.status, to: e.status, p: resident, now, comment: name,
    explanation: { attachment: a.id, mediaType: p.type, sizeBytes: blob.size, stage: 'intake', sha256: blob.sha256, metadataStripped: true } })
  if (!p.gps) return
  const metres = Math.round(geodesicMetres(e.lon, e.lat, p.gps.lon, p.gps.lat))
  const limit = mismatchMetres()
  if (!(metres > limit)) return
  await appendHistory(trx, e, { action: 'photo_location_mismatch', from: e.status, to: e.status, p: resident, now,
    comment: `照片 ${p.index + 1} 的拍摄位置距上报位置约 ${metres} 米（超过 ${limit} 米），请核实位置`,
    explanation: { attachment: a.id, metres, thresholdMetres: limit, photoPosition: { lon: round(p.gps.lon), lat: round(p.gps.lat), crs: 'EPSG:4326' } } })
}

const round = (v: number) => Math.round(v * 1e6) / 1e6
