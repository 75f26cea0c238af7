// OpenAPI paths of /api/v1/proactive-rules (spread into server/openapi/document.ts); bodies and
// queries from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { KIND_TITLES, RULE_KINDS, paramSchemas } from './rules.ts'
import { changeBody, createBody, deleteQuery, dismissBody, doneBody, ruleListQuery, taskListQuery } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const kinds = RULE_KINDS.map((k) => `${k} (${KIND_TITLES[k]}): params ${JSON.stringify((schemaOf(paramSchemas[k]) as { properties?: unknown }).properties)}`).join('; ')
const rule = 'A rule: id, cityCode, kind, kindTitle, name, params, enabled, version, deleted, createdAt, updatedAt, href.'
const task = 'A task: id, kind, kindTitle, title (Chinese), dueOn, period, rule {id, name, version}, resident {id, name, phone, houseAddress (shown by the ' +
  'masking rule: full for the command centre and the inspector serving the grid, masked for other staff), idNumber (always masked), gender, age}, access ' +
  '(full | unmaskable | masked), communityCode, gridCode, detail, status (open | done | dismissed), closedAt, closedBy, note, createdAt.'

export const proactivePaths = {
  '/api/v1/proactive-rules': {
    get: {
      summary: '主动服务 rules of the caller\'s city (all staff roles read them)',
      description: `Kinds: ${kinds}. ${rule} The analytics loop runs every enabled rule hourly (one instance a period) and makes one task per person, rule and period.`,
      parameters: queryParameters(ruleListQuery),
      responses: { 200: { description: '{cityCode, items}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Create a rule (command centre): kind, name, params (missing ones take their defaults; a bad one is a 400 naming params.<field>), enabled, reason',
      requestBody: json(schemaOf(createBody)),
      responses: { 201: { description: rule }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
  '/api/v1/proactive-rules/tasks': {
    get: {
      summary: 'Proactive tasks: a grid inspector sees those of the grids they serve, other register roles those of their jurisdiction; ids descending, keyset pages',
      description: task,
      parameters: queryParameters(taskListQuery),
      responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/proactive-rules/tasks/{id}/done': {
    post: {
      summary: 'Mark a task done with an optional note and visit {method, visitedAt}; a lone elderly resident\'s task records the visit (the next falls due from it)',
      parameters: [id],
      requestBody: { required: false, content: { 'application/json': { schema: schemaOf(doneBody) } } },
      responses: { 200: { description: task }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/proactive-rules/tasks/{id}/dismiss': {
    post: {
      summary: 'Dismiss a task with a reason (the same period makes no new task)',
      parameters: [id],
      requestBody: json(schemaOf(dismissBody)),
      responses: { 200: { description: task }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/proactive-rules/{id}': {
    get: {
      summary: 'One rule of the caller\'s city with every version (who, when, why); another city\'s is a 404',
      parameters: [id],
      responses: { 200: { description: `${rule} versions: [{version, name, params, enabled, deleted, reason, changedBy, changedAt}]` }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    put: {
      summary: 'Change a rule (command centre): name, params, enabled, the version read (409 when stale), reason; each change a new version',
      parameters: [id],
      requestBody: json(schemaOf(changeBody)),
      responses: { 200: { description: rule }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
    delete: {
      summary: 'Delete a rule (command centre): out of force, kept for its tasks and history; ?version=&reason=',
      parameters: [id, ...queryParameters(deleteQuery)],
      responses: { 200: { description: rule }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
}
