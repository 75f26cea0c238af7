// Residents' photos: what a file really is decides (file-type on its bytes, not its name or
// declared type); JPEG, PNG and WebP up to 10 MB each. The EXIF GPS position (exifr) is read
// only to compare it with the reported point; the copy kept is re-encoded by sharp after
// auto-rotation WITHOUT any metadata (sharp drops EXIF, XMP, ICC comments unless told to keep
// them), so nobody who sees a photo learns where or with what it was taken.
import { Readable } from 'node:stream'
import type { Knex } from 'knex'
import sharp from 'sharp'
import exifr from 'exifr'
import { fileTypeFromBuffer } from 'file-type'
import { AppError } from '../http/errors.ts'
import { discardBlob, storeBlob, type StoredBlob } from '../events/attachments.ts'

export const MAX_PHOTOS = 3
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024
/** Decoded pixels a photo may have (a decompression bomb is refused, not rendered). */
const MAX_PIXELS = 50_000_000
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type PhotoType = (typeof PHOTO_TYPES)[number]

export interface Photo { index: number; type: PhotoType; bytes: Buffer; gps: { lon: number; lat: number } | null }

const field = (i: number) => `photos[${i}]`
const refuse = (status: number, i: number, message: string, code: string, params: Record<string, unknown> = {}) =>
  new AppError(status, status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed',
    `${field(i)}: ${message}`, { field: field(i), errors: [{ field: field(i), message }] }).coded(code, { field: field(i), ...params })

/** The distance beyond which a photo's EXIF position is flagged (env GRIDGOV_PUBLIC_PHOTO_MAX_METRES, default 300). */
export function mismatchMetres(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.GRIDGOV_PUBLIC_PHOTO_MAX_METRES)
  return Number.isFinite(v) && v > 0 ? v : 300
}

/** Checks and re-encodes one uploaded file; throws a 4xx naming photos[i]. */
export async function preparePhoto(i: number, file: File): Promise<Photo> {
  if (file.size > PHOTO_MAX_BYTES) throw refuse(413, i, `larger than ${PHOTO_MAX_BYTES} bytes`, 'public.photo_too_large', { max: PHOTO_MAX_BYTES })
  const input = Buffer.from(await file.arrayBuffer())
  if (!input.length) throw refuse(400, i, 'empty file', 'public.photo_unreadable')
  const detected = await fileTypeFromBuffer(input)
  const type = PHOTO_TYPES.find((t) => t === detected?.mime)
  if (!type) throw refuse(415, i, `is ${detected?.mime ?? 'not a recognisable file'}, not a JPEG, PNG or WebP image`, 'public.photo_type', { detected: detected?.mime ?? null })
  let gps: Photo['gps'] = null
  try {
    const g = await exifr.gps(input) as { latitude?: number; longitude?: number } | undefined
    if (g && Number.isFinite(g.latitude) && Number.isFinite(g.longitude) && Math.abs(g.latitude!) <= 90 && Math.abs(g.longitude!) <= 180) {
      gps = { lon: g.longitude!, lat: g.latitude! }
    }
  } catch {
    // unreadable EXIF: no position to compare, the picture itself may still be fine
  }
  let bytes: Buffer
  try {
    const img = sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate()
    bytes = await (type === 'image/jpeg' ? img.jpeg({ quality: 85 }) : type === 'image/png' ? img.png() : img.webp({ quality: 85 })).toBuffer()
  } catch (err) {
    throw refuse(400, i, `cannot be decoded as ${type} (${(err as Error).message.slice(0, 100)})`, 'public.photo_unreadable')
  }
  return { index: i, type, bytes, gps }
}

/** Stores the re-encoded copies as attachments' blobs are stored (temp file + rename). */
export async function storePhotos(knex: Knex, dataDir: string, photos: Photo[]): Promise<StoredBlob[]> {
  const blobs: StoredBlob[] = []
  try {
    for (const p of photos) blobs.push(await storeBlob(dataDir, Readable.from([p.bytes]), p.type, p.bytes.length))
  } catch (err) {
    await discardPhotos(knex, dataDir, blobs)
    throw err
  }
  return blobs
}

export async function discardPhotos(knex: Knex, dataDir: string, blobs: StoredBlob[]): Promise<void> {
  for (const b of blobs) await discardBlob(knex, dataDir, b)
}
