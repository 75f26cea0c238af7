// Attachments of events (photos, scans, voice, video): the bytes are stored outside the
// database, content-addressed by SHA-256 under DATA_DIR/attachments/ab/cd/<sha256>, and
// event_attachment holds one row per attachment (0006_events.sql).
//
// Upload: the raw bytes are the request body (no multipart: one file per request keeps a mobile
// client's retry simple, and no parser library is needed). The declared Content-Type must be one
// of the accepted types AND agree with the file's magic bytes; each type has a size limit that
// is checked against Content-Length first and again while streaming, so an oversized body is
// refused without being buffered and leaves nothing behind. The stream goes to a temporary file
// on the same file system while it is hashed, then is renamed into place: a reader never sees
// a half-written file, and the same bytes uploaded twice end as one file. A full disk (ENOSPC,
// EDQUOT) anywhere on the way is a coded 507; the route inserts the row only after the blob is in
// place and removes a blob it created when the row cannot be written: never one without the other.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PassThrough, Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { AppError, badRequest } from '../http/errors.ts'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import type { EventRow } from './store.ts'
import { isAssignee } from './assignee.ts'

const MiB = 1024 * 1024

/** Accepted media types: the magic-byte test and the size limit of each. */
export const MEDIA_TYPES = {
  'image/jpeg': { maxBytes: 10 * MiB, ext: 'jpg', magic: (b: Buffer) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': { maxBytes: 10 * MiB, ext: 'png', magic: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/webp': { maxBytes: 10 * MiB, ext: 'webp', magic: (b: Buffer) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  'application/pdf': { maxBytes: 20 * MiB, ext: 'pdf', magic: (b: Buffer) => ascii(b, 0, 5) === '%PDF-' },
  // an ID3v2 tag, or straight into an MPEG audio frame (11 sync bits set)
  'audio/mpeg': { maxBytes: 20 * MiB, ext: 'mp3', magic: (b: Buffer) => ascii(b, 0, 3) === 'ID3' || (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) },
  // ISO base media: the first box is 'ftyp'
  'video/mp4': { maxBytes: 20 * MiB, ext: 'mp4', magic: (b: Buffer) => ascii(b, 4, 8) === 'ftyp' },
} as const satisfies Record<string, { maxBytes: number; ext: string; magic: (b: Buffer) => boolean }>
export type MediaType = keyof typeof MEDIA_TYPES

/** Bytes needed to recognise any accepted type. */
const SNIFF_BYTES = 12

export const STAGES = ['intake', 'handling', 'feedback', 'verify', 'other'] as const
export type Stage = (typeof STAGES)[number]

/** Attachments one event may carry: a bound on what one reporter can pile onto a case. */
export const MAX_PER_EVENT = 100

function ascii(b: Buffer, from: number, to: number): string {
  return b.length >= to ? b.toString('latin1', from, to) : ''
}

/** The accepted type whose magic bytes the head matches, if any. */
export function sniff(head: Buffer): MediaType | undefined {
  return (Object.keys(MEDIA_TYPES) as MediaType[]).find((t) => MEDIA_TYPES[t].magic(head))
}

/** The declared Content-Type, without parameters, if it is one we accept; otherwise 415. */
export function declaredType(contentType: string | undefined): MediaType {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (t in MEDIA_TYPES) return t as MediaType
  throw new AppError(415, 'unsupported_media_type',
    `Content-Type ${t ? `"${t}"` : '(none)'} is not accepted for attachments: use one of ${Object.keys(MEDIA_TYPES).join(', ')}`,
    { accepted: Object.keys(MEDIA_TYPES) })
}

const tooLarge = (type: MediaType, size: number | string) => new AppError(413, 'payload_too_large',
  `${type} attachments may be at most ${MEDIA_TYPES[type].maxBytes} bytes; this one is ${size}`, { maxBytes: MEDIA_TYPES[type].maxBytes })

export const blobPath = (dataDir: string, sha256: string) =>
  path.join(dataDir, 'attachments', sha256.slice(0, 2), sha256.slice(2, 4), sha256)

/**
 * Answers GET of a stored blob: the hash is a strong validator (the content never changes for
 * it), so If-None-Match answers 304 without touching the disk; else the file is streamed. A row
 * whose blob is missing is our fault (500), not the caller's.
 */
export async function sendBlob(ctx: Context, dataDir: string, sha256: string, type: string): Promise<void> {
  const etag = `"${sha256}"`
  ctx.set('ETag', etag)
  ctx.set('Cache-Control', 'private, max-age=86400')
  ctx.set('X-Content-Type-Options', 'nosniff')
  if (ctx.get('if-none-match').split(',').map((s) => s.trim()).includes(etag)) {
    ctx.status = 304
    return
  }
  const file = blobPath(dataDir, sha256)
  const stat = await fs.promises.stat(file).catch(() => undefined)
  if (!stat) throw new Error(`${ctx.method} ${ctx.path}: blob ${sha256} missing under ${dataDir}`)
  ctx.type = type
  ctx.length = stat.size
  ctx.body = fs.createReadStream(file)
}

export interface StoredBlob {
  sha256: string; size: number
  /** this upload put the file in place (it was not there before): only then may a failure remove it */
  created: boolean
}

/** ENOSPC / EDQUOT: the attachment store is full (or the uploader's quota is used up). */
const isStorageFull = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException)?.code ?? '')

