// Charts of a report as SVG strings, rendered by ECharts on the server (SSR, no DOM, no canvas):
// the same SVG goes inline into the HTML and through svg-to-pdfkit into the PDF.
import * as echarts from 'echarts'
import type { Keyed } from '../analytics/indicators.ts'
import type { Trend } from './content.ts'
import { FONT_STACK } from './fonts.ts'

/**
 * Font families of every chart text: the CJK font embedded in PDFs (Noto Sans SC / Noto Sans Hans
 * from @embedpdf/fonts-sc), then common system CJK fonts for browsers opening the HTML.
 * Single quotes: ECharts writes this into an SVG style attribute in double quotes.
 */
const PALETTE = ['#2f6fb5', '#e3803a', '#3fa35b', '#c8423b', '#8a63b8', '#8c6d52', '#d36fb0', '#7f7f7f', '#b5b83a', '#35a9bd']

export interface ChartSize { width: number; height: number }

function render(option: echarts.EChartsCoreOption, size: ChartSize): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height })
  try {
    // no white halo behind labels: svg-to-pdfkit ignores paint-order and would draw the halo over the text
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: FONT_STACK, fontSize: 12 }, ...option })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}

const titleOf = (text: string) => ({ text, left: 'center', top: 4, textStyle: { fontFamily: FONT_STACK, fontSize: 14, fontWeight: 'bold' } })

/** Horizontal bars, largest on top (class, channel, top small classes). */
export function barChart(title: string, rows: Keyed[], size: ChartSize = { width: 720, height: 60 + 26 * Math.max(rows.length, 1) }): string {
  const shown = [...rows].reverse()
  return render({
    title: titleOf(title),
    grid: { left: 150, right: 60, top: 36, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.name ?? r.key), axisLabel: { width: 140, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((r) => r.total), label: { show: true, position: 'right', textBorderWidth: 0 }, barMaxWidth: 18 }],
  }, size)
}

/** A pie of shares (demand types, channels). */
export function pieChart(title: string, rows: Keyed[], size: ChartSize = { width: 560, height: 280 }): string {
  return render({
    title: titleOf(title),
    series: [{
      type: 'pie', radius: ['28%', '56%'], center: ['50%', '56%'],
      data: rows.map((r) => ({ name: r.name ?? r.key, value: r.total })),
      label: { formatter: '{b}\n{c}', textBorderWidth: 0, overflow: 'none' },
    }],
  }, size)
}

/** The eight rates as horizontal bars in percent (only rates with a denominator). */
export function rateChart(title: string, rates: { name: string; rate: number | null }[], size: ChartSize = { width: 720, height: 280 }): string {
  const shown = [...rates].reverse()
  return render({
    title: titleOf(title),
    grid: { left: 110, right: 70, top: 36, bottom: 24 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: shown.map((r) => r.name) },
    series: [{
      type: 'bar', barMaxWidth: 16,
      data: shown.map((r) => (r.rate === null ? null : Math.round(r.rate * 1000) / 10)),
      label: { show: true, position: 'right', formatter: '{c}%', textBorderWidth: 0 },
    }],
  }, size)
}

/**
 * Counts per hour / day / month, with the same point a year earlier dotted; for the hours of a day
 * also the same hour the day before, dashed (for days and months the point before is the previous
 * day or month, which is the line itself shifted: the table has it, the chart does not).
 */
export function trendChart(trend: Trend, size: ChartSize = { width: 720, height: 300 }): string {
  const prevName = trend.step === 'hour' ? '前一日' : null
  const hasYoy = trend.points.some((p) => p.yoy !== null && p.yoy > 0)
  return render({
    title: titleOf(trend.title),
    legend: { bottom: 0, data: ['本期', ...(prevName ? [prevName] : []), ...(hasYoy ? ['去年同期'] : [])] },
    grid: { left: 50, right: 24, top: 40, bottom: 56 },
    xAxis: { type: 'category', data: trend.points.map((p) => shortLabel(p.label)), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '本期', type: 'line', data: trend.points.map((p) => p.count), symbolSize: 4, lineStyle: { width: 2 } },
      ...(prevName ? [{ name: prevName, type: 'line', data: trend.points.map((p) => p.prev), symbol: 'none', lineStyle: { type: 'dashed', width: 1 } }] : []),
      ...(hasYoy ? [{ name: '去年同期', type: 'line', data: trend.points.map((p) => p.yoy), symbol: 'none', lineStyle: { type: 'dotted', width: 1 } }] : []),
    ],
  }, size)
}

/** 2026-11-05 → 11-05; 2026-11 → 11月; hours as they are */
const shortLabel = (label: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(label) ? label.slice(5) : /^\d{4}-\d{2}$/.test(label) ? `${Number(label.slice(5))}月` : label
