// OpenAPI paths of /api/v1/assessment-rules and /api/v1/assessments (spread into
// server/openapi/document.ts `paths`). Bodies and query parameters come from the zod schemas
// that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { changeRuleSchema, createRuleSchema } from './rules.ts'
import { ruleAtQuery, snapshotBody, snapshotQuery } from './routes.ts'

const problem = { $ref: '#/components/responses/Problem' }
const code = { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } }
const json = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } })
const rule = 'a rule version {code, version, name, unit, periods, items [{indicator, weight, better}], effectiveFrom, createdBy, createdAt, reason}'
const snapshot = 'a snapshot {id, rule {code, version}, period {kind, label, from, to}, unit, computedAt, computedBy (null: the scheduler), ' +
  'supersedes, supersededBy, reason, rows [{rank, key, name, area, score, items [{indicator, weight, better, numerator, denominator, rate, score}]}]}'
const scoring = 'Item score 100·rate (better higher) or 100·(1 − rate) (better lower); a unit\'s score is the weighted mean of its items ' +
  'with a rate (an item whose denominator is 0 is left out and the other weights renormalised; no item left: score null, ranked last), ' +
  'rounded to 0.01. Ranks: score descending, equal scores share a rank (1, 2, 2, 4). Every division of the rule\'s level in the city ' +
  '(or every department but the command centre) is ranked, events or not; events with no assignee department are no unit.'
const rows = 'The command centre and GIS analysts see every row; department staff the row of their own department; others the rows ' +
  'of units inside their jurisdiction. Ranks stay the city\'s.'

export const assessmentPaths = {
  '/api/v1/assessment-rules': {
    get: {
      summary: '考核规则: the latest version of each assessment rule of the caller\'s city',
      responses: { 200: { description: `{items: [${rule}]}` }, 401: problem, 403: problem },
    },
    post: {
      summary: '新建考核规则 (version 1; command centre)',
      description: `${scoring} effectiveFrom defaults to 1970-01-01 (every period).`,
      requestBody: json(schemaOf(createRuleSchema)),
      responses: { 201: { description: rule }, 400: problem, 401: problem, 403: problem, 409: { description: 'a rule with this code exists' }, 413: problem },
    },
  },
  '/api/v1/assessment-rules/{code}': {
    get: {
      summary: 'One assessment rule: its latest version, or with `at` the version in force that day',
      description: 'The version in force on a day is the one with the greatest effectiveFrom on or before it (the highest version among equal days).',
      parameters: [code, ...queryParameters(ruleAtQuery)],
      responses: { 200: { description: rule }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
    put: {
      summary: '修改考核规则: a new version (command centre); versions are never changed, past periods keep the version they had',
      description: 'effectiveFrom may not be before the latest version\'s (400), nor on or before the start of a period already assessed ' +
        '(409: that period would change version). reason is required. unit is kept; name and periods default to the latest version\'s.',
      parameters: [code],
      requestBody: json(schemaOf(changeRuleSchema)),
      responses: { 201: { description: rule }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/assessment-rules/{code}/versions': {
    get: {
      summary: 'Every version of an assessment rule, oldest first',
      parameters: [code],
      responses: { 200: { description: `{code, items: [${rule}]}` }, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/assessments': {
    get: {
      summary: '考核结果: the current snapshots (superseded by none) with their ranking, newest period first',
      description: `${scoring} ${rows} \`period\` needs \`kind\`.`,
      parameters: queryParameters(snapshotQuery),
      responses: { 200: { description: `{items: [${snapshot}]}` }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: '考核计算: snapshot a closed period now (command centre); a recalculation supersedes the current snapshot and needs a reason',
      description: 'The period is scored under the rule version in force on its first day; its kind must be one that version assesses. ' +
        'A period not yet ended is refused (409), as is a period before the rule\'s first version (409). The scheduler snapshots ' +
        'each period once after it ends (computedBy null). ' + scoring,
      requestBody: json(schemaOf(snapshotBody)),
      responses: { 201: { description: snapshot }, 400: problem, 401: problem, 403: problem, 409: problem, 413: problem },
    },
  },
  '/api/v1/assessments/{id}': {
    get: {
      summary: 'One snapshot (current or superseded) with the chain of snapshots it superseded (newest first, without their rows)',
      description: rows,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
      responses: { 200: { description: `${snapshot} plus chain` }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
} as const
