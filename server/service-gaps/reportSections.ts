// The yearly service-gap report (一年一体检报告) as sections (paragraphs, tables, SVG maps) in the
// periodic reports' block format, rendered by server/reports/serviceGaps.ts to HTML or PDF. One map
// per service: each community filled by the share of those it serves living within reach (reds
// where the service is lacking, greens where it is not), communities short of capacity (2SFCA)
// outlined in a heavy dashed line, the facilities as dots. The map is plain
// SVG with styling in attributes only (svg-to-pdfkit ignores CSS), projected equirectangularly
// around the map's mid-latitude as the periodic report's map is.
import { escapeXml } from '../http/errors.ts'
import { FONT_STACK } from '../reports/fonts.ts'
import type { Cell, Section } from '../reports/sections.ts'
import type { CommunityGaps, ServiceGapsAnswer } from './gaps.ts'

const WIDTH = 760
const MAX_HEIGHT = 560
const PAD = 12
const LEGEND = 40
const LACKING = ['#fee5d9', '#fcae91', '#fb6a4a', '#cb181d']
const SERVED = ['#c7e9c0', '#74c476', '#31a354']
const NOBODY = '#eeeeee'

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
const num = (v: number | null): Cell => ({ text: v === null ? '—' : String(v), num: true })
const txt = (text: string): Cell => ({ text })
const dec = (v: number | null): Cell => ({ text: v === null ? '—' : String(Math.round(v * 100) / 100), num: true })
/** The services' reaches or thresholds in one phrase: one figure when all share it, else per service. */
const each = (a: ServiceGapsAnswer, f: (k: ServiceGapsAnswer['kinds'][number]) => string) => {
  const all = a.kinds.map((k) => f(k))
  return new Set(all).size <= 1 ? (all[0] ?? '—') : a.kinds.map((k, i) => `${k.name} ${all[i]}`).join('，')
}

/** Fill of a community for one service: lacking in four reds by how far below the threshold, else three greens. */
export function gapColour(share: number | null, lacking: boolean, minShare: number): string {
  if (share === null) return NOBODY
  if (lacking) return LACKING[Math.min(3, Math.floor((1 - share / Math.max(minShare, 1e-9)) * 4))]!
  return SERVED[share >= 0.99 ? 2 : share >= (1 + minShare) / 2 ? 1 : 0]!
}

