// GET /api/v1/reports/{kind}/{period}?format=html|xlsx|pdf&area= — 日报 / 周报 / 月报 / 年报.
// A city-wide report of an ended period is served from the table `report` (stored by the pass, or
// by the first request); any other area, or the period still running (titled 截至 …), is
// generated on request. Readers: ANALYTICS_READERS; `area` inside the caller's jurisdiction.
import Router from '@koa/router'
import type { Context } from 'koa'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { ANALYTICS_READERS } from '../analytics/routes.ts'
import { badParam, checkArea } from '../analytics/filters.ts'
import { PERIOD_KINDS, parsePeriod, type Period, type PeriodKind } from '../analytics/calendarPeriods.ts'
import { reportData } from './content.ts'
import { FORMATS, MEDIA_TYPES, contentDisposition, fileNames, render, type Format } from './render.ts'
import { storeReport, storedReport } from './store.ts'
import { mountServiceGapReport } from './serviceGaps.ts'

export const reportQuery = z.object({
  format: z.enum(FORMATS, { message: `must be one of ${FORMATS.join(', ')}` }).default('html')
    .describe('html (self-contained page, default), xlsx (one sheet per table) or pdf (A4, embedded Chinese font)'),
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional()
    .describe('a division inside the caller\'s jurisdiction (default: the whole jurisdiction)'),
}).strict()

export function reportRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1/reports' })
  const { knex } = app
  mountServiceGapReport(router, app) // /service-gaps/{year}: the yearly service-gap report, before /{kind}/{period}

  router.get('/:kind/:period', requireRole(...ANALYTICS_READERS), async (ctx) => {
    const now = new Date()
    const { kind, period: label } = ctx.params as { kind: string; period: string }
    if (!(PERIOD_KINDS as readonly string[]).includes(kind)) throw badParam('kind', `must be one of ${PERIOD_KINDS.join(', ')}`)
    for (const [k, v] of Object.entries(ctx.query)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
    const q = validate(reportQuery, ctx.query, 'query')
    const p = parsePeriod(kind as PeriodKind, label)
    if (p.from >= now) throw badParam('period', `${p.label} has not begun yet`)
    const principal = principalOf(ctx)
    const scope = principal.jurisdiction
    if (q.area !== undefined) await checkArea(knex, scope, q.area)
    const partial = now < p.to
    // the report's area: the one asked for, else the caller's single division (several: all of them)
    const area = q.area ?? (scope.prefixes.length === 1 ? scope.prefixes[0]!.padEnd(12, '0') : undefined)
    const city = principal.cityCode
    if (!partial && city !== null && area === city.padEnd(12, '0')) return await serveCity(ctx, city, p, q.format, now)
    const data = await reportData(knex, scope, p, area, now)
    const r = await render(data, q.format)
    send(ctx, r.content, r.sha256, q.format, fileNames(data.areaName, area ?? data.areaCodes.join('_'), p, q.format, partial), now)
  })

  /** The stored city-wide report, stored first if the pass has not yet made it. */
  async function serveCity(ctx: Context, city: string, p: Period, format: Format, now: Date): Promise<void> {
    const code = city.padEnd(12, '0')
    let stored = await storedReport(knex, city, p, format)
    if (!stored) {
      const data = await reportData(knex, Jurisdiction.of([code]), p, undefined, now)
      await storeReport(knex, city, p, format, await render(data, format), now)
      stored = (await storedReport(knex, city, p, format))!
    }
    const name = await knex('admin_division').where({ code }).first('name') as { name: string } | undefined
    send(ctx, stored.content, stored.sha256, format, fileNames(name?.name ?? code, code, p, format, false), stored.generated_at)
  }

  return router
}

function send(ctx: Context, content: Buffer, sha: string, format: Format, names: { ascii: string; utf8: string }, modified: Date): void {
  const etag = `"${sha}"`
  ctx.set('ETag', etag)
  ctx.set('Last-Modified', modified.toUTCString())
  // the content depends on the caller's jurisdiction: private, and revalidated each time
  ctx.set('Cache-Control', 'private, no-cache')
  ctx.set('Content-Disposition', contentDisposition(format, names))
  ctx.set('X-Content-Type-Options', 'nosniff')
  const match = ctx.get('if-none-match')
  if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    ctx.status = 304
    return
  }
  ctx.type = MEDIA_TYPES[format]
  ctx.body = content
}
