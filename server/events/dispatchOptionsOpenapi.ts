// OpenAPI path of GET /api/v1/events/{number}/dispatch-options (spread into
// server/openapi/document.ts `paths`); the query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { DISPATCH_ROLES, dispatchOptionsQuery, MAX_CANDIDATES, ONLINE_WITHIN_S } from './dispatchOptions.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const dispatchOptionsPaths = {
  '/api/v1/events/{number}/dispatch-options': {
    get: {
      summary: '调度: the unit the dispatch rules recommend (with every rule\'s verdict) and the nearest on-duty members by live position',
      description: `Roles: ${DISPATCH_ROLES.join(', ')} (those who may dispatch). Candidates are active members of a unit of the event's city whose ` +
        `community lies in the caller's jurisdiction, carrying a device whose last fix is within radius metres and at most ${ONLINE_WITHIN_S} s old ` +
        `(status online, or idle when it has not moved 30 m for 10 minutes); one row per member (their nearest device), nearest first, at most ${MAX_CANDIDATES}. ` +
        'distanceM is geodesic (PostGIS geography); workload counts the open events assigned to the member. ' +
        'Dispatch to one with POST /transitions {action: "dispatch", departmentCode: unit.code, memberId: member.id}. 404 outside the jurisdiction.',
      parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }, ...queryParameters(dispatchOptionsQuery)],
      responses: {
        200: { description: '{ number, status, version, location, at, radiusM, limit, onlineWithinS, recommended: {unit {code, name}, member {id, name} | null, level, basis, ruleId, rule, why} | null, rules: [{ruleId, name, priority, result, reason}], candidates: [{member {id, name, communityCode}, unit {code, name, kind}, device {identifier, name, kind}, status, distanceM, location, fixedAt, fixAgeS, workload, recommended, assigned}] }' },
        400: problem, 401: problem, 403: problem, 404: problem,
      },
    },
  },
}
