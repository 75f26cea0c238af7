// Result paging shared by GetFeature and GetPropertyValue: STARTINDEX / COUNT over one or more
// queries (in order), numberMatched, and the next / previous links of WFS 2.0 (KVP requests).
import type { Context } from 'koa'
import type { Knex } from 'knex'
import type { AppContext } from '../../context.ts'
import type { Jurisdiction } from '../../db/jurisdiction.ts'
import { countMatched, type Page } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import type { BuiltQuery } from './query.ts'
import type { WfsRequest } from './request.ts'

/** CountDefault of the capabilities: the page size when COUNT is absent. */
export const COUNT_DEFAULT = 1000

/** matched: undefined when nobody asked and the page cannot tell it (WFS 2.0's "unknown"). */
export interface Paged { bodies: Buffer[]; returned: number; matched: number | undefined }

export type Renderer = (b: BuiltQuery, offset: number, limit: number) => Promise<Page>

/**
 * Runs the page. With one query the page comes first, and numberMatched is counted only when
 * asked (RESULTTYPE=hits): a full page leaves it unknown, as WFS 2.0 allows, because counting
 * every match of a city-wide layer costs more than the page itself (QGIS and GDAL ask for hits
 * when they want the number). With several queries, counts decide which part of which query
 * the page covers, so the total is known.
 */
export async function runPaged(knex: Knex, built: BuiltQuery[], jurisdiction: Jurisdiction, req: WfsRequest, render: Renderer): Promise<Paged> {
  const limit = req.resultType === 'hits' ? 0 : (req.count ?? COUNT_DEFAULT)
  const offset = req.startIndex
  if (built.length === 1) {
    const b = built[0]!
    if (limit === 0) return { bodies: [], returned: 0, matched: await countMatched(knex, b.query, jurisdiction) }
    const page = await render(b, offset, limit)
    return { bodies: [page.body], returned: page.returned, matched: matchedFromPage(page, offset, limit) }
  }
  const counts = await Promise.all(built.map((b) => countMatched(knex, b.query, jurisdiction)))
  const out: Paged = { bodies: [], returned: 0, matched: counts.reduce((a, n) => a + n, 0) }
  let skip = offset
  let left = limit
  for (const [i, b] of built.entries()) {
    const n = counts[i]!
    if (skip >= n) { skip -= n; continue }
    if (left <= 0) break
    const page = await render(b, skip, Math.min(left, n - skip))
    if (page.body.length) out.bodies.push(page.body)
    out.returned += page.returned
    left -= page.returned
    skip = 0
  }
  return out
}

/** The total a page implies: one neither full nor empty-past-the-start ends the result. */
function matchedFromPage(page: Page, offset: number, limit: number): number | undefined {
  return page.returned < limit && (page.returned > 0 || offset === 0) ? offset + page.returned : undefined
}

export interface Links { next?: string; previous?: string }

/**
 * next / previous as absolute GET URLs (only for KVP requests). A hits response links to the
 * first page of results, so a client can ask "how many" first and then page.
 */
export function pageLinks(ctx: Context, app: AppContext, req: WfsRequest, paged: Paged): Links {
  if (!req.kvp) return {}
  const count = req.count ?? COUNT_DEFAULT
  const base = req.kvp.entries().filter(([k]) => !['startindex', 'count', 'maxfeatures', 'resulttype'].includes(k))
  const url = (start: number) => {
    const q: Record<string, string | number> = Object.fromEntries(base.map(([k, v]) => [k.toUpperCase(), v]))
    q.STARTINDEX = start
    q[req.version === '2.0.0' ? 'COUNT' : 'MAXFEATURES'] = count
    return serviceUrl(ctx, app, '/ogc/wfs', q)
  }
  const links: Links = {}
  if (req.resultType === 'hits') {
    if ((paged.matched ?? 0) > req.startIndex && count > 0) links.next = `${url(req.startIndex)}&RESULTTYPE=results`
    return links
  }
  const more = paged.matched === undefined ? paged.returned >= count : req.startIndex + count < paged.matched
  if (count > 0 && more) links.next = url(req.startIndex + count)
  if (req.startIndex > 0 && count > 0) links.previous = url(Math.max(0, req.startIndex - count))
  return links
}
