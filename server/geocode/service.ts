// Point geocoding: input CRS → storage CRS → base grid, industry grids, admin chain, inspectors
// and departments. Used by the single and the batch endpoint alike, so both answer identically.
import type { Knex } from 'knex'
import { AppError } from '../http/errors.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { looksSwapped, toStorage, type Crs, type StoragePoint } from '../geo/crs.ts'
import { forBatch, gridDetails, locatePoints, type CodeName, type DepartmentRef, type Inspector } from './repository.ts'

/** One point as received: two numbers in the axis order of `crs`. */
export interface PointInput { id?: string | number; x: number; y: number }

export interface GeocodeAnswer {
  id?: string | number
  input: { x: number; y: number; crs: string }
  conversion: string
  location: { lon: number; lat: number; crs: 'EPSG:4490' }
  district: CodeName | null
  street: CodeName | null
  community: CodeName
  baseGrid: { code: string; name: string; version: number; sharedWith: string[] }
  industryGrids: Record<string, { typeName: string; code: string; name: string; version: number }>
  inspectors: Inspector[]
  departments: DepartmentRef[]
  personalData: { included: boolean; reason: string }
}

export interface GeocodeFailure {
  id?: string | number
  input: { x: number; y: number; crs: string }
  error: { status: number; type: string; detail: string } & Record<string, unknown>
}

export type GeocodeResult = GeocodeAnswer | GeocodeFailure

export const isFailure = (r: GeocodeResult): r is GeocodeFailure => 'error' in r

/** Storage coordinates are quantised to 1e-7°; 1e-9° (0.1 mm) keeps answers exact and stable. */
const round9 = (v: number) => Math.round(v * 1e9) / 1e9

/**
 * Converts one point to storage, refusing pairs that look swapped. A geographic lon,lat pair
 * whose longitude is a Chinese latitude and latitude a Chinese longitude, or a Gauss-Krüger pair
 * that is only valid the other way round, is a 400 that says so rather than a silent miss.
 */
export function convertPoint(x: number, y: number, crs: Crs): StoragePoint {
  if (crs.geographic && Number.isFinite(x) && Number.isFinite(y)) {
    const [lon, lat] = crs.latFirst ? [y, x] : [x, y]
    if (looksSwapped(lon, lat)) {
      const order = crs.latFirst ? 'lat,lon' : 'lon,lat'
      throw new AppError(400, 'coordinates_swapped',
        `coordinates ${x}, ${y} look swapped: ${crs.id} in this form takes ${order}, which puts this point at longitude ${lon}, latitude ${lat}; send them in ${order} order`)
    }
  }
  try {
    return toStorage(x, y, crs)
  } catch (err) {
    if (!crs.geographic && crs.latFirst && err instanceof AppError && isValid(y, x, crs)) {
      throw new AppError(400, 'coordinates_swapped',
        `coordinates ${x}, ${y} look swapped: ${crs.id} takes northing,easting (EPSG axis order), and ${y}, ${x} would be valid`)
    }
    throw err
  }
}

function isValid(a: number, b: number, crs: Crs): boolean {
  try {
    toStorage(a, b, crs)
    return true
  } catch {
    return false
  }
}

function failure(p: PointInput, crsText: string, err: AppError): GeocodeFailure {
  return {
    ...(p.id !== undefined ? { id: p.id } : {}),
    input: { x: p.x, y: p.y, crs: crsText },
    error: { status: err.status, type: err.type, detail: err.detail, ...err.extra },
  }
}

export function outsideError(lon: number, lat: number, nearest: { code: string; metres: number } | null): AppError {
  const where = `point ${round9(lon)}, ${round9(lat)} (EPSG:4490 lon,lat)`
  if (!nearest) return new AppError(422, 'outside_city', `${where} lies outside every grid: no grids are loaded`, { distanceMetres: null, nearestGrid: null })
  const metres = Math.round(nearest.metres * 10) / 10
  return new AppError(422, 'outside_city',
    `${where} lies outside every grid of the city: the nearest grid ${nearest.code} is ${metres} m away`,
    { distanceMetres: metres, nearestGrid: nearest.code })
}

/**
 * Geocodes points given in `crs`. Never throws for a bad point: each comes back either as an
 * answer or as a failure entry (400 bad coordinates, 422 outside the city), in input order.
 * Phones of inspectors are included only where the principal's jurisdiction covers the point.
 */
export async function geocode(knex: Knex, points: readonly PointInput[], crs: Crs, crsText: string,
  jurisdiction: Jurisdiction): Promise<GeocodeResult[]> {
  const results = new Array<GeocodeResult>(points.length)
  const converted: { index: number; storage: StoragePoint }[] = []
  points.forEach((p, index) => {
    try {
      converted.push({ index, storage: convertPoint(p.x, p.y, crs) })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      results[index] = failure(p, crsText, err)
    }
  })
  const { locations, details } = await forBatch(knex, converted.length, async (db) => {
    const locations = await locatePoints(db, converted.map((c) => c.storage))
    const details = await gridDetails(db, locations.flatMap((l) => (l.inside ? [l.baseGrid.code] : [])))
    return { locations, details }
  })
  converted.forEach(({ index, storage }, i) => {
    const p = points[index]!
    const loc = locations[i]!
    if (!loc.inside) {
      results[index] = failure(p, crsText, outsideError(storage.lon, storage.lat, loc.nearest))
      return
    }
    const d = details.get(loc.baseGrid.code)
    if (!d) throw new Error(`no details for located grid ${loc.baseGrid.code}`)
    const covered = jurisdiction.covers(loc.baseGrid.communityCode)
    results[index] = {
      ...(p.id !== undefined ? { id: p.id } : {}),
      input: { x: p.x, y: p.y, crs: crsText },
      conversion: storage.conversion,
      location: { lon: round9(storage.lon), lat: round9(storage.lat), crs: 'EPSG:4490' },
      district: d.district,
      street: d.street,
      community: d.community,
      baseGrid: { code: loc.baseGrid.code, name: loc.baseGrid.name, version: loc.baseGrid.version, sharedWith: loc.baseGrid.sharedWith },
      industryGrids: Object.fromEntries(loc.industryGrids.map((g) => [g.type, { typeName: g.typeName, code: g.code, name: g.name, version: g.version }])),
      inspectors: covered ? d.inspectors : d.inspectors.map((m) => ({ ...m, phone: null })),
      departments: d.departments,
      personalData: covered
        ? { included: true, reason: 'the point lies inside your jurisdiction' }
        : { included: false, reason: 'inspector phone numbers withheld: the point lies outside your jurisdiction' },
    }
  })
  return results
}
