// GeoJSON FeatureCollection from a file or request body: malformed JSON and anything but a
// FeatureCollection of Features are a 400 naming the problem.
import { AppError } from '../http/errors.ts'
import type { InputFeature } from '../grids/candidates.ts'

export interface GeoJsonInput {
  features: InputFeature[]
  /** The legacy GeoJSON `crs` member, if any. */
  crs: unknown
}

export function parseGeoJson(input: Buffer | string | unknown): GeoJsonInput {
  let doc: unknown = input
  if (Buffer.isBuffer(input) || typeof input === 'string') {
    const text = Buffer.isBuffer(input) ? input.toString('utf8').replace(/^\uFEFF/, '') : input
    try {
      doc = JSON.parse(text)
    } catch (err) {
      throw new AppError(400, 'malformed_geojson', `malformed GeoJSON: ${(err as Error).message}`)
    }
  }
  const fc = doc as { type?: unknown; features?: unknown; crs?: unknown } | null
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError(400, 'malformed_geojson', 'expected a GeoJSON FeatureCollection with a "features" array')
  }
  if (fc.features.length === 0) throw new AppError(400, 'malformed_geojson', 'the FeatureCollection has no features')
  const features = fc.features.map((f: unknown, i: number) => {
    const feature = f as { type?: unknown; geometry?: unknown; properties?: unknown } | null
    if (!feature || feature.type !== 'Feature') throw new AppError(400, 'malformed_geojson', `feature ${i} is not a GeoJSON Feature`)
    const props = feature.properties
    if (props !== null && props !== undefined && (typeof props !== 'object' || Array.isArray(props))) {
      throw new AppError(400, 'malformed_geojson', `feature ${i}: properties must be an object or null`)
    }
    return { geometry: feature.geometry, properties: (props ?? null) as Record<string, unknown> | null }
  })
  return { features, crs: fc.crs }
}
