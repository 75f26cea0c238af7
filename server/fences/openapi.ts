// OpenAPI paths of /api/v1/fences and /api/v1/fence-alerts (spread into
// server/openapi/document.ts `paths`). Bodies and queries come from the zod schemas that
// validate them, so the two cannot drift apart.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { alertListQuery, createSchema, listQuery, readQuery, updateSchema } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: what })
const fence = {
  description: 'the fence: id, name, cityCode, adminCode, kind and its shape as given (coordinates | center, radius | line, width, with crs | gridCodes), ' +
    'rules, schedule, memberIds, active, version, areaM2, createdBy, createdAt, updatedAt, and geometry (the area tested: GeoJSON MultiPolygon, EPSG:4490); ' +
    'with f=geojson a GeoJSON Feature',
  content: { 'application/json': { schema: { type: 'object' } }, 'application/geo+json': { schema: { type: 'object' } } },
}
const shapeText = 'kind polygon: coordinates (Polygon or MultiPolygon coordinates); circle: center [x, y] and radius (m, 5-50,000); ' +
  'corridor: line (LineString coordinates) and width (full width, m, 2-2,000); grid: gridCodes (current grids; memberIds default to the members assigned to them). ' +
  'crs: EPSG:4326 (default), EPSG:4490, CRS:84, EPSG:3857, EPSG:4513-4554, GCJ-02, BD-09; positions are easting/longitude first in every CRS. ' +
  'Circles and corridors are buffered in metres on the PostGIS geography type (best-fit planar projection: the UTM zone at city scale). ' +
  'adminCode defaults to the caller\'s only area; memberIds empty = every device whose area lies in adminCode. ' +
  'rules {enter, exit, dwellMinutes, absentMinutes}; schedule null (always) | {calendar: "duty"} (the working calendar) | {days: [1-7], from: "HH:MM", to: "HH:MM"} (Asia/Shanghai; to < from runs past midnight).'
const invalid = {
  description: 'invalid polygon (self-intersection …): problem JSON naming the field, the reason and `location` (GeoJSON Point, EPSG:4490)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
}
const write = { 400: problem, 401: problem, 403: problem, 404: problem, 413: problem, 422: invalid }

export const fencePaths = {
  '/api/v1/fences': {
    get: {
      summary: 'Fences whose area (adminCode) lies in the caller\'s jurisdiction, in id order (active ones by default); f=geojson gives a FeatureCollection',
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{ items, next } or a FeatureCollection with next' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Create a fence (street, district, community staff and the command centre, inside their jurisdiction)',
      description: shapeText,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(createSchema) } } },
      responses: { 201: fence, ...write },
    },
  },
  '/api/v1/fences/{id}': {
    get: { summary: 'One fence (also an inactive one)', parameters: [id('fence id'), ...queryParameters(readQuery)], responses: { 200: fence, 400: problem, 401: problem, 403: problem, 404: problem } },
    put: {
      summary: 'Replace a fence; `version` is the one read (a stale one answers 409 with currentVersion). adminCode defaults to the fence\'s own; active: true switches a deactivated fence on again',
      description: shapeText,
      parameters: [id('fence id')],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(updateSchema) } } },
      responses: { 200: fence, ...write, 409: problem },
    },
    delete: {
      summary: 'Deactivate a fence: it stops watching, and stays with its alerts as history (its per-device states are dropped)',
      parameters: [id('fence id')],
      responses: { 200: fence, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/fence-alerts': {
    get: {
      summary: 'Fence alerts (enter, exit, dwell, absent) inside the caller\'s jurisdiction, newest first; paged with the opaque cursor of `next`',
      parameters: queryParameters(alertListQuery),
      responses: { 200: { description: '{ items: [{ id, fenceId, fenceName, deviceId, device, deviceName, memberId, memberName, communityCode, kind, at, lon, lat, detail, acknowledgedAt, acknowledgedBy, acknowledgedByName, createdAt }], next }; f=geojson: a FeatureCollection' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/fence-alerts/{id}/acknowledge': {
    post: {
      summary: 'Acknowledge an alert (staff); 409 if it already was. The change reaches /api/v1/stream (fence_alert)',
      parameters: [id('fence alert id')],
      responses: { 200: { description: 'the acknowledged alert' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
}
