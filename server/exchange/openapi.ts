// OpenAPI paths of /api/v1/exchange (spread into server/openapi/document.ts `paths`).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { instructionsQuery, provinceSchema, INSTRUCTION_MAX_BYTES } from './routes.ts'
import { SCHEMA_NAMES } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const message = {
  type: 'object', required: ['schema', 'messageId', 'kind', 'sender', 'sentAt', 'body'],
  description: 'an exchange message of kind instruction: the full schema is GET /api/v1/exchange/schemas/message (docs/exchange/message.schema.json)',
}

export const exchangePaths = {
  '/api/v1/exchange': {
    get: {
      summary: 'The exchange format with the provincial platform: its kinds and the links of its JSON Schema files (no authentication)',
      security: [], responses: { 200: { description: '{ schema, kinds, schemas, openData }' } },
    },
  },
  '/api/v1/exchange/schemas/{name}': {
    get: {
      summary: 'One JSON Schema file of the exchange format, as kept in docs/exchange/ (no authentication)',
      security: [], parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: [...SCHEMA_NAMES] } }],
      responses: { 200: { description: 'application/schema+json' }, 404: problem },
    },
  },
  '/api/v1/exchange/province': {
    get: { summary: 'The province platform of the caller\'s city with its outbox state (command centre)', responses: { 200: { description: 'platform' }, 401: problem, 403: problem, 404: problem } },
    put: {
      summary: 'Create or replace the province platform of the caller\'s city (command centre): event changes, daily statistics and open-data catalogue entries are pushed to it in the exchange format',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(provinceSchema) } } },
      responses: { 200: { description: 'replaced' }, 201: { description: 'created' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/exchange/instructions': {
    get: { summary: 'Instructions received from the province, newest first (command centre)', parameters: queryParameters(instructionsQuery), responses: { 200: { description: '{ items }' }, 400: problem, 401: problem, 403: problem } },
    post: {
      summary: 'An instruction from the province (上级交办), with its API key: becomes an event of the superior channel; the message id makes a repeat answer the same event',
      description: `An exchange message of kind instruction (docs/exchange/instruction.schema.json), at most ${INSTRUCTION_MAX_BYTES} bytes. ` +
        'A message failing its schema is a 400 whose `path` names the JSON path; the same message id with another body is a 409.',
      requestBody: { required: true, content: { 'application/json': { schema: message } } },
      responses: { 200: { description: 'replay: the event the message made' }, 201: { description: '{ messageId, eventNumber }' }, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem, 422: problem },
    },
  },
  '/api/v1/exchange/open-data': {
    get: {
      summary: 'Open datasets of every city as the daily pass wrote them: the day, its period, and per file its link, sha256, rows and bytes (no authentication)',
      security: [], responses: { 200: { description: '{ threshold, timeZone, items: [{ city, dataset, date, period, manifest, files }] }' } },
    },
  },
  '/api/v1/exchange/open-data/{city}/{file}': {
    get: {
      summary: 'An open-data file of the newest day written: demands-monthly.csv, communities.geojson, communities.csv, or the day\'s manifest.json (no authentication; cells under 5 suppressed; ETag = the file\'s sha256)',
      security: [],
      parameters: [
        { name: 'city', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}00$' } },
        { name: 'file', in: 'path', required: true, schema: { type: 'string', enum: ['demands-monthly.csv', 'communities.geojson', 'communities.csv', 'manifest.json'] } },
      ],
      responses: { 200: { description: 'text/csv or application/geo+json' }, 304: { description: 'not modified' }, 400: problem, 404: problem },
    },
  },
}
