// OpenAPI paths of /api/v1/cameras (spread into server/openapi/document.ts). Bodies and queries
// come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { cameraCreateSchema, cameraListQuery, coveringQuery, eventCoveringQuery, playQuery } from './schemas.ts'
import { patrolPaths } from './patrolOpenapi.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'camera id' }
const who = 'Read: staff of an area, grid inspectors, departments, GIS analysts; write: the command centre, district, street and community staff. ' +
  'A camera outside the caller\'s jurisdiction answers 404.'
const item = 'id, name, kind, owner, deviceId, channelId (GB/T 28181), streamUrlTemplate, direction (degrees from north), lon, lat, ' +
  'fieldOfView (GeoJSON Polygon, EPSG:4490), communityCode, createdAt, updatedAt'

export const cameraPaths = {
  '/api/v1/cameras': {
    get: {
      summary: 'Cameras inside the caller\'s jurisdiction in id order, optionally of one kind or one GB/T 28181 device',
      description: `{items, next}; items: ${item}. ${who}`,
      parameters: queryParameters(cameraListQuery),
      responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a camera at lon/lat (its community is found from the point) with its field of view as a GeoJSON Polygon starting at the camera',
      description: `A field of view that is not a valid polygon, or lies away from the camera, is a 400 naming fieldOfView; the same device channel twice is a 409 naming channelId. ${who}`,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(cameraCreateSchema) } } },
      responses: { 201: { description: `the camera: ${item}` }, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/cameras/covering': {
    get: {
      summary: 'The cameras whose field of view covers the point x (longitude), y (latitude), EPSG:4490, nearest camera first, with distanceM',
      parameters: queryParameters(coveringQuery),
      responses: { 200: { description: '{x, y, items}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/cameras/covering/events/{number}': {
    get: {
      summary: 'The cameras whose field of view covers an event\'s place, nearest first; an event outside the caller\'s jurisdiction answers 404',
      parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E\\d{12,16}$' } }, ...queryParameters(eventCoveringQuery)],
      responses: { 200: { description: '{event, x, y, items}' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/cameras/{id}': {
    get: { summary: 'One camera', parameters: [id], responses: { 200: { description: `the camera: ${item}` }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/cameras/{id}/play': {
    post: {
      summary: 'Start the live stream of a camera and answer its URLs (hls, flv, webrtc; url: the one of `protocol`)',
      description: 'A camera with a streamUrlTemplate is answered directly (source template); the others through the city\'s video platform ' +
        '(wvp-GB28181-pro HTTP API, GRIDGOV_VIDEO_PLATFORM_URL; source platform). No template and no platform: 409 cameras.no_stream. ' +
        'The platform refusing or failing: 502; not answering within GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS: 504.',
      parameters: [id, ...queryParameters(playQuery)],
      responses: { 200: { description: '{camera, protocol, url, hls, flv, webrtc, live, source}; live: the HLS stream through this server (GET …/live/{ticket}/{file}), null without HLS' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 502: problem, 504: problem },
    },
  },
  ...patrolPaths,
} as const
