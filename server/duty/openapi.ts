// OpenAPI paths of /api/v1/duty (spread into server/openapi/document.ts).
import { schemaOf } from '../openapi/zod.ts'
import { shiftSchema } from './routes.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const dutyPaths = {
  '/api/v1/duty': {
    get: {
      summary: '值班长: the city\'s current and coming duty-chief shifts',
      description: 'The duty chief on shift (onDuty) may fire coordinate_dispatch (值班长协调派遣) on events of its jurisdiction: ' +
        'send the event to a unit (departmentCode, optionally memberId and assistingCodes) from accepted, dispatched, signed or handling, ' +
        'with a comment saying what was decided. Roles: staff and inspectors.',
      responses: { 200: { description: '{items: [{id, username, displayName, role, startsAt, endsAt, onDuty}]}' }, 401: problem, 403: problem },
    },
    post: {
      summary: 'Add a duty-chief shift (command centre)',
      description: 'username: an active command centre, district or street user of the city (422 naming username otherwise); ' +
        'endsAt after startsAt, at most 7 days (400 naming endsAt); one chief at a time per city (409 naming startsAt on overlap).',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(shiftSchema) } } },
      responses: { 201: { description: 'the shift' }, 400: problem, 401: problem, 403: problem, 409: problem, 422: problem },
    },
  },
}
