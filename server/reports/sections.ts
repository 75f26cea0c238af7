// The report as a list of sections (paragraphs, tables, SVG figures), written once and rendered
// by html.ts and pdf.ts alike, so the two show the same numbers and charts. A table cell may carry
// a key (data-key in HTML) naming the indicators field it shows, which the tests read back.
import type { ReportData } from './content.ts'
import { KIND_NAMES, UNIT_NAMES, shanghai } from './content.ts'
import { barChart, pieChart, rateChart, trendChart } from './charts.ts'
import { mapSvg } from './mapSvg.ts'
import { forecastSections } from './forecastSection.ts'
import { PREVIOUS_POINT, change, countLines, pct, points, rateLines, signedPct, statusName } from './labels.ts'

export interface Cell { text: string; key?: string; num?: boolean }
export type Block =
  | { kind: 'para'; text: string }
  | { kind: 'table'; head: string[]; rows: Cell[][] }
  | { kind: 'figure'; svg: string; caption?: string }
export interface Section { title: string; blocks: Block[] }

const num = (v: number, key?: string): Cell => ({ text: String(v), key, num: true })
const txt = (text: string): Cell => ({ text })
const stamp = (t: Date) => { const s = shanghai(t); return `${s.date} ${s.hh}:${s.mm}` }

