// The query parameters of /items → a FeatureQuery: limit, offset, bbox (+ bbox-crs), datetime,
// filter (+ filter-lang, filter-crs), crs. Every value is checked here and bound in SQL; the
// filter goes through the FES compiler of the WFS (server/ogc/filter), one SQL generation.
import type { Context } from 'koa'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { AppError } from '../../http/errors.ts'
import { newQuery, type FeatureQuery } from '../common/featureSource.ts'
import type { OutputCrs } from '../common/gml.ts'
import { bboxPredicate } from '../filter/bbox.ts'
import { parseCql2 } from '../filter/cql2.ts'
import { compileFilter } from '../filter/index.ts'
import { crsParam } from './crs.ts'
import { queryableNames } from './queryables.ts'
import { datetimePredicate, parseDatetime, temporalOf } from './temporal.ts'

const ALLOWED = new Set(['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'f', 'datetime', 'filter', 'filter-lang', 'filter-crs'])
export const LIMIT_DEFAULT = 10
export const LIMIT_MAX = 10_000
export const FILTER_LANGS = ['cql2-text']

export const badParam = (locator: string, detail: string) =>
  new AppError(400, 'invalid_parameter', detail.slice(0, 300), {}, { code: 'InvalidParameterValue', locator })

function integer(v: string | null, name: string, min: number, fallback: number): number {
  if (v === null) return fallback
  if (!/^\d{1,9}$/.test(v) || Number(v) < min) throw badParam(name, `${name} must be a whole number ≥ ${min}`)
  return Number(v)
}

export interface ItemsRequest {
  query: FeatureQuery
  out: OutputCrs
  limit: number
  offset: number
}

export function itemsRequest(ctx: Context, layer: LayerDef): ItemsRequest {
  const p = new URLSearchParams(ctx.querystring)
  for (const name of p.keys()) {
    if (!ALLOWED.has(name)) throw badParam(name, `unknown parameter "${name.slice(0, 40)}"; items accepts ${[...ALLOWED].join(', ')}`)
  }
  const one = (name: string) => p.get(name)
  const out = crsParam(one('crs') ?? undefined, 'crs')
  const query = newQuery(layer)
  const bbox = one('bbox')
  if (one('bbox-crs') !== null && bbox === null) throw badParam('bbox-crs', 'bbox-crs without bbox')
  if (bbox !== null) {
    const bboxCrs = crsParam(one('bbox-crs') ?? undefined, 'bbox-crs')
    query.predicates.push(bboxPredicate(`${bbox},${bboxCrs.srsName}`, { source: query.source, defaultCrs: bboxCrs.srsName, locator: 'bbox' }))
  }
  const datetime = one('datetime')
  if (datetime !== null) {
    const interval = parseDatetime(datetime)
    // a collection without time matches every datetime (/req/core/fc-time-response C)
    const temporal = temporalOf(layer)
    if (temporal) query.predicates.push(datetimePredicate(temporal, interval))
  }
  addFilter(query, layer, one('filter'), one('filter-lang'), one('filter-crs'))
  return {
    query, out,
    // a limit above the maximum is lowered to it (OGC API Features /req/core/fc-limit-response-1)
    limit: Math.min(integer(one('limit'), 'limit', 1, LIMIT_DEFAULT), LIMIT_MAX),
    offset: integer(one('offset'), 'offset', 0, 0),
  }
}

function addFilter(query: FeatureQuery, layer: LayerDef, text: string | null, lang: string | null, crs: string | null): void {
  if (text === null) {
    if (lang !== null || crs !== null) throw badParam(lang !== null ? 'filter-lang' : 'filter-crs', 'filter-lang and filter-crs need a filter')
    return
  }
  if (lang !== null && !FILTER_LANGS.includes(lang)) {
    throw badParam('filter-lang', `filter-lang "${lang.slice(0, 40)}" is not supported; use cql2-text`).coded('features.bad_filter_lang', { value: lang.slice(0, 40) })
  }
  const filterCrs = crsParam(crs ?? undefined, 'filter-crs')
  const tree = parseCql2(text, { queryables: queryableNames(layer), srsName: filterCrs.srsName, latFirst: filterCrs.crs.latFirst })
  query.predicates.push(compileFilter(tree, { source: query.source, defaultCrs: filterCrs.srsName, locator: 'filter' }))
}
