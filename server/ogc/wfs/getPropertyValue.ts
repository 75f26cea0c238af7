// GetPropertyValue: one value per feature in a wfs:ValueCollection. valueReference is
// `@gml:id`, an attribute (as text) or the geometry (as GML).
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import { layersOf, requireReader } from '../common/access.ts'
import { noteLayerRead } from '../../../tiles/layerAccess.ts'
import { attributeText, featureIdSql, GEOMETRY_SQL, renderValues } from '../common/featureSource.ts'
import { gmlGeometrySql } from '../common/gml.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX, NS, SCHEMAS } from '../common/namespaces.ts'
import { sql, xmlEscapeSql, type Sql } from '../common/sql.ts'
import { escapeXml, XML_DECLARATION } from '../common/xml.ts'
import { resolveProperty } from '../filter/expression.ts'
import { AppError } from '../../http/errors.ts'
import { defaultSrsName, outputFormat } from './formats.ts'
import { invalid, missing, notSupported } from './kvp.ts'
import { pageLinks, runPaged } from './paging.ts'
import { buildQueries, type BuiltQuery } from './query.ts'
import type { WfsRequest } from './request.ts'
import { clientGone } from '../../db/cancel.ts'

export async function getPropertyValue(ctx: Context, app: AppContext, req: WfsRequest): Promise<void> {
  if (req.version !== '2.0.0') throw notSupported('request', 'GetPropertyValue is a WFS 2.0 operation')
  if (req.valueReference === undefined) throw missing('valueReference')
  if (req.valueReference === '') throw invalid('valueReference', 'valueReference must name a property or @gml:id')
  const format = outputFormat(req.version, req.outputFormat)
  if (format.encoding !== 'gml32') throw invalid('outputFormat', 'GetPropertyValue answers in XML (application/gml+xml; version=3.2)')
  const principal = requireReader(ctx)
  const built = buildQueries(req, layersOf(ctx, app.catalogue), defaultSrsName('gml32'))
  for (const b of built) b.query.signal = clientGone(ctx)
  const reference = req.valueReference
  const paged = await runPaged(app.knexRead, built, principal.jurisdiction, req, async (b, offset, limit) => {
    const page = await renderValues(app.knexRead, b.query, principal.jurisdiction, valueSql(b, reference), '</wfs:member><wfs:member>', offset, limit)
    if (page.returned) noteLayerRead(b.query.source.layer)
    return { ...page, body: Buffer.from(page.returned ? `<wfs:member>${page.body}</wfs:member>` : '', 'utf8') }
  })
  const links = pageLinks(ctx, app, req, paged)
  const linkAttrs = (links.next ? ` next="${escapeXml(links.next)}"` : '') + (links.previous ? ` previous="${escapeXml(links.previous)}"` : '')
  ctx.type = 'application/gml+xml; version=3.2'
  ctx.body = Buffer.concat([Buffer.from(`${XML_DECLARATION}<wfs:ValueCollection xmlns:wfs="${NS.wfs20}" xmlns:gml="${NS.gml32}" xmlns:${GRIDGOV_PREFIX}="${GRIDGOV_NS}" ` +
    `xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${NS.wfs20} ${SCHEMAS.wfs20}" timeStamp="${new Date().toISOString()}" ` +
    `numberMatched="${paged.matched ?? 'unknown'}" numberReturned="${paged.returned}"${linkAttrs}>`, 'utf8'), ...paged.bodies, Buffer.from('</wfs:ValueCollection>')])
}

/** The XML of one value: escaped text, or a GML geometry. */
function valueSql(b: BuiltQuery, reference: string): Sql {
  if (/^@(gml:)?id$/.test(reference.trim())) return sql(xmlEscapeSql(featureIdSql(b.query.source)))
  let ref
  try {
    ref = resolveProperty(reference, { source: b.query.source, defaultCrs: '', locator: 'valueReference' })
  } catch (err) {
    if (err instanceof AppError) throw invalid('valueReference', err.detail)
    throw err
  }
  if (ref.kind === 'geometry') return gmlGeometrySql(GEOMETRY_SQL, b.out, `${featureIdSql(b.query.source)} || '.geom'`)
  return sql(xmlEscapeSql(attributeText(ref.attribute)))
}