export function reportSections(r: ReportData): Section[] {
  const { ind } = r
  const out: Section[] = []
  const c = ind.counts
  const close = ind.rates.closeRate
  out.push({
    title: '一、总体情况',
    blocks: [
      { kind: 'para', text: `统计区间：${stamp(r.window.from)} 至 ${stamp(r.window.to)}（北京时间）${r.partial ? '，本期尚未结束，数据截至生成时' : ''}。` },
      { kind: 'para', text: `本期共受理事件 ${c.total} 件，同比 ${signedPct(change(c.total, ind.yoy.counts.total))}（去年同期 ${ind.yoy.counts.total} 件），` +
        `环比 ${signedPct(change(c.total, ind.mom.counts.total))}（上期 ${ind.mom.counts.total} 件）；结案 ${c.closed} 件，结案率 ${pct(close.rate)}，` +
        `超期 ${c.overdue} 件，主动发现 ${c.inspector} 件。` },
      {
        kind: 'table', head: ['项目', '本期', '去年同期', '同比', '上期', '环比'],
        rows: countLines(ind).map((l) => [txt(l.name), num(l.value, `counts.${l.key}`), num(l.yoy, `yoy.counts.${l.key}`),
          txt(signedPct(change(l.value, l.yoy))), num(l.mom, `mom.counts.${l.key}`), txt(signedPct(change(l.value, l.mom)))]),
      },
    ],
  })
  const rates = rateLines(ind)
  out.push({
    title: '二、主要指标',
    blocks: [
      {
        kind: 'table', head: ['指标', '分子', '分母', '本期', '去年同期', '同比', '上期', '环比'],
        rows: rates.map((l) => [txt(l.name), num(l.numerator, `rates.${l.key}.numerator`), num(l.denominator, `rates.${l.key}.denominator`),
          { text: pct(l.rate), key: `rates.${l.key}.rate`, num: true }, txt(pct(l.yoy)), txt(points(l.rate, l.yoy)), txt(pct(l.mom)), txt(points(l.rate, l.mom))]),
      },
      { kind: 'figure', svg: rateChart('主要指标（%）', rates.map((l) => ({ name: l.name, rate: l.rate }))) },
    ],
  })
  const share = (n: number) => (c.total === 0 ? '—' : pct(n / c.total))
  const keyedRows = (rows: { key: string; name: string | null; total: number }[], field: string, name = (k: string) => k) =>
    rows.map((k) => [txt(k.key), txt(k.name ?? name(k.key)), num(k.total, `${field}.${k.key}`), txt(share(k.total))])
  out.push({
    title: '三、事件分类',
    blocks: [
      { kind: 'figure', svg: barChart('按大类', ind.byClass) },
      { kind: 'table', head: ['大类代码', '大类', '事件数', '占比'], rows: keyedRows(ind.byClass, 'byClass') },
      { kind: 'figure', svg: barChart('前十小类', ind.topSmallClasses) },
      { kind: 'table', head: ['小类代码', '小类', '事件数', '占比'], rows: keyedRows(ind.topSmallClasses, 'topSmallClasses') },
    ],
  })
  out.push({
    title: '四、来源渠道与诉求类型',
    blocks: [
      { kind: 'figure', svg: pieChart('按渠道', ind.byChannel) },
      { kind: 'table', head: ['渠道代码', '渠道', '事件数', '占比'], rows: keyedRows(ind.byChannel, 'byChannel') },
      { kind: 'figure', svg: pieChart('按诉求类型', ind.byDemandType) },
      { kind: 'table', head: ['诉求类型', '名称', '事件数', '占比'], rows: keyedRows(ind.byDemandType, 'byDemandType') },
      { kind: 'table', head: ['状态代码', '状态', '事件数', '占比'], rows: keyedRows(ind.byStatus, 'byStatus', statusName) },
    ],
  })
  if (r.unit !== null && ind.units) {
    out.push({
      title: `五、各${UNIT_NAMES[r.unit]}情况`,
      blocks: [{
        kind: 'table', head: ['排名', UNIT_NAMES[r.unit], '事件数', '结案数', '结案率', '按期结案率', '超期数', '满意率', '主动发现率'],
        rows: ind.units.map((u) => [num(u.rank), txt(u.name ?? u.key), num(u.counts.total, `units.${u.key}.total`),
          num(u.counts.closed, `units.${u.key}.closed`), txt(pct(u.rates.closeRate.rate)), txt(pct(u.rates.onTimeCloseRate.rate)),
          num(u.counts.overdue, `units.${u.key}.overdue`), txt(pct(u.rates.satisfactionRate.rate)), txt(pct(u.rates.selfDiscoveryRate.rate))]),
      }],
    })
  }
  out.push({
    title: '六、时间分布',
    blocks: [
      { kind: 'figure', svg: trendChart(r.trend) },
      {
        // hours have no 去年同期 column (a year-earlier hour says little)
        kind: 'table', head: [r.trend.step === 'hour' ? '时段' : r.trend.step === 'day' ? '日期' : '月份', '事件数', PREVIOUS_POINT[r.trend.step],
          ...(r.trend.step === 'hour' ? [] : ['去年同期'])],
        rows: r.trend.points.map((p) => [txt(p.label), num(p.count, `trend.${p.label}`), txt(p.prev === null ? '—' : String(p.prev)),
          ...(r.trend.step === 'hour' ? [] : [txt(p.yoy === null ? '—' : String(p.yoy))])]),
      },
    ],
  })
  out.push({
    title: '七、热词',
    blocks: r.hotWords === null ? [{ kind: 'para', text: '热词统计未启用。' }]
      : r.hotWords.length === 0 ? [{ kind: 'para', text: '本期无热词。' }]
        : [{ kind: 'table', head: ['排名', '热词', '提及事件数', '占比', '环比'],
          rows: r.hotWords.map((w, i) => [num(i + 1), txt(w.word), num(w.count, `hotWords.${w.word}`), txt(pct(w.share)), txt(signedPct(w.change))]) }],
  })
  const hot = r.map.hotspots.filter((h) => h.cls.startsWith('hot')).length
  out.push({
    title: '八、事件分布图',
    blocks: [
      { kind: 'para', text: `热力：H3 第 ${r.map.resolution} 级网格 ${r.map.cells.length} 个有事件；Gi* 热点 ${hot} 个、冷点 ${r.map.hotspots.length - hot} 个（邻域 k=1，Benjamini-Hochberg FDR 校正）；底图为辖区边界与基础网格。` },
      { kind: 'figure', svg: mapSvg(r.map, `${r.areaName} ${KIND_NAMES[r.period.kind]}事件分布`) },
    ],
  })
  out.push(...forecastSections(r.forecast))
  return out
}
