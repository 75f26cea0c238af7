// OpenAPI paths of /api/v1/vehicles (spread into server/openapi/document.ts `paths`). Bodies and
// queries come from the zod schemas that validate them.
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { listQuery, unmaskSchema, vehiclePatchSchema, vehicleRowSchema } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'vehicle id' }
const vehicle = {
  description: 'the vehicle: id, plate (normalised), plateType (ordinary | trailer | coach | police | hk_macau | new_energy_small | new_energy_large), kind, use, ' +
    'brand, colour, ownerRelation, residentId, ownerName, ownerPhone, ownerIdNumber (personal: full for the command centre and the grid member serving its grid, ' +
    'masked otherwise), note, communityCode, gridCode (the owner\'s registration), verifiedAt, stale (not verified within 90 days, the registers\' 核实 cycle), version, createdAt, updatedAt',
  content: { 'application/json': { schema: { type: 'object' } } },
}
const plates = 'Plates (GA 36): 7 characters (province, office letter A-Z without I, 5 digits/letters without I and O; the last may be 挂 学 警 港 澳) or ' +
  '8 for new energy (D/F, a digit or letter, 4 digits: small vehicles; 5 digits then D/F: large vehicles). The owner is a resident (residentId: its ' +
  'community and grid) or a name with communityCode (and optionally a phone, an ID number stored sealed, a gridCode).'

export const vehiclePaths = {
  '/api/v1/vehicles': {
    get: {
      summary: '实有车辆 in the caller\'s jurisdiction, newest first, by the community / grid of the owner\'s registration; q: a plate (part), an owner\'s exact name or ID number',
      parameters: queryParameters(listQuery),
      responses: { 200: { description: '{ items: [vehicle], next }' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Register a vehicle (409 when the plate is registered already; 403 when its community lies outside the jurisdiction)',
      description: plates,
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(vehicleRowSchema) } } },
      responses: { 201: vehicle, 400: problem, 401: problem, 403: problem, 409: problem },
    },
  },
  '/api/v1/vehicles/{id}': {
    get: { summary: 'One vehicle', parameters: [id], responses: { 200: vehicle, 400: problem, 401: problem, 403: problem, 404: problem } },
    patch: {
      summary: 'Change a vehicle: any fields and the version read (409 registers.version_conflict when stale); verified: true stamps 核实 now; residentId null names another owner',
      description: plates,
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(vehiclePatchSchema) } } },
      responses: { 200: vehicle, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    },
  },
  '/api/v1/vehicles/{id}/unmask': {
    post: {
      summary: 'The owner\'s name, phone and ID number in full, with a reason, recorded in the access audit before the answer (roles with the right over the vehicle)',
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(unmaskSchema) } } },
      responses: { 200: { description: '{ id, fields, ownerName, ownerPhone, ownerIdNumber, audit: { id, at } }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
