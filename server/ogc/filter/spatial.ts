// FES spatial operators → PostGIS predicates against the layer geometry. Every predicate starts
// with the index-backed && (bounding boxes) where the operator implies it.
import type { XmlNode } from '../common/xml.ts'
import { sql, type Sql } from '../common/sql.ts'
import { clip, filterError, type FilterContext } from './context.ts'
import { geometryRef, isReference } from './expression.ts'
import { geometrySql, isGeometry } from './gmlGeometry.ts'

const topological: Record<string, { fn: string; indexed: boolean }> = {
  Intersects: { fn: 'ST_Intersects', indexed: true }, Within: { fn: 'ST_Within', indexed: true },
  Contains: { fn: 'ST_Contains', indexed: true }, Equals: { fn: 'ST_Equals', indexed: true },
  Touches: { fn: 'ST_Touches', indexed: true }, Crosses: { fn: 'ST_Crosses', indexed: true },
  Overlaps: { fn: 'ST_Overlaps', indexed: true }, Disjoint: { fn: 'ST_Disjoint', indexed: false },
}

export const spatialOperators = ['BBOX', ...Object.keys(topological), 'DWithin', 'Beyond']

export function compileSpatial(node: XmlNode, ctx: FilterContext): Sql {
  const geomNode = node.children.find(isGeometry) ?? node.children.find((c) => c.name === 'Literal')?.children.find(isGeometry)
  const column = geometryRef(node.children.find(isReference), ctx, node.name)
  if (!geomNode) throw filterError(ctx, `${node.name} needs a GML geometry operand`)
  if (node.name === 'BBOX' && geomNode.name !== 'Envelope' && geomNode.name !== 'Box') throw filterError(ctx, 'BBOX takes a gml:Envelope')
  const g = geometrySql(geomNode, ctx)
  if (node.name === 'BBOX') return sql(`${column} && ${g.text} AND ST_Intersects(${column}, ${g.text})`, ...g.values, ...g.values)
  if (node.name === 'DWithin' || node.name === 'Beyond') return compileDistance(node, column, g, ctx)
  const op = topological[node.name]!
  const call = `${op.fn}(${column}, ${g.text})`
  return op.indexed ? sql(`${column} && ${g.text} AND ${call}`, ...g.values, ...g.values) : sql(call, ...g.values)
}

const METRES: Record<string, number> = {
  m: 1, metre: 1, meter: 1, metres: 1, meters: 1, 'urn:ogc:def:uom:epsg::9001': 1, 'http://www.opengis.net/def/uom/epsg/0/9001': 1,
  km: 1000, kilometre: 1000, kilometer: 1000, 'urn:ogc:def:uom:epsg::9036': 1000,
}
const DEGREES = ['deg', 'degree', 'degrees', 'urn:ogc:def:uom:epsg::9102', 'http://www.opengis.net/def/uom/epsg/0/9102']
/** Metres per degree of longitude at 60°N, a lower bound for every Chinese city (≤ 54°N). */
const METRES_PER_DEGREE_MIN = 55_660

/**
 * DWithin / Beyond with a distance in metres (measured on the ellipsoid, via geography) or in
 * degrees. Why the extra && with an expanded box: the geography cast alone cannot use the
 * geometry index; the box (degrees at ≥ 55.66 km per degree) is a safe superset.
 */
function compileDistance(node: XmlNode, column: string, g: Sql, ctx: FilterContext): Sql {
  const distance = node.children.find((c) => c.name === 'Distance')
  const value = Number(distance?.text)
  if (!distance || !distance.text || !Number.isFinite(value) || value < 0) throw filterError(ctx, `${node.name} needs a non-negative Distance`)
  const uom = (distance.attrs.uom ?? distance.attrs.units ?? 'm').toLowerCase()
  const negate = node.name === 'Beyond'
  if (DEGREES.includes(uom)) {
    const within = sql(`ST_DWithin(${column}, ${g.text}, ?)`, ...g.values, value)
    return negate ? sql(`NOT ${within.text}`, ...within.values) : within
  }
  const factor = METRES[uom]
  if (factor === undefined) throw filterError(ctx, `unsupported distance unit "${clip(uom)}" (m, km or deg)`)
  const metres = value * factor
  const exact = sql(`ST_DWithin(${column}::geography, (${g.text})::geography, ?)`, ...g.values, metres)
  if (negate) return sql(`NOT ${exact.text}`, ...exact.values)
  return sql(`${column} && ST_Expand(${g.text}, ?) AND ${exact.text}`, ...g.values, metres / METRES_PER_DEGREE_MIN, ...exact.values)
}
