// OpenAPI paths of /api/v1/integrations (spread into server/openapi/document.ts `paths`).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { feedbackSchema } from './feedback.ts'
import { deliveriesQuery, messagesQuery, platformSchema } from './routes.ts'

const problem = { $ref: '#/components/responses/Problem' }
const platform = { name: 'platform', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,39}$' } }
const read = { 400: problem, 401: problem, 403: problem, 404: problem }

export const integrationPaths = {
  '/api/v1/integrations': {
    get: { summary: 'Third-party platforms of the caller\'s city, with their outbox state (command centre)', responses: { 200: { description: '{ items }' }, 401: problem, 403: problem } },
  },
  '/api/v1/integrations/{platform}': {
    put: {
      summary: 'Create or replace a platform of the caller\'s city (command centre); the secret is kept when absent, removed when null, never answered',
      description: 'An endpoint whose host is or resolves to a loopback, private, link-local or other internal address is a 400 naming endpoint (integrations.endpoint_internal), unless WEBHOOK_ALLOWED_NETWORKS allows it; the deliverer checks again before every attempt (and follows no redirect).',
      parameters: [platform],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(platformSchema) } } },
      responses: { 200: { description: 'replaced' }, 201: { description: 'created' }, 400: problem, 401: problem, 403: problem, 409: problem },
    },
  },
  '/api/v1/integrations/{platform}/outbox': {
    get: { summary: 'Messages to a platform, newest first (paged by id with before)', parameters: [platform, ...queryParameters(messagesQuery)], responses: { 200: { description: '{ platform, items, nextBefore }' }, ...read } },
  },
  '/api/v1/integrations/{platform}/deliveries': {
    get: { summary: 'Every delivery attempt to a platform: status code, error, duration, response', parameters: [platform, ...queryParameters(deliveriesQuery)], responses: { 200: { description: '{ platform, items, nextBefore }' }, ...read } },
  },
  '/api/v1/integrations/{platform}/outbox/{id}/retry': {
    post: {
      summary: 'Send a message again now (a dead letter after the platform was fixed); 409 if delivered',
      parameters: [platform, { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: { 200: { description: '{ id, state, attempts, nextAttemptAt }' }, ...read, 409: problem },
    },
  },
  '/api/v1/integrations/{platform}/feedback': {
    post: {
      summary: 'Status feedback from a platform: recorded in the event history; evaluated + satisfaction evaluates a closed event',
      parameters: [platform],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(feedbackSchema) } } },
      responses: { 200: { description: 'replay of an identical feedback' }, 201: { description: 'recorded' }, ...read, 409: problem, 413: problem },
    },
  },
}
