// OpenAPI paths of /api/v1/analytics (spread into server/openapi/document.ts `paths`). Query
// parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { analyticsQuery } from './filters.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const analyticsPaths = {
  '/api/v1/analytics/heatmap': {
    get: {
      summary: '热力图: events per H3 cell (resolution 5-11, default 9) inside the caller\'s jurisdiction, as a GeoJSON FeatureCollection',
      description: 'Each feature is one H3 cell with at least one matching event: the hexagon (Polygon, lon/lat EPSG:4490) and properties ' +
        '{ h3 (hex index), count, share (count / total) }; densest first. The collection carries resolution, from, to, total and maxCount. ' +
        'from (inclusive) / to (exclusive): ISO 8601 date-time with a zone, or a date (midnight Asia/Shanghai); default the last 30 days; at most 10 years. ' +
        'class: a 2-digit big class (all its small classes) or a 4-digit small class, which must exist. channel, demandType, status: comma lists. ' +
        'area: a 12-digit admin code inside the caller\'s jurisdiction (403 naming `area` otherwise). Counting is one SQL GROUP BY over the parent ' +
        'of each event\'s stored res-12 cell.',
      parameters: queryParameters(analyticsQuery),
      responses: {
        200: { description: 'GeoJSON FeatureCollection of H3 cells', content: { 'application/geo+json': { schema: { type: 'object' } } } },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
