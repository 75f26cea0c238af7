// A fence's shape as the client gives it → the MultiPolygon (EPSG:4490) the engine tests.
//
// * Coordinates are converted at the edge (server/geo/crs.ts; default EPSG:4326, GCJ-02 and
//   the other accepted CRSs too). Positions are easting/longitude first in every CRS, as in
//   GeoJSON, whatever the identifier's authority axis order.
// * Circles and corridors are buffered in metres by PostGIS on the geography type: ST_Buffer
//   (geography) projects to a best-fit planar CRS (the UTM zone of the shape at city scale),
//   buffers there and projects back, so a 300 m radius is 300 m on the ground (within 0.1 %).
//   Circles get 32 segments a quadrant (a 128-gon: its area is within 0.05 % of πr²).
// * What can be refused without the database is refused here with a 400 naming the field
//   (`coordinates`, `center`, `line`, `gridCodes[3]`, `crs`); OGC validity (self-intersection
//   and friends) needs GEOS and answers 422 with the reason and the location.
import type { Knex } from 'knex'
import type { Position } from 'geojson'
import { AppError, forbidden } from '../http/errors.ts'
import { fromStorage, looksSwapped, parseCrs, toStorage, type Crs } from '../geo/crs.ts'
import { polygonFromInput, MAX_VERTICES } from '../grids/geometryInput.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import type { ShapeInput } from './schemas.ts'

/** The shape ready to store: the area as hex EWKB, the input as given, the grids it follows. */
export interface StoredShape {
  geom: string
  source: Record<string, unknown>
  gridCodes: string[]
}

export const fieldError = (status: number, type: string, field: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(status, type, `invalid fence: ${field}: ${message}`, { errors: [{ field, message }], ...extra })

/** The input CRS, positions easting first (see above); a bad identifier is a 400 naming `crs`. */
function inputCrs(id: string | undefined): Crs {
  try {
    return { ...parseCrs(id ?? 'EPSG:4326'), latFirst: false }
  } catch (err) {
    throw fieldError(400, 'unsupported_crs', 'crs', err instanceof AppError ? err.detail : 'unsupported CRS')
  }
}

/** One position [x, y] in `crs` → [lon, lat] EPSG:4490, or a 400 naming `field`. */
function storagePosition(pos: unknown, crs: Crs, field: string): Position {
  if (!Array.isArray(pos) || pos.length !== 2) throw fieldError(400, 'bad_geometry', field, 'must be a position [x, y] (no Z/M)')
  const [x, y] = pos as unknown[]
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw fieldError(400, 'bad_geometry', field, 'has a non-numeric or non-finite ordinate')
  }
  try {
    const p = toStorage(x, y, crs)
    return [p.lon, p.lat]
  } catch (err) {
    throw fieldError(400, 'coordinate_out_of_range', field, err instanceof AppError ? err.detail : 'out of range')
  }
}

/** Polygon or MultiPolygon coordinates, told apart by their nesting depth. */
function polygonGeometry(coordinates: unknown[], crs: Crs) {
  const first = coordinates[0]
  const multi = Array.isArray(first) && Array.isArray(first[0]) && Array.isArray(first[0][0])
  try {
    return polygonFromInput({ type: multi ? 'MultiPolygon' : 'Polygon', coordinates }, crs)
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    throw fieldError(400, err.type, 'coordinates', err.detail.replace(/^invalid geometry: /, ''))
  }
}

interface GeomRow { geom: string | null; valid: boolean; reason: string | null; lon: number | null; lat: number | null; missing: string[] | null }

async function polygonShape(knex: Knex, coordinates: unknown[], crs: Crs): Promise<string> {
  const geometry = polygonGeometry(coordinates, crs)
  const { rows } = await knex.raw(sqlFile('fences/geom_polygon'), { geojson: JSON.stringify(geometry) }) as { rows: GeomRow[] }
  const r = rows[0]!
  if (!r.valid) {
    const [x, y] = r.lon === null ? [null, null] : fromStorage(r.lon, r.lat!, crs)
    const where = x === null ? '' : ` at or near ${x}, ${y} (${crs.id})`
    throw fieldError(422, 'invalid_geometry', 'coordinates', `invalid polygon: ${r.reason}${where}`, {
      location: r.lon === null ? null : { type: 'Point', coordinates: [r.lon, r.lat] },
    })
  }
  return r.geom!
}

