// OpenAPI paths of /api/v1/quality (spread into server/openapi/document.ts).
import { schemaOf } from '../openapi/zod.ts'
import { reviewBody, weightsBody } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const number = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }
const formula = 'score = (wD·D + wC·C + wR·R) / (wD + wC + wR) over the parts present (a part not given leaves the others renormalised; none: null), ' +
  'D the department\'s professional review, C the centre\'s review, R the resident\'s part: the evaluation as a score (满意/基本满意/不满意 → the weights\' ' +
  'satisfied/basically/dissatisfied), blended with the latest follow-up review F as (1 − s)·E + s·F (s = followUpShare). The weights are those in force when ' +
  'the event closed (now while open). The assessment weighs it as indicator handlingQuality: per unit the mean score of the period\'s scored events.'

export const qualityPaths = {
  '/api/v1/quality/events/{number}': {
    get: {
      summary: '办理质量: an event\'s quality-of-handling score, its parts, the weights used and every review (404 outside the caller\'s jurisdiction)',
      description: formula,
      parameters: [number],
      responses: { 200: { description: '{number, status, satisfaction, score, parts, weights, reviews}' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/quality/events/{number}/reviews': {
    post: {
      summary: 'Give a review of an event\'s handling: department (role department), centre (command centre, district) once handled; follow_up (追评) after the resident\'s evaluation',
      description: 'Reviews are kept; the latest of each source counts. Answers the event\'s quality as GET does. ' + formula,
      parameters: [number],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(reviewBody) } } },
      responses: { 201: { description: 'the event\'s quality' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/quality/weights': {
    get: {
      summary: 'The quality weights of the caller\'s city: the version in force and every version (version 0: the defaults 0.3/0.3/0.4, share 0.5, 100/80/0)',
      responses: { 200: { description: '{cityCode, current, versions}' }, 401: problem, 403: problem },
    },
    put: {
      summary: 'A new version of the city\'s quality weights (command centre), effective from a time (default now), with a reason',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(weightsBody) } } },
      responses: { 200: { description: 'the new version' }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
}

const area = { name: 'area', in: 'query', schema: { type: 'string', pattern: '^[0-9]{12}$' }, description: 'district, street or community (default: the caller\'s city); outside the jurisdiction: 404' }
const parts = 'parts: houses, residents (fresh and complete), households (complete), places, special_groups, components (fresh), addresses (a doorplate in the grid), members (a primary member with a phone); each { rows?, fresh?, complete?, share 0-1 }'

export const gridQualityPaths = {
  '/api/v1/quality/grids': {
    get: {
      summary: '一格一档: the data quality of base grids, worst first (score = 100 × mean of the parts present × (1 − duplicated share))',
      parameters: [area,
        { name: 'below', in: 'query', schema: { type: 'number', minimum: 0, maximum: 100.1, default: 100.1 }, description: 'only grids scoring under this' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } }],
      responses: { 200: { description: `{ items: [{ gridCode, communityCode, score, parts, stale, duplicates, computedAt }], total }; ${parts}` }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/quality/grids/refresh': {
    post: {
      summary: 'Recompute the data quality of an area\'s base grids now and tell each grid\'s primary member about stale records (at most monthly)',
      requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { area: { type: 'string', pattern: '^[0-9]{12}$' } } } } } },
      responses: { 200: { description: '{ area, grids, told }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/quality/grids/{code}': {
    get: {
      summary: 'One base grid\'s data quality with its parts (404 outside the jurisdiction or before it is computed)',
      parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{15}$' } }],
      responses: { 200: { description: `{ gridCode, communityCode, score, parts, stale, duplicates, computedAt }; ${parts}` }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
