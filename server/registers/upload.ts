// The body of a register import: the file itself (xlsx or CSV), read from the socket within the
// limit. A declared Content-Length over the limit is refused before a byte is read; a body that
// declares its length is read into one buffer of that size (the file is held once, not as chunks
// and their copy); a chunked body stops being read at the limit.
import type { Context } from 'koa'
import { AppError } from '../http/errors.ts'

/** 100,000 residents are ~ 15 MB of CSV or ~ 6 MB of xlsx. */
export const REGISTER_IMPORT_MAX_BYTES = 32 * 1024 * 1024

export type UploadFormat = 'xlsx' | 'csv'

const XLSX_TYPES = new Set(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip'])
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values'])

const tooLarge = () => new AppError(413, 'payload_too_large', `register files are limited to ${REGISTER_IMPORT_MAX_BYTES} bytes: split the file or use npm run import:register`)
  .coded('registers.too_large', { limitMb: REGISTER_IMPORT_MAX_BYTES / 1024 / 1024 })

/** The format the Content-Type names; octet-stream is told apart by the zip signature later. */
export function declaredFormat(ctx: Context): UploadFormat | 'sniff' {
  const type = ctx.request.type.toLowerCase()
  if (XLSX_TYPES.has(type)) return 'xlsx'
  if (CSV_TYPES.has(type)) return 'csv'
  if (type === 'application/octet-stream') return 'sniff'
  throw new AppError(415, 'unsupported_media_type',
    `send the file as an xlsx workbook (${[...XLSX_TYPES][0]}) or text/csv (charset=utf-8 or gbk), not ${ctx.get('content-type') || 'no Content-Type'}`)
    .coded('registers.unsupported_type', { type: ctx.get('content-type') || '' })
}

export async function readUpload(ctx: Context, limit = REGISTER_IMPORT_MAX_BYTES): Promise<Buffer> {
  const declared = ctx.get('content-length') ? Number(ctx.get('content-length')) : undefined
  if (declared !== undefined && declared > limit) {
    // the client has sent its headers only: answering now spares both sides the upload
    ctx.set('Connection', 'close')
    throw tooLarge()
  }
  let out: Buffer
  if (declared !== undefined && Number.isSafeInteger(declared)) {
    out = Buffer.allocUnsafe(declared)
    let at = 0
    for await (const chunk of ctx.req) {
      const c = chunk as Buffer
      if (at + c.length > declared) throw new AppError(400, 'bad_request', 'the body is longer than its Content-Length')
      c.copy(out, at)
      at += c.length
    }
    out = out.subarray(0, at)
  } else {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length
      if (size > limit) {
        ctx.set('Connection', 'close')
        throw tooLarge()
      }
      chunks.push(chunk as Buffer)
    }
    out = Buffer.concat(chunks)
  }
  if (out.length === 0) throw new AppError(400, 'bad_request', 'empty body: send the xlsx or CSV file as the request body').coded('registers.empty_file')
  return out
}
