// The report as an Excel workbook (exceljs): one sheet per table, numbers as numbers, rates as
// fractions with a percent format (so a spreadsheet can recompute from numerator / denominator).
import ExcelJS from 'exceljs'
import type { Rates, UnitRow } from '../analytics/indicators.ts'
import type { ReportData } from './content.ts'
import { UNIT_NAMES } from './content.ts'
import { forecastSheet } from './forecastSection.ts'
import { COUNT_KEYS, PREVIOUS_POINT, COUNT_NAMES, RATE_KEYS, RATE_NAMES, change, countLines, rateLines, statusName } from './labels.ts'

const PERCENT = '0.0%'
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } }

function sheet(wb: ExcelJS.Workbook, name: string, title: string, columns: { header: string; width: number; percent?: boolean }[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] })
  ws.addRow([title]).font = { bold: true, size: 13 }
  const head = ws.addRow(columns.map((c) => c.header))
  head.font = { bold: true }
  head.eachCell((cell) => { cell.fill = HEADER_FILL })
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1)
    col.width = c.width
    if (c.percent) col.numFmt = PERCENT
  })
  return ws
}

export async function reportXlsx(r: ReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'gridgov'
  wb.created = r.generatedAt
  wb.title = r.title
  indicatorSheet(wb, r)
  keyedSheet(wb, '分类', `${r.title} · 按大类与前十小类`, [
    ['大类', r.ind.byClass.map((k) => [k.key, k.name ?? '', k.total])],
    ['小类（前十）', r.ind.topSmallClasses.map((k) => [k.key, k.name ?? '', k.total])],
  ], r.ind.counts.total)
  keyedSheet(wb, '渠道', `${r.title} · 按渠道、诉求类型与状态`, [
    ['渠道', r.ind.byChannel.map((k) => [k.key, k.name ?? '', k.total])],
    ['诉求类型', r.ind.byDemandType.map((k) => [k.key, k.name ?? k.key, k.total])],
    ['状态', r.ind.byStatus.map((k) => [k.key, statusName(k.key), k.total])],
  ], r.ind.counts.total)
  if (r.unit !== null && r.ind.units) unitSheet(wb, r, r.ind.units)
  trendSheet(wb, r)
  if (r.hotWords) {
    const ws = sheet(wb, '热词', `${r.title} · 热词`, [{ header: '排名', width: 8 }, { header: '词', width: 20 },
      { header: '提及事件数', width: 12 }, { header: '占比', width: 10, percent: true }, { header: '环比', width: 10, percent: true }])
    r.hotWords.forEach((w, i) => ws.addRow([i + 1, w.word, w.count, w.share, w.change]))
  }
  const hs = sheet(wb, '热点', `${r.title} · Gi* 热点与冷点（H3 第${r.map.resolution}级，k=1，FDR 校正）`,
    [{ header: 'H3', width: 18 }, { header: '类别', width: 10 }, { header: '事件数', width: 10 }, { header: 'z 值', width: 10 }])
  for (const h of r.map.hotspots) hs.addRow([h.h3, h.cls, h.count, h.z]).getCell(4).numFmt = '0.00'
  forecastSheet(wb, r.title, r.forecast)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

function indicatorSheet(wb: ExcelJS.Workbook, r: ReportData): void {
  const ws = sheet(wb, '指标', r.title, [
    { header: '指标', width: 14 }, { header: '本期', width: 12 }, { header: '分子', width: 10 }, { header: '分母', width: 10 },
    { header: '去年同期', width: 12 }, { header: '同比', width: 10, percent: true }, { header: '上期', width: 12 }, { header: '环比', width: 10, percent: true },
  ])
  for (const c of countLines(r.ind)) ws.addRow([c.name, c.value, null, null, c.yoy, change(c.value, c.yoy), c.mom, change(c.value, c.mom)])
  for (const x of rateLines(r.ind)) {
    const row = ws.addRow([x.name, x.rate, x.numerator, x.denominator, x.yoy, null, x.mom, null])
    for (const i of [2, 5, 7]) row.getCell(i).numFmt = PERCENT
  }
  ws.addRow([])
  ws.addRow(['统计区间', `${r.window.from.toISOString()} — ${r.window.to.toISOString()}`])
  ws.addRow(['说明', '比率 = 分子 / 分母（分母为 0 时空白）；同比、环比为事件数的变化率；比率的去年同期、上期为当期比率。'])
}

type Section = [string, [string, string, number][]]

function keyedSheet(wb: ExcelJS.Workbook, name: string, title: string, sections: Section[], total: number): void {
  const ws = sheet(wb, name, title, [
    { header: '分组', width: 12 }, { header: '代码', width: 16 }, { header: '名称', width: 20 }, { header: '事件数', width: 10 }, { header: '占比', width: 10, percent: true },
  ])
  for (const [group, rows] of sections) for (const [key, label, n] of rows) ws.addRow([group, key, label, n, total === 0 ? null : n / total])
}

function unitSheet(wb: ExcelJS.Workbook, r: ReportData, units: UnitRow[]): void {
  const ws = sheet(wb, '单位', `${r.title} · 按${UNIT_NAMES[r.unit!]}`, [
    { header: '排名', width: 6 }, { header: '代码', width: 15 }, { header: '名称', width: 16 },
    ...COUNT_KEYS.map((k) => ({ header: COUNT_NAMES[k], width: 10 })),
    ...RATE_KEYS.map((k) => ({ header: RATE_NAMES[k], width: 11, percent: true })),
  ])
  for (const u of units) {
    ws.addRow([u.rank, u.key, u.name ?? '', ...COUNT_KEYS.map((k) => u.counts[k]), ...RATE_KEYS.map((k) => (u.rates as Rates)[k].rate)])
  }
}

function trendSheet(wb: ExcelJS.Workbook, r: ReportData): void {
  const step = { hour: '时段', day: '日期', month: '月份' }[r.trend.step]
  const prev = PREVIOUS_POINT[r.trend.step]
  const ws = sheet(wb, '趋势', `${r.title} · ${r.trend.title}`, [
    { header: step, width: 12 }, { header: '事件数', width: 10 }, { header: prev, width: 12 }, { header: '环比', width: 10, percent: true },
    { header: '去年同期', width: 10 }, { header: '同比', width: 10, percent: true },
  ])
  for (const p of r.trend.points) {
    ws.addRow([p.label, p.count, p.prev, p.prev === null ? null : change(p.count, p.prev), p.yoy, p.yoy === null ? null : change(p.count, p.yoy)])
  }
}
