// OpenAPI paths of /api/v1/resource-orders (spread into server/openapi/document.ts). Query and
// body schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { cancelSchema, orderCreateSchema, orderListQuery, statusTitles } from './schemas.ts'
import { MOVE_M } from './pass.ts'
import { MAX_TRACK } from './store.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const states = Object.entries(statusTitles).map(([k, v]) => `${k} (${v})`).join(', ')
const who = 'Roles: those that may dispatch events (command centre, district, street and community staff); resources, grids, events and orders inside the caller\'s jurisdiction only (404 otherwise).'
const conflict = (what: string) => ({ description: what, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } })

export const orderPaths = {
  '/api/v1/resource-orders': {
    post: {
      summary: '调派指令: send a resource (a device by deviceId, or a member by memberId: their device with the freshest live fix) to a point or into a grid',
      description: `target {type: point, coordinates [lon, lat] EPSG:4490, radiusM 5-5000 (default 50)} or {type: grid, gridCode}; without a target, ` +
        `eventNumber's location with 50 m. States: ${states}. en_route: the first fix after sending more than ${MOVE_M} m closer than at sending; ` +
        'arrived: the first fix within radiusM geodesic metres of the point (ST_DWithin on geography) or contained in the grid\'s current boundary; ' +
        'expired: the deadline (expiresInMinutes, default 60) passed first. The field loop\'s order pass moves them on; every change reaches ' +
        '/api/v1/stream as event "order" {community, id, status, from, device, memberId, eventNumber, at}. One open order per device. ' + who,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(orderCreateSchema) } } },
      responses: { 201: { description: 'the order (as GET one, without the track)' }, 400: problem, 401: problem, 403: problem, 404: problem,
        409: conflict('the device already has an open order (problem JSON with orderId)') },
    },
    get: {
      summary: 'Orders inside the caller\'s jurisdiction, newest first (open ones by default), with the live position, the distance left and a rough ETA',
      description: 'distanceLeftM: geodesic metres from the device\'s live position to the point (or to the grid\'s boundary, 0 inside). ' +
        'etaS: the distance left at the speed the resource closed in since sending (else its reported speed); null when not moving closer. ' + who,
      parameters: queryParameters(orderListQuery),
      responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/resource-orders/{id}': {
    get: {
      summary: 'One order with the distance left now and its track: the device\'s good fixes from sending until it arrived or ended',
      description: `track: {type: LineString, coordinates, times, truncated} (at most ${MAX_TRACK} fixes). ` + who,
      parameters: [id],
      responses: { 200: { description: 'the order' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/resource-orders/{id}/cancel': {
    post: {
      summary: 'Cancel an open order (optional reason)',
      parameters: [id],
      requestBody: { required: false, content: { 'application/json': { schema: schemaOf(cancelSchema) } } },
      responses: { 200: { description: 'the cancelled order' }, 400: problem, 401: problem, 403: problem, 404: problem,
        409: conflict('the order has already arrived, expired or been cancelled') },
    },
  },
}
