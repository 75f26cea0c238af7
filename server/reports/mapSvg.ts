// The report map as plain SVG, projected here rather than through ECharts' geo component: every
// heatmap cell is exactly one <path class="heat-cell">, styling is in attributes only (svg-to-pdfkit
// ignores CSS), and nothing is fetched from outside. Projection: equirectangular around the
// map's mid-latitude (x scaled by cos φ), which at city scale keeps shapes true to well under a pixel.
import { escapeXml } from '../http/errors.ts'
import type { MapData, Rings } from './mapData.ts'
import { FONT_STACK } from './fonts.ts'

export const MAP_WIDTH = 760
const MAX_HEIGHT = 620
const PAD = 12
const LEGEND = 64

// sequential yellow → red for counts; ArcGIS's hot / cold colours for the Gi* classes
const HEAT = ['#fff3b0', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026']
export const HOT_COLOURS: Record<string, string> = {
  hot99: '#b2182b', hot95: '#ef8a62', hot90: '#fddbc7', cold90: '#d1e5f0', cold95: '#67a9cf', cold99: '#2166ac',
}
const HOT_NAMES: Record<string, string> = {
  hot99: '热点 99%', hot95: '热点 95%', hot90: '热点 90%', cold90: '冷点 90%', cold95: '冷点 95%', cold99: '冷点 99%',
}

interface Projection { x: (lon: number) => number; y: (lat: number) => number; width: number; height: number }

function projection(m: MapData): Projection | null {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity
  const see = (ring: number[][]) => {
    for (const [lon, lat] of ring) {
      if (lon! < x0) x0 = lon!
      if (lon! > x1) x1 = lon!
      if (lat! < y0) y0 = lat!
      if (lat! > y1) y1 = lat!
    }
  }
  for (const s of m.divisions) for (const r of s.rings) see(r)
  for (const c of m.cells) see(c.ring)
  if (!Number.isFinite(x0) || x1 <= x0 || y1 <= y0) return null
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180)
  const inner = MAP_WIDTH - 2 * PAD
  let scale = inner / ((x1 - x0) * k)
  if ((y1 - y0) * scale > MAX_HEIGHT - 2 * PAD) scale = (MAX_HEIGHT - 2 * PAD) / (y1 - y0)
  const offsetX = PAD + (inner - (x1 - x0) * k * scale) / 2
  return {
    x: (lon) => offsetX + (lon - x0) * k * scale,
    y: (lat) => PAD + (y1 - lat) * scale,
    width: MAP_WIDTH, height: Math.ceil((y1 - y0) * scale + 2 * PAD),
  }
}

const n = (v: number) => v.toFixed(1)
const ringPath = (p: Projection, ring: number[][]) => `M${ring.map(([lon, lat]) => `${n(p.x(lon!))} ${n(p.y(lat!))}`).join('L')}Z`
const shapePath = (p: Projection, rings: Rings) => rings.map((r) => ringPath(p, r)).join('')

/** The colour class of a count: six quantiles of the scale 1..maxCount (square-root spaced). */
export function heatColour(count: number, maxCount: number): string {
  const i = maxCount <= 1 ? HEAT.length - 1 : Math.min(HEAT.length - 1, Math.floor(Math.sqrt((count - 1) / (maxCount - 1)) * HEAT.length))
  return HEAT[Math.max(0, i)]!
}

/** The map as an SVG document: divisions, base grids, heatmap cells, hot-spot outlines, legend. */
export function mapSvg(m: MapData, title: string): string {
  const p = projection(m)
  if (p === null) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${MAP_WIDTH}" height="80" viewBox="0 0 ${MAP_WIDTH} 80">` +
      `<text x="${MAP_WIDTH / 2}" y="44" text-anchor="middle" font-family="${FONT_STACK}" font-size="14" fill="#555">${escapeXml(title)}：无可绘制的区域</text></svg>`
  }
  const height = p.height + LEGEND
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${height}" viewBox="0 0 ${p.width} ${height}" font-family="${FONT_STACK}" ` +
      `class="report-map" data-resolution="${m.resolution}">`,
    `<rect x="0" y="0" width="${p.width}" height="${height}" fill="#ffffff"/>`,
  ]
  for (const d of m.divisions) out.push(`<path class="division-fill" d="${shapePath(p, d.rings)}" fill="#f4f4f0" stroke="none"/>`)
  for (const g of m.grids) out.push(`<path class="grid" d="${shapePath(p, g.rings)}" fill="none" stroke="#c9c9c9" stroke-width="0.4"/>`)
  for (const c of m.cells) {
    out.push(`<path class="heat-cell" data-h3="${c.h3}" data-count="${c.count}" d="${ringPath(p, c.ring)}" ` +
      `fill="${heatColour(c.count, m.maxCount)}" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.3"/>`)
  }
  for (const h of m.hotspots) {
    out.push(`<path class="hotspot" data-h3="${h.h3}" data-class="${h.cls}" d="${ringPath(p, h.ring)}" fill="none" ` +
      `stroke="${HOT_COLOURS[h.cls] ?? '#000'}" stroke-width="${h.cls.endsWith('99') ? 2.4 : 1.6}"/>`)
  }
  // boundaries on top: the report's area thick, its child divisions thin
  const top = Math.min(...m.divisions.map((d) => LEVEL_RANK[d.level] ?? 9))
  for (const d of m.divisions) {
    const main = (LEVEL_RANK[d.level] ?? 9) === top
    out.push(`<path class="boundary" d="${shapePath(p, d.rings)}" fill="none" stroke="#333333" stroke-width="${main ? 1.6 : 0.8}"` +
      `${main ? '' : ' stroke-dasharray="4 2"'}/>`)
  }
  out.push(...legend(m, p.height))
  out.push('</svg>')
  return out.join('\n')
}

const LEVEL_RANK: Record<string, number> = { city: 0, district: 1, street: 2, community: 3 }

function legend(m: MapData, y0: number): string[] {
  const out: string[] = []
  const y = y0 + 14
  out.push(`<text x="${PAD}" y="${y + 10}" font-size="12" fill="#333">事件数（H3 第${m.resolution}级，共 ${m.total} 件，单格最多 ${m.maxCount} 件）</text>`)
  HEAT.forEach((c, i) => out.push(`<rect x="${PAD + i * 30}" y="${y + 18}" width="30" height="10" fill="${c}"/>`))
  out.push(`<text x="${PAD}" y="${y + 42}" font-size="10" fill="#555">少</text>`, `<text x="${PAD + 168}" y="${y + 42}" font-size="10" fill="#555">多</text>`)
  const x = 360
  out.push(`<text x="${x}" y="${y + 10}" font-size="12" fill="#333">Gi* 热点 / 冷点（FDR 校正，${m.hotspots.length} 个）</text>`)
  Object.entries(HOT_NAMES).forEach(([cls, name], i) => {
    const cx = x + (i % 3) * 130
    const cy = y + 18 + Math.floor(i / 3) * 18
    out.push(`<rect x="${cx}" y="${cy}" width="16" height="10" fill="none" stroke="${HOT_COLOURS[cls]}" stroke-width="2"/>`,
      `<text x="${cx + 22}" y="${cy + 9}" font-size="11" fill="#333">${name}</text>`)
  })
  return out
}