async function circleShape(knex: Knex, center: [number, number], radius: number, crs: Crs): Promise<string> {
  if (crs.geographic && looksSwapped(center[0], center[1])) {
    throw fieldError(400, 'bad_geometry', 'center', 'coordinates look swapped (latitude, longitude): positions are longitude, latitude')
  }
  const [lon, lat] = storagePosition(center, crs, 'center') as [number, number]
  const { rows } = await knex.raw(sqlFile('fences/geom_circle'), { lon, lat, radius }) as { rows: GeomRow[] }
  return rows[0]!.geom!
}

async function corridorShape(knex: Knex, line: unknown[], width: number, crs: Crs): Promise<string> {
  if (line.length > MAX_VERTICES) throw fieldError(400, 'bad_geometry', 'line', `has more than ${MAX_VERTICES} positions`)
  // before converting: a swapped pair is in range as lon/lat, or fails with a misleading range error
  const numbers = line.every((p) => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number')
  if (crs.geographic && numbers && line.every((p) => looksSwapped((p as number[])[0]!, (p as number[])[1]!))) {
    throw fieldError(400, 'bad_geometry', 'line', 'coordinates look swapped (latitude, longitude): positions are longitude, latitude')
  }
  const coordinates = line.map((pos, i) => storagePosition(pos, crs, `line[${i}]`))
  const geojson = JSON.stringify({ type: 'LineString', coordinates })
  const { rows } = await knex.raw(sqlFile('fences/geom_corridor'), { geojson, half: width / 2 }) as { rows: GeomRow[] }
  return rows[0]!.geom!
}

/** The community a grid code belongs to (base: its first 12 digits, industry: digits 7-18). */
export function gridCommunity(code: string): string {
  return code.length === 15 ? code.slice(0, 12) : code.slice(6, 18)
}

/**
 * The union of current grids. A grid outside the caller's jurisdiction is a 403 decided from
 * its code alone (nothing about it is read, so nothing leaks); one outside the fence's area a
 * 400; one that does not exist (or is retired) a 400 naming it.
 */
async function gridShape(knex: Knex, codes: string[], scope: ShapeScope): Promise<string> {
  codes.forEach((code, i) => {
    const community = gridCommunity(code)
    if (!scope.jurisdiction.covers(community)) throw forbidden(`invalid fence: gridCodes[${i}]: grid ${code} is outside your jurisdiction`)
    if (!community.startsWith(scope.areaPrefix)) {
      throw fieldError(400, 'grid_outside_area', `gridCodes[${i}]`, `grid ${code} lies outside the fence's area ${scope.adminCode}`)
    }
  })
  const { rows } = await knex.raw(sqlFile('fences/geom_grids'), { codes }) as { rows: GeomRow[] }
  const r = rows[0]!
  const missing = r.missing ?? []
  if (missing.length) {
    const i = codes.indexOf(missing[0]!)
    throw fieldError(400, 'unknown_grid', `gridCodes[${i}]`, `no current grid ${missing.join(', ')}`)
  }
  return r.geom!
}

export interface ShapeScope { jurisdiction: Jurisdiction; adminCode: string; areaPrefix: string }

/** The stored area of a shape, or a 4xx naming the field at fault. */
export async function storedShape(knex: Knex, shape: ShapeInput, scope: ShapeScope): Promise<StoredShape> {
  switch (shape.kind) {
    case 'polygon': {
      const crs = inputCrs(shape.crs)
      const geom = await polygonShape(knex, shape.coordinates, crs)
      return { geom, source: { coordinates: shape.coordinates, crs: crs.id }, gridCodes: [] }
    }
    case 'circle': {
      const crs = inputCrs(shape.crs)
      const geom = await circleShape(knex, shape.center, shape.radius, crs)
      return { geom, source: { center: shape.center, radius: shape.radius, crs: crs.id }, gridCodes: [] }
    }
    case 'corridor': {
      const crs = inputCrs(shape.crs)
      const geom = await corridorShape(knex, shape.line, shape.width, crs)
      return { geom, source: { line: shape.line, width: shape.width, crs: crs.id }, gridCodes: [] }
    }
    case 'grid': {
      const geom = await gridShape(knex, shape.gridCodes, scope)
      return { geom, source: { gridCodes: shape.gridCodes }, gridCodes: shape.gridCodes }
    }
  }
}
