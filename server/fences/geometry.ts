// Fence geometry in local metres, for the fence engine (pure, no database).
//
// Projection: equirectangular about the centre of the fence's bounding box,
//   x = (lon − lon0)·kx, y = (lat − lat0)·ky, ky = πR/180, kx = ky·cos(lat0)  (R = 6,371,008.8 m).
// It is affine in lon/lat, so a straight segment between two fixes stays straight and a point
// interpolated along it in metres is the same point interpolated in degrees. Its scale error at
// Δlat from the centre is about tan(lat0)·Δlat: 0.1 % 10 km away at 36°N, i.e. 2 cm on a 20 m
// band. Fine for city-size fences; a province-wide fence would need a real projection.
//
// A fence is the set of its ring edges (outer rings and holes of every polygon alike): inside is
// the even-odd rule over all edges, which is the MultiPolygon's interior for valid geometry
// (polygons that do not overlap, holes inside their shell; the fences API validates that).
import Flatbush from 'flatbush'

export const EARTH_RADIUS_M = 6_371_008.8
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180
// Above this many edges a fence gets its own edge index; below, a linear scan is faster.
const EDGE_INDEX_MIN = 48

export interface PreparedFence {
  lon0: number; lat0: number
  /** metres per degree of longitude / latitude at lat0 */
  kx: number; ky: number
  /** edges as x1, y1, x2, y2 in metres, every ring of every polygon */
  edges: Float64Array
  /** edge bounding boxes as minX, minY, maxX, maxY */
  boxes: Float64Array
  count: number
  minX: number; minY: number; maxX: number; maxY: number
  /** lon/lat bounding box */
  lonMin: number; latMin: number; lonMax: number; latMax: number
  index: Flatbush | null
  /** a point inside the fence (for alerts that have no position of their own) */
  labelLon: number; labelLat: number
}

/** Projects the rings of a MultiPolygon once: edges, their boxes and, for big fences, an edge index. */
export function prepareFence(geom: GeoJSON.MultiPolygon): PreparedFence {
  let lonMin = Infinity, latMin = Infinity, lonMax = -Infinity, latMax = -Infinity, n = 0
  for (const poly of geom.coordinates) for (const ring of poly) {
    n += edgeCount(ring)
    for (const p of ring) {
      lonMin = Math.min(lonMin, p[0]!); lonMax = Math.max(lonMax, p[0]!)
      latMin = Math.min(latMin, p[1]!); latMax = Math.max(latMax, p[1]!)
    }
  }
  if (!n) throw new Error('a fence needs at least one ring')
  const lon0 = (lonMin + lonMax) / 2, lat0 = (latMin + latMax) / 2
  const ky = M_PER_DEG, kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180)
  const edges = new Float64Array(4 * n), boxes = new Float64Array(4 * n)
  let k = 0
  for (const poly of geom.coordinates) for (const ring of poly) {
    for (let i = 0; i < edgeCount(ring); i++, k += 4) {
      const q = ring[(i + 1) % ring.length]!
      const x1 = (ring[i]![0]! - lon0) * kx, y1 = (ring[i]![1]! - lat0) * ky
      const x2 = (q[0]! - lon0) * kx, y2 = (q[1]! - lat0) * ky
      edges[k] = x1; edges[k + 1] = y1; edges[k + 2] = x2; edges[k + 3] = y2
      boxes[k] = Math.min(x1, x2); boxes[k + 1] = Math.min(y1, y2)
      boxes[k + 2] = Math.max(x1, x2); boxes[k + 3] = Math.max(y1, y2)
    }
  }
  let index: Flatbush | null = null
  if (n >= EDGE_INDEX_MIN) {
    index = new Flatbush(n)
    for (let i = 0; i < 4 * n; i += 4) index.add(boxes[i]!, boxes[i + 1]!, boxes[i + 2]!, boxes[i + 3]!)
    index.finish()
  }
  const f: PreparedFence = {
    lon0, lat0, kx, ky, edges, boxes, count: n,
    minX: (lonMin - lon0) * kx, minY: (latMin - lat0) * ky, maxX: (lonMax - lon0) * kx, maxY: (latMax - lat0) * ky,
    lonMin, latMin, lonMax, latMax, index, labelLon: lon0, labelLat: lat0,
  }
  const [lx, ly] = labelPoint(f)
  f.labelLon = lon0 + lx / kx
  f.labelLat = lat0 + ly / ky
  return f
}