export function serviceGapSections(a: ServiceGapsAnswer): Section[] {
  const lacking = a.kinds.reduce((s, k) => s + k.communitiesLacking, 0)
  const out: Section[] = [{
    title: '一、总体情况',
    blocks: [
      { kind: 'para', text: `体检年度：${a.year} 年。步行可达范围：沿道路步行 ${each(a, (k) => `${k.reach} 米`)}以内（含设施、住所到道路的直线距离）；` +
        `某项服务的可达比例低于 ${each(a, (k) => pct(k.minShare))} 的社区记为服务短缺。人口取人口登记的现状（未迁出的居民，以所住房屋位置计），` +
        `养老服务以年末 60 岁及以上居民计；相关诉求为本年度相关小类的事件数（作废的重复件不计）。` +
        `服务项目与标准取自 ${a.at.slice(0, 10)} 生效的体检规则配置${a.reach === null && a.minShare === null ? '' : '，其中步行范围或可达比例按本次请求指定'}。` },
      { kind: 'para', text: '设施容量按两步移动搜寻法（2SFCA）计：每处设施的供需比为其容量除以步行范围内的服务人口，' +
        '每处住所的可达容量为其步行范围内各设施供需比之和，社区取按服务人口加权的平均，以每千名服务人口计；低于容量标准的社区记为容量不足。' },
      { kind: 'para', text: `共体检 ${a.communities.length} 个社区、${a.kinds.length} 项服务，发现服务短缺 ${lacking} 处、容量不足 ${a.kinds.reduce((s, k) => s + k.communitiesShort, 0)} 处；` +
        `路网 ${a.network.segments} 段、${a.network.nodes} 个节点。` },
      {
        kind: 'table', head: ['服务', '设施数', '服务人口', '步行可达人口', '可达比例', '短缺社区数', '容量（单位）', '每千人可达容量', '容量标准', '容量不足社区数'],
        rows: a.kinds.map((k) => [txt(k.name), num(k.facilities), num(k.served), num(k.servedInReach), txt(pct(k.share)), num(k.communitiesLacking),
          txt(`${k.capacity}（${k.capacityUnit}）`), dec(k.accessPer1000), dec(k.minAccessPer1000), num(k.communitiesShort)]),
      },
    ],
  }]
  a.kinds.forEach((k, i) => {
    const lack = a.communities.filter((c) => c.services[i]!.lacking).map((c) => c.name)
    const short = a.communities.filter((c) => c.services[i]!.capacityShort).map((c) => c.name)
    out.push({
      title: `${'二三四五六七八九'[i] ?? String(i + 2)}、${k.name}`,
      blocks: [
        { kind: 'para', text: lack.length ? `服务短缺的社区（${lack.length} 个）：${lack.join('、')}。` : '各社区均达到可达比例要求。' },
        { kind: 'para', text: k.minAccessPer1000 === null ? `未设容量标准；每千名服务人口可达${k.capacityUnit}见下表。`
          : short.length ? `容量不足（每千名服务人口可达${k.capacityUnit}低于 ${k.minAccessPer1000}）的社区（${short.length} 个）：${short.join('、')}。`
            : `各社区每千名服务人口可达${k.capacityUnit}均达到 ${k.minAccessPer1000}。` },
        { kind: 'figure', svg: gapMapSvg(a, i), caption: `${k.name}：各社区步行 ${k.reach} 米可达比例、容量不足社区（虚线框）与设施分布` },
        {
          kind: 'table', head: ['社区', '设施数', k.serves === 'elderly' ? '老年人口' : '常住人口', '可达比例', '住户可达比例', '每设施服务人口', '相关诉求', '结论',
            `容量（${k.capacityUnit}）`, '每千人可达容量', '容量结论'],
          rows: a.communities.map((c) => {
            const s = c.services[i]!
            return [txt(c.name), num(s.facilities), num(s.served), txt(pct(s.share)), txt(pct(s.householdShare)), num(s.perFacility), num(s.demands), txt(s.lacking ? '短缺' : '达标'),
              num(s.capacity), dec(s.accessPer1000), txt(k.minAccessPer1000 === null || s.accessPer1000 === null ? '—' : s.capacityShort ? '不足' : '达标')]
          }),
        },
      ],
    })
  })
  return out
}

interface Projection { x: (lon: number) => number; y: (lat: number) => number; height: number }

function projection(communities: CommunityGaps[]): Projection | null {
  const pts = communities.flatMap((c) => (c.rings ?? []).flat())
  if (pts.length === 0) return null
  const xs = pts.map((p) => p[0]!), ys = pts.map((p) => p[1]!)
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys)
  if (x1 <= x0 || y1 <= y0) return null
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180)
  const inner = WIDTH - 2 * PAD
  let scale = inner / ((x1 - x0) * k)
  if ((y1 - y0) * scale > MAX_HEIGHT - 2 * PAD) scale = (MAX_HEIGHT - 2 * PAD) / (y1 - y0)
  const offsetX = PAD + (inner - (x1 - x0) * k * scale) / 2
  return { x: (lon) => offsetX + (lon - x0) * k * scale, y: (lat) => PAD + (y1 - lat) * scale, height: Math.ceil((y1 - y0) * scale + 2 * PAD) }
}

