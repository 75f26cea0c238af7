// Chinese names of the indicator counts and rates, and the rows every format writes in the same
// order (so the xlsx, the HTML and the PDF list the same numbers).
import type { IndicatorsOut, Rates } from '../analytics/indicators.ts'
import { statusTitles, type Status } from '../events/workflow.ts'

export const COUNT_NAMES = {
  total: '事件总数', due: '应结案数', closed: '结案数', on_time: '按期结案数', overdue: '超期数', dispatched: '派遣数',
  rework: '返工数', extension: '延期数', returned: '退回数', evaluated: '评价数', satisfied: '满意数', inspector: '主动发现数',
  escalated: '提级办理数', transferred: '转办数', direct: '直接办理数',
} as const
export type CountKey = keyof typeof COUNT_NAMES & keyof IndicatorsOut['counts']

export const RATE_NAMES: Record<keyof Rates, string> = {
  closeRate: '结案率', onTimeCloseRate: '按期结案率', reworkRate: '返工率', extensionRate: '延期率',
  returnRate: '退回率', overdueRate: '超期率', satisfactionRate: '满意率', selfDiscoveryRate: '主动发现率',
}
export const RATE_KEYS = Object.keys(RATE_NAMES) as (keyof Rates)[]
export const COUNT_KEYS = Object.keys(COUNT_NAMES) as CountKey[]

/** what the point before a point of a report's series is */
export const PREVIOUS_POINT = { hour: '前一日同时段', day: '前一日', month: '上月' } as const

export const statusName = (key: string) => statusTitles[key as Status] ?? key

/** (now − before) / before, null without a base */
export const change = (now: number, before: number): number | null => (before === 0 ? null : (now - before) / before)

export interface CountLine { key: CountKey; name: string; value: number; yoy: number; mom: number }
export interface RateLine { key: keyof Rates; name: string; numerator: number; denominator: number; rate: number | null; yoy: number | null; mom: number | null }

export function countLines(ind: IndicatorsOut): CountLine[] {
  return COUNT_KEYS.map((key) => ({ key, name: COUNT_NAMES[key], value: ind.counts[key], yoy: ind.yoy.counts[key], mom: ind.mom.counts[key] }))
}

export function rateLines(ind: IndicatorsOut): RateLine[] {
  return RATE_KEYS.map((key) => ({ key, name: RATE_NAMES[key], ...ind.rates[key], yoy: ind.yoy.rates[key].rate, mom: ind.mom.rates[key].rate }))
}

/** 12.3%, or — without a denominator */
export const pct = (r: number | null, digits = 1) => (r === null ? '—' : `${(r * 100).toFixed(digits)}%`)
/** +12.3% / −4.0%, or — */
export const signedPct = (r: number | null) => (r === null ? '—' : `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(1)}%`)
/** a rate's change in percentage points */
export const points = (now: number | null, before: number | null) =>
  (now === null || before === null ? '—' : `${now >= before ? '+' : '−'}${Math.abs((now - before) * 100).toFixed(1)} 个百分点`)
