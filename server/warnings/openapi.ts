// OpenAPI paths of /api/v1/warnings and /api/v1/warning-rules (spread into server/openapi/document.ts).
// Query and body schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { KINDS, KIND_NAMES, RUN_EVERY_MINUTES } from './rules.ts'
import { acknowledgeBody, ruleBody, warningListQuery } from './schemas.ts'
import { paramsJsonSchema } from './ruleStore.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const kind = { name: 'kind', in: 'path', required: true, schema: { enum: [...KINDS] } }
const kinds = KINDS.map((k) => `${k} (${KIND_NAMES[k]}, runs at most every ${RUN_EVERY_MINUTES[k]} min)`).join('; ')

export const warningPaths = {
  '/api/v1/warnings': {
    get: {
      summary: '预警: warnings raised by the warning pass inside the caller\'s jurisdiction, newest first (raised_at, id), keyset pages',
      description: `Kinds: ${kinds}. Each warning: id, kind, kindName, level (1 红, 2 橙, 3 黄), levelName, title (Chinese), areaCode (12 digits: a community, or a ` +
        'street / district padded with zeros when it spans communities; jurisdiction is a prefix match, so community staff do not see street-level warnings), ' +
        'areaName, lon/lat (EPSG:4490, the bubble), eventIds, detail (per kind: observed and expected counts and the p-value or EWMA statistic; cluster size; ' +
        'event numbers and at most a masked phone 138****5678; deadline; H3 cell and Gi*), ruleVersion (0: defaults), raisedAt, acknowledgedAt/By/ByName, ' +
        'acknowledgeComment. f=geojson answers a FeatureCollection of points. New warnings and acknowledgements also reach /api/v1/stream as event "warning" ' +
        '{community (the area code), id, kind, level, title, lon, lat, raisedAt | change: acknowledged}. Readers: the analytics readers.',
      parameters: queryParameters(warningListQuery),
      responses: { 200: { description: '{items, next} or a GeoJSON FeatureCollection with next' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/warnings/{id}': {
    get: {
      summary: 'One warning (404 outside the caller\'s jurisdiction)',
      parameters: [id],
      responses: { 200: { description: 'the warning' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/warnings/{id}/acknowledge': {
    post: {
      summary: 'Acknowledge (签收) a warning with an optional comment: command centre, district, street and community staff inside their jurisdiction',
      parameters: [id],
      requestBody: { required: false, content: { 'application/json': { schema: schemaOf(acknowledgeBody) } } },
      responses: {
        200: { description: 'the acknowledged warning' }, 400: problem, 401: problem, 403: problem, 404: problem,
        409: { description: 'already acknowledged (problem JSON with acknowledgedAt, acknowledgedBy)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  },
  '/api/v1/warning-rules': {
    get: {
      summary: 'The effective warning rules of the caller\'s city: one per kind, the built-in defaults (version 0) until the city tunes a rule',
      description: 'Each: kind, kindName, enabled, params, version, isDefault, defaults, runEveryMinutes, updatedBy, updatedAt, paramsSchema (JSON Schema of the params).',
      responses: { 200: { description: '{cityCode, items}' }, 401: problem, 403: problem },
    },
  },
  '/api/v1/warning-rules/{kind}': {
    put: {
      summary: 'Change a warning rule of the caller\'s city (command centre): enabled, params (checked per kind; missing ones take defaults), the version read, a reason',
      description: 'Params per kind: ' + KINDS.map((k) => `${k}: ${JSON.stringify(paramsJsonSchema(k).properties)}`).join('; ') +
        '. A version other than the current one is a 409 (stale_version, currentVersion). Each change is kept (GET …/versions); new warnings carry the rule version that raised them.',
      parameters: [kind],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(ruleBody) } } },
      responses: {
        200: { description: 'the rule as now effective' }, 400: problem, 401: problem, 403: problem, 413: problem,
        409: { description: 'stale version', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  },
  '/api/v1/warning-rules/{kind}/versions': {
    get: {
      summary: 'Every version of a warning rule of the caller\'s city, newest first, ending with version 0 (the defaults): params, enabled, who, when, why',
      parameters: [kind],
      responses: { 200: { description: '{cityCode, kind, versions}' }, 400: problem, 401: problem, 403: problem },
    },
  },
}
