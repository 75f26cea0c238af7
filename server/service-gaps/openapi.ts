// OpenAPI paths of /api/v1/analytics/service-gaps (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { FIRST_YEAR } from './kinds.ts'
import { CAPACITY_METHOD, METHOD, serviceGapsQuery } from './gaps.ts'
import { serviceGapReportQuery } from '../reports/serviceGaps.ts'

const problem = { $ref: '#/components/responses/Problem' }
const share = { type: ['number', 'null'], description: 'in reach ÷ all, 3 decimals; null when there is nobody' }
const cell = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, name: { type: 'string' }, serves: { type: 'string', enum: ['all', 'elderly'] },
    facilities: { type: 'integer', description: 'facilities of the kind standing in the community' },
    served: { type: 'integer' }, servedInReach: { type: 'integer' }, share,
    households: { type: 'integer' }, householdsInReach: { type: 'integer' }, householdShare: share,
    perFacility: { type: ['integer', 'null'], description: 'served ÷ facilities in the community' },
    demands: { type: 'integer', description: 'the year\'s demands of the related classes' },
    lacking: { type: 'boolean', description: 'share under minShare' },
    capacity: { type: 'integer', description: 'the known capacity of the facilities standing in the community (the kind\'s capacityUnit)' },
    accessPer1000: { type: ['number', 'null'], description: '2SFCA accessibility: capacity within reach per 1,000 served (3 decimals); null when there is nobody' },
    capacityShort: { type: 'boolean', description: 'accessPer1000 under the kind\'s minAccessPer1000' },
  },
}
const kindSummary = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, name: { type: 'string' }, serves: { type: 'string' }, demandClasses: { type: 'array', items: { type: 'string' } },
    facilities: { type: 'integer' }, served: { type: 'integer' }, servedInReach: { type: 'integer' }, share, communitiesLacking: { type: 'integer' },
    reach: { type: 'integer', description: 'metres: configured, or the request\'s override' }, minShare: { type: 'number' },
    capacityUnit: { type: 'string' }, minAccessPer1000: { type: ['number', 'null'] },
    configVersion: { type: 'integer', description: 'the service-kinds configuration version read (/api/v1/config/service-kinds/{kind})' },
    capacity: { type: 'integer' }, facilitiesWithoutCapacity: { type: 'integer', description: 'facilities in the area with no capacity recorded (they count for reach only)' },
    accessPer1000: { type: ['number', 'null'] }, communitiesShort: { type: 'integer' },
  },
}

export const serviceGapPaths = {
  '/api/v1/analytics/service-gaps': {
    get: {
      summary: '一年一体检: per community, the share of residents and households within a walk of each service, capacity within reach (2SFCA), residents per facility, related demands, gaps flagged',
      description: `Reach: ${METHOD}. Capacity: ${CAPACITY_METHOD}. Services: those configured (/api/v1/config/service-kinds, read as in force at \`at\`; ` +
        'first: convenience stores, car parks, elderly care serving residents of 60 and over at the end of the year, and clinics), ' +
        'with their reach, demand classes, minShare and capacity standard; reach and minShare given here override them for every service checked. Population: the people register now (residents not moved out, at their house). ' +
        'Demands: the year\'s events of each service\'s related classes (voided ones left out). year: 2000 to this year (a later one: 400 naming year); ' +
        'reach 100-5000 m; area: a district, street or community inside the caller\'s jurisdiction, else 404.',
      parameters: queryParameters(serviceGapsQuery),
      responses: {
        200: {
          description: 'the check',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  area: { type: ['string', 'null'] }, areaName: { type: ['string', 'null'] }, year: { type: 'integer' },
                  at: { type: 'string', format: 'date-time', description: 'the moment whose configuration was read' },
                  reach: { type: ['integer', 'null'], description: 'the request\'s override (null: each kind\'s own, in kinds[].reach)' },
                  minShare: { type: ['number', 'null'] }, method: { type: 'string' }, capacityMethod: { type: 'string' },
                  network: { type: 'object', properties: { nodes: { type: 'integer' }, segments: { type: 'integer' } } },
                  kinds: {
                    type: 'array',
                    items: kindSummary,
                  },
                  communities: {
                    type: 'array',
                    items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, streetName: { type: ['string', 'null'] }, residents: { type: 'integer' }, households: { type: 'integer' }, elderly: { type: 'integer' }, services: { type: 'array', items: cell } } },
                  },
                },
              },
            },
          },
        },
        400: problem, 401: problem, 403: problem, 404: problem,
      },
    },
  },
  '/api/v1/reports/service-gaps/{year}': {
    get: {
      summary: '一年一体检报告: the yearly service-gap check of an area as html or pdf, with a map per service of where it is lacking',
      description: 'The check of GET /api/v1/analytics/service-gaps for the year (the same numbers): a summary table per service, then per service ' +
        'the communities where it is lacking or short of capacity, a map (each community filled by its share within reach: reds lacking, greens not; ' +
        'those short of capacity outlined dashed; the facilities as dots) ' +
        'and a table per community. Generated on request; html is one self-contained page, pdf embeds a Simplified Chinese font. ' +
        'A year before 2000 or after this one: 400 naming year; an area outside the jurisdiction: 404.',
      parameters: [
        { name: 'year', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}$' }, description: `${FIRST_YEAR} to this year` },
        ...queryParameters(serviceGapReportQuery),
      ],
      responses: {
        200: {
          description: 'the report; Content-Disposition names the file (UTF-8 filename*), ETag its SHA-256',
          content: {
            'text/html': { schema: { type: 'string', format: 'binary' } },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
        400: problem, 401: problem, 403: problem, 404: problem, 503: problem,
      },
    },
  },
}
