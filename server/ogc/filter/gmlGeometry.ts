// GML geometry operands of spatial filters (GML 3.2 and 3.1.1, plus GML 2 Box/coordinates as
// sent by Filter 1.1 clients) → GeoJSON bound as one parameter and transformed to storage in SQL.
// Axis order follows the geometry's srsName (urn/URI EPSG forms are lat/northing first);
// coordinates are range-checked here so PostGIS never sees an impossible value.
import { parseCrs, STORAGE_SRID, type Crs } from '../../geo/crs.ts'
import { sql, type Sql } from '../common/sql.ts'
import { childNamed, childrenNamed, type XmlNode } from '../common/xml.ts'
import { clip, filterError, type FilterContext } from './context.ts'

type Position = [number, number]
type GeoJsonGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString' | 'MultiPoint'; coordinates: Position[] }
  | { type: 'Polygon' | 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }

export const geometryOperands = ['Envelope', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiCurve', 'MultiLineString', 'MultiSurface', 'MultiPolygon', 'Box']

export const isGeometry = (n: XmlNode) => geometryOperands.includes(n.name)

/** SQL for a GML geometry element, in storage CRS (EPSG:4490). */
export function geometrySql(node: XmlNode, ctx: FilterContext): Sql {
  const crs = crsOf(node, ctx)
  const reader = new Reader(crs, ctx)
  const geojson = reader.geometry(node)
  const srid = crs.srid!
  const g = 'ST_GeomFromGeoJSON(?::text)'
  // WGS84 ≡ CGCS2000 here (see geo/crs.ts): relabel, do not transform
  const text = srid === STORAGE_SRID || srid === 4326 ? `ST_SetSRID(${g}, ${STORAGE_SRID})` : `ST_Transform(ST_SetSRID(${g}, ${Math.trunc(srid)}), ${STORAGE_SRID})`
  return sql(text, JSON.stringify(geojson))
}

/**
 * A GML geometry as GeoJSON in its own CRS, axes already in x,y (lon/lat, easting/northing)
 * order: WFS-T Insert and Update values, converted to storage by the writers' own input rules.
 */
export function readGmlGeometry(node: XmlNode, ctx: FilterContext): { geometry: GeoJsonGeometry; crs: Crs } {
  const crs = crsOf(node, ctx)
  return { geometry: new Reader(crs, ctx).geometry(node), crs }
}

export type { GeoJsonGeometry }

function crsOf(node: XmlNode, ctx: FilterContext): Crs {
  const name = node.attrs.srsName ?? ctx.defaultCrs
  let crs: Crs
  try {
    crs = parseCrs(name)
  } catch {
    throw filterError(ctx, `unsupported srsName "${clip(name)}" in filter geometry`)
  }
  if (crs.srid === null) throw filterError(ctx, `${crs.id} cannot be used in OGC filters`)
  return crs
}

class Reader {
  constructor(private readonly crs: Crs, private readonly ctx: FilterContext) {}

  geometry(node: XmlNode): GeoJsonGeometry {
    switch (node.name) {
      case 'Envelope': case 'Box': return this.envelope(node)
      case 'Point': return { type: 'Point', coordinates: this.single(node) }
      case 'LineString': return { type: 'LineString', coordinates: this.line(node) }
      case 'Polygon': return { type: 'Polygon', coordinates: this.polygon(node) }
      case 'MultiPoint': return { type: 'MultiPoint', coordinates: this.members(node, 'Point').map((p) => this.single(p)) }
      case 'MultiCurve': case 'MultiLineString':
        return { type: 'MultiLineString', coordinates: this.members(node, 'LineString').map((l) => this.line(l)) }
      case 'MultiSurface': case 'MultiPolygon':
        return { type: 'MultiPolygon', coordinates: this.members(node, 'Polygon').map((p) => this.polygon(p)) }
    }
    throw filterError(this.ctx, `unsupported geometry ${clip(node.name)}`)
  }

  private envelope(node: XmlNode): GeoJsonGeometry {
    let lo: Position, hi: Position
    const lower = childNamed(node, 'lowerCorner')
    const upper = childNamed(node, 'upperCorner')
    if (lower && upper) {
      [lo, hi] = [this.corner(lower), this.corner(upper)]
    } else {
      const pts = this.coordinateList(node)
      if (pts.length !== 2) throw filterError(this.ctx, 'an envelope needs lowerCorner and upperCorner')
      ;[lo, hi] = [pts[0]!, pts[1]!]
    }
    if (lo[0] >= hi[0] || lo[1] >= hi[1]) throw filterError(this.ctx, 'envelope lowerCorner must be below and left of upperCorner')
    return { type: 'Polygon', coordinates: [[lo, [hi[0], lo[1]], hi, [lo[0], hi[1]], lo]] }
  }

  private corner(node: XmlNode): Position {
    const pts = this.positions(node.text, Number(node.attrs.srsDimension ?? 2))
    if (pts.length !== 1) throw filterError(this.ctx, `${node.name} must be one position`)
    return pts[0]!
  }

  private single(node: XmlNode): Position {
    const pts = this.coordinateList(node)
    if (pts.length !== 1) throw filterError(this.ctx, 'a Point has exactly one position')
    return pts[0]!
  }

  private line(node: XmlNode): Position[] {
    const pts = this.coordinateList(node)
    if (pts.length < 2) throw filterError(this.ctx, 'a LineString needs two or more positions')
    return pts
  }

  private polygon(node: XmlNode): Position[][] {
    const rings = [...childrenNamed(node, 'exterior'), ...childrenNamed(node, 'outerBoundaryIs'),
      ...childrenNamed(node, 'interior'), ...childrenNamed(node, 'innerBoundaryIs')]
    if (!rings.length || !['exterior', 'outerBoundaryIs'].includes(rings[0]!.name)) throw filterError(this.ctx, 'a Polygon needs an exterior ring')
    return rings.map((r) => {
      const ring = childNamed(r, 'LinearRing')
      const pts = ring ? this.coordinateList(ring) : []
      const [first, last] = [pts[0], pts[pts.length - 1]]
      if (pts.length < 4 || first![0] !== last![0] || first![1] !== last![1]) {
        throw filterError(this.ctx, 'a polygon ring needs four or more positions and must be closed')
      }
      return pts
    })
  }

  /** Member geometries of a multi-geometry, whichever member element wraps them. */
  private members(node: XmlNode, kind: string): XmlNode[] {
    const out = node.children.flatMap((m) => m.children).filter((g) => g.name === kind || (kind === 'LineString' && g.name === 'Curve'))
    if (!out.length) throw filterError(this.ctx, `${node.name} has no ${kind} members`)
    return out
  }

  /** Positions from posList, pos children or GML 2 coordinates. */
  private coordinateList(node: XmlNode): Position[] {
    const posList = childNamed(node, 'posList')
    if (posList) return this.positions(posList.text, Number(posList.attrs.srsDimension ?? node.attrs.srsDimension ?? 2))
    const pos = childrenNamed(node, 'pos')
    if (pos.length) return pos.map((p) => this.positions(p.text, Number(p.attrs.srsDimension ?? 2))[0]!)
    const coords = childNamed(node, 'coordinates')
    if (coords) {
      const tuples = coords.text.trim().split(/\s+/).map((t) => t.split(','))
      return tuples.map((t) => this.position(t.slice(0, 2).map(Number)))
    }
    throw filterError(this.ctx, `${node.name} has no coordinates`)
  }

  private positions(text: string, dimension: number): Position[] {
    if (dimension !== 2 && dimension !== 3) throw filterError(this.ctx, 'srsDimension must be 2 or 3')
    const nums = text.trim().split(/\s+/).map(Number)
    if (!text.trim() || nums.length % dimension !== 0) throw filterError(this.ctx, `coordinate list "${clip(text)}" does not split into ${dimension}-tuples`)
    const out: Position[] = []
    for (let i = 0; i < nums.length; i += dimension) out.push(this.position([nums[i]!, nums[i + 1]!]))
    return out
  }

  /** One position in the identifier's axis order → x,y (lon,lat / easting,northing). */
  private position([a, b]: number[]): Position {
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw filterError(this.ctx, 'coordinates must be numbers')
    const [x, y] = this.crs.latFirst ? [b!, a!] : [a!, b!]
    if (this.crs.geographic && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
      throw filterError(this.ctx, `coordinate ${a} ${b} is outside the range of ${this.crs.id} (${this.crs.latFirst ? 'lat lon' : 'lon lat'})`)
    }
    if (!this.crs.geographic && (Math.abs(x) > 4e7 || Math.abs(y) > 4e7)) throw filterError(this.ctx, `coordinate ${a} ${b} is outside the range of ${this.crs.id}`)
    return [x, y]
  }
}
