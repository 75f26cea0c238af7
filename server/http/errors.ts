// The one error type of the service and the one place it becomes a response:
// an OGC exception report on /ogc paths, a registered format on its paths (the GeoReport v2 error
// list on /open311, registered by server/open311/routes.ts), RFC 9457 problem JSON everywhere else.
// Only 4xx messages reach clients; 5xx details go to the log with the request id, except a
// coded 5xx: a condition the client is told in words (507: the attachment store is full).
// A problem carries a stable message `code` with its `params` (RFC 9457 extension members); its
// `detail` is English unless the request prefers Chinese (Accept-Language) and a registered
// catalogue words the code (./messages/registry.ts). OGC and registered formats stay as they are.
import type { Context, Next } from 'koa'
import { messageFor, negotiateLanguage, type MessageParams } from './messages/registry.ts'
import { genericCode, registerHttpMessages } from './messages/httpZh.ts'
import { DB_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.ts'

export interface OgcFault {
  /** OGC exceptionCode, e.g. MissingParameterValue, InvalidParameterValue, LayerNotDefined. */
  code: string
  /** The parameter at fault (ows locator). */
  locator?: string
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    /** A short machine slug, e.g. 'validation_failed'; becomes the problem type. */
    readonly type: string,
    /** Public, human-readable detail (shown to clients for 4xx only). */
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly ogc?: OgcFault,
    options?: { cause?: unknown },
  ) {
    super(detail, options)
    this.name = 'AppError'
  }

  /** The message code (family.name) a catalogue words; unset: the generic code of the status. */
  code?: string
  /** The values the wording names (also sent to clients as the problem's `params`). */
  params: MessageParams = {}

  /** Gives the refusal its message code and parameters: `throw badRequest('…').coded('x.y', { … })`. */
  coded(code: string, params: MessageParams = {}): this {
    this.code = code
    this.params = params
    return this
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(400, 'bad_request', detail, extra)
// Without a detail these are the generic refusals of their status, coded as such; with one, the
// caller should code it (an uncoded one is worded generically, its English detail kept).
export const unauthorized = (detail?: string) => generic(new AppError(401, 'unauthorized', detail ?? 'authentication required'), detail)
export const forbidden = (detail?: string) => generic(new AppError(403, 'forbidden', detail ?? 'not permitted'), detail)
export const notFound = (detail?: string) => generic(new AppError(404, 'not_found', detail ?? 'not found'), detail)
const generic = (err: AppError, detail: string | undefined) => (detail === undefined ? err.coded(genericCode(err.status)) : err)

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable', 507: 'Insufficient Storage',
}

/** Turns anything thrown below into an AppError: koa/http-errors (bodyparser, ctx.throw) keep their 4xx status. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (isDatabaseUnavailable(err)) {
    return new AppError(503, 'database_unavailable', 'the database is not reachable at the moment; try again shortly', {}, undefined, { cause: err })
      .coded('db.unavailable', { retryAfter: DB_RETRY_AFTER_SECONDS })
  }
  const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; type?: string }
  const status = e?.status ?? e?.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request'
    const detail = e.expose !== false && e.message ? e.message : (titles[status] ?? 'bad request')
    return new AppError(status, type, detail, {}, undefined, { cause: err })
  }
  // a body whose bytes do not match its Content-Encoding: zlib or brotli refuses it while the body parser inflates it
  if (/^(Z_(DATA|BUF)_ERROR|ERR__ERROR_FORMAT|ERR_BROTLI)/.test(String((err as { code?: unknown })?.code ?? ''))) {
    return new AppError(400, 'bad_request', 'the request body is not valid data of its Content-Encoding', {}, undefined, { cause: err }).coded('http.bad_content_encoding')
  }
  // a date the validators let through but PostgreSQL refuses (year 0, 31 February): the input's fault.
  // SQLSTATE 22007 invalid_datetime_format, 22008 datetime_field_overflow
  if (/^2200[78]$/.test(String((err as { code?: unknown })?.code ?? ''))) {
    return new AppError(400, 'bad_request', 'a date or time in the request is out of range (e.g. year 0 or 31 February)', {}, undefined, { cause: err }).coded('http.bad_datetime')
  }
  // two writers crossed (40P01 deadlock_detected, 40001 serialization_failure): PostgreSQL rolled
  // this one back whole, so the same request may simply be sent again
  if (/^40(P01|001)$/.test(String((err as { code?: unknown })?.code ?? ''))) {
    return new AppError(503, 'busy', 'a concurrent change collided with this one and it was rolled back whole; send it again', {}, undefined, { cause: err }).coded('http.write_collision')
  }
  return new AppError(500, 'internal', 'internal error', {}, undefined, { cause: err })
}

/**
 * The error format of a family of paths that is neither OGC nor problem JSON (Open311's error
 * list). The capability registers it when its routes are built: this generic layer learns a
 * format by registration and imports none.
 */
export interface ErrorFormat {
  matches(path: string): boolean
  /** writes the body and type; ctx.status is already set */
  write(ctx: Context, err: AppError, requestId: string): void
}
const errorFormats: ErrorFormat[] = []
registerHttpMessages()
export function registerErrorFormat(format: ErrorFormat): void {
  if (!errorFormats.includes(format)) errorFormats.push(format)
}

/** The error middleware: the only place an error becomes a response. */
export function errorMiddleware() {
  return async (ctx: Context, next: Next) => {
    try {
      await next()
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `no resource at ${ctx.method} ${ctx.path}`).coded('http.no_route', { method: ctx.method, path: ctx.path })
      }
    } catch (thrown) {
      const err = toAppError(thrown)
      const requestId = String(ctx.state.requestId ?? '')
      if (err.status >= 500) {
        ctx.state.log?.error({ err: err.cause ?? err, requestId }, 'request failed')
      }
      ctx.status = err.status
      if (err.code === 'db.unavailable') ctx.set('Retry-After', String(DB_RETRY_AFTER_SECONDS))
      if (err.code === 'http.write_collision') ctx.set('Retry-After', '1')
      const format = errorFormats.find((f) => f.matches(ctx.path))
      if (format) {
        format.write(ctx, err, requestId)
      } else if (ctx.path === '/ogc' || ctx.path.startsWith('/ogc/')) {
        // desktop GIS clients (QGIS, GDAL) ask the user for credentials only on a Basic challenge;
        // not elsewhere: browsers would pop a login dialog over the map page
        if (err.status === 401) ctx.set('WWW-Authenticate', 'Basic realm="gridgov", charset="UTF-8"')
        writeOgcException(ctx, err)
      } else {
        writeProblem(ctx, err, requestId)
      }
    }
  }
}

