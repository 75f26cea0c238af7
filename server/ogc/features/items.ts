// /collections/{id}/items and /items/{fid}: GeoJSON rendered by PostgreSQL (featureSource.ts),
// limited to the caller's jurisdiction; coordinates in the axis order of the crs URI; HTML
// pages for browsers. The queries stop when the client leaves (server/db/cancel.ts).
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { AppError } from '../../http/errors.ts'
import { clientGone } from '../../db/cancel.ts'
import { requireReader } from '../common/access.ts'
import { geoJsonFeatureSql, matchedFor, newQuery, renderPage } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import { idPredicate } from '../filter/resourceId.ts'
import { crsParam } from './crs.ts'
import { layerOf } from './collections.ts'
import { representation } from './format.ts'
import { itemHtml, itemsHtml, type Feature } from './html.ts'
import { badParam, itemsRequest } from './itemsQuery.ts'
import { FEATURES_PATH } from './landing.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'

export { LIMIT_DEFAULT, LIMIT_MAX } from './itemsQuery.ts'

const JSON_NAMES = ['json', 'geojson']

export async function handleItems(ctx: Context, app: AppContext, id: string): Promise<void> {
  const layer = layerOf(ctx, app, id)
  const want = representation(ctx, JSON_NAMES)
  const { query, out, limit, offset } = itemsRequest(ctx, layer)
  const principal = requireReader(ctx)
  query.signal = clientGone(ctx)
  const page = await renderPage(app.knexRead, query, principal.jurisdiction, geoJsonFeatureSql(query, out, 'key'), ',', offset, limit)
  const matched = await matchedFor(app.knexRead, query, principal.jurisdiction, page, offset, limit)
  if (page.returned) noteLayerRead(layer)
  const link = (rel: string, at: number) => ({ rel, type: 'application/geo+json', href: itemsUrl(ctx, app, layer.id, at, limit) })
  const head = {
    type: 'FeatureCollection', numberMatched: matched, numberReturned: page.returned, timeStamp: new Date().toISOString(),
    links: [
      link('self', offset),
      { rel: 'alternate', type: 'text/html', href: itemsUrl(ctx, app, layer.id, offset, limit, 'html') },
      ...(offset + page.returned < matched ? [link('next', offset + limit)] : []),
      ...(offset > 0 ? [link('prev', Math.max(0, offset - limit))] : []),
      { rel: 'collection', type: 'application/json', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}`) },
    ],
  }
  ctx.set('Content-Crs', `<${out.srsName}>`)
  if (want === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = itemsHtml(ctx, app, layer, head, JSON.parse(`[${page.body.toString('utf8')}]`) as Feature[])
    return
  }
  ctx.type = 'application/geo+json'
  ctx.body = Buffer.concat([Buffer.from(`${JSON.stringify(head).slice(0, -1)},"features":[`, 'utf8'), page.body, Buffer.from(']}')])
}

/** The items URL keeping the request's other parameters, at another offset (JSON links drop f). */
function itemsUrl(ctx: Context, app: AppContext, id: string, offset: number, limit: number, f?: string): string {
  const q: Record<string, string | number> = Object.fromEntries(new URLSearchParams(ctx.querystring))
  delete q.f
  if (f) q.f = f
  q.offset = offset
  q.limit = limit
  return serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${id}/items`, q)
}

export async function handleItem(ctx: Context, app: AppContext, id: string, fid: string): Promise<void> {
  const layer = layerOf(ctx, app, id)
  const p = new URLSearchParams(ctx.querystring)
  for (const name of p.keys()) if (name !== 'crs' && name !== 'f') throw badParam(name, `unknown parameter "${name.slice(0, 40)}"`)
  const want = representation(ctx, JSON_NAMES)
  const out = crsParam(p.get('crs') ?? undefined, 'crs')
  const principal = requireReader(ctx)
  const query = newQuery(layer)
  query.signal = clientGone(ctx)
  query.predicates.push(idPredicate(query.source, [`${layer.id}.${fid}`]))
  const page = await renderPage(app.knexRead, query, principal.jurisdiction, geoJsonFeatureSql(query, out, 'key'), ',', 0, 1)
  if (!page.returned) throw new AppError(404, 'not_found', `no feature "${fid.slice(0, 80)}" in ${layer.id}`, {}, { code: 'NotFound', locator: 'featureId' })
  noteLayerRead(layer)
  const feature = JSON.parse(page.body.toString('utf8')) as Record<string, unknown>
  const self = serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}/items/${encodeURIComponent(fid)}`)
  feature.links = [
    { rel: 'self', type: 'application/geo+json', href: self },
    { rel: 'alternate', type: 'text/html', href: `${self}?f=html` },
    { rel: 'collection', type: 'application/json', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}`) },
  ]
  ctx.set('Content-Crs', `<${out.srsName}>`)
  if (want === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = itemHtml(ctx, app, layer, feature as unknown as Feature)
    return
  }
  ctx.type = 'application/geo+json'
  ctx.body = feature
}
