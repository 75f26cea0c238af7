// multipart/form-data for POST /api/v1/public/reports: the body is read with a hard cap (a
// declared Content-Length over it is refused before a byte is read, a longer stream midway) and
// parsed by the platform's own multipart parser (undici's Response.formData). Text fields come
// back as strings (a repeated one is refused), files only under `photos`.
import type { Context } from 'koa'
import { AppError } from '../http/errors.ts'

export const BODY_MAX_BYTES = 50 * 1024 * 1024

const tooLarge = (max: number) => new AppError(413, 'payload_too_large', `the request body is larger than ${max} bytes`, { maxBytes: max })
  .coded('public.body_too_large', { max })

const invalidField = (field: string, message: string) => new AppError(400, 'validation_failed', `invalid form: ${field}: ${message}`,
  { field, errors: [{ field, message }] }).coded('public.form_field', { field })

async function readCapped(ctx: Context, max: number): Promise<Buffer> {
  const declared = ctx.get('content-length')
  if (declared && /^\d+$/.test(declared) && Number(declared) > max) {
    ctx.set('Connection', 'close')
    throw tooLarge(max)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) {
      ctx.set('Connection', 'close')
      ctx.req.unpipe()
      ctx.req.pause()
      throw tooLarge(max)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export interface Form { fields: Record<string, string>; photos: File[] }

export async function readForm(ctx: Context, max = BODY_MAX_BYTES): Promise<Form> {
  const type = ctx.get('content-type')
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new AppError(415, 'unsupported_media_type', 'send the report as multipart/form-data', { accepted: ['multipart/form-data'] })
      .coded('public.form_expected')
  }
  const body = await readCapped(ctx, max)
  let data: FormData
  try {
    data = await new Response(body, { headers: { 'content-type': type } }).formData()
  } catch {
    throw new AppError(400, 'bad_request', 'the multipart body cannot be read (boundary, headers or end missing)').coded('public.form_unreadable')
  }
  const fields: Record<string, string> = {}
  const photos: File[] = []
  for (const [name, value] of data) {
    if (typeof value !== 'string') {
      if (name !== 'photos') throw invalidField(name.slice(0, 60), 'only photos may carry files')
      photos.push(value)
    } else if (name === 'photos') {
      throw invalidField('photos', 'must be files, not text')
    } else if (name in fields) {
      throw invalidField(name.slice(0, 60), 'given more than once')
    } else {
      fields[name] = value
    }
  }
  return { fields, photos }
}
