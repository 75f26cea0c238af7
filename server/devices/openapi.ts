// OpenAPI paths of /api/v1/devices (spread into server/openapi/document.ts `paths`).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { bindSchema, deviceCreateSchema, deviceListQuery, deviceUpdateSchema } from './routes.ts'
import { liveListQuery } from './live.ts'

const problem = { $ref: '#/components/responses/Problem' }
const identifier = { name: 'identifier', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{3,64}$' } }
const read = { 401: problem, 403: problem, 404: problem }
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })

export const devicePaths = {
  '/api/v1/devices': {
    get: {
      summary: 'Devices (phones, patrol cars, drones, body cameras) in the caller\'s jurisdiction with member, live position and status (online/idle/offline/never); paged by identifier with next',
      parameters: queryParameters(deviceListQuery), responses: { 200: { description: '{ items, next }' }, 400: problem, ...read },
    },
    post: {
      summary: 'Register a device (staff of the area); the answer carries its token once (X-Device-Token for POST /api/v1/positions)',
      requestBody: json(deviceCreateSchema), responses: { 201: { description: 'the device and its token' }, 400: problem, ...read, 409: problem },
    },
  },
  '/api/v1/devices/live': {
    get: {
      summary: 'Every enabled device of the caller\'s area at its last fix (member, community, department, battery, stillSince, status): the map\'s first load before the stream moves them; paged by identifier with next',
      parameters: queryParameters(liveListQuery), responses: { 200: { description: '{ time, items, next }' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/devices/{identifier}/assigned-events': {
    get: { summary: 'Open events (dispatched, signed, handling) assigned to the device\'s current member, inside the caller\'s jurisdiction', parameters: [identifier], responses: { 200: { description: '{ identifier, memberId, items }' }, ...read } },
  },
  '/api/v1/devices/{identifier}': {
    get: { summary: 'One device', parameters: [identifier], responses: { 200: { description: 'device' }, ...read } },
    patch: { summary: 'Change kind, name, area, OsmAnd token requirement or disable it', parameters: [identifier], requestBody: json(deviceUpdateSchema), responses: { 200: { description: 'device' }, 400: problem, ...read } },
  },
  '/api/v1/devices/{identifier}/member': {
    put: { summary: 'Hand the device to a member (or to nobody: null); the binding history keeps who carried it when', parameters: [identifier], requestBody: json(bindSchema), responses: { 200: { description: 'device' }, 400: problem, ...read } },
  },
  '/api/v1/devices/{identifier}/bindings': {
    get: { summary: 'Who carried the device when, newest first', parameters: [identifier], responses: { 200: { description: '{ device, items }' }, ...read } },
  },
  '/api/v1/devices/{identifier}/token': {
    post: { summary: 'Issue a new token (answered once); the old one stops working at once', parameters: [identifier], responses: { 200: { description: '{ identifier, token }' }, ...read } },
  },
}
