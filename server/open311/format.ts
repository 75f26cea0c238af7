// Open311 GeoReport v2 output: every resource in XML (the spec's required format) and JSON,
// chosen by the path's extension (services.xml / services.json). XML is written by
// fast-xml-parser's XMLBuilder, which escapes every text node; nothing is concatenated by hand.
import type { Context } from 'koa'
import { XMLBuilder } from 'fast-xml-parser'
import { AppError } from '../http/errors.ts'

export type Format = 'xml' | 'json'
export const FORMATS: readonly Format[] = ['xml', 'json']
export const MEDIA_TYPES: Record<Format, string> = { xml: 'text/xml', json: 'application/json' }

/** Namespace of the documented gridgov extension elements (gridgov:status, gridgov:grid_code, …). */
export const GRIDGOV_NS = 'https://gridgov.invalid/open311/v2/extensions'

/** The format named by a route's `:format` parameter; anything else is a 400. */
export function formatOf(value: unknown): Format {
  const f = String(value ?? '').toLowerCase()
  if (f === 'xml' || f === 'json') return f
  const shown = f.length > 20 ? `${f.slice(0, 20)}…` : f
  throw new AppError(400, 'unsupported_format', `format "${shown}" is not supported: use .xml or .json`)
}

/** The format an error on `path` is written in: JSON for *.json, XML (the required format) otherwise. */
export function formatOfPath(path: string): Format {
  return /\.json$/i.test(path) ? 'json' : 'xml'
}

// XML 1.0 cannot carry C0 controls (other than tab, LF, CR), lone surrogates or U+FFFE/U+FFFF
// even as character references: events that came in through other channels may hold them, so
// they are dropped on output (intake through Open311 refuses them on input).
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

export function xmlSafe(s: string): string {
  return s.replace(NOT_XML_CHAR, '')
}

// In the spec's XML a list is a wrapper element holding repeated items (<attributes><attribute/>…),
// where JSON has an array: the item element of each list key.
const LIST_ITEMS: Record<string, string> = { attributes: 'attribute', values: 'value', endpoints: 'endpoint', formats: 'format' }

/**
 * The spec's JSON shape → the tree XMLBuilder writes: lists wrapped in their item element,
 * strings XML-safe, null/undefined as empty elements.
 */
function forXml(v: unknown): unknown {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return xmlSafe(v)
  if (Array.isArray(v)) return v.map(forXml)
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => {
      const item = LIST_ITEMS[k]
      return [k, item && Array.isArray(x) ? { [item]: forXml(x) } : forXml(x)]
    }))
  }
  return v
}

const builder = new XMLBuilder({
  ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ',
  suppressEmptyNode: true, processEntities: true,
})

/**
 * An XML document: `root` element holding `body`. Arrays in `body` become repeated elements
 * (e.g. { service: [...] } → <service/><service/>). `extensions` declares the gridgov prefix.
 */
export function xmlDocument(root: string, body: Record<string, unknown>, extensions = false): string {
  const attrs = extensions ? { '@_xmlns:gridgov': GRIDGOV_NS } : {}
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    [root]: { ...attrs, ...(forXml(body) as Record<string, unknown>) },
  }) as string
}

/** A list resource: XML <root><item/>…</root>, JSON an array (the spec's shapes). */
export function sendList(ctx: Context, fmt: Format, root: string, item: string, items: Record<string, unknown>[], extensions = false): void {
  if (fmt === 'json') {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = items
    return
  }
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = xmlDocument(root, { [item]: items }, extensions)
}

/** A single-object resource (discovery, service definition): XML <root>…</root>, JSON an object. */
export function sendObject(ctx: Context, fmt: Format, root: string, body: Record<string, unknown>): void {
  if (fmt === 'json') {
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = body
    return
  }
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = xmlDocument(root, body)
}

/** W3C date-time (the spec's format) in China Standard Time, e.g. 2026-11-24T08:50:20+08:00. */
export function w3c(d: Date | null | undefined): string | null {
  if (!d) return null
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`
}

const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

/**
 * Parses a W3C date-time filter (start_date, end_date). A complete date without time is the start
 * of that day in Asia/Shanghai (the city's day); a time must carry its zone (Z or ±hh:mm), as the
 * spec requires. Impossible dates (2026-02-30, 25:00) are refused rather than rolled over.
 */
export function parseW3c(value: string, name: string): Date {
  const bad = (why: string) => new AppError(400, 'bad_date',
    `${name} "${value.slice(0, 40)}" ${why}: use a W3C date-time with a time zone, e.g. 2026-11-24T08:00:00+08:00, or a date (2026-11-24)`)
  const m = W3C_DATETIME.exec(value)
  if (!m) throw bad('is not a W3C date-time')
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = '+08:00'] = m
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) throw bad('is not a calendar date')
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad('has an impossible time')
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59)) throw bad('has an impossible time zone offset')
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone}`)
  if (Number.isNaN(t)) throw bad('is not a W3C date-time')
  return new Date(t)
}
