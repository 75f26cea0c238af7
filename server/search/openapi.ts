// OpenAPI path of /api/v1/search (spread into server/openapi/document.ts).
import { queryParameters } from '../openapi/zod.ts'
import { searchQuery, MAX_LIMIT } from './routes.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const searchPaths = {
  '/api/v1/search': {
    get: {
      summary: '搜索: one text → grouped hits inside the caller\'s jurisdiction (the command screen\'s search box)',
      description: 'q (1-100 characters; fewer than 2 answer tooShort with no groups): an event number, whole (E202610090364), a prefix ' +
        '(E20261009) or its last digits (0364); event words (events of the last 30 days); a grid code or prefix, a grid name; an admin ' +
        'division name (typos tolerated) or code; a standard address (through the address geocoder, with its level); a member by ' +
        'name or phone digits (phones masked 138****5678 unless the role dispatches members); a coordinate "lon,lat" (EPSG:4490; WGS84 ' +
        `the same; a lat,lon pair within China is swapped back). limit: hits per group, 1-${MAX_LIMIT}, default 5. Answer: {query, ` +
        'tooShort, groups: [{group (coordinate, event, division, grid, address, person), title, items: [{kind, id, title, subtitle, match ' +
        '(exact, prefix, fuzzy), score, point [lon, lat] | null, bbox [minLon, minLat, maxLon, maxLat] | null, extra}]}]}; exact hits ' +
        'first, then prefixes, then fuzzy; groups ordered by their best hit. Events, grids, divisions and members outside the ' +
        'jurisdiction are never found; standard addresses are the city\'s reference data, found city-wide.',
      parameters: queryParameters(searchQuery),
      responses: { 200: { description: '{query, tooShort, groups}' }, 400: problem, 401: problem, 403: problem },
    },
  },
}
