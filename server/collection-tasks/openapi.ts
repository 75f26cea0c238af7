// OpenAPI paths of /api/v1/collection-tasks (spread into server/openapi/document.ts `paths`).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { PHOTO_TYPES } from './media.ts'
import { jsonReturnBody, listQuery, reviewBody, taskBody } from './store.ts'

const problem = { $ref: '#/components/responses/Problem' }
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } })
const task = { description: '{ id, formId, title, gridCodes, deadline, createdAt, createdBy, counts: { submitted, accepted, returned } }' }
const ret = { description: '{ id, taskId, instanceId, status: submitted|accepted|returned, reason, values, geometry (GeoJSON, CGCS2000), gridCode, communityCode, submittedBy, submittedAt, reviewedAt, photos: [{ field, fileName, present, sha256, sizeBytes, href }] (each image answer and whether its photo arrived) }' }
const mediaParams = [idParam('id'),
  { name: 'instanceId', in: 'path', required: true, schema: { type: 'string', maxLength: 200 }, description: 'the return\'s ODK instanceID (uuid:…)' },
  { name: 'fileName', in: 'path', required: true, schema: { type: 'string', maxLength: 255 }, description: 'the file name an image answer of the return names (no slash)' }]

export const collectionTaskPaths = {
  '/api/v1/collection-tasks': {
    get: { summary: 'Collection tasks (采集任务): an inspector\'s by his grids, staff\'s by jurisdiction', parameters: queryParameters(listQuery),
      responses: { 200: { description: '{ items: Task[] }' }, 400: problem, 401: problem, 403: problem } },
    post: { summary: 'Send a form to the inspectors of grids with a deadline (command centre, district, street, community staff); they are told in their inbox',
      requestBody: json(taskBody), responses: { 201: task, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/collection-tasks/{id}': {
    get: { summary: 'One collection task (404 outside the caller\'s area)', parameters: [idParam('id')], responses: { 200: task, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/collection-tasks/{id}/returns': {
    get: { summary: 'The returns of a task (an inspector: his own)', parameters: [idParam('id')], responses: { 200: { description: '{ items: Return[] }' }, 401: problem, 403: problem, 404: problem } },
    post: {
      summary: 'Submit a return: the ODK instance XML, or JSON answers by question name; checked against the form',
      description: 'A failing answer is a 400 naming the question (collection.invalid_value, collection.required, collection.constraint, collection.unknown_field); ' +
        'a place outside the task\'s grids: 400 collection.outside_grids. The same instanceID again: 200 with the stored return (nothing doubled), ' +
        'or 409 collection.instance_conflict when its answers differ; a returned one comes back to review under its instanceID. After the deadline: 409.',
      parameters: [idParam('id')],
      requestBody: { required: true, content: {
        'application/json': { schema: schemaOf(jsonReturnBody) },
        'application/xml': { schema: { type: 'string', description: 'the instance document (<data id="…"> … <meta><instanceID>uuid:…</instanceID></meta></data>)' } },
      } },
      responses: { 200: ret, 201: ret, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/collection-tasks/{id}/returns/{returnId}/review': {
    post: { summary: 'Accept a return (it appears on the form\'s layer) or send it back with a reason (the submitter is told)',
      parameters: [idParam('id'), idParam('returnId')], requestBody: json(reviewBody),
      responses: { 200: ret, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/collection-tasks/{id}/returns/{instanceId}/media/{fileName}': {
    put: {
      summary: 'Upload the photo of an image answer of a return (after the return): the raw image bytes as the body',
      description: 'The bytes must be a JPEG, PNG or WebP image by their leading bytes (else 415 naming body), at most 10 MiB (413); fileName must be an image answer ' +
        'of the return (400 naming fileName); a return the caller may not see: 404 (collection.instance_not_found). The same bytes again: 200; other bytes under a stored name: 409.',
      parameters: mediaParams,
      requestBody: { required: true, content: Object.fromEntries(PHOTO_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) },
      responses: { 200: { description: '{ instanceId, fileName, sha256, mediaType, sizeBytes } (stored already)' }, 201: { description: 'stored' },
        400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem, 415: problem, 507: problem },
    },
    get: {
      summary: 'Read the photo of a return\'s image answer (seen as the return is: an inspector his own, staff by jurisdiction); ETag = SHA-256',
      parameters: mediaParams,
      responses: { 200: { description: 'the image bytes with their Content-Type' }, 304: { description: 'not modified' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
} as const
