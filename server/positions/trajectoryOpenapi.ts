// OpenAPI paths of /api/v1/members/{id}/trajectory and /replay (spread into server/openapi/document.ts `paths`).
import { queryParameters } from '../openapi/zod.ts'
import { MAX_RANGE_DAYS, replayQuerySchema, trajectoryQuerySchema } from './trajectoryRoutes.ts'
import { MAX_FIXES } from './replay.ts'

const problem = { $ref: '#/components/responses/Problem' }
const memberId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'grid member id' }
const access = 'The member must belong to a community inside the caller\'s jurisdiction (else 404, as if unknown); a grid inspector may read only their own. ' +
  'Fixes of every device the member carried (the member at each fix), valid ones only unless includeFiltered=true.'

export const trajectoryPaths = {
  '/api/v1/members/{id}/trajectory': {
    get: {
      summary: 'A member\'s track in [from, to): GeoJSON (LineString per continuous piece with per-vertex times, stops) or GPX 1.1',
      description: `${access} At most ${MAX_RANGE_DAYS} days and ${MAX_FIXES} fixes. GeoJSON: a FeatureCollection (EPSG:4490) of ` +
        'features with properties.kind = "track" (a LineString per piece, cut at gaps over 5 minutes; properties.times holds the ISO time of each vertex, ' +
        'with start, end, seconds, fixes, metres, maxMetresPerSecond), "stop" (Point: stay within 30 m for at least 3 minutes, with start, end, seconds, gridCode) ' +
        'and "filtered" (Point, with includeFiltered); the collection carries member, devices, fixes, kilometres, speeds and gaps. ' +
        'GPX: one trk with a trkseg per piece (trkpt lat/lon/ele/time), stops and filtered fixes as wpt.',
      parameters: [memberId, ...queryParameters(trajectoryQuerySchema)],
      responses: {
        200: { description: 'the track', content: { 'application/geo+json': { schema: { type: 'object' } }, 'application/gpx+xml': { schema: { type: 'string' } } } },
        400: problem, 401: problem, 403: problem, 404: problem, 422: problem,
      },
    },
  },
  '/api/v1/members/{id}/replay': {
    get: {
      summary: 'Replay of one member-day: simplified track with its times, stops, kilometres, speeds, gaps, events touched and fence alerts',
      description: `${access} track: the pieces (cut at gaps over 5 minutes), Douglas-Peucker-simplified in metres, each kept vertex with its time; ` +
        'stops (start, end, centroid, seconds, base grid); kilometres (geodesic sum over the valid fixes); speeds (m/s: max between fixes, max reported, mean while moving); ' +
        'gaps (over 5 minutes without a fix); events (history rows the member wrote and rows of events assigned to the member, with the event\'s place); ' +
        'fenceAlerts of the member\'s devices; timeline: all of them in time order by reference (type, index).',
      parameters: [memberId, ...queryParameters(replayQuerySchema)],
      responses: { 200: { description: 'the replay' }, 400: problem, 401: problem, 403: problem, 404: problem, 422: problem },
    },
  },
}
