// OpenAPI paths of /api/v1/places, /api/v1/units and /api/v1/organisations (spread into
// server/openapi/document.ts). Bodies and queries come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import type { z } from 'zod'
import { inspectionBody, overdueQuery, rectifiedBody } from './inspections.ts'
import { listQuery, unmaskBody } from './schemas.ts'
import { DEFAULT_SURROUNDINGS_M, placeKind, placePatchSchema, placeRowSchema } from './spec.ts'
import { surroundingsQuery } from './surroundings.ts'
import { STALE_DAYS } from './register.ts'
import { unitKind, unitPatchSchema, unitRowSchema } from '../units/spec.ts'
import { organisationKind, organisationPatchSchema, organisationRowSchema } from '../organisations/spec.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } })
const json = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const who = 'Read: command centre, district, street and community staff, grid inspectors, departments, GIS analysts; write: the staff and grid inspectors. ' +
  'Rows outside the caller\'s jurisdiction answer 404; a write placing a row outside it 403 naming communityCode. Personal fields (names, phones) ' +
  'are masked by the one rule (server/privacy/rule.ts) unless the caller holds the row (the command centre; the grid member serving its grid).'

function registerPaths(base: string, title: string, row: z.ZodType, patch: z.ZodType, list: z.ZodObject, key: string) {
  return {
    [base]: {
      get: {
        summary: `${title}: rows inside the caller's jurisdiction by id, filtered by community (any admin level), base grid, kind or a name search`,
        description: `{items, next}: next is the cursor of the following page. Items: the register's fields, id, version, lon/lat, gridCode, communityCode, ` +
          `verifiedAt, stale (not verified within ${STALE_DAYS} days), access (full | unmaskable | masked). ${who}`,
        parameters: queryParameters(list),
        responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
      },
      post: {
        summary: `${title}: register one (communityCode, or a point lon/lat inside a community; the base grid is found from the point)`,
        description: `Natural key: ${key} (a duplicate is a 409 naming it). ${who}`,
        requestBody: json(row),
        responses: { 201: { description: 'the row as GET one' }, 400: problem, 401: problem, 403: problem, 409: problem },
      },
    },
    [`${base}/{id}`]: {
      get: { summary: `${title}: one row`, parameters: [id()], responses: { 200: { description: 'the row' }, 400: problem, 401: problem, 403: problem, 404: problem } },
      patch: {
        summary: `${title}: change fields; version must be the one read (409 registers.version_conflict otherwise); verified: true stamps 核实 now`,
        parameters: [id()], requestBody: json(patch),
        responses: { 200: { description: 'the row' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    [`${base}/{id}/unmask`]: {
      post: {
        summary: `${title}: the personal fields in full, with a reason, written to the access audit before the answer (staff with the right over the row; 403 for others)`,
        parameters: [id()], requestBody: json(unmaskBody),
        responses: { 200: { description: '{id, fields, values, audit}' }, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
  }
}

function inspectionPaths(base: string, title: string) {
  return {
    [`${base}/{id}/inspections`]: {
      get: { summary: `${title}: inspection records, newest first (at most 200)`, parameters: [id()], responses: { 200: { description: '{items}' }, 400: problem, 401: problem, 403: problem, 404: problem } },
      post: {
        summary: `${title}: record an inspection (when, who (default: the caller), result passed | rectify | failed, findings, rectificationDue required unless passed); stamps 核实 on the row`,
        parameters: [id()], requestBody: json(inspectionBody),
        responses: { 201: { description: 'the inspection' }, 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
    [`${base}/{id}/inspections/{iid}/rectified`]: {
      post: {
        summary: `${title}: the rectification asked for is done (rectifiedAt, default now; 409 when none was asked or it is done already)`,
        parameters: [id(), id('iid')], requestBody: json(rectifiedBody),
        responses: { 200: { description: 'the inspection' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
  }
}

export const placesPaths = {
  '/api/v1/places/rectifications/overdue': {
    get: {
      summary: '整改超期: rectifications of places and units not done and due before today (Asia/Shanghai), oldest due first, with daysOverdue',
      parameters: queryParameters(overdueQuery),
      responses: { 200: { description: '{today, items, next}' }, 400: problem, 401: problem, 403: problem },
    },
  },
  ...registerPaths('/api/v1/places', '重点场所', placeRowSchema, placePatchSchema, listQuery(placeKind), 'name within the community'),
  '/api/v1/places/{id}/surroundings': {
    get: {
      summary: `周边: units and places within the place's radius (a school's or kindergarten's own, else ${DEFAULT_SURROUNDINGS_M} m; radius overrides), nearest first`,
      description: 'Geodesic metres on the spheroid (PostGIS ST_DWithin / ST_Distance on geography), inside the caller\'s jurisdiction. 409 when the place has no point.',
      parameters: [id(), ...queryParameters(surroundingsQuery)],
      responses: { 200: { description: '{place, radiusM, counts, truncated, items}' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
  ...inspectionPaths('/api/v1/places', '重点场所'),
  ...registerPaths('/api/v1/units', '单位', unitRowSchema, unitPatchSchema, listQuery(unitKind), 'creditCode (统一社会信用代码, GB 32100-2015, check character verified)'),
  ...inspectionPaths('/api/v1/units', '单位'),
  ...registerPaths('/api/v1/organisations', '社会组织', organisationRowSchema, organisationPatchSchema, listQuery(organisationKind), 'name within the community'),
}
