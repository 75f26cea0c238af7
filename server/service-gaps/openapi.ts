// OpenAPI paths of /api/v1/analytics/service-gaps (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { FIRST_YEAR } from './kinds.ts'
import { METHOD, serviceGapsQuery } from './gaps.ts'
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
  },
}

export const serviceGapPaths = {
  '/api/v1/analytics/service-gaps': {
    get: {
      summary: '一年一体检: per community, the share of residents and households within a walk of each service, residents per facility, related demands, gaps flagged',
      description: `Reach: ${METHOD}. Services: convenience stores, car parks, elderly care (serving residents of 60 and over at the end of the year) ` +
        'and clinics, from the places register. Population: the people register now (residents not moved out, at their house). ' +
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
                  area: { type: ['string', 'null'] }, areaName: { type: ['string', 'null'] }, year: { type: 'integer' }, reach: { type: 'integer' },
                  minShare: { type: 'number' }, method: { type: 'string' },
                  network: { type: 'object', properties: { nodes: { type: 'integer' }, segments: { type: 'integer' } } },
                  kinds: {
                    type: 'array',
                    items: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' }, serves: { type: 'string' }, demandClasses: { type: 'array', items: { type: 'string' } }, facilities: { type: 'integer' }, served: { type: 'integer' }, servedInReach: { type: 'integer' }, share, communitiesLacking: { type: 'integer' } } },
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
        'the communities where it is lacking, a map (each community filled by its share within reach: reds lacking, greens not; the facilities as dots) ' +
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
