// OpenAPI paths of /api/v1/lines (spread into server/openapi/document.ts `paths`). Bodies and
// queries come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { componentListQuery, linePatchSchema, lineRowSchema, listQuery, recordListQuery, recordSchema, unmaskSchema } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'line id' }
const line = {
  description: 'the line: id, code, name, kind, guardLevel, ownerUnit, contactName, contactPhone (personal: masked unless the caller holds the line), ' +
    'toleranceM, lengthM (ST_Length on the geography), componentCount, note, communityCode (holding most of its length), gridCode (the base grid holding ' +
    'most of it, or null), verifiedAt, stale, version, createdAt, updatedAt, geometry (GeoJSON MultiLineString, EPSG:4490), communities and grids crossed ' +
    '[{ code, name?, lengthM }], longest first',
  content: { 'application/json': { schema: { type: 'object' } } },
}
const geometry = 'geometry: a GeoJSON LineString or MultiLineString (object or text) or WKT LINESTRING / MULTILINESTRING, CGCS2000 (EPSG:4490) ' +
  'longitude, latitude; at most 200 parts and 20,000 positions. The components within toleranceM (default 5 m, at most 50) are linked on every write ' +
  'of the geometry or the tolerance.'
const read = { 400: problem, 401: problem, 403: problem, 404: problem }

export const linePaths = {
  '/api/v1/lines': {
    get: {
      summary: '护路护线 in the caller\'s jurisdiction, newest first; community / grid: the lines crossing it; q: part of the name, code or owner unit',
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{ items: [line without geometry], next }' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a line (409 when its code is used; 403 when most of it lies outside the jurisdiction; 400 when it crosses no community of the city)',
      description: geometry,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(lineRowSchema) } } },
      responses: { 201: line, 400: problem, 401: problem, 403: problem, 409: problem },
    },
  },
  '/api/v1/lines/{id}': {
    get: { summary: 'One line with its geometry and what it crosses', parameters: [id], responses: { 200: line, ...read } },
    patch: {
      summary: 'Change a line: any fields and the version read (409 registers.version_conflict when stale); verified: true stamps 核实 now',
      description: geometry,
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(linePatchSchema) } } },
      responses: { 200: line, ...read, 409: problem },
    },
  },
  '/api/v1/lines/{id}/unmask': {
    post: {
      summary: 'The owner unit\'s contact person and phone in full, with a reason, recorded in the access audit before the answer',
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(unmaskSchema) } } },
      responses: { 200: { description: '{ id, fields, contactName, contactPhone, audit: { id, at } }' }, ...read },
    },
  },
  '/api/v1/lines/{id}/components': {
    get: {
      summary: 'The components within the line\'s tolerance, in id order (next: the page after the last id)',
      parameters: [id, ...queryParameters(componentListQuery)],
      responses: { 200: { description: '{ items: [{ componentId, classCode, className, name, state, distanceM, gridCode, communityCode, lon, lat }], next }' }, ...read },
    },
  },
  '/api/v1/lines/{id}/records': {
    get: {
      summary: 'Inspection, repair and replacement records of the line, newest first',
      parameters: [id, ...queryParameters(recordListQuery)],
      responses: { 200: { description: '{ items: [{ id, lineId, componentId, kind, result, doneAt, performedBy, findings, stateBefore, stateAfter, recordedBy, recordedByName, createdAt }], next }' }, ...read },
    },
    post: {
      summary: 'Record an inspection (normal | defect), repair (fixed | pending) or replacement (replaced | pending), optionally of a component on the line; ' +
        'componentState sets the component\'s state (a replacement that says replaced leaves it 完好 by default), its state before is kept',
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(recordSchema) } } },
      responses: { 201: { description: 'the record' }, ...read },
    },
  },
}
