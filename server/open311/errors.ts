// The GeoReport v2 error format, registered with the one error middleware (server/http/errors.ts)
// for /open311 paths: XML <errors><error><code/><description/></error></errors> or the JSON array
// [{code, description}], by the path's extension. code is the HTTP status, as in the spec's
// examples (403 "Invalid api_key …"). A validation failure lists one error per offending field.
import type { Context } from 'koa'
import type { AppError, ErrorFormat } from '../http/errors.ts'
import { formatOfPath, xmlDocument } from './format.ts'

export const OPEN311_PREFIX = '/open311'

export function isOpen311Path(path: string): boolean {
  return path === OPEN311_PREFIX || path.startsWith(`${OPEN311_PREFIX}/`)
}

export interface Open311Error { code: number; description: string }

/** The spec's error list for an AppError (5xx: no detail, only the request id). */
export function open311Errors(err: AppError, requestId: string): Open311Error[] {
  if (err.status >= 500) return [{ code: err.status, description: `internal error (request id ${requestId})` }]
  const fields = err.extra.errors
  if (Array.isArray(fields) && fields.length > 0) {
    return fields.map((f: { field?: unknown; message?: unknown }) => ({
      code: err.status, description: `${String(f.field ?? '')}: ${String(f.message ?? '')}`,
    }))
  }
  return [{ code: err.status, description: err.detail }]
}

/** Writes the error response; the caller (errorMiddleware) has already set ctx.status. */
export function writeOpen311Error(ctx: Context, err: AppError, requestId: string): void {
  const errors = open311Errors(err, requestId)
  if (formatOfPath(ctx.path) === 'json') {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = errors
    return
  }
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = xmlDocument('errors', { error: errors })
}

/** GeoReport v2 clients read <errors><error><code/><description/></error></errors> or its JSON array. */
export const open311ErrorFormat: ErrorFormat = { matches: isOpen311Path, write: writeOpen311Error }
