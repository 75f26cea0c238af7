// OpenAPI paths of /api/v1/enforcement (spread into server/openapi/document.ts). Query and body
// schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import * as s from './schemas.ts'
import { DRAW_ALGORITHM } from './draw.ts'
import { MAX_OVERDUE } from './results.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const titles = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} (${v})`).join(', ')
const who = 'Read: command centre, district, street and community staff, grid inspectors, departments, GIS analysts; write: command centre, district and street staff, departments. Rows outside the caller\'s jurisdiction answer 404; a write placing one outside 403.'
const body = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const listed = (what: string) => ({ summary: `${what} inside the caller's jurisdiction, ascending ids`, description: `{items, next}: next is the cursor of the next page. ${who}`,
  parameters: queryParameters(s.listQuery), responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem } })
const one = (what: string, extra = '') => ({ summary: `One ${what}${extra}`, parameters: [id], responses: { 200: { description: what }, 400: problem, 401: problem, 403: problem, 404: problem } })
const create = (what: string, schema: Parameters<typeof schemaOf>[0], extra = '') => ({
  summary: `Create ${what}`, description: `${extra} ${who}`.trim(), requestBody: body(schema),
  responses: { 201: { description: what }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
})
const patch = (what: string, schema: Parameters<typeof schemaOf>[0]) => ({
  summary: `Edit ${what} (optimistic: the version read; 409 registers.version_conflict when stale)`, parameters: [id], requestBody: body(schema),
  responses: { 200: { description: what }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
})
const post = (summary: string, schema: Parameters<typeof schemaOf>[0], description = '') => ({
  summary, description, parameters: [id], requestBody: body(schema), responses: { 200: { description: 'the record after' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
})

export const enforcementPaths = {
  '/api/v1/enforcement/teams': { get: listed('Enforcement teams (执法队伍)'), post: create('a team', s.teamCreateSchema, `domain: ${titles(s.domainTitles)}; communityCode: the admin area it serves (any level).`) },
  '/api/v1/enforcement/teams/{id}': { get: one('team'), patch: patch('a team', s.teamPatchSchema) },
  '/api/v1/enforcement/officers': {
    get: { ...listed('Enforcement officers (执法人员)'), description: `name, certificateNo and phone are personal: full for the command centre and the team's department, masked otherwise (territory staff may unmask). q searches the team name only. ${who}` },
    post: create('an officer', s.officerCreateSchema, 'certificateNo (执法证号) unique, 8-32 digits or capitals.'),
  },
  '/api/v1/enforcement/officers/{id}': { get: one('officer', ' with its conflicts (回避)'), patch: patch('an officer', s.officerPatchSchema) },
  '/api/v1/enforcement/officers/{id}/conflicts': { post: post('Add a conflict (回避): the officer is never drawn for this unit or place', s.conflictSchema) },
  '/api/v1/enforcement/officers/{id}/unmask': { post: post('The officer\'s name, certificate number and phone in full, recorded in the access audit with the reason first', s.unmaskSchema) },
  '/api/v1/enforcement/tasks': { get: listed('Enforcement tasks (执法任务)'), post: create('a task', s.taskCreateSchema, `kind: ${titles(s.taskKindTitles)}.`) },
  '/api/v1/enforcement/tasks/{id}': { get: one('task'), patch: patch('a task', s.taskPatchSchema) },
  '/api/v1/enforcement/spot-checks': {
    get: listed('双随机 spot checks'),
    post: create('and draw a 双随机 spot check', s.spotCheckCreateSchema,
      `Candidates: the units or places inside communityCode's area, of the kinds and grids given, not checked (drawn, result, register inspection) within excludeCheckedWithinDays. ` +
      `Draw ${DRAW_ALGORITHM}: the stream of SHA-256("seed:block") as big-endian 32-bit words; uniform integers by rejection; a partial Fisher-Yates over the candidates sorted by id; ` +
      'then per drawn object, in order, the same shuffle over the active officers of teamIds (sorted by id) less those with a conflict. Everything the draw used is recorded. 409 when too few candidates or officers.'),
  },
  '/api/v1/enforcement/spot-checks/{id}': { get: one('spot check', ' with its checks in draw order, their officers and results') },
  '/api/v1/enforcement/spot-checks/{id}/verify': {
    get: { ...one('re-run of the recorded draw'), description: 'reproduced: the draw re-run from the recorded seed, candidates, pool and conflicts equals the recorded checks; candidatesNow: the criteria re-evaluated as of the draw time on today\'s registers.' },
  },
  '/api/v1/enforcement/spot-checks/{id}/publish': { post: { summary: '一公开: mark the spot check published', parameters: [id], responses: { 200: { description: 'the spot check' }, 401: problem, 403: problem, 404: problem } } },
  '/api/v1/enforcement/results': {
    get: { ...listed('Results (检查结果)'), parameters: queryParameters(s.resultListQuery), description: `outcome: ${titles(s.outcomeTitles)}; overdue=true: rectifications due before on (default today, China) and not done. ${who}` },
    post: create('a result', s.resultCreateSchema, 'Of a drawn check (checkId) or of a task on one object (taskId, objectType, objectId). rectify needs rectifyDue; penalty may have one.'),
  },
  '/api/v1/enforcement/results/{id}': { get: one('result', ' with its supervision notices') },
  '/api/v1/enforcement/results/{id}/rectified': { post: post('Rectification done (整改完成)', s.rectifiedSchema) },
  '/api/v1/enforcement/results/{id}/supervisions': { post: post('Issue a supervision notice (督办) on an open rectification', s.supervisionSchema) },
  '/api/v1/enforcement/results/{id}/supervisions/{noteId}/answer': {
    post: { ...post('Answer a supervision notice', s.supervisionAnswerSchema), parameters: [id, { ...id, name: 'noteId' }] },
  },
  '/api/v1/enforcement/overdue': {
    get: { summary: `Overdue rectifications on a date (default today, China): count and the first ${MAX_OVERDUE}, most overdue first`,
      parameters: [{ name: 'on', in: 'query', schema: { type: 'string', format: 'date' } }, { name: 'community', in: 'query', schema: { type: 'string' } }],
      responses: { 200: { description: '{on, count, items, truncated}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/api/v1/enforcement/performance': {
    get: { summary: '绩效 per team over [from, to]: checks its officers were drawn for, results by outcome, completion and on-time rectification rates, overdue now',
      parameters: [{ name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } }, { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
        { name: 'community', in: 'query', schema: { type: 'string' } }],
      responses: { 200: { description: '{from, to, on, teams}' }, 400: problem, 401: problem, 403: problem } },
  },
}
