// The OpenAPI paths of /api/v1/public, and the constants both it and the route use.
import { residentPaths } from './residentsOpenapi.ts'

/** Simplification tolerance as a share of an area's size (√area / RELATIVE): an outline, not a survey. */
export const RELATIVE = 400
/** How long one computed answer is kept in memory and in caches, seconds (boundaries change by import). */
export const MAX_AGE = 600

export const publicPaths = {
  ...residentPaths,
  '/api/v1/public/outline': {
    get: {
      summary: 'City and district outlines with their names, for the map before sign-in (no authentication)',
      description: 'A GeoJSON FeatureCollection (EPSG:4490 lon/lat, 5 decimals) of every city and district boundary, ' +
        `simplified with a tolerance of √area / ${RELATIVE} (about 0.25 % of the area's size: 200 m for a 10,000 km² city). Properties: code, level (city | district), name, ` +
        'parentCode, label ([lon, lat] of a point inside the area, for its name). Public administrative boundaries only. ' +
        `Cache-Control: public, max-age=${MAX_AGE}; ETag with If-None-Match → 304.`,
      security: [],
      responses: { 200: { description: 'FeatureCollection' }, 304: { description: 'not modified (If-None-Match)' } },
    },
  },
}
