// OpenAPI paths of /api/v1/analytics/forecast and /api/v1/analytics/reporters (spread into
// server/openapi/document.ts `paths`). Query parameters come from the zod schemas that validate them.
import { queryParameters } from '../openapi/zod.ts'
import { BACKTEST, MAX_HORIZON, METHOD, SHOWN_HISTORY, forecastQuery } from './forecast.ts'
import { THRESHOLD, reportersQuery } from './reporters.ts'

const problem = { $ref: '#/components/responses/Problem' }
const kind = { type: 'string', enum: ['workday', 'weekend', 'holiday', 'makeup'], description: 'makeup: a 调休 weekend day worked' }
const mase = { type: 'object', properties: { model: { type: 'number' }, seasonalNaive: { type: 'number' }, ses: { type: 'number' } } }
const numbers = { type: 'array', items: { type: 'number' } }

export const forecastPaths = {
  '/api/v1/analytics/forecast': {
    get: {
      summary: '需求预测: daily event counts of an area and class for the coming days, with 80 % and 95 % intervals',
      description: `Method: ${METHOD}. Each day is a workday, weekend day, holiday or 调休 make-up workday by the city's calendar; ` +
        'a day kind\'s factor (its mean count over the workdays\', shrunk towards 1) adjusts the counts, additive Holt-Winters with a weekly ' +
        'season (α, γ chosen on a grid by one-step squared error) smooths them, and the forecast multiplies back. Intervals are the model\'s ' +
        `analytic ones, cut at 0. horizon 1-${MAX_HORIZON} days (more: 400 naming horizon). area: a district, street or community inside ` +
        'the caller\'s jurisdiction; outside it or unknown: 404. class: a 2-digit class group or a 4-digit class. ' +
        `history[] echoes the last ${SHOWN_HISTORY} days. backtest=true adds ${BACKTEST.count} rolling origins ${BACKTEST.step} days apart, ` +
        `each forecasting min(horizon, ${BACKTEST.maxHorizon}) days with the model, the seasonal naive forecast and simple exponential smoothing, ` +
        'and the mean MASE of each (scale: the mean absolute weekly difference of the history before the origin).',
      parameters: queryParameters(forecastQuery),
      responses: {
        200: {
          description: 'the forecast',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  area: { type: ['string', 'null'] }, areaName: { type: ['string', 'null'] }, class: { type: ['string', 'null'] },
                  className: { type: ['string', 'null'] }, at: { type: 'string', description: 'first forecast day' }, horizon: { type: 'integer' },
                  method: { type: 'object', properties: { name: { type: 'string' }, alpha: { type: 'number' }, gamma: { type: 'number' }, sigma: { type: 'number' }, factors: { type: 'object' }, historyDays: { type: 'integer' }, historyFrom: { type: 'string' } } },
                  history: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, kind, count: { type: 'integer' } } } },
                  forecast: {
                    type: 'array',
                    items: { type: 'object', properties: { date: { type: 'string' }, kind, point: { type: 'number' }, lo80: { type: 'number' }, hi80: { type: 'number' }, lo95: { type: 'number' }, hi95: { type: 'number' } } },
                  },
                  backtest: {
                    type: 'object',
                    properties: {
                      horizon: { type: 'integer' }, originDates: { type: 'array', items: { type: 'string' } }, mase: { ...mase, type: ['object', 'null'] },
                      origins: { type: 'array', items: { type: 'object', properties: { origin: { type: 'integer' }, scale: { type: 'number' }, actual: numbers, model: numbers, seasonalNaive: numbers, ses: numbers } } },
                    },
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
  '/api/v1/analytics/reporters': {
    get: {
      summary: '诉求人群: demands and distinct reporters by age band, gender, channel and time of day, in aggregate only',
      description: 'Roles that may read the people register only. A reporter is the resident whose phone the event carries (gender and age ' +
        'from the register), else the signed-in user, else the phone (gender and age unknown); events with none are counted in anonymousDemands only. ' +
        `A cell of fewer than ${THRESHOLD} reporters is hidden (people and demands null, suppressed "primary"); so that no hidden cell is the ` +
        'difference of a published total and the visible cells (the grand total; for two dimensions, each row and column, published by the ' +
        `one-way tables), each such total that hides anything hides at least two non-empty cells with ${THRESHOLD} or more reporters between ` +
        'them (further cells, smallest first, suppressed "secondary"). Empty cells show 0. area outside the jurisdiction: 404.',
      parameters: queryParameters(reportersQuery),
      responses: {
        200: {
          description: '{ by, from, to, area, threshold, total, anonymousDemands, cells[] }',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  by: { type: 'array', items: { type: 'string' } }, from: { type: 'string' }, to: { type: 'string' }, area: { type: ['string', 'null'] },
                  threshold: { type: 'integer' }, anonymousDemands: { type: 'integer' },
                  total: { type: 'object', properties: { people: { type: ['integer', 'null'] }, demands: { type: ['integer', 'null'] } } },
                  cells: {
                    type: 'array',
                    items: { type: 'object', properties: { key: { type: 'object' }, people: { type: ['integer', 'null'] }, demands: { type: ['integer', 'null'] }, suppressed: { type: ['string', 'null'], enum: ['primary', 'secondary', null] } } },
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
}
