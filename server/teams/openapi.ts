// OpenAPI paths of /api/v1/teams (spread into server/openapi/document.ts); body and query schemas
// come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import * as s from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } })
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const ok = (description: string) => ({ 200: { description }, 400: problem, 401: problem, 403: problem, 404: problem })
const who = 'Reads: command centre, district, street and community staff, grid inspectors, departments and GIS analysts (leader and member ' +
  'names and phones masked by the one rule unless the caller holds the row); writes: the staff and grid inspectors, inside their jurisdiction ' +
  '(a row outside answers 404, a write placing a row outside 403).'
const kinds = Object.entries(s.teamKindTitles).map(([k, v]) => `${k} (${v})`).join(', ')
const states = Object.entries(s.serviceStatusTitles).map(([k, v]) => `${k} (${v})`).join(' → ')
const step = (summary: string, body: Parameters<typeof schemaOf>[0]) => ({
  post: { summary, parameters: [id(), id('sid')], requestBody: json(body), responses: { ...ok('the service'), 409: problem } },
})

export const teamPaths = {
  '/api/v1/teams': {
    get: { summary: '群防群治队伍: teams inside the jurisdiction, newest first ({items, next})', description: `Kinds: ${kinds}. ${who}`,
      parameters: queryParameters(s.teamListQuery), responses: ok('{items, next}') },
    post: { summary: 'Register a team (placed by communityCode and/or a point: the grid is the base grid containing the point)', description: who,
      requestBody: json(s.teamCreate), responses: { 201: { description: 'the team as GET /{id}' }, ...ok(''), 409: problem, 422: problem } },
  },
  '/api/v1/teams/tree': {
    get: { summary: '综治组织架构: the organisation chart nested by parent (a node whose parent is outside the jurisdiction is a root)',
      parameters: queryParameters(s.treeQuery), responses: ok('{items: [{id, parentId, name, kind, communityCode, areaName, members, grids, children}]}') },
  },
  '/api/v1/teams/stats': {
    get: { summary: 'Statistics per team and per area one level below `area` (default: the caller\'s area): services dispatched / open / done / ' +
      'cancelled / rated, average rating (sum of ratings over their count), ledger activities, hours and person-hours (hours × participants), for [from, to)',
    parameters: queryParameters(s.statsQuery), responses: ok('{area, from, to, total, byArea, byTeam}') },
  },
  '/api/v1/teams/services': {
    get: { summary: 'Every team service inside the jurisdiction, newest dispatch first', parameters: queryParameters(s.serviceListQuery), responses: ok('{items, next}') },
  },
  '/api/v1/teams/{id}': {
    get: { summary: 'One team with its active members and the grids it serves', parameters: [id()], responses: ok('the team') },
    patch: { summary: 'Edit a team at `version` (409 registers.version_conflict when stale; 422 teams.chart_cycle when parentId would make it its own ancestor)',
      parameters: [id()], requestBody: json(s.teamPatch), responses: { ...ok('the team'), 409: problem, 422: problem } },
  },
  '/api/v1/teams/{id}/unmask': {
    post: { summary: '脱敏还原: the leader\'s and members\' names and phones in full, with a reason, recorded in the access audit',
      parameters: [id()], requestBody: json(s.unmaskBody), responses: ok('{id, fields, leaderName, leaderPhone, members, audit}') },
  },
  '/api/v1/teams/{id}/members': {
    post: { summary: 'Add a member', parameters: [id()], requestBody: json(s.memberCreate), responses: { 201: { description: '{memberId, team}' }, ...ok('') } },
  },
  '/api/v1/teams/{id}/members/{memberId}': {
    patch: { summary: 'Edit or retire (active: false) a member', parameters: [id(), id('memberId')], requestBody: json(s.memberPatch), responses: ok('the team') },
  },
  '/api/v1/teams/{id}/grids': {
    put: { summary: 'Replace the base grids the team serves (current grids inside the team\'s area; all or none)', parameters: [id()],
      requestBody: json(s.gridsBody), responses: ok('the team') },
  },
  '/api/v1/teams/{id}/services': {
    get: { summary: 'The team\'s services', parameters: [id(), ...queryParameters(s.serviceListQuery)], responses: ok('{items, next}') },
    post: { summary: '服务派发: dispatch a demand to the team — an event of the caller\'s jurisdiction (eventNumber) or a description and a place (lon, lat)',
      description: `The demand must lie in the team's area or a grid it serves. States: ${states}, or cancelled. An event-linked service notes each step ` +
        'in the event\'s history (action team_service); the event\'s workflow state is not changed. Dispatch, rate, cancel: the dispatching roles.',
      parameters: [id()], requestBody: json(s.serviceCreate), responses: { 201: { description: 'the service' }, ...ok(''), 409: problem } },
  },
  '/api/v1/teams/{id}/services/{sid}': { get: { summary: 'One service', parameters: [id(), id('sid')], responses: ok('the service') } },
  '/api/v1/teams/{id}/services/{sid}/accept': step('The team accepted the service (assigned → accepted)', s.acceptBody),
  '/api/v1/teams/{id}/services/{sid}/done': step('The service is done (accepted → done) with its result, hours and participants; writes its ledger line', s.doneBody),
  '/api/v1/teams/{id}/services/{sid}/rate': step('服务质量评价: rate a done service 1-5 with a comment (done → rated)', s.rateBody),
  '/api/v1/teams/{id}/services/{sid}/cancel': step('Cancel an open service with a reason', s.cancelBody),
  '/api/v1/teams/{id}/activities': {
    get: { summary: '活动台账: the team\'s ledger with the totals of the filtered ledger (count, hours, person-hours)', parameters: [id(), ...queryParameters(s.activityListQuery)],
      responses: ok('{items, next, totals}') },
    post: { summary: 'Record a patrol, training, help given or publicity (service lines come from finished services)', parameters: [id()],
      requestBody: json(s.activityCreate), responses: { 201: { description: '{id, teamId}' }, ...ok('') } },
  },
}
