// OpenAPI paths of /api/v1/special-groups (spread into server/openapi/document.ts). Query and body
// schemas come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { PEOPLE_ROLES } from '../registers/access.ts'
import { DEFAULT_INTERVAL_DAYS } from './plan.ts'
import { areaQuery, createBody, listQuery, overdueQuery, patchBody, planBody, unmaskBody, visitBody, visitsQuery } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } })
const who = `Roles: ${PEOPLE_ROLES.join(', ')} (others 403), inside their jurisdiction (a record outside answers 404). ` +
  'Every record delivered is written to the access audit (resource type special-groups, field kind: being in a group is the sensitive fact), ' +
  'names and phones as the masking rule decides (residentName, guardianName, guardianPhone; the ID number always masked: use unmask).'
const plans = Object.entries(DEFAULT_INTERVAL_DAYS).map(([k, v]) => `${k} ${v.high}/${v.medium}/${v.low}`).join(', ')
const item = 'A record: id, version, residentId, residentName, residentIdNumber (masked), gender, kind, kindTitle, riskLevel, riskTitle, ' +
  'responsibleMemberId, responsibleMemberName, guardianName, guardianPhone, since, until, active, note, communityCode, gridCode, lon, lat, ' +
  'lastVisitAt, verifiedAt, stale, plan {intervalDays, source default|manual, reason, setAt}, dueOn (Beijing day: the last visit\'s day, or since, ' +
  `plus the interval), overdue, overdueDays, access (full|unmaskable|masked). Default intervals (days, high/medium/low risk): ${plans}.`
const refusals = { 400: problem, 401: problem, 403: problem, 404: problem }
const ok = (description: string) => ({ 200: { description }, ...refusals })

export const specialGroupPaths = {
  '/api/v1/special-groups': {
    get: {
      summary: '特殊人群: records inside the caller\'s jurisdiction (active by default), by id, keyset pages',
      description: `${item} ${who}`, parameters: queryParameters(listQuery), responses: ok('{items, next}'),
    },
    post: {
      summary: 'Register a resident in a special group: placed where the resident lives, with the default visit plan of its kind and risk',
      description: `${who} 400 names the field (an ID number failing its check digit, a phone that is not one, a resident that does not exist); ` +
        '403 special_groups.outside: the resident lives outside the caller\'s jurisdiction; 409 special_groups.already_registered (one record per resident and kind).',
      requestBody: json(schemaOf(createBody)), responses: { 201: { description: 'the record' }, ...refusals, 409: problem },
    },
  },
  '/api/v1/special-groups/summary': {
    get: { summary: 'Counts of active records by kind (total, by risk level, overdue): counts only, no record', parameters: queryParameters(areaQuery), responses: ok('{today, total, overdue, byKind}') },
  },
  '/api/v1/special-groups/overdue': {
    get: {
      summary: '逾期未走访: active records whose visit is overdue, most overdue first, with their count', description: `${item} ${who}`,
      parameters: queryParameters(overdueQuery), responses: ok('{today, total, items, next}'),
    },
  },
  '/api/v1/special-groups/{id}': {
    get: { summary: 'One record', description: `${item} ${who}`, parameters: [id], responses: ok('the record') },
    patch: {
      summary: 'Edit a record at the version read (409 registers.version_conflict when stale); a default plan follows a new risk level, a manual one stays',
      parameters: [id], requestBody: json(schemaOf(patchBody)), responses: { ...ok('the record'), 409: problem },
    },
  },
  '/api/v1/special-groups/{id}/plan': {
    put: { summary: 'Set the visit plan by hand (intervalDays), or back to the default (null), with a reason', parameters: [id], requestBody: json(schemaOf(planBody)), responses: ok('the record') },
  },
  '/api/v1/special-groups/{id}/visits': {
    get: { summary: 'The record\'s follow-up visits, newest first (keyset pages); audited as a read of the record', parameters: [id, ...queryParameters(visitsQuery)], responses: ok('{items, next}') },
    post: {
      summary: 'Record a follow-up visit (走访): the due day moves on; a home visit or an interview counts as the record\'s verification (核实)',
      parameters: [id], requestBody: json(schemaOf(visitBody)), responses: { 201: { description: '{id, visitedAt, group}' }, ...refusals },
    },
  },
  '/api/v1/special-groups/{id}/unmask': {
    post: {
      summary: 'The resident\'s name, ID number and phone and the guardian\'s in full, with a reason, recorded in the access audit before the answer',
      description: 'For roles with the right over the record (full or unmaskable); 403 special_groups.unmask_forbidden otherwise.',
      parameters: [id], requestBody: json(schemaOf(unmaskBody)), responses: ok('{id, fields, residentName, residentIdNumber, residentPhone, guardianName, guardianPhone, audit {id, at}}'),
    },
  },
}
