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