/** Edges of a ring: GeoJSON repeats the first vertex at the end; a ring that does not is closed here all the same. */
function edgeCount(ring: GeoJSON.Position[]): number {
  if (ring.length < 2) return 0
  const a = ring[0]!, z = ring[ring.length - 1]!
  return a[0] === z[0] && a[1] === z[1] ? ring.length - 1 : ring.length
}

/** Whether a local point lies inside (even-odd over all edges; a point on an edge may go either way). */
export function pointInside(f: PreparedFence, px: number, py: number): boolean {
  const e = f.edges
  let inside = false
  if (f.index) {
    // only edges that straddle the horizontal ray to the right of the point can flip the parity
    for (const i of f.index.search(px, py, f.maxX, py)) inside = crossesRay(e, 4 * i, px, py) !== inside
    return inside
  }
  for (let k = 0; k < 4 * f.count; k += 4) if (crossesRay(e, k, px, py)) inside = !inside
  return inside
}

function crossesRay(e: Float64Array, k: number, px: number, py: number): boolean {
  const x1 = e[k]!, y1 = e[k + 1]!, x2 = e[k + 2]!, y2 = e[k + 3]!
  return (y1 > py) !== (y2 > py) && px < ((x2 - x1) * (py - y1)) / (y2 - y1) + x1
}

/** Signed distance to the boundary in metres: > 0 inside, < 0 outside (a full scan: for alerts, not per fix). */
export function signedDistance(f: PreparedFence, px: number, py: number): number {
  const e = f.edges
  let best = Infinity
  for (let k = 0; k < 4 * f.count; k += 4) {
    const d = pointSegmentDistance2(px, py, e[k]!, e[k + 1]!, e[k + 2]!, e[k + 3]!)
    if (d < best) best = d
  }
  const d = Math.sqrt(best)
  return pointInside(f, px, py) ? d : -d
}

export function pointSegmentDistance2(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const ex = x2 - x1, ey = y2 - y1
  const ll = ex * ex + ey * ey
  let u = ll > 0 ? ((px - x1) * ex + (py - y1) * ey) / ll : 0
  u = u < 0 ? 0 : u > 1 ? 1 : u
  const dx = x1 + u * ex - px, dy = y1 + u * ey - py
  return dx * dx + dy * dy
}

/** A point well inside: the middle of the widest inside stretch of a horizontal line, tried
 *  through the middle of the box and then at other heights (a multipolygon may have a hole or a
 *  gap there). */
function labelPoint(f: PreparedFence): [number, number] {
  for (const frac of [0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875]) {
    const y = f.minY + frac * (f.maxY - f.minY)
    const xs: number[] = []
    const e = f.edges
    for (let k = 0; k < 4 * f.count; k += 4) {
      const y1 = e[k + 1]!, y2 = e[k + 3]!
      if ((y1 > y) !== (y2 > y)) xs.push(e[k]! + ((e[k + 2]! - e[k]!) * (y - y1)) / (y2 - y1))
    }
    xs.sort((a, b) => a - b)
    let best: [number, number] | null = null, width = 0
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (xs[i + 1]! - xs[i]! > width) { width = xs[i + 1]! - xs[i]!; best = [(xs[i]! + xs[i + 1]!) / 2, y] }
    }
    if (best) return best
  }
  return [(f.minX + f.maxX) / 2, (f.minY + f.maxY) / 2]
}

/**
 * Metres → degrees for a conservative bounding-box margin near latitude `lat`: never smaller
 * than the true span (used to find the fences a track may come within a band of).
 */
export function marginDegrees(metres: number, lat: number): { dLon: number; dLat: number } {
  const dLat = (metres / M_PER_DEG) * 1.01
  const cos = Math.cos((Math.min(89, Math.abs(lat) + 1) * Math.PI) / 180)
  return { dLat, dLon: dLat / cos }
}
