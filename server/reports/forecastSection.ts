// The coming week's forecast in a periodic report (issue 20 item 1): the report area's daily event
// counts for the seven days after the report's window, all classes and the period's three largest
// big classes, by the model of GET /analytics/forecast (server/analytics/forecast.ts: the same
// function, so the report and the API agree), with the 80 % and 95 % intervals. For an ended
// period the week starts the day after it (the history ends with the period, so a stored report
// never changes); for the current period it starts today.
import type { Knex } from 'knex'
import * as echarts from 'echarts'
import type ExcelJS from 'exceljs'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import type { Keyed } from '../analytics/indicators.ts'
import type { DayKind } from '../analytics/ets.ts'
import { forecast, type ForecastAnswer, METHOD } from '../analytics/forecast.ts'
import { FONT_STACK } from './fonts.ts'

export const FORECAST_DAYS = 7
export const FORECAST_CLASSES = 3
const HISTORY_DAYS = 365

export interface ReportForecast {
  at: string
  total: ForecastAnswer['forecast']
  /** the period's largest big classes: the week's point forecast per day */
  classes: { code: string; name: string; days: ForecastAnswer['forecast'] }[]
  method: ForecastAnswer['method']
}

// the shapes of sections.ts's blocks, restated so this file imports nothing that imports it
type Cell = { text: string; key?: string; num?: boolean }
type Block = { kind: 'para'; text: string } | { kind: 'table'; head: string[]; rows: Cell[][] } | { kind: 'figure'; svg: string }
interface Section { title: string; blocks: Block[] }

const KIND_WORDS: Record<DayKind, string> = { workday: '工作日', weekend: '休息日', holiday: '节假日', makeup: '调休上班' }
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']
const shanghaiDate = (t: Date) => new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)

/**
 * The forecast of the report's area: `area` a district, street or community code, or undefined for
 * the whole jurisdiction (a city-level report area is the jurisdiction: the forecast takes no city).
 */
export async function reportForecast(knex: Knex, scope: Jurisdiction, areaCodes: string[], area: string | undefined,
  windowEnd: Date, byClass: Keyed[]): Promise<ReportForecast | null> {
  const city = areaCodes[0]?.slice(0, 6)
  if (!city) return null
  const own = area !== undefined && !/^[0-9]{4}00000000$/.test(area) ? area : undefined
  const at = shanghaiDate(windowEnd)
  const ask = (klass: string | undefined) => forecast(knex, scope, city, { area: own, class: klass, horizon: FORECAST_DAYS, history: HISTORY_DAYS, at, backtest: false })
  const total = await ask(undefined)
  const classes: ReportForecast['classes'] = []
  for (const k of [...byClass].sort((a, b) => b.total - a.total).slice(0, FORECAST_CLASSES)) {
    classes.push({ code: k.key, name: k.name ?? k.key, days: (await ask(k.key)).forecast })
  }
  return { at, total: total.forecast, classes, method: total.method }
}

const n1 = (v: number) => v.toFixed(1)
const sum = (days: { point: number }[]) => days.reduce((s, d) => s + d.point, 0)

export function forecastSections(f: ReportForecast | null): Section[] {
  if (f === null) return []
  const blocks: Block[] = [
    { kind: 'para', text: `自 ${f.at} 起 7 天，预计共受理事件约 ${n1(sum(f.total))} 件（按日预测之和）。方法：${METHOD}（工作日、休息日、节假日与调休按本市工作日历分别估计系数，` +
      `以最近 ${f.method.historyDays} 天拟合，α=${f.method.alpha}，γ=${f.method.gamma}）；区间为模型的解析预测区间，小于 0 处截为 0。` },
    { kind: 'figure', svg: forecastChart(f) },
    {
      kind: 'table', head: ['日期', '星期', '日类型', '预测件数', '80% 区间', '95% 区间'],
      rows: f.total.map((d) => [
        { text: d.date }, { text: `周${WEEKDAYS[new Date(`${d.date}T00:00:00Z`).getUTCDay()]}` }, { text: KIND_WORDS[d.kind] },
        { text: n1(d.point), key: `forecast.total.${d.date}.point`, num: true },
        { text: `${n1(d.lo80)} – ${n1(d.hi80)}`, key: `forecast.total.${d.date}.hi80` }, { text: `${n1(d.lo95)} – ${n1(d.hi95)}`, key: `forecast.total.${d.date}.hi95` },
      ]),
    },
  ]
  if (f.classes.length) {
    blocks.push({
      kind: 'table', head: ['大类', ...f.total.map((d) => d.date.slice(5)), '七日合计'],
      rows: f.classes.map((c) => [{ text: `${c.code} ${c.name}` },
        ...c.days.map((d) => ({ text: n1(d.point), key: `forecast.class.${c.code}.${d.date}.point`, num: true })),
        { text: n1(sum(c.days)), num: true }]),
    })
  }
  return [{ title: '九、未来一周预测', blocks }]
}

function forecastChart(f: ReportForecast): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 720, height: 280 })
  try {
    const lo = f.total.map((d) => d.lo95)
    chart.setOption({
      animation: false, textStyle: { fontFamily: FONT_STACK, fontSize: 12 },
      title: { text: '未来一周每日事件数预测（95% 区间）', left: 'center', top: 4, textStyle: { fontFamily: FONT_STACK, fontSize: 14, fontWeight: 'bold' } },
      grid: { left: 50, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: f.total.map((d) => d.date.slice(5)) },
      yAxis: { type: 'value', min: 0 },
      series: [
        // the band: the lower bound stacked with the width, only the width filled
        { type: 'line', data: lo, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 } },
        { type: 'line', data: f.total.map((d, i) => d.hi95 - lo[i]!), stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: '#2f6fb5', opacity: 0.18 } },
        { type: 'line', data: f.total.map((d) => d.point), symbolSize: 5, lineStyle: { width: 2, color: '#2f6fb5' }, itemStyle: { color: '#2f6fb5' } },
      ],
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

/** The sheet 预测 of the workbook: numbers as numbers. */
export function forecastSheet(wb: ExcelJS.Workbook, title: string, f: ReportForecast | null): void {
  if (f === null) return
  const ws = wb.addWorksheet('预测', { views: [{ state: 'frozen', ySplit: 2 }] })
  ws.addRow([`${title} · 未来一周预测（${METHOD}）`]).font = { bold: true, size: 13 }
  ws.addRow(['序列', '日期', '日类型', '预测件数', '80%下限', '80%上限', '95%下限', '95%上限']).font = { bold: true }
  ws.getColumn(1).width = 20
  ws.getColumn(2).width = 12
  for (const d of f.total) ws.addRow(['全部', d.date, KIND_WORDS[d.kind], d.point, d.lo80, d.hi80, d.lo95, d.hi95])
  for (const c of f.classes) for (const d of c.days) ws.addRow([`${c.code} ${c.name}`, d.date, KIND_WORDS[d.kind], d.point, d.lo80, d.hi80, d.lo95, d.hi95])
}
