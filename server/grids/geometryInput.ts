// Polygon input at the edge: everything that can be refused without the database is refused
// here with a 400 naming the problem (type, emptiness, Z, size, ring closure, range, swapped
// axes, unknown CRS), and the coordinates are converted to storage EPSG:4490 lon/lat.
// Validity in the OGC sense (self-intersection and friends) and every topology rule are the
// database's job (topology.ts): they need GEOS and answer 422 with a location.
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { AppError } from '../http/errors.ts'
import { looksSwapped, parseCrs, toStorage, type Crs } from '../geo/crs.ts'

/** Limits for one polygon (a city grid has tens to hundreds of vertices). */
export const MAX_VERTICES = 10_000
export const MAX_GEOMETRY_BYTES = 1024 * 1024

/** A polygon ready for the database: lon/lat EPSG:4490, MultiPolygon coordinates. */
export interface StoredPolygon {
  type: 'MultiPolygon'
  coordinates: Position[][][]
}

/** A problem found in one input geometry; `feature` is the index in a collection, when there is one. */
export interface InputProblem {
  feature?: number
  message: string
}

class Refusal extends Error {}

/**
 * Resolves the CRS of a GeoJSON input: the `crs` query parameter wins over a legacy GeoJSON
 * `crs` member ({type: 'name', properties: {name}}); without either, RFC 7946 says CRS84.
 * GeoJSON positions are easting/longitude first whatever the CRS's authority axis order
 * (RFC 7946, and what GDAL reads and writes), so latFirst is dropped.
 */
export function inputCrs(explicit: string | undefined, member: unknown): Crs {
  let id = explicit
  if (!id && member !== undefined && member !== null) {
    const m = member as { type?: unknown; properties?: { name?: unknown } }
    if (m.type !== 'name' || typeof m.properties?.name !== 'string') {
      throw new AppError(400, 'unsupported_crs', 'GeoJSON "crs" member must be {"type":"name","properties":{"name":"EPSG:…"}}')
    }
    id = m.properties.name
  }
  const crs = parseCrs(id ?? 'CRS:84')
  return { ...crs, latFirst: false }
}

/**
 * Checks one GeoJSON geometry meant as a grid or community polygon and converts it to storage.
 * Throws Refusal (caught by the callers below) with a message naming the first problem.
 */
function convert(geometry: unknown, crs: Crs): StoredPolygon {
  if (geometry === null || typeof geometry !== 'object') throw new Refusal('geometry is missing or not an object')
  const g = geometry as { type?: unknown; coordinates?: unknown }
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    throw new Refusal(`geometry type ${JSON.stringify(g.type ?? null)} is not accepted: a grid is a Polygon or MultiPolygon`)
  }
  if (!Array.isArray(g.coordinates)) throw new Refusal('geometry has no coordinates array')
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[]
  if (polygons.length === 0) throw new Refusal('geometry is empty')
  const size = JSON.stringify(g.coordinates).length
  if (size > MAX_GEOMETRY_BYTES) throw new Refusal(`geometry is too large (${size} bytes > ${MAX_GEOMETRY_BYTES})`)
  let vertices = 0
  const out = polygons.map((rings, p) => {
    if (!Array.isArray(rings) || rings.length === 0) throw new Refusal(`polygon ${p} is empty`)
    return rings.map((ring: unknown, r: number) => {
      if (!Array.isArray(ring)) throw new Refusal(`polygon ${p} ring ${r} is not an array of positions`)
      vertices += ring.length
      if (vertices > MAX_VERTICES) throw new Refusal(`geometry has more than ${MAX_VERTICES} vertices`)
      return convertRing(ring, crs, `polygon ${p} ring ${r}`)
    })
  })
  return { type: 'MultiPolygon', coordinates: out }
}

function convertRing(ring: unknown[], crs: Crs, where: string): Position[] {
  if (ring.length === 0) throw new Refusal(`${where} is empty`)
  const positions = ring.map((pos, i) => checkPosition(pos, `${where} position ${i}`))
  if (positions.length < 4) throw new Refusal(`${where} has ${positions.length} positions: a ring needs at least 4 (closed)`)
  const first = positions[0]!
  const last = positions[positions.length - 1]!
  if (first[0] !== last[0] || first[1] !== last[1]) throw new Refusal(`${where} is not closed (first and last positions differ)`)
  if (crs.geographic) {
    const swapped = positions.every(([x, y]) => looksSwapped(x, y))
    if (swapped) throw new Refusal(`${where}: coordinates look swapped (latitude, longitude): GeoJSON positions are longitude, latitude`)
  }
  return positions.map(([x, y], i) => {
    try {
      const p = toStorage(x, y, crs)
      return [p.lon, p.lat]
    } catch (err) {
      throw new Refusal(`${where} position ${i}: ${(err as Error).message}`)
    }
  })
}

function checkPosition(pos: unknown, where: string): [number, number] {
  if (!Array.isArray(pos)) throw new Refusal(`${where} is not an array`)
  if (pos.length > 2) throw new Refusal(`${where} has ${pos.length} ordinates: 3D (Z/M) coordinates are not accepted`)
  if (pos.length < 2) throw new Refusal(`${where} has fewer than 2 ordinates`)
  const [x, y] = pos as unknown[]
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new Refusal(`${where} has a non-numeric ordinate`)
  }
  return [x, y]
}

/** One geometry, or a 400 naming its problem. */
export function polygonFromInput(geometry: unknown, crs: Crs): StoredPolygon {
  try {
    return convert(geometry, crs)
  } catch (err) {
    if (err instanceof Refusal) throw new AppError(400, 'bad_geometry', `invalid geometry: ${err.message}`)
    throw err
  }
}

/** Many geometries: the stored polygons, and every problem (by feature index) instead of the first. */
export function polygonsFromInput(geometries: unknown[], crs: Crs): { polygons: (StoredPolygon | null)[]; problems: InputProblem[] } {
  const problems: InputProblem[] = []
  const polygons = geometries.map((g, feature) => {
    try {
      return convert(g, crs)
    } catch (err) {
      if (!(err instanceof Refusal)) throw err
      problems.push({ feature, message: err.message })
      return null
    }
  })
  return { polygons, problems }
}

/** A GeoJSON line (for split), converted the same way. */
export function lineFromInput(geometry: unknown, crs: Crs): { type: 'LineString'; coordinates: Position[] } {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null
  if (!g || g.type !== 'LineString' || !Array.isArray(g.coordinates)) {
    throw new AppError(400, 'bad_geometry', 'the cutting line must be a GeoJSON LineString')
  }
  if (g.coordinates.length < 2 || g.coordinates.length > MAX_VERTICES) {
    throw new AppError(400, 'bad_geometry', `the cutting line needs 2..${MAX_VERTICES} positions`)
  }
  try {
    const coordinates = g.coordinates.map((pos, i) => {
      const [x, y] = checkPosition(pos, `line position ${i}`)
      const p = toStorage(x, y, crs)
      return [p.lon, p.lat]
    })
    return { type: 'LineString', coordinates }
  } catch (err) {
    if (err instanceof Refusal || err instanceof AppError) throw new AppError(400, 'bad_geometry', `invalid cutting line: ${(err as Error).message}`)
    throw err
  }
}

export type { Polygon, MultiPolygon }
