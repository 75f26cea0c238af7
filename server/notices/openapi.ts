// The OpenAPI paths of /api/v1/notices (staff). The public read is in server/public/residentsOpenapi.ts.
const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const when = { type: ['string', 'null'], format: 'date-time' }
const fields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  category: { type: 'string', enum: ['notice', 'policy', 'service', 'safety', 'activity'] },
  bodyHtml: { type: 'string', maxLength: 100000, description: 'sanitised on write (sanitize-html allow-list: text structure and links; no script, style, handler, image or javascript: URL)' },
  audience: { type: 'string', enum: ['public', 'internal'], default: 'public' },
  publishFrom: when, publishUntil: when,
}
const body = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const one = { 200: { description: 'the notice' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem }

export const noticePaths = {
  '/api/v1/notices': {
    get: {
      summary: 'Notices (公告) of the caller\'s city, newest change first (staff, grid inspectors, departments)',
      parameters: [{ name: 'status', in: 'query', schema: { type: 'string', enum: ['draft', 'published', 'withdrawn'] } },
        { name: 'audience', in: 'query', schema: { type: 'string', enum: ['public', 'internal'] } },
        { name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
      responses: { 200: { description: '{ items, next }' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Write a notice (draft)',
      requestBody: body({ type: 'object', required: ['title', 'category', 'bodyHtml'], additionalProperties: false, properties: fields }),
      responses: { 201: { description: 'the notice' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/notices/{id}': {
    get: { summary: 'One notice', parameters: [id], responses: { 200: { description: 'the notice' }, 401: problem, 403: problem, 404: problem } },
    patch: {
      summary: 'Edit a notice (version required: 409 notices.version_conflict when stale)', parameters: [id],
      requestBody: body({ type: 'object', required: ['version'], additionalProperties: false, properties: { ...fields, version: { type: 'integer', minimum: 1 } } }),
      responses: one,
    },
  },
  '/api/v1/notices/{id}/publish': {
    post: { summary: 'Publish (shown to residents when public, inside its window)', parameters: [id],
      requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer' } } } } } }, responses: one },
  },
  '/api/v1/notices/{id}/withdraw': {
    post: { summary: 'Withdraw a published notice', parameters: [id],
      requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer' } } } } } }, responses: one },
  },
}
