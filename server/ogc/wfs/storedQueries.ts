// Stored queries: only the mandatory urn:ogc:def:query:OGC-WFS::GetFeatureById (WFS 2.0 §7.9.3.6),
// listed, described, and executed (the bare feature, or 404 when the id names nothing visible).
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { Principal } from '../../auth/users.ts'
import { AppError } from '../../http/errors.ts'
import { geoJsonFeatureSql, gmlFeatureSql, newQuery, renderPage } from '../common/featureSource.ts'
import { outputCrs } from '../common/gml.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS } from '../common/namespaces.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import { idPredicate, splitFeatureId } from '../filter/resourceId.ts'
import { defaultSrsName, outputFormat } from './formats.ts'
import { clip, invalid, missing } from './kvp.ts'
import type { WfsRequest } from './request.ts'
import { typeNameOf } from './typeNames.ts'
import { layersOf } from '../common/access.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'

export const GET_FEATURE_BY_ID = 'urn:ogc:def:query:OGC-WFS::GetFeatureById'

const root = (name: string, ...children: string[]) => XML_DECLARATION +
  el(name, { 'xmlns:wfs': NS.wfs20, [`xmlns:${GRIDGOV_PREFIX}`]: GRIDGOV_NS, 'xmlns:xsd': NS.xsd }, ...children)

export function listStoredQueries(ctx: Context, app: AppContext): void {
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = root('wfs:ListStoredQueriesResponse', el('wfs:StoredQuery', { id: GET_FEATURE_BY_ID },
    textEl('wfs:Title', 'Get feature by identifier', { 'xml:lang': 'en' }),
    ...layersOf(ctx, app.catalogue).layers.map((l) => textEl('wfs:ReturnFeatureType', typeNameOf(l)))))
}

export function describeStoredQueries(ctx: Context, app: AppContext, req: WfsRequest): void {
  for (const id of req.storedQueryIds ?? []) {
    if (id !== GET_FEATURE_BY_ID) throw invalid('storedQuery_id', `unknown stored query "${clip(id)}"; offered: ${GET_FEATURE_BY_ID}`)
  }
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = root('wfs:DescribeStoredQueriesResponse', el('wfs:StoredQueryDescription', { id: GET_FEATURE_BY_ID },
    textEl('wfs:Title', 'Get feature by identifier', { 'xml:lang': 'en' }),
    textEl('wfs:Abstract', 'Returns the single feature whose gml:id is ID (<type>.<key>), or 404.', { 'xml:lang': 'en' }),
    el('wfs:Parameter', { name: 'ID', type: 'xsd:string' }),
    el('wfs:QueryExpressionText', {
      isPrivate: 'true', language: 'urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression',
      returnFeatureTypes: layersOf(ctx, app.catalogue).layers.map(typeNameOf).join(' '),
    })))
}

/** GetFeature with STOREDQUERY_ID=…GetFeatureById&ID=<layer>.<key>: the bare feature. */
export async function getFeatureById(ctx: Context, app: AppContext, req: WfsRequest, principal: Principal): Promise<void> {
  const sq = req.storedQuery!
  if (sq.id !== GET_FEATURE_BY_ID) throw invalid('storedQuery_id', `unknown stored query "${clip(sq.id)}"; offered: ${GET_FEATURE_BY_ID}`)
  const id = sq.params.get('id')
  if (!id) throw missing('ID')
  const format = outputFormat(req.version, req.outputFormat)
  const layer = layersOf(ctx, app.catalogue).get(splitFeatureId(id)?.layer ?? '')
  if (!layer) throw notFound(id)
  const query = newQuery(layer)
  query.predicates.push(idPredicate(query.source, [id]))
  const out = outputCrs(sq.params.get('srsname') ?? defaultSrsName(format.encoding), 'srsName')
  const feature = format.encoding === 'geojson' ? geoJsonFeatureSql(query, out, 'gml') : gmlFeatureSql(query, out, format.encoding === 'gml32')
  const page = await renderPage(app.knexRead, query, principal.jurisdiction, feature, '', 0, 1)
  if (!page.returned) throw notFound(id)
  noteLayerRead(layer)
  ctx.type = format.contentType
  if (format.encoding === 'geojson') {
    ctx.body = page.body
    return
  }
  const member = page.body.toString('utf8')
  // the feature is the document root: it declares the namespaces itself
  const gml = format.encoding === 'gml32' ? NS.gml32 : NS.gml311
  const open = `<${GRIDGOV_PREFIX}:${layer.id} `
  ctx.body = XML_DECLARATION + open + `xmlns:${GRIDGOV_PREFIX}="${GRIDGOV_NS}" xmlns:gml="${gml}" ` + member.slice(open.length)
}

const notFound = (id: string) =>
  new AppError(404, 'not_found', `no feature "${clip(id)}"`, {}, { code: 'NotFound', locator: 'ID' })
