// The OpenAPI 3.1 description of /api/v1. Each capability adds its paths here.
const problem = { $ref: '#/components/responses/Problem' }

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'gridgov API',
    version: '1.0.0',
    description: '网格化管理 spatial governance service: REST resources in JSON / GeoJSON (EPSG:4490 lon/lat).',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' },
          detail: { type: 'string' }, instance: { type: 'string' }, requestId: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
      AdminCode: { type: 'string', pattern: '^[0-9]{12}$', description: '12-digit statistical division code' },
    },
  },
  security: [{ bearer: [] }, { apiKey: [] }],
  paths: {
    '/health': {
      get: {
        summary: 'Liveness and database readiness', security: [],
        responses: { 200: { description: 'ready' }, 503: { description: 'database not reachable' } },
      },
    },
    '/api/v1/auth/login': {
      post: {
        summary: 'Sign in with username and password; returns a bearer token', security: [],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } } } },
        },
        responses: { 200: { description: 'token' }, 400: problem, 401: problem },
      },
    },
    '/api/v1/auth/me': { get: { summary: 'The signed-in principal, its role and jurisdiction', responses: { 200: { description: 'principal' }, 401: problem } } },
    '/api/v1/auth/logout': { post: { summary: 'Revoke every token of the signed-in user', responses: { 204: { description: 'revoked' }, 401: problem } } },
    '/api/v1/admin-divisions': {
      get: {
        summary: 'Admin divisions inside the caller\'s jurisdiction',
        parameters: [
          { name: 'level', in: 'query', schema: { enum: ['city', 'district', 'street', 'community'] } },
          { name: 'parent', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' } },
        ],
        responses: { 200: { description: 'list' }, 400: problem, 401: problem },
      },
    },
    '/api/v1/admin-divisions/{code}': {
      get: {
        summary: 'One admin division as a GeoJSON Feature',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { $ref: '#/components/schemas/AdminCode' } }],
        responses: { 200: { description: 'feature' }, 400: problem, 401: problem, 404: problem },
      },
    },
  },
} as const