/** RFC 9457 problem JSON, its detail in the negotiated language. */
function writeProblem(ctx: Context, err: AppError, requestId: string): void {
  const internal = err.status >= 500 && !err.code
  const code = internal ? 'http.internal' : err.code ?? genericCode(err.status)
  const params = internal ? { requestId } : err.code ? err.params : {}
  let detail = internal ? `internal error (request id ${requestId})` : err.detail
  ctx.vary('Accept-Language')
  if (negotiateLanguage(ctx.get('accept-language')) === 'zh') {
    const zh = messageFor('zh', code, params)
    if (zh !== undefined) {
      // an uncoded refusal: the generic Chinese sentence, the English specifics kept beside it
      detail = err.code || internal ? zh : `${zh}（${err.detail}）`
      ctx.set('Content-Language', 'zh-CN')
    }
  }
  ctx.type = 'application/problem+json'
  // the extension members first: RFC 9457's own members (status above all) are never overwritten
  ctx.body = {
    ...(internal ? {} : err.extra),
    type: `https://gridgov.invalid/problems/${err.type}`,
    title: titles[err.status] ?? 'Error',
    status: err.status,
    detail,
    instance: ctx.path,
    requestId,
    code,
    params,
  }
}

/**
 * WFS and OGC API clients expect an OWS 2.0 ExceptionReport; WMS clients a
 * ServiceExceptionReport (QGIS and GDAL detect errors by exactly these root tags).
 */
function writeOgcException(ctx: Context, err: AppError): void {
  const code = err.ogc?.code ?? (err.status >= 500 ? 'NoApplicableCode' : err.status === 404 ? 'NotFound' : 'InvalidParameterValue')
  const text = escapeXml(err.status >= 500 && !err.code ? `internal error (request id ${String(ctx.state.requestId ?? '')})` : err.detail)
  const locator = err.ogc?.locator ? ` locator="${escapeXml(err.ogc.locator)}"` : ''
  ctx.type = 'text/xml; charset=utf-8'
  // WMTS 1.0.0 answers an OWS 1.1 ExceptionReport of its own version (and /ogc/wmts starts with /ogc/wms)
  const wmts = ctx.path === '/ogc/wmts' || ctx.path.startsWith('/ogc/wmts/')
  if (ctx.path.startsWith('/ogc/wms') && !wmts) {
    const version = ctx.state.ogcVersion === '1.1.1' ? '1.1.1' : '1.3.0'
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ServiceExceptionReport version="${version}" xmlns="http://www.opengis.net/ogc">` +
      `<ServiceException code="${escapeXml(code)}"${locator}>${text}</ServiceException></ServiceExceptionReport>`
    return
  }
  const version = wmts ? '1.0.0' : ctx.state.ogcVersion === '1.1.0' ? '1.1.0' : '2.0.0'
  const owsNs = version === '1.1.0' ? 'http://www.opengis.net/ows' : 'http://www.opengis.net/ows/1.1'
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ows:ExceptionReport xmlns:ows="${owsNs}" version="${version}" xml:lang="zh-CN">` +
    `<ows:Exception exceptionCode="${escapeXml(code)}"${locator}><ows:ExceptionText>${text}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
}