/** The map of service `i`: communities filled by their share within reach, facilities as dots, a legend. */
export function gapMapSvg(a: ServiceGapsAnswer, i: number): string {
  const k = a.kinds[i]!
  const p = projection(a.communities)
  if (p === null) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="80" viewBox="0 0 ${WIDTH} 80">` +
      `<text x="${WIDTH / 2}" y="44" text-anchor="middle" font-family="${FONT_STACK}" font-size="14" fill="#555">${escapeXml(k.name)}：无可绘制的区域</text></svg>`
  }
  const n = (v: number) => v.toFixed(1)
  const path = (rings: number[][][]) => rings.map((r) => `M${r.map(([lon, lat]) => `${n(p.x(lon!))} ${n(p.y(lat!))}`).join('L')}Z`).join('')
  const height = p.height + LEGEND
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT_STACK}" class="gap-map" data-kind="${k.kind}">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  ]
  for (const c of a.communities) {
    const s = c.services[i]!
    out.push(`<path class="gap-community" data-code="${c.code}" data-share="${s.share ?? ''}" data-lacking="${s.lacking}" ` +
      `data-access="${s.accessPer1000 ?? ''}" data-short="${s.capacityShort}" d="${path(c.rings ?? [])}" ` +
      `fill="${gapColour(s.share, s.lacking, k.minShare)}" stroke="#555555" stroke-width="0.8"/>`)
  }
  // short of capacity: a heavy dashed outline over the fill, so both readings show at once
  for (const c of a.communities) {
    if (c.services[i]!.capacityShort) out.push(`<path class="gap-short" d="${path(c.rings ?? [])}" fill="none" stroke="#6a3d9a" stroke-width="2.2" stroke-dasharray="5 3"/>`)
  }
  for (const c of a.communities) {
    const pts = (c.rings ?? [])[0]
    if (!pts?.length) continue
    // the label at the outer ring's vertex mean: good enough for the compact community shapes
    const cx = pts.reduce((s, q) => s + p.x(q[0]!), 0) / pts.length, cy = pts.reduce((s, q) => s + p.y(q[1]!), 0) / pts.length
    out.push(`<text x="${n(cx)}" y="${n(cy)}" text-anchor="middle" font-size="10" fill="#333333">${escapeXml(c.name)}</text>`)
  }
  for (const f of a.facilities ?? []) {
    if (f.kind !== k.kind) continue
    out.push(`<circle class="facility" cx="${n(p.x(f.lon))}" cy="${n(p.y(f.lat))}" r="3.2" fill="#1d3557" stroke="#ffffff" stroke-width="1"/>`)
  }
  const y = p.height + 8
  out.push(`<text x="${PAD}" y="${y + 10}" font-size="11" fill="#333">步行 ${k.reach} 米可达比例：</text>`)
  const swatches: [string, string][] = [[LACKING[3]!, `短缺（低于 ${pct(k.minShare)}）`], [LACKING[0]!, '接近要求'], [SERVED[0]!, '达标'], [SERVED[2]!, '≥ 99%'], [NOBODY, '无服务人口']]
  swatches.forEach(([colour, label], j) => {
    const x = PAD + 130 + j * 120
    out.push(`<rect x="${x}" y="${y + 1}" width="16" height="10" fill="${colour}" stroke="#555" stroke-width="0.5"/>`,
      `<text x="${x + 20}" y="${y + 10}" font-size="10" fill="#333">${escapeXml(label)}</text>`)
  })
  out.push(`<circle cx="${PAD + 6}" cy="${y + 25}" r="3.2" fill="#1d3557"/>`, `<text x="${PAD + 14}" y="${y + 29}" font-size="10" fill="#333">${escapeXml(k.name)}（${k.facilities} 处）</text>`)
  if (k.minAccessPer1000 !== null) {
    out.push(`<rect x="${PAD + 250}" y="${y + 20}" width="16" height="10" fill="none" stroke="#6a3d9a" stroke-width="2" stroke-dasharray="4 2"/>`,
      `<text x="${PAD + 270}" y="${y + 29}" font-size="10" fill="#333">容量不足（每千名服务人口可达${escapeXml(k.capacityUnit)}低于 ${k.minAccessPer1000}）</text>`)
  }
  out.push('</svg>')
  return out.join('\n')
}