export const storageFull = (cause: unknown) => new AppError(507, 'insufficient_storage',
  'the attachment store is full: the file was not saved; ask the administrator to free space, then upload again', {}, undefined, { cause })
  .coded('events.storage_full')

/**
 * Streams a request body to the blob store: size limit and magic bytes checked on the way,
 * hashed while written, renamed into place when complete. On any failure the temporary file is
 * removed and nothing is stored.
 */
export async function storeBlob(dataDir: string, body: Readable, type: MediaType, declaredLength: number | undefined): Promise<StoredBlob> {
  const { maxBytes } = MEDIA_TYPES[type]
  if (declaredLength !== undefined && declaredLength > maxBytes) throw tooLarge(type, declaredLength)
  const tmpDir = path.join(dataDir, 'attachments', 'tmp')
  const tmp = path.join(tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`)
  const hash = crypto.createHash('sha256')
  let size = 0
  let head = Buffer.alloc(0)
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      if (size > maxBytes) return done(tooLarge(type, `over ${maxBytes}`))
      if (head.length < SNIFF_BYTES) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)])
        if (head.length >= SNIFF_BYTES && !MEDIA_TYPES[type].magic(head)) return done(mismatch(type, head))
      }
      hash.update(chunk)
      done(null, chunk)
    },
  })
  // The request is piped through a PassThrough so that a refusal midway (413, 415) destroys our
  // streams but not the request: the error response can still be written on its socket.
  const pass = new PassThrough()
  const abort = () => { if (!body.readableEnded) pass.destroy(badRequest('the upload was aborted before its end')) }
  body.once('error', abort).once('close', abort)
  body.pipe(pass)
  try {
    await fs.promises.mkdir(tmpDir, { recursive: true })
    await pipeline(pass, check, fs.createWriteStream(tmp, { flags: 'wx' }))
    if (size === 0) throw badRequest('the attachment is empty: send the file bytes as the request body')
    // files shorter than SNIFF_BYTES are judged on what there is
    if (head.length < SNIFF_BYTES && !MEDIA_TYPES[type].magic(head)) throw mismatch(type, head)
    const sha256 = hash.digest('hex')
    const final = blobPath(dataDir, sha256)
    await fs.promises.mkdir(path.dirname(final), { recursive: true })
    const existed = await fs.promises.access(final).then(() => true, () => false)
    // rename replaces atomically: identical bytes make an identical file, so a concurrent upload
    // of the same content is harmless
    await fs.promises.rename(tmp, final)
    return { sha256, size, created: !existed }
  } catch (err) {
    await fs.promises.rm(tmp, { force: true })
    throw isStorageFull(err) ? storageFull(err) : err
  } finally {
    body.unpipe(pass)
    body.off('error', abort).off('close', abort)
  }
}

/**
 * Undoes storeBlob when the row could not be written: the file goes if this upload created it
 * and no row names its hash (the same bytes attached elsewhere keep their file).
 */
export async function discardBlob(knex: Knex, dataDir: string, blob: StoredBlob): Promise<void> {
  if (!blob.created) return
  for (const table of blobTables) {
    if (await knex(table).where({ sha256: blob.sha256 }).first('sha256')) return
  }
  await fs.promises.rm(blobPath(dataDir, blob.sha256), { force: true })
}

/** The tables whose rows name a stored file by its sha256 column; others register theirs. */
const blobTables = new Set(['event_attachment'])

/** A capability that keeps files in this store (by a sha256 column) registers its table, so a failed upload elsewhere never takes its file. */
export function registerBlobTable(table: string): void {
  blobTables.add(table)
}

function mismatch(type: MediaType, head: Buffer): AppError {
  const actual = sniff(head)
  return new AppError(415, 'media_type_mismatch', actual
    ? `the file is ${actual}, not the declared ${type}`
    : `the file's leading bytes are not those of ${type} (nor of any accepted type)`, { declared: type, detected: actual ?? null })
}

// Staff who may add material to an event they can see (the gis_analyst reads, external systems
// act through their own reports).
const ATTACHING_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector']

/** Whether the principal may attach to the event at the stage; throws 403 with the reason. */
export function assertMayAttach(p: Principal, e: EventRow, stage: Stage): void {
  const staff = ATTACHING_ROLES.includes(p.role) && p.jurisdiction.covers(e.community_code)
  if (staff || isAssignee(p, e)) return
  const reporter = p.userId !== null && e.reporter_user_id === p.userId
  // a reporter adds evidence to the report, not to the handling or its verification
  if (reporter && (stage === 'intake' || stage === 'other')) return
  throw new AppError(403, 'forbidden', reporter
    ? `the reporter may attach at stage intake or other, not ${stage}`
    : 'only the reporter, staff of the area and the assignee may attach to this event')
}

export interface AttachmentRow {
  id: number; event_id: number; sha256: string; media_type: MediaType; size_bytes: number
  original_name: string | null; stage: Stage; uploaded_by: number | null; uploader_name: string | null; uploaded_at: Date
}

const columns = ['a.id', 'a.event_id', 'a.sha256', 'a.media_type', 'a.size_bytes', 'a.original_name', 'a.stage',
  'a.uploaded_by', 'u.display_name as uploader_name', 'a.uploaded_at']

function selectAttachments(knex: Knex | Knex.Transaction) {
  return knex('event_attachment as a').leftJoin('app_user as u', 'u.id', 'a.uploaded_by').select(columns)
}

const normalise = (r: AttachmentRow): AttachmentRow => ({ ...r, id: Number(r.id), event_id: Number(r.event_id),
  uploaded_by: r.uploaded_by === null ? null : Number(r.uploaded_by) })

/**
 * The attachments of an event among `ids`, in the order of `ids`; ids that are not attachments
 * of this event are left out (the caller compares lengths to refuse a foreign or unknown id).
 * For transitions that name their evidence (verify with a photo).
 */
export async function attachmentsOfEvent(knex: Knex | Knex.Transaction, eventId: number, ids: readonly number[]): Promise<AttachmentRow[]> {
  if (!ids.length) return []
  const rows = (await selectAttachments(knex).where('a.event_id', eventId).whereIn('a.id', [...new Set(ids)])).map(normalise)
  const byId = new Map(rows.map((r) => [r.id, r]))
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? [])
}

