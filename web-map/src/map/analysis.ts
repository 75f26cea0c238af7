// The analysis layers on the map: 热力图 (events per H3 hexagon, a colour ramp over the tile's
// `level` 1-6, a log scale of the count against the densest cell) and 热点分析 (Gi* classes:
// hot spots red, cold spots blue, not significant not drawn). Both start hidden; each shows its
// legend under its entry in the layer switcher while switched on.
import type { StyleFunction } from 'ol/style/Style'
import { Fill, Stroke, Style } from 'ol/style'
import { el } from '../ui/dom.ts'

export const ANALYSIS_LAYER_IDS = ['heatmap', 'hotspots'] as const

/** Ramp for counts, dim to bright on the dark screen (level 1 … 6). */
export const HEAT_RAMP = ['#3b0f70', '#8c2981', '#de4968', '#fe9f6d', '#fcd25b', '#fcfdbf']

/** Gi* classes as ArcGIS draws them: red hot spots, blue cold spots, stronger with confidence. */
export const HOTSPOT_CLASSES: [cls: string, colour: string, label: string][] = [
  ['hot99', '#d62f27', '热点 99% 置信'], ['hot95', '#ed7551', '热点 95% 置信'], ['hot90', '#fab984', '热点 90% 置信'],
  ['cold90', '#b5c8e8', '冷点 90% 置信'], ['cold95', '#7496d4', '冷点 95% 置信'], ['cold99', '#4575b5', '冷点 99% 置信'],
]

function hexStyle(colour: string, alpha: number): Style {
  const n = Number.parseInt(colour.slice(1), 16)
  const rgb = `${(n >> 16) & 255},${(n >> 8) & 255},${n & 255}`
  return new Style({ fill: new Fill({ color: `rgba(${rgb},${alpha})` }), stroke: new Stroke({ color: `rgba(${rgb},0.9)`, width: 0.6 }) })
}

export function heatmapStyle(): StyleFunction {
  const styles = HEAT_RAMP.map((c, i) => hexStyle(c, 0.45 + i * 0.07))
  return (f) => styles[Math.min(HEAT_RAMP.length, Math.max(1, Number(f.get('level') ?? 1))) - 1]
}

export function hotspotStyle(): StyleFunction {
  const styles = new Map(HOTSPOT_CLASSES.map(([cls, colour]) => [cls, hexStyle(colour, 0.7)]))
  // cells that are not significant stay undrawn: the map shows where the statistic says something
  return (f) => styles.get(String(f.get('class')))
}

/** The legend of an analysis layer (shown under its switcher entry). */
export function legendOf(id: string): HTMLElement | undefined {
  const chip = (colour: string) => {
    const s = el('span', { className: 'chip' })
    s.style.background = colour
    return s
  }
  if (id === 'heatmap') {
    return el('div', { className: 'legend', title: '每个六边形内的事件数（所选时段，默认近 30 天；六边形大小随缩放级别变化）' },
      el('span', {}, '事件数 少'), ...HEAT_RAMP.map(chip), el('span', {}, '多'))
  }
  if (id === 'hotspots') {
    return el('div', { className: 'legend legend-rows', title: 'Getis-Ord Gi*（所选时段，默认近 30 天；FDR 校正）' },
      ...HOTSPOT_CLASSES.map(([, colour, label]) => el('div', {}, chip(colour), label)))
  }
  return undefined
}
