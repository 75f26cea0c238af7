// The 态势 panel's ECharts: trend (last 30 days with 同比), classes, channels and units. ECharts is
// imported piece by piece (echartsSetup.ts: core, three chart types, three components, the SVG
// renderer) and only when a chart is first drawn, as a chunk of its own; the colours are those of
// ui/style.css (dark command screen).
import type { ECharts, EChartsCoreOption } from 'echarts/core'
import type { Keyed, SeriesPeriod } from './situationApi.ts'

type Echarts = typeof import('./echartsSetup.ts')['echarts']
let echarts: Echarts | null = null
let loading: Promise<Echarts> | null = null
/** Loads ECharts once; charts waiting for it draw when it arrives. */
const loadEcharts = () => (loading ??= import('./echartsSetup.ts').then((m) => (echarts = m.echarts)))

const TEXT = '#d7e3f4'
const MUTED = '#7f93ad'
const LINE = '#1d3a5c'
const PALETTE = ['#3fb6ff', '#58d68d', '#f4a261', '#c77dff', '#ff6b6b', '#2ec4b6', '#ffd166', '#8d99ae', '#4cc9f0', '#e76f51']

const base = {
  backgroundColor: 'transparent',
  color: PALETTE,
  textStyle: { color: TEXT, fontFamily: 'inherit', fontSize: 12 },
  animation: false,
  tooltip: { backgroundColor: 'rgba(10, 24, 42, 0.95)', borderColor: '#2a5680', textStyle: { color: TEXT } },
}
const axisLabel = { color: MUTED, fontSize: 11 }
const axisLine = { lineStyle: { color: LINE } }
const splitLine = { lineStyle: { color: LINE, type: 'dashed' as const } }

/** A row of a bar chart that knows what it stands for (a unit clicked drills down to it). */
export interface BarRow { key: string; name: string; value: number }

/** One chart in its element, drawn once the element has a size (a hidden dock tab has none). */
export class Chart {
  private chart: ECharts | null = null
  private option: EChartsCoreOption | null = null
  onClick: ((key: string) => void) | null = null

  constructor(readonly element: HTMLElement) {}

  set(option: EChartsCoreOption): void {
    this.option = { ...base, ...option }
    this.draw()
  }

  /** Draws (or resizes) when the element is on screen; the panel calls it on show. */
  draw(): void {
    if (!this.option || this.element.clientWidth === 0) return
    if (!echarts) {
      void loadEcharts().then(() => this.draw())
      return
    }
    if (!this.chart) {
      this.chart = echarts.init(this.element, null, { renderer: 'svg' })
      this.chart.on('click', (p) => {
        const key = (p.data as { key?: string } | undefined)?.key
        if (key && this.onClick) this.onClick(key)
      })
    } else this.chart.resize()
    this.chart.setOption(this.option, { notMerge: true })
    this.element.dataset.drawn = String(Number(this.element.dataset.drawn ?? 0) + 1)
  }

  dispose(): void {
    this.chart?.dispose()
    this.chart = null
    this.option = null
    delete this.element.dataset.drawn
  }
}

/** Daily counts of the window with the same days a year earlier (同比). */
export function trendOption(periods: SeriesPeriod[]): EChartsCoreOption {
  return {
    grid: { left: 34, right: 10, top: 26, bottom: 22 },
    legend: { top: 0, right: 0, textStyle: { color: MUTED }, itemWidth: 14, itemHeight: 8, data: ['事件数', '去年同期'] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: periods.map((p) => p.label.slice(5)), axisLabel, axisLine, axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1, axisLabel, splitLine },
    series: [
      { name: '事件数', type: 'line', data: periods.map((p) => p.count), symbol: 'none', smooth: true, areaStyle: { opacity: 0.15 } },
      { name: '去年同期', type: 'line', data: periods.map((p) => p.yoy.count), symbol: 'none', smooth: true, lineStyle: { type: 'dashed', width: 1 } },
    ],
  }
}

/** Horizontal ranked bars (largest on top); rows with a key are clickable. */
export function barOption(rows: BarRow[], colour = PALETTE[0]!): EChartsCoreOption {
  const shown = rows.slice(0, 12).reverse()
  return {
    grid: { left: 8, right: 36, top: 4, bottom: 4, containLabel: true },
    tooltip: { trigger: 'item', formatter: '{b}：{c} 件' },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', data: shown.map((r) => r.name), axisLabel: { ...axisLabel, color: TEXT, width: 110, overflow: 'truncate' }, axisLine, axisTick: { show: false } },
    series: [{
      type: 'bar', barMaxWidth: 14, itemStyle: { color: colour, borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right', color: MUTED },
      data: shown.map((r) => ({ value: r.value, key: r.key, name: r.name })),
    }],
  }
}

/** Shares as a ring (channels). */
export function pieOption(rows: BarRow[]): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' },
    legend: { orient: 'vertical', right: 0, top: 'middle', textStyle: { color: MUTED, fontSize: 11 }, itemWidth: 10, itemHeight: 10 },
    series: [{
      type: 'pie', radius: ['42%', '70%'], center: ['32%', '50%'], label: { show: false },
      itemStyle: { borderColor: '#0a182a', borderWidth: 1 },
      data: rows.map((r) => ({ value: r.value, name: r.name, key: r.key })),
    }],
  }
}

export const keyedRows = (items: Keyed[], title: (k: Keyed) => string = (k) => k.name ?? k.key): BarRow[] =>
  items.filter((k) => k.total > 0).map((k) => ({ key: k.key, name: title(k), value: k.total }))