export async function listAttachments(knex: Knex, eventId: number): Promise<AttachmentRow[]> {
  return (await selectAttachments(knex).where('a.event_id', eventId).orderBy('a.id')).map(normalise)
}

export async function findAttachment(knex: Knex, eventId: number, id: number): Promise<AttachmentRow | undefined> {
  const row = await selectAttachments(knex).where({ 'a.event_id': eventId, 'a.id': id }).first()
  return row ? normalise(row) : undefined
}

/**
 * The row for a stored blob. The per-event limit is checked in the same statement, so that
 * concurrent uploads cannot both slip under it by much (at most by the concurrency).
 */
export async function insertAttachment(knex: Knex, e: EventRow, blob: StoredBlob, a: { type: MediaType; name: string | null; stage: Stage; userId: number | null }): Promise<AttachmentRow | undefined> {
  const { rows } = await knex.raw(`INSERT INTO event_attachment (event_id, city_code, sha256, media_type, size_bytes, original_name, stage, uploaded_by)
    SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM event_attachment WHERE event_id = ?) < ?
    RETURNING id`, [e.id, e.city_code, blob.sha256, a.type, blob.size, a.name, a.stage, a.userId, e.id, MAX_PER_EVENT]) as { rows: { id: number }[] }
  if (!rows[0]) return undefined
  return findAttachment(knex, e.id, Number(rows[0].id))
}

export function attachmentView(r: AttachmentRow, number: string) {
  return {
    id: r.id, mediaType: r.media_type, sizeBytes: r.size_bytes, name: r.original_name, stage: r.stage, sha256: r.sha256,
    uploadedBy: r.uploaded_by === null ? null : { userId: r.uploaded_by, name: r.uploader_name },
    uploadedAt: r.uploaded_at.toISOString(), href: `/api/v1/events/${number}/attachments/${r.id}`,
  }
}

/** Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 8187) for Chinese file names. */
export function contentDisposition(name: string | null, r: AttachmentRow): string {
  const fallbackBase = `attachment-${r.id}.${MEDIA_TYPES[r.media_type].ext}`
  const chosen = name ?? fallbackBase
  const ascii = /^[\x20-\x7e]+$/.test(chosen) ? chosen.replace(/["\\]/g, '_') : fallbackBase
  const encoded = encodeURIComponent(chosen).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
