// Which representation a request wants: `f=json|html` first, else the Accept header (a browser
// prefers text/html; GDAL, QGIS and OWSLib ask for JSON or anything, and get JSON).
import type { Context } from 'koa'
import { AppError } from '../../http/errors.ts'

export type Representation = 'json' | 'html'

export function representation(ctx: Context, jsonNames: string[] = ['json']): Representation {
  const f = new URLSearchParams(ctx.querystring).get('f')
  if (f !== null) {
    if (f === 'html') return 'html'
    if (jsonNames.includes(f)) return 'json'
    throw new AppError(400, 'invalid_parameter', `f must be ${[...jsonNames, 'html'].join(' or ')}`, {}, { code: 'InvalidParameterValue', locator: 'f' })
      .coded('features.bad_format', { value: f.slice(0, 40) })
  }
  const best = ctx.accepts('application/json', 'application/geo+json', 'application/schema+json', 'text/html')
  return best === 'text/html' ? 'html' : 'json'
}
