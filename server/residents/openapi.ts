// OpenAPI paths of /api/v1/houses and /api/v1/residents (spread into server/openapi/document.ts).
// Bodies and queries come from the zod schemas that validate them.
import type { z } from 'zod'
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { housePatchSchema, houseQuery, houseRowSchema, reasonSchema } from '../houses/schema.ts'
import { STALE_DAYS } from '../houses/store.ts'
import { linkSchema, moveSchema, residentPatchSchema, residentQuery, residentRowSchema } from './schema.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }
const json = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const who = 'Roles: command centre, district, street and community staff, grid inspectors (others 403). Rows outside the caller\'s ' +
  'jurisdiction answer 404; a write placing a row outside it 403 naming the field. Personal fields are masked by the one rule ' +
  '(server/privacy/rule.ts) unless the caller holds the row (the command centre; the grid member serving its grid).'
const errors = { 400: problem, 401: problem, 403: problem, 404: problem, 409: problem }

export const peoplePaths = {
  '/api/v1/houses': {
    get: {
      summary: '实有房屋: houses newest first, by community (any admin level), base grid, status or a fragment of the address',
      description: `{items, next}. Items: fullAddress, building, unit, room, use, area, ownerName, ownerPhone (personal), rented, status, demolishedAt, residentCount (current residence rows), lon/lat, gridCode, communityCode, verifiedAt, stale (not verified within ${STALE_DAYS} days), version. ${who}`,
      parameters: queryParameters(houseQuery), responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a house (a standard address addressId or a community; the base grid from its point); a full address registered already is a 409',
      description: who, requestBody: json(houseRowSchema), responses: { 201: { description: 'the house' }, ...errors },
    },
  },
  '/api/v1/houses/{id}': {
    get: { summary: 'One house', parameters: [id], responses: { 200: { description: 'the house' }, ...errors } },
    patch: {
      summary: 'Edit a house at the version read (409 registers.version_conflict otherwise); status demolished flags the residents living there (house_demolished); verified: true stamps 核实 now',
      parameters: [id], requestBody: json(housePatchSchema), responses: { 200: { description: 'the house' }, ...errors },
    },
  },
  '/api/v1/houses/{id}/unmask': {
    post: { summary: 'The owner\'s name and phone in full, with a reason, written to the access audit first', parameters: [id], requestBody: json(reasonSchema), responses: { 200: { description: '{id, fields, ownerName, ownerPhone, audit}' }, ...errors } },
  },
  '/api/v1/residents': {
    get: {
      summary: '实有人口: residents newest first; q is an exact ID number (blind index), an exact phone or a name prefix; flagged, kind, house (linked now), movedOut',
      description: `{items, next}. Items: name, idNumber, phone, houseAddress (personal), gender, birthDate and age (from the ID number), kind, nationality, houseId, residenceRole, householdNumber, flag, movedOutAt, lon/lat, gridCode, communityCode, verifiedAt, stale, version. ${who}`,
      parameters: queryParameters(residentQuery), responses: { 200: { description: '{items, next}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a resident: the ID number checked (check digit, birth date) and sealed; the house by houseId or houseAddress, else a community; registered at one house at a time',
      description: who, requestBody: json(residentRowSchema), responses: { 201: { description: 'the resident' }, ...errors },
    },
  },
  '/api/v1/residents/{id}': {
    get: { summary: 'One resident', parameters: [id], responses: { 200: { description: 'the resident' }, ...errors } },
    patch: { summary: 'Edit the person\'s own fields at the version read; the house changes by a move', parameters: [id], requestBody: json(residentPatchSchema), responses: { 200: { description: 'the resident' }, ...errors } },
  },
  '/api/v1/residents/{id}/move': {
    post: { summary: 'Move to another house (houseId null: moved out): the current residence rows are closed and a new one opened in one transaction', parameters: [id], requestBody: json(moveSchema), responses: { 200: { description: 'the resident' }, ...errors } },
  },
  '/api/v1/residents/{id}/residences': {
    get: { summary: 'The residence history, newest first (the house address in full only to who holds the row)', parameters: [id], responses: { 200: { description: '{items}' }, ...errors } },
    post: { summary: 'One more current link (e.g. registered here, living there); a second current registered house is a 409 naming role', parameters: [id], requestBody: json(linkSchema), responses: { 201: { description: 'the resident' }, ...errors } },
  },
  '/api/v1/residents/{id}/unmask': {
    post: { summary: 'Name, ID number, phone and address in full, with a reason, written to the access audit first', parameters: [id], requestBody: json(reasonSchema), responses: { 200: { description: '{id, fields, name, idNumber, phone, houseAddress, audit}' }, ...errors } },
  },
}
