// OpenAPI paths of /api/v1/queues (spread into server/openapi/document.ts).
import { queryParameters } from '../openapi/zod.ts'
import { DEFAULT_DUE_HOURS, queueQuery, queueTitles } from './store.ts'

const problem = { $ref: '#/components/responses/Problem' }
const queues = Object.entries(queueTitles).map(([k, v]) => `${k} (${v})`).join(', ')

export const queuePaths = {
  '/api/v1/queues': {
    get: {
      summary: '工作队列: the work queues of a member or unit — to sign, to handle, due soon, returned, to verify',
      description: `Queues: ${queues}. to_sign: dispatched to the holder, not signed; to_handle: signed or handling; due_soon: the deadline ` +
        `running now (sign while dispatched, handling after) within dueWithinHours (default ${DEFAULT_DUE_HOURS}), overdue ones included ` +
        '(overdue: true); returned: back with the holder after a failed check (rework) or a sub-unit\'s refusal, and for a desk the filed ' +
        'events a unit returned; to_verify (grid inspectors, community staff): reports of their area waiting for an on-site verification. ' +
        'The holder: scope=me — a grid inspector\'s own events, a department\'s unit, a staff role\'s territory offices; scope=unit — an ' +
        'inspector\'s whole unit. A desk (command centre, district, street, community staff) may name departmentCode or memberId of its ' +
        'jurisdiction (404 otherwise). Each queue is cut at limit rows, the running deadline first; counts are whole. The next page of a ' +
        'queue: queue=<name>&offset=<rows already read> (the other queues then answer empty lists, their counts still whole). Roles: staff and inspectors.',
      parameters: queryParameters(queueQuery),
      responses: { 200: { description: '{holder, dueWithinHours, limit, offset, titles, counts, queues: {to_sign: [...], ...}}' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
