// OpenAPI paths of the patrol and attendance API (spread into server/openapi/document.ts `paths`).
const problem = { $ref: '#/components/responses/Problem' }
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: what })
const date = { name: 'date', in: 'query', schema: { type: 'string', format: 'date' }, description: 'local (Asia/Shanghai) date; default today' }
const memberId = { name: 'memberId', in: 'query', schema: { type: 'integer', minimum: 1 } }
const paging = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
]
const point = { type: 'object', required: ['x', 'y'], additionalProperties: false, properties: { x: { type: 'number' }, y: { type: 'number' }, crs: { type: 'string', default: 'EPSG:4490', description: 'any supported CRS (EPSG:4326/4490, CRS:84, EPSG:3857, EPSG:4513-4554, GCJ-02, BD-09); axis order of the identifier' } } }
const schedule = {
  period: { enum: ['daily', 'weekly', 'custom'], description: 'daily: working days of the city calendar; weekly: weekdays; custom: every everyDays days from `from`' },
  weekdays: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays (1 = Monday), weekly only' },
  everyDays: { type: 'integer', minimum: 1, maximum: 366 },
  from: { type: 'string', format: 'date', description: 'custom: first day (default activeFrom)' },
  requiredVisits: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'visits required of each target per task (day)' },
  minMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 720, description: 'minutes inside to count as a visit; default 2 (checkpoints), 10 (grids)' },
  memberIds: { type: 'array', items: { type: 'integer' }, description: 'empty: the members assigned to the target grids' },
  activeFrom: { type: 'string', format: 'date' },
  activeTo: { type: ['string', 'null'], format: 'date' },
}
const template = {
  type: 'object', required: ['name', 'adminCode', 'period', 'target'], additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 100 }, adminCode: { $ref: '#/components/schemas/AdminCode' },
    target: { oneOf: [
      { type: 'object', required: ['kind', 'gridCodes'], properties: { kind: { const: 'grid' }, gridCodes: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 200 } } },
      { type: 'object', required: ['kind', 'checkpoints'], properties: { kind: { const: 'checkpoint' }, checkpoints: { type: 'array', minItems: 1, maxItems: 200, items: { ...point, required: ['x', 'y', 'name'], properties: { ...point.properties, name: { type: 'string' }, radius: { type: 'number', minimum: 1, maximum: 2000, default: 30 } } } } } },
    ] },
    ...schedule,
  },
}
const json = (schema: object) => ({ required: true, content: { 'application/json': { schema } } })

export const patrolPaths = {
  '/api/v1/patrol-tasks/templates': {
    get: {
      summary: 'Patrol task templates (巡查任务模板) of areas in the jurisdiction',
      parameters: [{ name: 'adminCode', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' } }, { name: 'active', in: 'query', schema: { enum: ['true', 'false', 'all'], default: 'true' } }, ...paging],
      responses: { 200: { description: '{ items }' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Create a template over grids or checkpoints (staff of the admin area)', requestBody: json(template),
      responses: { 201: { description: 'the template' }, 400: problem, 401: problem, 403: problem, 422: problem },
    },
  },
  '/api/v1/patrol-tasks/templates/{id}': {
    get: { summary: 'One template with its checkpoints', parameters: [id('template id')], responses: { 200: { description: 'template' }, 400: problem, 401: problem, 403: problem, 404: problem } },
    patch: {
      summary: 'Change a template (not its target: a new target is a new template); `active: false` pauses it', parameters: [id('template id')],
      requestBody: json({ type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, ...schedule, active: { type: 'boolean' } } }),
      responses: { 200: { description: 'template' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    delete: { summary: 'Deactivate a template (its tasks stay)', parameters: [id('template id')], responses: { 204: { description: 'deactivated' }, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/patrol-tasks': {
    get: {
      summary: 'Tasks of a day inside the jurisdiction (an inspector: their own)',
      parameters: [date, memberId, { name: 'templateId', in: 'query', schema: { type: 'integer' } }, { name: 'status', in: 'query', schema: { enum: ['open', 'done', 'missed'] } }, ...paging],
      responses: { 200: { description: '{ items: [{ id, templateId, memberId, date, status, required, visitsCounted, progress }] }' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/patrol-tasks/{id}': {
    get: { summary: 'One task with its targets and visits (stays inside a target of at least minMinutes)', parameters: [id('task id')], responses: { 200: { description: 'task' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/patrol-tasks/summary': {
    get: {
      summary: 'One member-day: kilometres, time on duty (fix intervals ≤ 5 min within work hours), checkpoints visited, events found via inspector_app (主动发现), tasks done/total',
      parameters: [date, { ...memberId, description: 'required for staff; an inspector: themself' }],
      responses: { 200: { description: 'summary' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/patrol-tasks/coverage': {
    get: {
      summary: 'One grid-day: share of its road length within 30 m of the day\'s tracks, share of its H3 resolution-11 cells visited',
      parameters: [{ name: 'grid', in: 'query', required: true, schema: { type: 'string' } }, date, { ...memberId, description: 'only this member\'s track (default: members assigned to the grid and of its community)' }],
      responses: { 200: { description: '{ roads: { lengthM, coveredM, share }, h3: { resolution, cells, visited, share } }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/attendance': {
    post: {
      summary: 'Sign in or out (grid inspectors): judged against the assigned base grids (accuracy as tolerance) and the working calendar',
      requestBody: json({ type: 'object', required: ['action', 'location'], additionalProperties: false, properties: { action: { enum: ['sign_in', 'sign_out'] }, location: point, accuracy: { type: 'number', minimum: 0, maximum: 5000 } } }),
      responses: { 201: { description: 'record: placeStatus in_grid / outside_grid / no_grid, distanceM, workday, lateMinutes, earlyMinutes' }, 400: problem, 401: problem, 403: problem },
    },
    get: { summary: 'Attendance records of a day inside the jurisdiction (an inspector: their own)', parameters: [date, memberId, ...paging], responses: { 200: { description: '{ items }' }, 400: problem, 401: problem, 403: problem } },
  },
} as const
