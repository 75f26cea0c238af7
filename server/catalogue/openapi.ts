// OpenAPI paths of /api/v1/catalogue (spread into server/openapi/document.ts).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { applicationBody, applicationsQuery, listQuery, metaBody, reasonBody, reviewBody, usageQuery } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const entry = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 5, maxLength: 300, pattern: '^(layer|api|dataset):\\S' },
  description: 'the entry id, URL-encoded: layer:events, dataset:places, api:GET /api/v1/events/{number}' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const entryShape = '{id, kind (layer|api|dataset), title, description, owner, fields [{name, title?, type?, personal?}], updateFrequency, ' +
  'classification (public 公开|internal 内部|sensitive 敏感), classificationTitle, sharing (unconditional 无条件|conditional 有条件|none 不予共享), sharingTitle, ' +
  'access {operations, layers} (what a grant opens), holders? (the only roles that may hold it), edited {by, at} | null}'
const appShape = '{id, state (submitted|approved|rejected|revoked), stateTitle, systemName, purpose, applicant, resources, areas, validDays, submittedAt, ' +
  'reviewedAt, reviewComment, revokedAt, revokeReason, keys [{id, prefix, scopes, expiresAt, revokedAt, lastUsedAt, replacedBy}]}'

export const cataloguePaths = {
  '/api/v1/catalogue': {
    get: {
      summary: '资源目录: every map layer, API operation and dataset of the caller\'s city with owner, fields, update frequency, classification and sharing condition',
      description: `q: every word must appear in the id, title, description, owner or a field's name or title (Chinese as substrings). Answers {items: [${entryShape}], total, limit, offset}.`,
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{items, total, limit, offset}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/catalogue/entries/{id}': {
    get: {
      summary: 'One catalogue entry (404 when there is none)', parameters: [entry],
      responses: { 200: { description: entryShape }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    patch: {
      summary: 'Edit an entry\'s metadata for the city (command centre): owner, update frequency, classification, sharing, description',
      description: 'Kept per city and entry with who and when; an entry set to 不予共享 can no longer be applied for or approved (keys already issued keep working until revoked).',
      parameters: [entry], requestBody: json(schemaOf(metaBody)),
      responses: { 200: { description: entryShape }, 400: problem, 401: problem, 403: problem, 404: problem, 413: problem },
    },
  },
  '/api/v1/catalogue/applications': {
    get: {
      summary: '资源申请: the city\'s applications for access (command centre), or the caller\'s own (external system), newest first',
      parameters: queryParameters(applicationsQuery),
      responses: { 200: { description: `{items: [${appShape}]}` }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'An external system applies for catalogue entries in areas of its jurisdiction (申请); the command centre reviews it',
      description: 'A resource that does not exist: 400 catalogue.unknown_resource naming resources.i; one not shared (不予共享) or that the applicant\'s role ' +
        'may not hold: 400 catalogue.not_shareable naming resources.i; an area that is not a division inside the jurisdiction: 404 catalogue.area_not_found naming areas.i.',
      requestBody: json(schemaOf(applicationBody)),
      responses: { 201: { description: appShape }, 400: problem, 401: problem, 403: problem, 404: problem, 413: problem },
    },
  },
  '/api/v1/catalogue/applications/{id}': {
    get: {
      summary: 'One application (the applicant\'s own, or any of the city for the command centre; else 404)', parameters: [id],
      responses: { 200: { description: appShape }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/catalogue/applications/{id}/approve': {
    post: {
      summary: '授权: approve a submitted application and issue its API key, shown once in this answer (no-store)',
      description: 'The key acts as the applicant limited to the granted operations (403 auth.key_not_granted elsewhere), the granted layers (others do not exist for it ' +
        'on tiles, WMS, WFS, OGC API Features) and the granted areas (records outside answer 404); its scopes are those the operations need; it expires after validDays. ' +
        'Every request it makes is written to the access audit with its key id. Answers {application, key: {id, key, scopes, expiresAt, operations, excluded (documented operations the granted templates would match by shape but that were not granted: refused), layers, areas}}; 409 when not submitted.',
      parameters: [id], requestBody: { content: { 'application/json': { schema: schemaOf(reviewBody) } } },
      responses: { 200: { description: '{application, key}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/catalogue/applications/{id}/reject': {
    post: {
      summary: '驳回: reject a submitted application with a comment (409 when not submitted)', parameters: [id], requestBody: json(schemaOf(reasonBody)),
      responses: { 200: { description: appShape }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/catalogue/applications/{id}/revoke': {
    post: {
      summary: '撤销: revoke an approved application: every key issued for it (rotations included) stops at once (409 when not approved)',
      parameters: [id], requestBody: json(schemaOf(reasonBody)),
      responses: { 200: { description: appShape }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/catalogue/applications/{id}/usage': {
    get: {
      summary: 'The use of an application\'s keys, newest first: the access-audit rows of every request they made (refusals included)',
      parameters: [id, ...queryParameters(usageQuery)],
      responses: { 200: { description: '{application, items: [{at, keyId, method, path, action, status, clientAddress, resourceType, resourceId, personal}]}' },
        400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
