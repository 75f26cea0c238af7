// OpenAPI paths of /api/v1/disputes (spread into server/openapi/document.ts). Bodies and queries
// come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { assignSchema, concludeSchema, disputeCreateSchema, listQuery, performanceSchema, revisitSchema, riskSchema, sessionSchema, statsQuery, unmaskSchema } from './schemas.ts'
import { DISPUTE_TYPES, STATUSES } from './types.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'dispute id' }
const dispute = {
  description: 'the dispute: id, number (D + Beijing day + sequence), title, description, type/typeName, source, riskLevel, riskReasons, amount (yuan), status/statusName, ' +
    'lon, lat, communityCode, gridCode, parties [{seq, role, name, phone, idNumber}] (personal: full for the command centre, the assigned mediator and the grid inspector ' +
    'serving its grid; masked otherwise), mediator {id, name, bodyName}, assignedAt, assignReason (rule, level, open, capacity, load, candidates, text), outcome, concludedAt, ' +
    'agreement {terms, amount, performanceDue, performance, overdue}, transfer {to, body}, failureReason, revisit, version; the detail adds sessions and log',
  content: { 'application/json': { schema: { type: 'object' } } },
}
const steps = 'States: ' + Object.entries(STATUSES).map(([k, v]) => `${k} ${v}`).join(', ') + '. An illegal step is a 409 coded disputes.not_assigned, disputes.concluded, ' +
  'disputes.not_concluded, disputes.no_agreement, disputes.no_session, disputes.revisited, disputes.performed, disputes.risk_unchanged, disputes.same_mediator. ' +
  'Steps are taken by command centre, district, street and community staff in their jurisdiction and by the assigned mediator\'s account; revisit, performance and ' +
  'risk also by grid inspectors; (re)assignment by staff only.'
const post = (summary: string, schema: Parameters<typeof schemaOf>[0], created = false) => ({
  post: {
    summary, description: steps, parameters: [id],
    requestBody: { required: true, content: { 'application/json': { schema: schemaOf(schema) } } },
    responses: { [created ? 201 : 200]: dispute, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
  },
})

export const disputePaths = {
  '/api/v1/disputes': {
    get: {
      summary: '矛盾纠纷 in the caller\'s jurisdiction (and those assigned to the mediator the caller signs in as), newest first',
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{ items: [dispute], next }' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a dispute: parties (at least one applicant and one respondent; ID numbers checked and stored sealed), type, place, risk, amount. ' +
        'Assigned at once by the rule (mediator areas covering the community, nearest level first; the type among its domains; least loaded; ties by id). ' +
        'A high or critical risk raises a warning dispute_risk to /api/v1/warnings and the stream.',
      description: `Types: ${Object.entries(DISPUTE_TYPES).map(([k, v]) => `${k} ${v}`).join(', ')}. A point in no community of the city: 422 disputes.outside_city; outside the jurisdiction: 403 naming location.`,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(disputeCreateSchema) } } },
      responses: { 201: dispute, 400: problem, 401: problem, 403: problem, 422: problem },
    },
  },
  '/api/v1/disputes/stats': {
    get: {
      summary: 'Statistics: total, concluded, agreed, failed, transferred, successRate (agreed ÷ concluded), amount, agreedAmount; byType, byStreet, byCommunity, byStatus, byMonth (of registration, Beijing)',
      parameters: queryParameters(statsQuery),
      responses: { 200: { description: 'the figures' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/disputes/{id}': {
    get: { summary: 'One dispute with its sessions and log (404 outside the jurisdiction)', parameters: [id], responses: { 200: dispute, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/disputes/{id}/assign': post('Assign or reassign: mediatorId with a reason (manual), or only a reason to run the rule again', assignSchema),
  '/api/v1/disputes/{id}/sessions': post('Record a mediation session (when, where, who attended, summary): assigned → mediating', sessionSchema, true),
  '/api/v1/disputes/{id}/conclude': post('The outcome: agreement (terms, amount, performanceDue), failed (reason) or transferred (to court | police | petition, the receiving body)', concludeSchema),
  '/api/v1/disputes/{id}/revisit': post('回访 once after the outcome: satisfaction, notes', revisitSchema),
  '/api/v1/disputes/{id}/performance': post('Follow-up of the agreement\'s performance: performed, partly, not (overdue shows when not performed after its due day)', performanceSchema),
  '/api/v1/disputes/{id}/risk': post('Change the risk level with reasons; raised to high or critical: a warning', riskSchema),
  '/api/v1/disputes/{id}/unmask': {
    post: {
      summary: 'The parties\' names, phones and ID numbers in full, with a reason, recorded in the access audit before the answer',
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(unmaskSchema) } } },
      responses: { 200: { description: '{ id, number, fields, parties, audit: { id, at } }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
