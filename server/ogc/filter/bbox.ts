// The BBOX parameter of WFS KVP and OGC API Features, compiled as a fes:BBOX so both share the
// envelope checks (min < max after axis normalisation, coordinate ranges, CRS support).
import type { XmlNode } from '../common/xml.ts'
import type { Sql } from '../common/sql.ts'
import { clip, filterError, type FilterContext } from './context.ts'
import { compileSpatial } from './spatial.ts'

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * BBOX=a,b,c,d[,crs]: the numbers are in the axis order of the CRS identifier (lat,lon for
 * urn:ogc:def:crs:EPSG::4490, lon,lat for EPSG:4490); without a CRS, the query's srsName or the
 * type's default CRS applies. Compiled as a fes:BBOX, so both paths share the checks.
 */
export function bboxPredicate(bbox: string, ctx: FilterContext): Sql {
  const parts = bbox.split(',').map((s) => s.trim())
  if (parts.length !== 4 && parts.length !== 5) throw filterError(ctx, `bbox must be minx,miny,maxx,maxy[,crs], got "${clip(bbox)}"`)
  if (parts.slice(0, 4).some((p) => !NUMBER.test(p))) throw filterError(ctx, `bbox coordinates must be numbers, got "${clip(bbox)}"`)
  const envelope: XmlNode = {
    name: 'Envelope', attrs: { srsName: parts[4] ?? ctx.defaultCrs }, text: '',
    children: [
      { name: 'lowerCorner', attrs: {}, children: [], text: `${parts[0]} ${parts[1]}` },
      { name: 'upperCorner', attrs: {}, children: [], text: `${parts[2]} ${parts[3]}` },
    ],
  }
  return compileSpatial({ name: 'BBOX', attrs: {}, text: '', children: [envelope] }, ctx)
}

