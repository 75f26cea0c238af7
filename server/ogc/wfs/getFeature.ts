// GetFeature: GML 3.2 (WFS 2.0 default), GML 3.1.1 (WFS 1.1.0) or GeoJSON. Features are rendered
// by PostgreSQL (featureSource.ts); this module only frames the collection.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { Principal } from '../../auth/users.ts'
import { layersOf, requireReader } from '../common/access.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'
import { geoJsonFeatureSql, gmlFeatureSql, joinBytes, renderPage } from '../common/featureSource.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS, SCHEMAS } from '../common/namespaces.ts'
import { serviceUrl } from '../common/url.ts'
import type { OutputCrs } from '../common/gml.ts'
import { escapeXml, XML_DECLARATION } from '../common/xml.ts'
import { defaultSrsName, outputFormat, type Encoding } from './formats.ts'
import { pageLinks, runPaged, type Links, type Paged } from './paging.ts'
import { buildQueries, type BuiltQuery } from './query.ts'
import type { WfsRequest } from './request.ts'
import { getFeatureById } from './storedQueries.ts'
import { typeNameOf } from './typeNames.ts'
import { clientGone } from '../../db/cancel.ts'

const SEPARATOR: Record<Encoding, [string, string]> = {
  gml32: ['<wfs:member>', '</wfs:member>'],
  gml311: ['<gml:featureMember>', '</gml:featureMember>'],
  geojson: ['', ''],
}

export async function getFeature(ctx: Context, app: AppContext, req: WfsRequest): Promise<void> {
  const principal = requireReader(ctx)
  if (req.storedQuery) return getFeatureById(ctx, app, req, principal)
  const format = outputFormat(req.version, req.outputFormat)
  const built = buildQueries(req, layersOf(ctx, app.catalogue), defaultSrsName(format.encoding))
  for (const b of built) b.query.signal = clientGone(ctx)
  const paged = await runPaged(app.knexRead, built, principal.jurisdiction, req, renderer(app, principal, format.encoding))
  const links = pageLinks(ctx, app, req, paged)
  ctx.type = format.contentType
  ctx.body = format.encoding === 'geojson'
    ? geoJsonCollection(paged, links, built)
    : gmlCollection(ctx, app, req, format.encoding, paged, links, built)
}

/** Renders one query's page in the encoding; members are wrapped by the separator pair. */
export function renderer(app: AppContext, principal: Principal, encoding: Encoding) {
  const [open, close] = SEPARATOR[encoding]
  return async (b: BuiltQuery, offset: number, limit: number) => {
    const feature = encoding === 'geojson' ? geoJsonFeatureSql(b.query, b.out, 'gml') : gmlFeatureSql(b.query, b.out, encoding === 'gml32')
    const page = await renderPage(app.knexRead, b.query, principal.jurisdiction, feature, encoding === 'geojson' ? ',' : close + open, offset, limit)
    if (page.returned) noteLayerRead(b.query.source.layer)
    return { ...page, body: page.returned ? Buffer.concat([Buffer.from(open), page.body, Buffer.from(close)]) : Buffer.alloc(0) }
  }
}

/** The absolute DescribeFeatureType URL of the types, for xsi:schemaLocation. */
export function schemaUrl(ctx: Context, app: AppContext, version: string, typeNames: string[]): string {
  return serviceUrl(ctx, app, '/ogc/wfs', {
    SERVICE: 'WFS', VERSION: version, REQUEST: 'DescribeFeatureType',
    [version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME']: typeNames.join(','),
    [version === '2.0.0' ? 'NAMESPACES' : 'NAMESPACE']: version === '2.0.0' ? `xmlns(${GRIDGOV_PREFIX},${GRIDGOV_NS})` : `xmlns(${GRIDGOV_PREFIX}=${GRIDGOV_NS})`,
  })
}

const typesOf = (built: BuiltQuery[]) => [...new Set(built.map((b) => typeNameOf(b.query.source.layer)))]

function gmlCollection(ctx: Context, app: AppContext, req: WfsRequest, encoding: Encoding, paged: Paged, links: Links, built: BuiltQuery[]): Buffer {
  const types = typesOf(built)
  const timeStamp = new Date().toISOString()
  if (encoding === 'gml311') {
    const schema = `${NS.wfs11} ${SCHEMAS.wfs11}${types.length ? ` ${GRIDGOV_NS} ${schemaUrl(ctx, app, '1.1.0', types)}` : ''}`
    return wrapped(`${XML_DECLARATION}<wfs:FeatureCollection xmlns:wfs="${NS.wfs11}" xmlns:gml="${NS.gml311}" xmlns:${GRIDGOV_PREFIX}="${GRIDGOV_NS}" ` +
      `xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${escapeXml(schema)}" numberOfFeatures="${req.resultType === 'hits' ? paged.matched : paged.returned}" timeStamp="${timeStamp}">`,
    paged.bodies, '</wfs:FeatureCollection>')
  }
  const schema = `${NS.wfs20} ${SCHEMAS.wfs20} ${NS.gml32} ${SCHEMAS.gml32}${types.length ? ` ${GRIDGOV_NS} ${schemaUrl(ctx, app, '2.0.0', types)}` : ''}`
  const linkAttrs = (links.next ? ` next="${escapeXml(links.next)}"` : '') + (links.previous ? ` previous="${escapeXml(links.previous)}"` : '')
  return wrapped(`${XML_DECLARATION}<wfs:FeatureCollection xmlns:wfs="${NS.wfs20}" xmlns:gml="${NS.gml32}" xmlns:${GRIDGOV_PREFIX}="${GRIDGOV_NS}" ` +
    `xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${escapeXml(schema)}" timeStamp="${timeStamp}" ` +
    `numberMatched="${paged.matched ?? 'unknown'}" numberReturned="${paged.returned}"${linkAttrs}>`, paged.bodies, '</wfs:FeatureCollection>')
}

/** A document of the pages' bytes between an opening and a closing text. */
const wrapped = (open: string, bodies: Buffer[], close: string) => Buffer.concat([Buffer.from(open, 'utf8'), ...bodies, Buffer.from(close, 'utf8')])

/** GeoJSON readers assume lon/lat WGS84-like coordinates unless a (legacy) crs member says otherwise. */
const isLonLatDefault = (out: OutputCrs) => (out.crs.srid === 4490 || out.crs.srid === 4326) && !out.crs.latFirst

function geoJsonCollection(paged: Paged, links: Links, built: BuiltQuery[]): Buffer {
  const out = built[0]?.out
  const head = {
    type: 'FeatureCollection',
    ...(paged.matched === undefined ? {} : { numberMatched: paged.matched }), numberReturned: paged.returned, timeStamp: new Date().toISOString(),
    ...(out && !isLonLatDefault(out) ? { crs: { type: 'name', properties: { name: out.srsName } } } : {}),
    links: [
      ...(links.next ? [{ rel: 'next', href: links.next, type: 'application/json' }] : []),
      ...(links.previous ? [{ rel: 'previous', href: links.previous, type: 'application/json' }] : []),
    ],
  }
  const json = JSON.stringify(head)
  return Buffer.concat([Buffer.from(`${json.slice(0, -1)},"features":[`, 'utf8'), joinBytes(paged.bodies, Buffer.from(',')), Buffer.from(']}')])
}
