// OpenAPI path of /api/v1/analytics/indicators (spread into server/openapi/document.ts `paths`).
// Query parameters come from the zod schema that validates them.
import { queryParameters } from '../openapi/zod.ts'
import { RATES, TOP_SMALL_CLASSES, UNASSIGNED, indicatorQuery } from './indicators.ts'

const problem = { $ref: '#/components/responses/Problem' }
const counts = {
  type: 'object',
  description: 'total; due (deadline passed before `to`, or closed before `to`); closed (before `to`); on_time (closed with no deadline ' +
    'or closed_at ≤ handle_due_at); overdue (deadline passed before `to`, open at `to` or closed late); dispatched (before `to`); ' +
    'rework / extension / returned (events with a rework / approve_extension / return action before `to`); evaluated (closed with a ' +
    'satisfaction); satisfied (satisfied or basically_satisfied); inspector (channel inspector_app); handling mode (办理方式): escalated ' +
    '(提级: an escalate action before `to`), transferred (转办: dispatched before `to`, not escalated), direct (直接办理: neither)',
  properties: Object.fromEntries(['total', 'due', 'closed', 'on_time', 'overdue', 'dispatched', 'rework', 'extension', 'returned',
    'evaluated', 'satisfied', 'inspector', 'escalated', 'transferred', 'direct'].map((k) => [k, { type: 'integer' }])),
}
const rate = {
  type: 'object',
  properties: { numerator: { type: 'integer' }, denominator: { type: 'integer' }, rate: { type: ['number', 'null'], description: 'null when the denominator is 0' } },
}
const rates = {
  type: 'object',
  description: '结案率 closeRate = closed/due; 按期结案率 onTimeCloseRate = on_time/due; 返工率 reworkRate, 延期率 extensionRate, ' +
    '退回率 returnRate = …/dispatched; 超期率 overdueRate = overdue/due; 满意率 satisfactionRate = satisfied/evaluated; ' +
    '主动发现率 selfDiscoveryRate = inspector/total',
  properties: Object.fromEntries(Object.keys(RATES).map((k) => [k, rate])),
}
const summary = { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, counts, rates } }
const keyed = {
  type: 'array',
  items: { type: 'object', properties: { key: { type: 'string' }, name: { type: ['string', 'null'] }, total: { type: 'integer' } } },
}

export const indicatorPaths = {
  '/api/v1/analytics/indicators': {
    get: {
      summary: '指标统计: 结案率, 按期结案率, 返工率, 延期率, 退回率, 超期率, 满意率, 主动发现率 with counts by class, channel, demand type and status',
      description: 'For the events created in [from, to) inside the caller\'s jurisdiction (filters as for /analytics/heatmap; resolution is not used). ' +
        'Every count is as of `to`: a closing, deadline or workflow action after `to` has not happened yet. Each rate carries its numerator and ' +
        `denominator (rate null when the denominator is 0). topSmallClasses: the ${TOP_SMALL_CLASSES} largest small classes. ` +
        'period=2026-11-30 | 2026-W48 | 2026-11 | 2026 instead of from/to: that Shanghai day, ISO week, month or year (the current one until now, ' +
        'echoed as period { kind, label, partial }). A window that is one whole period is read from aggregates kept current by triggers ' +
        '(the same numbers as from the events). yoy (同比): the same period a year earlier, or for other windows the same window one calendar year ' +
        'earlier; mom (环比): the period before, or the window of the same length just before (a current period: the same elapsed part). ' +
        `With unit=district|street|community (of the event) or department (assignee; "${UNASSIGNED}" for none), units[] holds one row per unit ` +
        'ranked by total; the rows sum to the whole.',
      parameters: queryParameters(indicatorQuery),
      responses: {
        200: {
          description: '{ from, to, period?, counts, rates, byClass, byChannel, byDemandType, byStatus, topSmallClasses, unit?, units?, yoy, mom }',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  ...summary.properties,
                  period: { type: 'object', properties: { kind: { type: 'string' }, label: { type: 'string' }, partial: { type: 'boolean' } } },
                  byClass: keyed, byChannel: keyed, byDemandType: keyed, byStatus: keyed, topSmallClasses: keyed,
                  unit: { type: 'string', enum: ['district', 'street', 'community', 'department'] },
                  units: {
                    type: 'array',
                    items: { type: 'object', properties: { rank: { type: 'integer' }, key: { type: 'string' }, name: { type: ['string', 'null'] }, counts, rates } },
                  },
                  yoy: summary, mom: summary,
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
