// One check of every text value a request carries, before any route reads it: a NUL character
// (U+0000) is refused with a 400 naming where it was. PostgreSQL cannot store NUL in text and
// refuses it with an error (a 500), also on paths that need no login; no capability has a use for it.
//
// Looked at: the path and the query (after percent-decoding: %00 is a NUL), every header (and the
// decoded credentials of HTTP Basic), and the bodies the body parser read as text (JSON, form,
// XML, plain text). Bodies it leaves unread (multipart attachments, MVT, GeoPackage and zip
// imports) are binary and are not looked at.
import type { Context, Next } from 'koa'
import { AppError } from './errors.ts'

/** Where the NUL was: the part of the request and, for all but the path, the name inside it
 * (worded in Chinese by 'http.nul_character' in ./messages/httpZh.ts). */
export type InputPart = 'path' | 'query' | 'header' | 'body'

const NUL = '\u0000'

function refuse(part: InputPart, rawName = ''): AppError {
  // the name comes from the client: a long one (a deeply nested body's path) is cut
  const name = rawName.length > 100 ? `${rawName.slice(0, 99)}…` : rawName
  const where = part === 'path' ? 'the path' : `${part === 'body' ? 'body field' : part === 'query' ? 'query parameter' : 'header'} ${name}`
  const field = name || part
  // the members validate() gives (errors[].field) and the single `field` of the hand-made refusals
  return new AppError(400, 'bad_request', `${where} contains a NUL character (U+0000)`,
    { field, errors: [{ field, message: 'must not contain a NUL character (U+0000)' }] },
    { code: 'InvalidParameterValue', locator: field }).coded('http.nul_character', { part, name })
}

/** The middleware: mounted once in server/app.ts, after the body parser and before authentication. */
export function refuseNul() {
  return async (ctx: Context, next: Next) => {
    checkPath(ctx.path)
    checkQuery(ctx.querystring)
    checkHeaders(ctx.headers)
    const where = nulIn(ctx.request.body)
    if (where !== undefined) throw refuse('body', where)
    await next()
  }
}

function checkPath(path: string): void {
  if (path.includes(NUL) || /%00/i.test(path)) throw refuse('path')
}

function checkQuery(querystring: string): void {
  if (!querystring.includes(NUL) && !/%00/i.test(querystring)) return
  for (const pair of querystring.split('&')) {
    const [rawName = '', ...rest] = pair.split('=')
    const name = decodeLoosely(rawName)
    if (name.includes(NUL) || decodeLoosely(rest.join('=')).includes(NUL)) throw refuse('query', name.replaceAll(NUL, '') || '(name)')
  }
}

/** percent-decoding that keeps a malformed sequence as it is (a route refuses it later, by its own rule) */
function decodeLoosely(s: string): string {
  const plus = s.replaceAll('+', ' ')
  try {
    return decodeURIComponent(plus)
  } catch {
    return plus.replace(/%00/gi, NUL)
  }
}

function checkHeaders(headers: Context['headers']): void {
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value ?? '']
    if (values.some((v) => v.includes(NUL))) throw refuse('header', name)
  }
  // HTTP Basic carries the login name and password base64-encoded: the decoded text counts
  const basic = /^Basic\s+(\S{1,1024})$/i.exec(String(headers.authorization ?? ''))?.[1]
  if (basic && Buffer.from(basic, 'base64').includes(0)) throw refuse('header', 'authorization')
}

/** The dotted path of the first key or string holding a NUL in a parsed body, or undefined. */
export function nulIn(body: unknown): string | undefined {
  if (typeof body === 'string') return body.includes(NUL) ? '(body)' : undefined
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return undefined
  // iterative, and the path is built only on a hit: a deeply nested JSON body costs linear time
  interface Step { value: object; key: string; parent: Step | undefined }
  const pathOf = (step: Step | undefined, key: string) => {
    const keys = [key]
    for (let s = step; s?.parent; s = s.parent) keys.push(s.key)
    return keys.reverse().join('.').replaceAll(NUL, '')
  }
  const stack: Step[] = [{ value: body, key: '', parent: undefined }]
  while (stack.length) {
    const step = stack.pop()!
    for (const [key, v] of Object.entries(step.value)) {
      if (key.includes(NUL) || (typeof v === 'string' && v.includes(NUL))) return pathOf(step, key) || '(key)'
      if (v !== null && typeof v === 'object') stack.push({ value: v as object, key, parent: step })
    }
  }
  return undefined
}
