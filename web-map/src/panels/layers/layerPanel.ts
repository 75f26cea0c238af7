// The two side panels: the layer switcher and the attributes of clicked features.
// Text goes in through textContent only: attribute values come from data, never markup.
import type { FeatureLike } from 'ol/Feature'
import { el } from '../../ui/dom.ts'
import { beijingTime } from '../../ui/time.ts'
import { fieldTitles, LAYER_PROPERTY, type MapLayer } from '../../map/layers.ts'
import { ANALYSIS_LAYER_IDS, legendOf } from '../../map/analysis.ts'
import { pointLegendOf } from './legend.ts'
import { analysisFilter } from './analysisFilter.ts'

/** Checkboxes for every layer, the industry grids in a group of their own. */
export function renderLayerSwitcher(list: HTMLElement, layers: MapLayer[], onToggle: () => void): void {
  const item = (l: MapLayer) => {
    const box = el('input', { type: 'checkbox', checked: l.layer.getVisible(), value: l.info.id })
    const legend = legendOf(l.info.id) ?? pointLegendOf(l.info.id)
    if (legend) legend.hidden = !box.checked
    box.addEventListener('change', () => {
      l.layer.setVisible(box.checked)
      if (legend) legend.hidden = !box.checked
      onToggle()
    })
    const swatch = el('span', { className: 'swatch' })
    swatch.style.borderColor = l.colour
    const zoomHint = l.info.minzoom > 10 ? el('small', { title: '该图层在此缩放级别以上显示' }, ` ≥${l.info.minzoom}级`) : ''
    return el('li', {}, el('label', {}, box, swatch, l.title, zoomHint), ...(legend ? [legend] : []))
  }
  const industry = layers.filter((l) => l.info.id.endsWith('_grids') && l.info.id !== 'base_grids')
  const analysis = layers.filter((l) => (ANALYSIS_LAYER_IDS as readonly string[]).includes(l.info.id))
  const main = layers.filter((l) => !industry.includes(l) && !analysis.includes(l)).reverse() // top of the map first
  list.replaceChildren(...main.map(item))
  if (industry.length) list.append(el('li', { className: 'group' }, '专业网格'), ...industry.map(item))
  if (analysis.length) list.append(el('li', { className: 'group' }, '分析图层'), analysisFilter(analysis), ...analysis.map(item))
}

export interface Hit {
  layer: MapLayer
  /** The layer's features under the click, topmost first. */
  features: FeatureLike[]
}

/** Chinese names of coded attribute values (the tiles carry the codes). */
const VALUE_TITLES: Record<string, Record<string, string>> = {
  level: { city: '市', district: '区（县）', street: '街道（乡镇）', community: '社区（村）' },
}
const ADMIN_ORDER = ['city', 'district', 'street', 'community']

/** The divisions under a click, city first, one per level (the first hit of a level wins). */
export function adminChain(features: FeatureLike[]): FeatureLike[] {
  const byLevel = new Map<string, FeatureLike>()
  for (const f of features) {
    const level = String(f.get('level'))
    if (!byLevel.has(level)) byLevel.set(level, f)
  }
  return [...byLevel.values()].sort((a, b) => ADMIN_ORDER.indexOf(String(a.get('level'))) - ADMIN_ORDER.indexOf(String(b.get('level'))))
}

/** Formats an attribute value for reading: coded values named, timestamps in Beijing time, empty as a dash. */
function display(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  const named = VALUE_TITLES[name]?.[String(value)]
  if (named) return named
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) {
    if (!Number.isNaN(Date.parse(value))) return beijingTime(value)
  }
  return String(value)
}

/** Attribute rows of one feature, in the TileJSON's field order, titled in Chinese. */
function attributeRows(layer: MapLayer, feature: FeatureLike): HTMLTableRowElement[] {
  const titles = fieldTitles(layer.info)
  const props = feature.getProperties()
  const names = [...titles.keys()].filter((n) => n in props)
  // attributes the TileJSON does not describe are still shown, under their own name
  names.push(...Object.keys(props).filter((n) => !titles.has(n) && n !== LAYER_PROPERTY && n !== 'geometry'))
  return names.map((n) => el('tr', { className: `attr-${n}` }, el('th', {}, titles.get(n) ?? n), el('td', {}, display(n, props[n]))))
}

/** Divisions as one row per level: 街道（乡镇） 崇文街道 990102003000. */
function adminSection(hit: Hit): HTMLElement[] {
  const rows = adminChain(hit.features).map((f) => el('tr', { className: `level-${String(f.get('level'))}` },
    el('th', {}, display('level', f.get('level'))), el('td', {}, `${display('name', f.get('name'))} ${display('code', f.get('code'))}`)))
  return [el('h3', {}, hit.layer.title), el('table', {}, el('tbody', {}, ...rows))]
}

function featureSection(hit: Hit): HTMLElement[] {
  const feature = hit.features[0]!
  const count = Number(feature.get('point_count') ?? 0)
  const more = hit.features.length - 1
  return [
    el('h3', {}, count > 1 ? `${hit.layer.title}（聚合）` : hit.layer.title),
    el('table', {}, el('tbody', {}, ...attributeRows(hit.layer, feature))),
    ...(count > 1 ? [el('p', { className: 'hint' }, '放大地图可查看单个要素')] : []),
    ...(more > 0 ? [el('p', { className: 'hint' }, `此处另有 ${more} 个${hit.layer.title}要素`)] : []),
  ]
}

/** One section per layer under the click (top layer first). */
export function renderFeatureInfo(body: HTMLElement, hits: Hit[], lonLat: [number, number]): void {
  const where = el('p', { className: 'where' }, `点击位置 ${lonLat[0].toFixed(6)}, ${lonLat[1].toFixed(6)}`)
  if (!hits.length) {
    body.replaceChildren(where, el('p', { className: 'empty' }, '此处没有可查询的要素'))
    return
  }
  const sections = hits.map((hit) => {
    const s = el('section', { className: 'feature' }, ...(hit.layer.info.id === 'admin_divisions' ? adminSection(hit) : featureSection(hit)))
    s.dataset.layer = hit.layer.info.id
    return s
  })
  body.replaceChildren(where, ...sections)
}
