// /collections/{id}/items and /items/{fid}: GeoJSON rendered by PostgreSQL (featureSource.ts),
// limited to the caller's jurisdiction; coordinates in the axis order of the crs URI.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { AppError } from '../../http/errors.ts'
import { requireReader } from '../common/access.ts'
import { geoJsonFeatureSql, matchedFor, newQuery, renderPage } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import { bboxPredicate } from '../filter/bbox.ts'
import { idPredicate } from '../filter/resourceId.ts'
import { crsParam } from './crs.ts'
import { layerOf } from './collections.ts'
import { FEATURES_PATH } from './landing.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'

const ALLOWED = new Set(['limit', 'offset', 'bbox', 'bbox-crs', 'crs', 'f'])
export const LIMIT_DEFAULT = 10
export const LIMIT_MAX = 10_000

const badParam = (locator: string, detail: string) =>
  new AppError(400, 'invalid_parameter', detail.slice(0, 300), {}, { code: 'InvalidParameterValue', locator })

function integer(v: string | undefined, name: string, min: number, fallback: number): number {
  if (v === undefined) return fallback
  if (!/^\d{1,9}$/.test(v) || Number(v) < min) throw badParam(name, `${name} must be a whole number ≥ ${min}`)
  return Number(v)
}

function readParams(ctx: Context) {
  const p = new URLSearchParams(ctx.querystring)
  for (const name of p.keys()) {
    if (!ALLOWED.has(name)) throw badParam(name, `unknown parameter "${name.slice(0, 40)}"; items accepts ${[...ALLOWED].join(', ')}`)
  }
  const f = p.get('f')
  if (f !== null && !['json', 'geojson'].includes(f)) throw badParam('f', 'f must be json')
  return {
    // a limit above the maximum is lowered to it (OGC API Features /req/core/fc-limit-response-1)
    limit: Math.min(integer(p.get('limit') ?? undefined, 'limit', 1, LIMIT_DEFAULT), LIMIT_MAX),
    offset: integer(p.get('offset') ?? undefined, 'offset', 0, 0),
    bbox: p.get('bbox') ?? undefined, bboxCrs: p.get('bbox-crs') ?? undefined, crs: p.get('crs') ?? undefined,
  }
}

export async function handleItems(ctx: Context, app: AppContext, id: string): Promise<void> {
  const layer = layerOf(ctx, app, id)
  const params = readParams(ctx)
  const out = crsParam(params.crs, 'crs')
  if (params.bboxCrs !== undefined && params.bbox === undefined) throw badParam('bbox-crs', 'bbox-crs without bbox')
  const principal = requireReader(ctx)
  const query = newQuery(layer)
  if (params.bbox !== undefined) {
    const bboxCrs = crsParam(params.bboxCrs, 'bbox-crs')
    query.predicates.push(bboxPredicate(`${params.bbox},${bboxCrs.srsName}`, { source: query.source, defaultCrs: bboxCrs.srsName, locator: 'bbox' }))
  }
  const page = await renderPage(app.knexRead, query, principal.jurisdiction, geoJsonFeatureSql(query, out, 'key'), ',', params.offset, params.limit)
  const matched = await matchedFor(app.knexRead, query, principal.jurisdiction, page, params.offset, params.limit)
  if (page.returned) noteLayerRead(layer)
  const link = (rel: string, offset: number) => ({ rel, type: 'application/geo+json', href: itemsUrl(ctx, app, layer.id, offset, params.limit) })
  const head = {
    type: 'FeatureCollection', numberMatched: matched, numberReturned: page.returned, timeStamp: new Date().toISOString(),
    links: [
      link('self', params.offset),
      ...(params.offset + page.returned < matched ? [link('next', params.offset + params.limit)] : []),
      ...(params.offset > 0 ? [link('prev', Math.max(0, params.offset - params.limit))] : []),
      { rel: 'collection', type: 'application/json', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}`) },
    ],
  }
  ctx.type = 'application/geo+json'
  ctx.set('Content-Crs', `<${out.srsName}>`)
  ctx.body = `${JSON.stringify(head).slice(0, -1)},"features":[${page.body}]}`
}

/** The items URL keeping the request's other parameters, at another offset. */
function itemsUrl(ctx: Context, app: AppContext, id: string, offset: number, limit: number): string {
  const q: Record<string, string | number> = Object.fromEntries(new URLSearchParams(ctx.querystring))
  q.offset = offset
  q.limit = limit
  return serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${id}/items`, q)
}

export async function handleItem(ctx: Context, app: AppContext, id: string, fid: string): Promise<void> {
  const layer = layerOf(ctx, app, id)
  const p = new URLSearchParams(ctx.querystring)
  for (const name of p.keys()) if (name !== 'crs' && name !== 'f') throw badParam(name, `unknown parameter "${name.slice(0, 40)}"`)
  const out = crsParam(p.get('crs') ?? undefined, 'crs')
  const principal = requireReader(ctx)
  const query = newQuery(layer)
  query.predicates.push(idPredicate(query.source, [`${layer.id}.${fid}`]))
  const page = await renderPage(app.knexRead, query, principal.jurisdiction, geoJsonFeatureSql(query, out, 'key'), ',', 0, 1)
  if (!page.returned) throw new AppError(404, 'not_found', `no feature "${fid.slice(0, 80)}" in ${layer.id}`, {}, { code: 'NotFound', locator: 'featureId' })
  noteLayerRead(layer)
  const feature = JSON.parse(page.body) as Record<string, unknown>
  feature.links = [
    { rel: 'self', type: 'application/geo+json', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}/items/${encodeURIComponent(fid)}`) },
    { rel: 'collection', type: 'application/json', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}`) },
  ]
  ctx.type = 'application/geo+json'
  ctx.set('Content-Crs', `<${out.srsName}>`)
  ctx.body = feature
}
