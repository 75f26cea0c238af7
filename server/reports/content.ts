// What a periodic report says, gathered once and then written as xlsx, HTML or PDF: the indicators
// of the period (indicators(), so every number equals GET /analytics/indicators for the same
// window and area), the rows per unit one level below the area, the series inside the period,
// hot words when that module is present, and the map (heatmap cells and Gi* hot spots).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import type { AnalyticsFilter } from '../analytics/filters.ts'
import { indicators, periodWindow, type IndicatorsOut, type Unit } from '../analytics/indicators.ts'
import { series } from '../analytics/series.ts'
import type { Period, PeriodKind } from '../analytics/calendarPeriods.ts'
import { mapData, type MapData } from './mapData.ts'
import { reportHotWords, type HotWord } from './words.ts'
import { reportForecast, type ReportForecast } from './forecastSection.ts'

export const KIND_NAMES: Record<PeriodKind, string> = { daily: '日报', weekly: '周报', monthly: '月报', annual: '年报' }
export const UNIT_NAMES: Record<Unit, string> = { district: '区县', street: '街道', community: '社区', department: '部门' }

export interface TrendPoint { label: string; count: number; prev: number | null; yoy: number | null }
export interface Trend { step: 'hour' | 'day' | 'month'; title: string; points: TrendPoint[] }

export interface ReportData {
  period: Period
  /** the report's area: 12-digit codes (one, or the jurisdiction's divisions) and display name */
  areaCodes: string[]
  areaName: string
  title: string
  /** the window actually counted: [period.from, min(period.to, now)) */
  window: { from: Date; to: Date }
  partial: boolean
  generatedAt: Date
  ind: IndicatorsOut
  unit: Unit | null
  trend: Trend
  hotWords: HotWord[] | null
  map: MapData
  /** the coming week's forecast (forecastSection.ts) */
  forecast: ReportForecast | null
}

const LEVEL_UNIT: Record<number, Unit | null> = { 4: 'district', 6: 'street', 9: 'community', 12: null }

/** The report of `period` for `area` (or the caller's whole jurisdiction) as of `now`. */
export async function reportData(knex: Knex, scope: Jurisdiction, period: Period, area: string | undefined, now: Date): Promise<ReportData> {
  // the window and its 同比 / 环比 windows exactly as GET /analytics/indicators?period= takes them
  const { f, compare, partial } = periodWindow({ area }, period, now)
  const window = { from: f.from, to: f.to }
  const prefixes = area !== undefined ? [adminPrefix(area)] : [...scope.prefixes]
  const areaCodes = prefixes.map((p) => p.padEnd(12, '0'))
  // rows one level below the shallowest division of the report (none below a community)
  const unit = LEVEL_UNIT[Math.min(...prefixes.map((p) => p.length))] ?? null
  const [ind, trend, hotWords, map, areaName] = [
    await indicators(knex, scope, f, unit ?? undefined, { compare, period: { kind: period.kind, label: period.label, partial } }),
    await trendOf(knex, scope, f, period.kind),
    await reportHotWords(knex, scope, f),
    await mapData(knex, scope, f, areaCodes, prefixes),
    await divisionNames(knex, areaCodes),
  ]
  const forecast = await reportForecast(knex, scope, areaCodes, area, window.to, ind.byClass)
  return {
    period, areaCodes, areaName, window, partial, generatedAt: now, ind, unit, trend, hotWords, map, forecast,
    title: titleOf(areaName, period, partial ? window.to : null),
  }
}

async function divisionNames(knex: Knex, codes: string[]): Promise<string> {
  const rows = await knex('admin_division').whereIn('code', codes).orderBy('code').select('name') as { name: string }[]
  return rows.map((r) => r.name).join('、') || '辖区'
}

const SHANGHAI = 8 * 3_600_000
/** Shanghai wall-clock parts of an instant. */
export function shanghai(t: Date): { y: number; m: number; d: number; hh: string; mm: string; date: string } {
  const w = new Date(t.getTime() + SHANGHAI)
  const iso = w.toISOString()
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate(), hh: iso.slice(11, 13), mm: iso.slice(14, 16), date: iso.slice(0, 10) }
}

/** 2026年11月30日 / 2026年第48周（11月23日—11月29日）/ 2026年11月 / 2026年 */
export function periodName(p: Period): string {
  const a = shanghai(p.from)
  if (p.kind === 'daily') return `${a.y}年${a.m}月${a.d}日`
  if (p.kind === 'monthly') return `${a.y}年${a.m}月`
  if (p.kind === 'annual') return `${a.y}年`
  const b = shanghai(new Date(p.to.getTime() - 1))
  return `${p.label.slice(0, 4)}年第${Number(p.label.slice(6))}周（${a.m}月${a.d}日—${b.m}月${b.d}日）`
}

export function titleOf(areaName: string, p: Period, partialAt: Date | null): string {
  const base = `${areaName} ${periodName(p)} ${KIND_NAMES[p.kind]}`
  if (partialAt === null) return base
  const s = shanghai(partialAt)
  return `${base}（截至 ${s.date} ${s.hh}:${s.mm}）`
}

/** Hours of a day (own query), days of a week or month, months of a year (series()). */
async function trendOf(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, kind: PeriodKind): Promise<Trend> {
  if (kind === 'daily') return hourly(knex, scope, f)
  const s = await series(knex, scope, f, kind === 'annual' ? 'month' : 'day')
  return {
    step: kind === 'annual' ? 'month' : 'day',
    title: kind === 'annual' ? '各月事件数' : '每日事件数',
    points: s.periods.map((p) => ({ label: p.label, count: p.count, prev: p.prev.count, yoy: p.yoy.count })),
  }
}

async function hourly(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter): Promise<Trend> {
  const { rows } = await knex.raw(sqlFile('reports/hourly'), {
    from: f.from, to: f.to, before: new Date(f.from.getTime() - 86_400_000), patterns: scope.patterns,
    area: f.area === undefined ? null : `${adminPrefix(f.area)}%`,
  }) as { rows: { hour: number; n: number }[] }
  const at = new Map(rows.map((r) => [r.hour, r.n]))
  const hours = Math.ceil((f.to.getTime() - f.from.getTime()) / 3_600_000)
  return {
    step: 'hour', title: '各时段事件数',
    points: Array.from({ length: hours }, (_, h) => ({
      label: `${String(h).padStart(2, '0')}时`, count: at.get(h) ?? 0, prev: at.get(h - 24) ?? 0, yoy: null,
    })),
  }
}
