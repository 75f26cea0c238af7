// OpenAPI paths of /api/v1/mediators and /api/v1/mediators/bodies (spread into server/openapi/document.ts).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { bodyCreateSchema, bodyListQuery, bodyPatchSchema, mediatorCreateSchema, mediatorListQuery, mediatorPatchSchema, unmaskSchema } from './schemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const id = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: `${what} id` })
const json = (schema: Parameters<typeof schemaOf>[0]) => ({ required: true, content: { 'application/json': { schema: schemaOf(schema) } } })
const body = { description: 'the body: id, name, kind (people_committee 人民调解委员会 | industry 行业性专业性调解 | administrative | other), communityCode (where it sits), areas, domains, address, phone, active, mediators, version', content: { 'application/json': { schema: { type: 'object' } } } }
const mediator = { description: 'the mediator: id, bodyId, bodyName, name, phone (personal: masked unless the caller holds the right), userId, domains, areas, capacity, active, open, load (open ÷ capacity), version', content: { 'application/json': { schema: { type: 'object' } } } }
const read = 'Read by the command centre, district, street and community staff and grid inspectors in their jurisdiction (where the body sits); written by the command centre, district and street staff.'

export const mediatorPaths = {
  '/api/v1/mediators/bodies': {
    get: { summary: '调解机构', description: read, parameters: queryParameters(bodyListQuery), responses: { 200: { description: '{ items: [body], next }' }, 400: problem, 401: problem, 403: problem } },
    post: { summary: 'Create a mediation body (areas and seat inside the jurisdiction: 403 naming the field)', requestBody: json(bodyCreateSchema), responses: { 201: body, 400: problem, 401: problem, 403: problem, 409: problem } },
  },
  '/api/v1/mediators/bodies/{id}': {
    get: { summary: 'One mediation body', parameters: [id('body')], responses: { 200: body, 400: problem, 401: problem, 403: problem, 404: problem } },
    patch: { summary: 'Change a body (version: 409 registers.version_conflict when stale)', parameters: [id('body')], requestBody: json(bodyPatchSchema), responses: { 200: body, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/mediators': {
    get: { summary: '调解员 with their load', description: read, parameters: queryParameters(mediatorListQuery), responses: { 200: { description: '{ items: [mediator], next }' }, 400: problem, 401: problem, 403: problem } },
    post: { summary: 'Create a mediator of a body (optionally linked to the account that signs in as this mediator)', requestBody: json(mediatorCreateSchema), responses: { 201: mediator, 400: problem, 401: problem, 403: problem, 409: problem } },
  },
  '/api/v1/mediators/me': {
    get: { summary: 'The mediator the caller signs in as (404 mediators.not_linked)', responses: { 200: mediator, 401: problem, 403: problem, 404: problem } },
  },
  '/api/v1/mediators/{id}': {
    get: { summary: 'One mediator', parameters: [id('mediator')], responses: { 200: mediator, 400: problem, 401: problem, 403: problem, 404: problem } },
    patch: { summary: 'Change a mediator (version)', parameters: [id('mediator')], requestBody: json(mediatorPatchSchema), responses: { 200: mediator, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem } },
  },
  '/api/v1/mediators/{id}/unmask': {
    post: { summary: 'The mediator\'s name and phone in full, with a reason, audited first', parameters: [id('mediator')], requestBody: json(unmaskSchema), responses: { 200: { description: '{ id, fields, name, phone, audit }' }, 400: problem, 401: problem, 403: problem, 404: problem } },
  },
}
