// OpenAPI paths of /api/v1/emergencies (spread into server/openapi/document.ts).
import { queryParameters } from '../openapi/zod.ts'
import { emergencyListQuery } from './store.ts'

const problem = { $ref: '#/components/responses/Problem' }
const who = 'Followers: staff whose jurisdiction holds the event, the units it involves (assignee, assisting, forwarded or transferred to) ' +
  'and the users it alerted by name (named leaders, the lead bodies\' staff); anybody else gets 404. Roles: staff, inspectors, analysts.'

export const emergencyPaths = {
  '/api/v1/emergencies': {
    get: {
      summary: '重大突发: the major emergencies the caller follows, newest first',
      description: 'An event becomes a major emergency at intake when its priority is 1 or its class is configured as one ' +
        '(config class-field-rules: emergency): it skips the desk\'s queue (filed and dispatched at once whatever the channel\'s setting), ' +
        'and its named leaders and lead bodies (emergency_contact) are alerted at once: inbox (kind emergency), the stream (SSE event ' +
        '"emergency" {community, number, classCode, status, source, reason, at, alerted}) and the outbox to the other platforms (its ' +
        'history row "emergency"). Supervisors may declare one later (transition declare_emergency). open=true (default) leaves out ' +
        'closed, evaluated, voided and rejected events; paging by before (the last item\'s declaredAt). ' + who,
      parameters: queryParameters(emergencyListQuery),
      responses: { 200: { description: '{items: [{number, source, sourceTitle, reason, declaredAt, alerted, status, class, priority, assignee, steps, lastAt}], next}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/emergencies/{number}': {
    get: {
      summary: 'One major emergency with its time line: every step of the event, oldest first',
      description: 'timeline: [{seq, action, title, from, to, actor {role, name}, at, comment}] — the event\'s history, the same rows ' +
        'GET /api/v1/events/{number}/history answers; clients read it again on the stream\'s "event" and "emergency" messages. ' + who,
      parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }],
      responses: { 200: { description: 'the emergency and its timeline' }, 401: problem, 403: problem, 404: problem },
    },
  },
}
