// CRS URIs of OGC API Features (Part 2): CRS84 by default, the storage CRS, WGS84, Web Mercator
// and the CGCS2000 Gauss-Krüger zones, all as http://www.opengis.net/def/crs URIs.
import { supportedCrs } from '../../geo/crs.ts'
import { AppError } from '../../http/errors.ts'
import { outputCrs, type OutputCrs } from '../common/gml.ts'

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
export const STORAGE_CRS = 'http://www.opengis.net/def/crs/EPSG/0/4490'

/** Every CRS URI offered for crs and bbox-crs. */
export const crsUris: string[] = [CRS84, ...supportedCrs().filter((c) => c.uri && c.id.startsWith('EPSG:')).map((c) => c.uri!)]

const offered = new Set(crsUris)

/** A listed URI (exactly, as advertised) → output CRS; anything else → 400. */
export function crsParam(value: string | undefined, name: 'crs' | 'bbox-crs' | 'filter-crs'): OutputCrs {
  const uri = value?.trim() || CRS84
  if (!offered.has(uri)) {
    throw new AppError(400, 'unsupported_crs', `${name} "${uri.slice(0, 80)}" is not offered; see the crs list of the collection`, {},
      { code: 'InvalidParameterValue', locator: name })
  }
  return outputCrs(uri, name)
}
