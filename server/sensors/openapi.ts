// OpenAPI paths of /api/v1/sensor-rules and /ogc/sta/v1.1 (spread into server/openapi/document.ts).
import { schemaOf, queryParameters } from '../openapi/zod.ts'
import { incidentQuery, ruleBody } from './ruleStore.ts'
import { MAX_BATCH, FUTURE_SKEW_MS } from './ingest.ts'
import { DEFAULT_TOP, MAX_TOP } from './sta/query.ts'

const problem = { $ref: '#/components/responses/Problem' }
const staError = { description: 'SensorThings error JSON {code, type: error, message, errors: [{field, message}]}' }
const resource = { name: 'resource', in: 'path', required: true, schema: { type: 'string', example: 'Things' },
  description: 'an entity set (Things, Locations, HistoricalLocations, Sensors, ObservedProperties, Datastreams, Observations, FeaturesOfInterest) or one entity of it, e.g. Things(1)' }
const navigation = { name: 'navigation', in: 'path', required: true, schema: { type: 'string', example: 'Datastreams' },
  description: 'a navigation property of the entity (Datastreams, Observations, Thing …) or one of its properties (name)' }
const options = [
  { name: '$filter', in: 'query', schema: { type: 'string' }, description: 'OData filter: eq ne gt ge lt le, and or not, add sub mul div mod, substringof contains startswith endswith length indexof tolower toupper trim concat, year month day hour minute second now, round floor ceiling, geo.intersects geo.distance geo.length st_within st_intersects st_contains st_disjoint st_equals st_touches st_overlaps st_crosses; properties/… members' },
  { name: '$select', in: 'query', schema: { type: 'string' } },
  { name: '$expand', in: 'query', schema: { type: 'string' }, description: 'e.g. Datastreams/Observations($top=3;$orderby=phenomenonTime desc)' },
  { name: '$orderby', in: 'query', schema: { type: 'string' } },
  { name: '$top', in: 'query', schema: { type: 'integer', minimum: 0, maximum: MAX_TOP, default: DEFAULT_TOP } },
  { name: '$skip', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: '$count', in: 'query', schema: { type: 'boolean' } },
]
const body = { required: true, content: { 'application/json': { schema: { type: 'object' } } } }
const readDescription = 'Signed-in staff; rows outside the caller\'s areas do not exist for it (404). Collections answer {@iot.count?, @iot.nextLink?, value}.'

export const sensorPaths = {
  '/api/v1/sensor-rules': {
    get: { summary: 'The city\'s sensor rules and the device kinds of the register', responses: { 200: { description: '{kinds: [{code, name, unit}], items: [rule]}' }, 401: problem, 403: problem } },
    post: {
      summary: 'Add a sensor rule (threshold, rate of change, silence) for a device kind',
      description: 'One open incident per rule and datastream: the first abnormal reading raises one event of classCode through intake (channel sensor_ai); ' +
        'further crossings are absorbed; it closes after readings stay normal for normalMinutes. 400 names the field.',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(ruleBody) } } },
      responses: { 201: { description: 'the rule' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/sensor-rules/incidents': {
    get: { summary: 'Incidents of the caller\'s areas with their readings (evidence) and event number',
      description: 'Each item: rule {id, name, kind, high, low, perMinute, silenceMinutes}, thing {id, name, kind, kindName, unit, lon, lat} (where it stands now), datastream, openedAt, closedAt, crossings, readings, eventNumber.', parameters: queryParameters(incidentQuery), responses: { 200: { description: '{items}' }, 400: problem, 401: problem, 403: problem } },
  },
  '/ogc/sta/v1.1': {
    get: { summary: 'SensorThings API 1.1 service root: entity sets and serverSettings.conformance', responses: { 200: { description: '{value: [{name, url}], serverSettings}' }, 401: staError } },
  },
  '/ogc/sta/v1.1/{resource}': {
    get: { summary: 'SensorThings: a collection or one entity', description: readDescription, parameters: [resource, ...options], responses: { 200: { description: 'the collection or entity' }, 400: staError, 401: staError, 404: staError } },
    post: {
      summary: 'SensorThings: create an entity (deep insert, links by @iot.id), or CreateObservations (dataArray)',
      description: `A Thing needs properties.kind (a device kind) and one Location inside the caller's areas. Observations: phenomenonTime at most ${FUTURE_SKEW_MS / 60_000} minutes ahead; ` +
        `CreateObservations takes at most ${MAX_BATCH} rows and answers the new selfLinks. Roles: command centre, district, street, external systems.`,
      parameters: [resource], requestBody: body, responses: { 201: { description: 'the created entity (Location header)' }, 400: staError, 401: staError, 403: staError, 404: staError, 413: staError },
    },
    patch: { summary: 'SensorThings: update an entity\'s name, description, properties', parameters: [resource], requestBody: body, responses: { 200: { description: 'the entity' }, 400: staError, 401: staError, 403: staError, 404: staError } },
    delete: { summary: 'SensorThings: delete an entity (a Thing with its datastreams and readings)', parameters: [resource], responses: { 200: { description: 'deleted' }, 401: staError, 403: staError, 404: staError, 409: staError } },
  },
  '/ogc/sta/v1.1/{resource}/{navigation}': {
    get: { summary: 'SensorThings: a navigation property (collection or entity) or a property of an entity', description: readDescription, parameters: [resource, navigation, ...options], responses: { 200: { description: 'the collection, entity or {property: value}' }, 400: staError, 401: staError, 404: staError } },
    post: { summary: 'SensorThings: create in a navigation collection (Datastreams(1)/Observations, Things(1)/Locations …)', parameters: [resource, navigation], requestBody: body, responses: { 201: { description: 'the created entity' }, 400: staError, 401: staError, 403: staError, 404: staError } },
  },
}
