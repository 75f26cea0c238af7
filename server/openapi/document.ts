// The OpenAPI 3.1 description of /api/v1. Each capability adds its paths here.
import { gridPaths } from '../grids/openapi.ts'
import { integrationPaths } from '../integrations/openapi.ts'
import { exchangePaths } from '../exchange/openapi.ts'
import { devicePaths } from '../devices/openapi.ts'
import { positionPaths } from '../positions/openapi.ts'
import { eventImportPaths } from '../event-imports/openapi.ts'
import { trajectoryPaths } from '../positions/trajectoryOpenapi.ts'
import { patrolPaths } from '../patrol/openapi.ts'
import { fencePaths } from '../fences/openapi.ts'
import { analyticsPaths } from '../analytics/openapi.ts'
import { hotspotPaths } from '../analytics/hotspotOpenapi.ts'
import { seriesPaths } from '../analytics/seriesOpenapi.ts'
import { emergingPaths } from '../analytics/emergingOpenapi.ts'
import { indicatorPaths } from '../analytics/indicatorsOpenapi.ts'
import { reportPaths } from '../reports/openapi.ts'
import { warningPaths } from '../warnings/openapi.ts'
import { searchPaths } from '../search/openapi.ts'
import { authPaths } from '../auth/openapi.ts'
import { assessmentPaths } from '../assessment/openapi.ts'
import { hotWordsPaths } from '../analytics/hotWordsOpenapi.ts'
import { analysisTilePaths } from '../analytics/tileOpenapi.ts'
import { forecastPaths } from '../analytics/forecastOpenapi.ts'
import { serviceGapPaths } from '../service-gaps/openapi.ts'
import { eventReplayPaths } from '../events/replayOpenapi.ts'
import { privacyPaths } from '../privacy/openapi.ts'
import { auditPaths } from '../audit/openapi.ts'
import { dispatchOptionsPaths } from '../events/dispatchOptionsOpenapi.ts'
import { registerPaths } from '../registers/openapi.ts'
import { schemaOf as bodyOf } from './zod.ts'
import { transitionSchema } from '../events/transitions.ts'
import { describeRules } from '../events/workflow.ts'
import { slaSchema } from '../events/slaRoutes.ts'
import { intakeSchema } from '../events/intake.ts'
import { listQuerySchema } from '../events/list.ts'
import { uploadQuery } from '../events/attachmentRoutes.ts'
import { MEDIA_TYPES } from '../events/attachments.ts'
import { queryParameters } from './zod.ts'
import { describeHistoryCodes } from '../events/historyNotes.ts'
import { publicPaths } from '../public/openapi.ts'
import { noticePaths } from '../notices/openapi.ts'
import { offlinePaths } from '../offline/openapi.ts'
import { basemapPaths } from '../basemap/openapi.ts'
import { rasterPaths } from '../rasters/openapi.ts'
import { exemplaryPaths } from '../exemplary/openapi.ts'
import { knowledgePaths } from '../knowledge/openapi.ts'
import { orderPaths } from '../orders/openapi.ts'
import { specialGroupPaths } from '../special-groups/openapi.ts'
import { vehiclePaths } from '../vehicles/openapi.ts'
import { linePaths } from '../lines/openapi.ts'
import { teamPaths } from '../teams/openapi.ts'
import { partyPaths } from '../party/openapi.ts'
import { placesPaths } from '../places/openapi.ts'
import { peoplePaths } from '../residents/openapi.ts'
import { enforcementPaths } from '../enforcement/openapi.ts'
import { disputePaths } from '../disputes/openapi.ts'
import { mediatorPaths } from '../mediators/openapi.ts'
import { fieldPaths } from '../fields/openapi.ts'
import { classifyPaths } from '../classify/openapi.ts'
import { queuePaths } from '../queues/openapi.ts'
import { emergencyPaths } from '../emergencies/openapi.ts'
import { dutyPaths } from '../duty/openapi.ts'
import { fieldStepsDescription } from '../events/fieldSteps/openapiText.ts'
import { channelRolesDescription, configPaths } from '../config/openapi.ts'
import { hardCasePaths } from '../hard-cases/openapi.ts'
import { inboxPaths } from '../inbox/openapi.ts'
import { gridQualityPaths, qualityPaths } from '../quality/openapi.ts'
import { cataloguePaths } from '../catalogue/openapi.ts'
import { sensorPaths } from '../sensors/openapi.ts'
import { formPaths } from '../forms/openapi.ts'
import { collectionTaskPaths } from '../collection-tasks/openapi.ts'
import { cameraPaths } from '../cameras/openapi.ts'
import { opinionPaths } from '../opinion/openapi.ts'
import { proactivePaths } from '../proactive-rules/openapi.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'gridgov API',
    version: '1.0.0',
    description: '网格化管理 spatial governance service: REST resources in JSON / GeoJSON (EPSG:4490 lon/lat).',
  },
  servers: [{ url: '/' }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      deviceToken: { type: 'apiKey', in: 'header', name: 'X-Device-Token' },
    },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' },
          detail: { type: 'string' }, instance: { type: 'string' }, requestId: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          // the message code and its values: detail is their Chinese wording for Accept-Language: zh (server/http/messages/)
          code: { type: 'string', description: 'stable message code, e.g. transition.no_open_supervision' },
          params: { type: 'object', additionalProperties: true, description: 'the values the message names' },
        },
      },
      AdminCode: { type: 'string', pattern: '^[0-9]{12}$', description: '12-digit statistical division code' },
    },
  },
  security: [{ bearer: [] }, { apiKey: [] }],
  paths: {
    ...gridPaths,
    ...integrationPaths,
    ...exchangePaths,
    ...devicePaths,
    ...positionPaths,
    ...eventImportPaths,
    ...registerPaths,
    ...trajectoryPaths,
    ...patrolPaths,
    ...fencePaths,
    ...analyticsPaths,
    ...hotspotPaths,
    ...seriesPaths,
    ...emergingPaths,
    ...indicatorPaths,
    ...reportPaths,
    ...warningPaths,
    ...assessmentPaths,
    ...hotWordsPaths,
    ...analysisTilePaths,
    ...forecastPaths,
    ...serviceGapPaths,
    ...eventReplayPaths,
    ...privacyPaths,
    ...auditPaths,
    ...dispatchOptionsPaths,
    ...publicPaths,
    ...noticePaths,
    ...offlinePaths,
    ...basemapPaths,
    ...rasterPaths,
    ...exemplaryPaths,
    ...knowledgePaths,
    ...orderPaths,
    ...specialGroupPaths,
    ...vehiclePaths,
    ...linePaths,
    ...teamPaths,
    ...partyPaths,
    ...placesPaths,
    ...peoplePaths,
    ...enforcementPaths,
    ...disputePaths,
    ...mediatorPaths,
    ...fieldPaths,
    ...classifyPaths,
    ...queuePaths,
    ...emergencyPaths,
    ...dutyPaths,
    ...configPaths,
    ...hardCasePaths,
    ...inboxPaths,
    ...qualityPaths,
    ...gridQualityPaths,
    ...cataloguePaths,
    ...proactivePaths,
    ...searchPaths,
    '/health': {
      get: {
        summary: 'Liveness and database readiness', security: [],
        responses: { 200: { description: 'ready' }, 503: { description: 'database not reachable' } },
      },
    },
    '/api/v1/stream': {
      get: {
        summary: 'Server-Sent Events: event intake, transitions and escalations inside the caller\'s jurisdiction (event name "event", data {event, action, status, community})',
        description: 'Also the caller\'s own inbox notices (event name "inbox", see /api/v1/inbox). The SSE id is the caller\'s inbox cursor: a client ' +
          'reconnecting with Last-Event-ID gets the notices it missed first.',
        parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string', pattern: '^[0-9]{1,15}$' }, description: 'the last SSE id received' }],
        responses: { 200: { description: 'text/event-stream' }, 401: problem },
      },
    },
    ...authPaths,
    '/api/v1/admin-divisions': {
      get: {
        summary: 'Admin divisions inside the caller\'s jurisdiction',
        parameters: [
          { name: 'level', in: 'query', schema: { enum: ['city', 'district', 'street', 'community'] } },
          { name: 'parent', in: 'query', schema: { $ref: '#/components/schemas/AdminCode' } },
        ],
        responses: { 200: { description: 'list' }, 400: problem, 401: problem },
      },
    },
    '/api/v1/admin-divisions/{code}': {
      get: {
        summary: 'One admin division as a GeoJSON Feature',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { $ref: '#/components/schemas/AdminCode' } }],
        responses: { 200: { description: 'feature' }, 400: problem, 401: problem, 404: problem },
      },
    },
    '/api/v1/geocode': {
      post: {
        summary: 'Geocode one point: district, street, community, base grid (code, version), industry grids by type, primary inspectors and covering departments',
        description: 'Body {x, y, crs} with x, y in the axis order of crs (EPSG:4326/4490 short form and CRS:84 lon,lat; their URN/URI forms lat,lon; ' +
          'CGCS2000 Gauss-Krüger EPSG:4513-4554 northing,easting; EPSG:3857; GCJ-02; BD-09), or {lon, lat, crs?} (geographic CRS only). crs defaults to EPSG:4490. ' +
          'The answer names the conversion applied. A point on a boundary shared by several base grids goes to the grid with the smallest code (the others are listed in baseGrid.sharedWith). ' +
          'Inspector phone numbers are included only when the caller\'s jurisdiction covers the point.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { oneOf: [
            { type: 'object', required: ['x', 'y'], additionalProperties: false, properties: { x: { type: 'number' }, y: { type: 'number' }, crs: { type: 'string', example: 'EPSG:4326' } } },
            { type: 'object', required: ['lon', 'lat'], additionalProperties: false, properties: { lon: { type: 'number' }, lat: { type: 'number' }, crs: { type: 'string' } } },
          ] } } },
        },
        responses: {
          200: { description: 'the point\'s grids, admin chain, inspectors and departments, the conversion applied and the stored EPSG:4490 lon/lat' },
          400: problem, 401: problem,
          422: { description: 'outside every grid: problem JSON with distanceMetres and nearestGrid', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
    '/api/v1/geocode/batch': {
      post: {
        summary: 'Geocode up to 10,000 points in one set-based query; each result is an answer as for /api/v1/geocode or an error entry, in input order',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: {
            type: 'object', required: ['points'], additionalProperties: false,
            properties: {
              crs: { type: 'string', example: 'GCJ-02' },
              points: { type: 'array', minItems: 1, maxItems: 10000, items: { type: 'object', required: ['x', 'y'], additionalProperties: false,
                properties: { id: { oneOf: [{ type: 'string', maxLength: 100 }, { type: 'integer' }] }, x: { type: 'number' }, y: { type: 'number' } } } },
            },
          } } },
        },
        responses: {
          200: { description: '{crs, count, located, failed, results}; a failed point carries error {status, type, detail} (422 outside_city with distanceMetres, 400 bad coordinates)' },
          400: problem, 401: problem, 413: problem,
        },
      },
    },
    '/api/v1/geocode/address': {
      post: {
        summary: 'Geocode a Chinese address (地址匹配) to a standard address (GA/T 2000.32 levels 40 road/estate, 50 doorplate/building, 60 unit/room)',
        description: 'The text is parsed (district, street, community, road, house number, estate, building, unit, room; any level may be missing; ' +
          'full-width digits, spaces, punctuation, office aliases such as 街道办事处/居委会, Chinese numerals 十八号 and shorthand 3-2-501 are understood) and ' +
          'matched against the standard addresses of the caller\'s city. Road and estate names tolerate typos (edit distance); admin names are scored, not filtered on. ' +
          'Answers the best match with score 0..1, its GA/T level, the deepest level that agrees (matchedLevel), EPSG:4490 lon/lat and admin codes, ' +
          'plus up to `limit` alternatives; `ambiguous` is true when an equally good candidate lies more than 100 m away. ' +
          'Any signed-in role except public may geocode anywhere in its own city.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: {
            type: 'object', required: ['address'], additionalProperties: false,
            properties: {
              address: { type: 'string', minLength: 1, maxLength: 200, example: '示范市桃源区永安街道绿荫社区新城路84号领秀府邸三期1号楼1单元701室' },
              limit: { type: 'integer', minimum: 0, maximum: 20, default: 5, description: 'alternatives returned besides the match' },
            },
          } } },
        },
        responses: {
          200: { description: '{input, status: matched, parsed {normalized, components, present, rest, notes}, match, alternatives, ambiguous}' },
          400: problem, 401: problem, 403: problem,
          422: { description: 'no candidate scores at least 0.6: problem JSON (type no_match) with input, parsed and alternatives', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
    '/api/v1/geocode/address/batch': {
      post: {
        summary: 'Geocode up to 1,000 addresses in one round trip to the database; results in input order',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: {
            type: 'object', required: ['addresses'], additionalProperties: false,
            properties: {
              addresses: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 200 } },
              limit: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
            },
          } } },
        },
        responses: {
          200: { description: '{total, matched, threshold, items: [{index, input, status: matched|no_match, parsed, match|null, alternatives, ambiguous}]}' },
          400: problem, 401: problem, 403: problem, 413: problem,
        },
      },
    },
    '/api/v1/geocode/reverse': {
      get: {
        summary: 'Reverse geocoding: the doorplates (level 50) nearest to a point within a radius, nearest first by geodesic distance',
        parameters: [
          { name: 'lon', in: 'query', required: true, schema: { type: 'number', minimum: -180, maximum: 180 } },
          { name: 'lat', in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 } },
          { name: 'radius', in: 'query', schema: { type: 'number', exclusiveMinimum: 0, maximum: 1000, default: 100 }, description: 'metres' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 1 } },
          { name: 'crs', in: 'query', schema: { type: 'string', default: 'EPSG:4490' }, description: 'a geographic CRS: EPSG:4490, EPSG:4326, CRS:84, GCJ-02 or BD-09 (lon/lat are named, so axis order does not apply)' },
        ],
        responses: {
          200: { description: '{query {lon, lat, crs, radius, conversion, lonStorage, latStorage}, items: [{id, address, level, distanceM, lon, lat, communityCode, streetCode, districtCode, components}]}; items is empty when nothing lies within the radius' },
          400: problem, 401: problem, 403: problem,
        },
      },
    },
    '/api/v1/events': {
      get: {
        summary: 'Events newest first inside the jurisdiction (citizens: their own reports); keyset paging with cursor; f=geojson for a FeatureCollection',
        parameters: queryParameters(listQuerySchema),
        responses: { 200: { description: '{ items, next, nextHref, numberMatched? } or a GeoJSON FeatureCollection' }, 400: problem, 401: problem },
      },
      post: {
        summary: 'Report an event (事件上报): locates its grid chain, returns duplicate candidates, files and dispatches configured channels',
        description: channelRolesDescription,
        parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 200 }, description: 'same key + same body → the same event (200); same key + other body → 409' }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: bodyOf(intakeSchema) } },
        },
        responses: { 200: { description: 'replay of an earlier submission with the same Idempotency-Key' }, 201: { description: '{ event, duplicates, dispatch }' },
          400: problem, 401: problem, 403: problem, 409: problem, 422: problem },
      },
    },
    '/api/v1/events/{number}': {
      get: {
        summary: 'One event with its status light and deadlines (404 outside the jurisdiction)',
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }],
        responses: { 200: { description: 'event' }, 401: problem, 404: problem },
      },
    },
    '/api/v1/events/{number}/history': {
      get: {
        summary: 'The append-only history of an event (who, role, when, comment, attachments, explanation, note)',
        description: describeHistoryCodes(),
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'history' }, 401: problem, 404: problem },
      },
    },
    '/api/v1/events/{number}/transitions': {
      post: {
        summary: 'Fire a transition of the closed loop; 409 lists the allowed actions, 403 when role or assignee forbid it',
        description: 'Actions (from → to, roles):\n' + describeRules().map((r) => `- ${r.action} ${r.title}: ${r.from.join('/')} → ${r.to}; ${r.roles.join(', ')}`).join('\n') +
          '\n\n' + fieldStepsDescription,
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: bodyOf(transitionSchema) } },
        },
        responses: { 200: { description: '{ event, action, seq, allowed }' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    '/api/v1/events/{number}/attachments': {
      get: {
        summary: 'The attachments of an event (photos, documents, recordings)',
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: '{ items }' }, 401: problem, 404: problem },
      },
      post: {
        summary: 'Attach a file: the raw bytes as the body with their Content-Type; the leading bytes must match it (else 415), size limits per type (413)',
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }, ...queryParameters(uploadQuery)],
        requestBody: { required: true, content: Object.fromEntries(Object.keys(MEDIA_TYPES).map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) },
        responses: { 201: { description: 'the attachment' }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem, 415: problem },
      },
    },
    '/api/v1/events/{number}/attachments/{id}': {
      get: {
        summary: 'Download an attachment (ETag = SHA-256 of the bytes)',
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }, { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { 200: { description: 'the bytes, with their Content-Type' }, 304: { description: 'not modified' }, 401: problem, 404: problem },
      },
    },
    '/api/v1/sla': {
      get: { summary: "The city's time limits in force (versioned configuration /api/v1/config/time-limits; the national defaults when the city has none)", responses: { 200: { description: '{ city, source, updatedAt, version, versions, sla }' }, 401: problem, 403: problem } },
      put: {
        summary: "Set the city's time limits (command centre): writes a new time-limits version in force at once (see /api/v1/config/time-limits/{city}/versions to schedule one with a reason); open events keep their version",
        requestBody: { required: true, content: { 'application/json': { schema: bodyOf(slaSchema) } } },
        responses: { 200: { description: '{ city, source, updatedAt, sla }' }, 400: problem, 401: problem, 403: problem },
      },
    },
    ...sensorPaths,
    ...formPaths,
    ...collectionTaskPaths,
    ...cameraPaths,
    ...opinionPaths,
  },
} as const
