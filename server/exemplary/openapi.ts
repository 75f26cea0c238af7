// OpenAPI paths of /api/v1/exemplary-cases and /api/v1/events/{number}/similar-cases (spread into
// server/openapi/document.ts). Query and body schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { listQuery, PINNERS, pinBody, READERS, similarQuery, unpinQuery } from './schemas.ts'
import { CANDIDATE_CAP, DISTANCE_HALF_M, MIN_TEXT_OTHER_CLASS, WEIGHTS } from './similar.ts'

const problem = { $ref: '#/components/responses/Problem' }
const conflict = { description: 'state conflict (problem JSON with code and params)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const number = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }
const readers = `Readers: ${READERS.join(', ')}.`
const caseShape = 'A case: id, title, summary, reason, tags, event {number, class {code, name}, description, address, location (EPSG:4490), ' +
  'communityCode, communityName, status, statusTitle, satisfaction}, pinnedBy {id, name}, pinnedAt, onShow, withdrawn {at, by, reason} | null, ' +
  'stillWellHandled (false once the event was evaluated dissatisfied after pinning), timing {reportedAt, dispatchedAt, handledAt, closedAt, ' +
  'handleDueAt, takenMinutes (dispatch → close), limitMinutes (dispatch → handling deadline as it stood, extensions included), totalMinutes ' +
  '(report → close), onTime (closed by the deadline, as the 按期结案率 indicator counts it)}.'
const handlingShape = 'handling {steps: the event\'s history [{seq, action, from, to, actor {role, name}, at, comment, attachments (count), ' +
  'note {code, params} | null}], extended (an extension was approved), evaluation {satisfaction, at, actor, comment} | null}'

export const exemplaryPaths = {
  '/api/v1/exemplary-cases': {
    get: {
      summary: '重点公示: exemplary cases inside the caller\'s jurisdiction (by the event\'s community), newest pinning first, keyset pages',
      description: `${caseShape} ${readers}`,
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{items, numberReturned, next, nextHref}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Pin an event as an exemplary case: a closed or evaluated event the caller sees, not evaluated dissatisfied; one case per event on show',
      description: `Who: ${PINNERS.join(', ')} (inside their jurisdiction). 404: the event is not in the caller's jurisdiction; 409 exemplary.not_closed ` +
        '(the event is still open) or exemplary.already_pinned (caseId); 422 exemplary.dissatisfied. Answers the case with its handling, Location its URL.',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(pinBody) } } },
      responses: { 201: { description: 'the case' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: conflict, 413: problem, 422: problem },
    },
  },
  '/api/v1/exemplary-cases/{id}': {
    get: {
      summary: 'One exemplary case (on show or withdrawn) with how it was handled (404 outside the caller\'s jurisdiction)',
      description: `${caseShape} Plus ${handlingShape}. ${readers}`,
      parameters: [id],
      responses: { 200: { description: 'the case' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    delete: {
      summary: 'Withdraw (撤下) a case on show: the row is kept with when, by whom and why; pinning the event again makes a new case',
      description: `Who: ${PINNERS.join(', ')}. The reason is a query parameter (DELETE carries no body). 409 exemplary.already_withdrawn.`,
      parameters: [id, ...queryParameters(unpinQuery)],
      responses: { 200: { description: 'the withdrawn case' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: conflict },
    },
  },
  '/api/v1/events/{number}/similar-cases': {
    get: {
      summary: 'Exemplary cases similar to an event, best first, each with how it was handled and its score explained',
      description: `Score = ${WEIGHTS.class}·class + ${WEIGHTS.distance}·distance + ${WEIGHTS.text}·text, each part 0..1: class 1 same small class, ` +
        `0.5 same big class, 0 otherwise; distance 0.5^(metres/${DISTANCE_HALF_M}) (geodesic); text the mean of the Dice overlap of jieba words ` +
        '(the event\'s description against the case\'s description, title and tags; shared words listed) and of character bigrams of the two descriptions. ' +
        `Offered: cases on show inside the caller's jurisdiction, still well handled, not the event itself, of the same big class or with text ≥ ${MIN_TEXT_OTHER_CLASS}; ` +
        `at most ${CANDIDATE_CAP} cases (same class first, nearest first) are scored. Each item: the case (as in the list) with ${handlingShape} and ` +
        'score {total, class {value, weight, match small|big|none, eventClass, caseClass}, distance {value, weight, metres, halfMetres}, ' +
        `text {value, weight, words {shared, event, case, dice}, characters {dice}}}. ${readers} 404: the event is not in the caller's jurisdiction.`,
      parameters: [number, ...queryParameters(similarQuery)],
      responses: { 200: { description: '{event, weights, distanceHalfMetres, minTextOtherClass, considered, items}' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
