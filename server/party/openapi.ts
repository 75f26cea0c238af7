// OpenAPI paths of /api/v1/party (spread into server/openapi/document.ts).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { statsQuery, treeQuery, unmaskBody } from '../teams/schemas.ts'
import * as s from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const ok = (description: string) => ({ 200: { description }, 400: problem, 401: problem, 403: problem, 404: problem })
const created = { 201: { description: 'the row' }, ...ok(''), 409: problem }
const who = 'Reads: the staff, grid inspectors, departments and GIS analysts (names and phones masked by the one rule); writes: the staff and ' +
  'grid inspectors inside their jurisdiction.'

function register(path: string, title: string, list: Parameters<typeof queryParameters>[0], create: Parameters<typeof schemaOf>[0], edit: Parameters<typeof schemaOf>[0]) {
  return {
    [`/api/v1/party/${path}`]: {
      get: { summary: `${title}: newest first ({items, next})`, description: who, parameters: queryParameters(list), responses: ok('{items, next}') },
      post: { summary: `Register ${title}`, requestBody: json(create), responses: created },
    },
    [`/api/v1/party/${path}/{id}`]: {
      get: { summary: `One ${title}`, parameters: [id], responses: ok('the row') },
      patch: { summary: `Edit ${title} at \`version\` (409 registers.version_conflict when stale)`, parameters: [id], requestBody: json(edit), responses: { ...ok('the row'), 409: problem, 422: problem } },
    },
  }
}

function ledger(path: string, title: string, create: Parameters<typeof schemaOf>[0]) {
  return {
    [`/api/v1/party/${path}`]: {
      get: { summary: `${title}, newest first`, parameters: queryParameters(s.plainListQuery), responses: ok('{items, next}') },
      post: { summary: `Record ${title}`, requestBody: json(create), responses: created },
    },
  }
}

export const partyPaths = {
  ...register('orgs', '党组织 (party organisations: committee, general branch, branch, group)', s.orgListQuery, s.orgCreate, s.orgPatch),
  '/api/v1/party/orgs/tree': { get: { summary: 'The party organisation chart nested by parent', parameters: queryParameters(treeQuery), responses: ok('{items}') } },
  ...register('members', '党员 (members; residentId links a resident of the people register, whose name, phone and gender are taken when not given)',
    s.memberListQuery, s.memberCreate, s.memberPatch),
  '/api/v1/party/members/{id}/unmask': {
    post: { summary: '脱敏还原: a member\'s name and phone in full, with a reason, recorded in the access audit', parameters: [id], requestBody: json(unmaskBody),
      responses: ok('{id, fields, name, phone, audit}') },
  },
  ...register('positions', '党建阵地 (positions; the map layer party_positions)', s.positionListQuery, s.positionCreate, s.positionPatch),
  ...ledger('activities', '党组织活动 (meetings, study sessions 党员学习, theme days, volunteering) with hours and participants', s.activityCreate),
  ...ledger('projects', '党建项目 (projects)', s.projectCreate),
  '/api/v1/party/projects/{id}': { patch: { summary: 'Move a project on (status, due date) at `version`', parameters: [id], requestBody: json(s.projectPatch), responses: { ...ok('the project'), 409: problem } } },
  ...ledger('care', '党员关爱 (care given to a member, mostly those in difficulty)', s.careCreate),
  '/api/v1/party/stats': {
    get: { summary: 'Statistics per area one level below `area`: organisations, members (probationary, in difficulty), positions, projects by status; ' +
      'activities (count, study sessions, hours, person-hours) and care (count, amount) within [from, to)', parameters: queryParameters(statsQuery),
    responses: ok('{area, from, to, total, byArea}') },
  },
}
