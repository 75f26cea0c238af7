// OpenAPI path of /api/v1/analytics/series (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { MAX_PERIODS, OTHER, TOP_GROUPS, seriesQuery } from './series.ts'

const problem = { $ref: '#/components/responses/Problem' }
const change = {
  type: 'object',
  properties: {
    count: { type: ['integer', 'null'], description: 'events in the compared period (null when there is no such period)' },
    change: { type: ['number', 'null'], description: '(count − earlier) / earlier; null when the earlier count is 0 or missing' },
  },
}
const period = {
  type: 'object',
  properties: {
    start: { type: 'string', description: 'first instant, Shanghai midnight (yyyy-mm-ddT00:00:00+08:00)' },
    end: { type: 'string', description: 'first instant after the period (exclusive)' },
    label: { type: 'string', description: '2026-11-30, 2026-W48 or 2026-11' },
    count: { type: 'integer' },
    yoy: { ...change, description: '同比: the same date, ISO week number or month one year earlier' },
    prev: { ...change, description: '环比: the period just before' },
  },
}

export const seriesPaths = {
  '/api/v1/analytics/series': {
    get: {
      summary: '趋势分析: events per day, ISO week or month (Asia/Shanghai) with year-on-year (同比) and period-on-period (环比) values',
      description: 'The range [from, to) is widened to whole periods (days, ISO weeks starting Monday 00:00, calendar months, all in Asia/Shanghai); ' +
        'the answer\'s from/to are the widened bounds and every period is listed, an empty one with count 0. ' +
        'The current period counts the events so far. yoy compares with the same date (none for 29 February), the same ISO week number ' +
        '(none for week 53 after a 52-week year) or the same month one year earlier; prev with the period just before. ' +
        `With by=class|channel|status|district|street|community, groups[] holds one series per group: the ${TOP_GROUPS} largest by total, ` +
        `the rest summed as "${OTHER}". Filters as for /analytics/heatmap (resolution is not used), inside the caller's jurisdiction. ` +
        `At most ${MAX_PERIODS} periods (400 naming from and to beyond).`,
      parameters: queryParameters(seriesQuery),
      responses: {
        200: {
          description: '{ interval, from, to, total, by?, periods, groups? }',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  interval: { type: 'string', enum: ['day', 'week', 'month'] }, from: { type: 'string' }, to: { type: 'string' },
                  total: { type: 'integer' }, by: { type: 'string' }, periods: { type: 'array', items: period },
                  groups: {
                    type: 'array',
                    items: { type: 'object', properties: { key: { type: 'string' }, name: { type: ['string', 'null'] }, total: { type: 'integer' }, periods: { type: 'array', items: period } } },
                  },
                },
              },
            },
          },
        },
        400: problem, 401: problem, 403: problem,
      },
    },
  },
}
