// The Node vector-tile encoder, for PostGIS builds without protobuf (the embedded PGlite has no
// ST_AsMVT). PostGIS has already clipped, snapped and simplified the geometry in tile pixel space
// (sql/queries/tiles/rows_*.sql); what ST_AsMVTGeom does beyond that is done here: MVT ring
// orientation (exterior rings positive area with y down, holes negative) and dropping rings that
// collapsed to nothing at this zoom. vt-pbf writes the protobuf.
import vtpbf, { type VtFeature } from 'vt-pbf'
import type { Geometry, Position } from 'geojson'
import { EXTENT } from './tilemath.ts'

export type TileRow = Record<string, unknown> & { geom: string }

/** Twice the signed area (surveyor's formula) of a closed ring in tile coordinates. */
export function ringArea2(ring: Position[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! * ring[i]![1]!) - (ring[i]![0]! * ring[j]![1]!)
  }
  return sum
}

/** Orients a ring: exterior rings positive area (clockwise on screen), holes negative. */
function orient(ring: Position[], exterior: boolean): Position[] | undefined {
  const area = ringArea2(ring)
  if (area === 0 || ring.length < 4) return undefined
  return (area > 0) === exterior ? ring : [...ring].reverse()
}

function polygonRings(polygons: Position[][][]): Position[][] {
  const out: Position[][] = []
  for (const rings of polygons) {
    const shell = rings[0] && orient(rings[0], true)
    if (!shell) continue // the whole polygon collapsed below a pixel
    out.push(shell)
    for (const hole of rings.slice(1)) {
      const h = orient(hole, false)
      if (h) out.push(h)
    }
  }
  return out
}

/** GeoJSON geometry in tile coordinates → a vt-pbf feature geometry, or undefined when empty. */
export function toVtGeometry(g: Geometry): Pick<VtFeature, 'type' | 'geometry'> | undefined {
  switch (g.type) {
    case 'Point': return { type: 1, geometry: [g.coordinates] }
    case 'MultiPoint': return g.coordinates.length ? { type: 1, geometry: g.coordinates } : undefined
    case 'LineString': return g.coordinates.length > 1 ? { type: 2, geometry: [g.coordinates] } : undefined
    case 'MultiLineString': {
      const lines = g.coordinates.filter((l) => l.length > 1)
      return lines.length ? { type: 2, geometry: lines } : undefined
    }
    case 'Polygon': return nonEmpty(3, polygonRings([g.coordinates]))
    case 'MultiPolygon': return nonEmpty(3, polygonRings(g.coordinates))
    case 'GeometryCollection': {
      // clipping can split a polygon into polygons plus slivers of lines/points: keep the polygons
      const polys = g.geometries.flatMap((c) => c.type === 'Polygon' ? [c.coordinates] : c.type === 'MultiPolygon' ? c.coordinates : [])
      return nonEmpty(3, polygonRings(polys))
    }
  }
}

function nonEmpty(type: 3, rings: Position[][]): Pick<VtFeature, 'type' | 'geometry'> | undefined {
  return rings.length ? { type, geometry: rings } : undefined
}

/** Encodes one layer; an empty layer is an empty buffer, as ST_AsMVT returns for no rows. */
export function encodeLayer(name: string, rows: TileRow[]): Buffer {
  const features: VtFeature[] = []
  for (const row of rows) {
    const geometry = toVtGeometry(JSON.parse(row.geom) as Geometry)
    if (!geometry) continue
    const tags: VtFeature['tags'] = {}
    for (const [k, v] of Object.entries(row)) {
      if (k !== 'geom' && v !== null && v !== undefined) tags[k] = v as string | number | boolean
    }
    features.push({ ...geometry, tags })
  }
  if (!features.length) return Buffer.alloc(0)
  const bytes = vtpbf.fromGeojsonVt({ [name]: { features } }, { version: 2, extent: EXTENT })
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
