// The time and class filter of the analysis layers (热力图, 热点分析), under their group in the
// layer switcher: a window (the last 7, 30 or 90 days or the last year, ending now) and a big
// event class. Changing either points both layers' tiles at the same filter (the tile URLs take
// the analytics API's from/class parameters); the server checks them as it does for the API.
import type VectorTileSource from 'ol/source/VectorTile'
import type RenderFeature from 'ol/render/Feature'
import { el } from '../../ui/dom.ts'
import { beijingDate } from '../../ui/time.ts'
import type { MapLayer } from '../../map/layers.ts'

export const WINDOWS = [{ days: 7, title: '近 7 天' }, { days: 30, title: '近 30 天' }, { days: 90, title: '近 90 天' }, { days: 365, title: '近一年' }]
export const DEFAULT_DAYS = 30

/** The Shanghai date `days` days before now (the tile's `from`; its `to` is now). */
export function fromDate(days: number, now = new Date()): string {
  return beijingDate(new Date(now.getTime() - days * 86_400_000))
}

/** The tile URL template of an analysis layer for a filter. */
export function analysisTileUrl(id: string, days: number, bigClass: string | null, now = new Date()): string {
  const q = new URLSearchParams({ from: fromDate(days, now) })
  if (bigClass) q.set('class', bigClass)
  return `/tiles/${encodeURIComponent(id)}/{z}/{x}/{y}.mvt?${q.toString()}`
}

/** Big classes (code → name) from the public Open311 service list: each small class names its group. */
async function bigClasses(): Promise<[string, string][]> {
  const res = await fetch('/open311/v2/services.json')
  if (!res.ok) return []
  const services = await res.json() as { service_code: string; group: string }[]
  const out = new Map<string, string>()
  for (const s of services) if (/^\d{4}$/.test(s.service_code) && !out.has(s.service_code.slice(0, 2))) out.set(s.service_code.slice(0, 2), s.group)
  return [...out].sort((a, b) => a[0].localeCompare(b[0]))
}

/** The filter row; applies the default to the layers at once. */
export function analysisFilter(layers: MapLayer[]): HTMLElement {
  const windowSelect = el('select', { className: 'analysis-window', title: '统计时段（截至现在）' },
    ...WINDOWS.map((w) => el('option', { value: String(w.days), textContent: w.title, selected: w.days === DEFAULT_DAYS })))
  const classSelect = el('select', { className: 'analysis-class', title: '事件大类' }, el('option', { value: '', textContent: '全部类别' }))
  const apply = () => {
    for (const l of layers) {
      const source = l.layer.getSource() as VectorTileSource<RenderFeature> | null
      source?.setUrl(analysisTileUrl(l.info.id, Number(windowSelect.value), classSelect.value || null))
    }
    row.dataset.filter = `${windowSelect.value}:${classSelect.value}`
  }
  windowSelect.addEventListener('change', apply)
  classSelect.addEventListener('change', apply)
  const row = el('li', { className: 'analysis-filter' }, windowSelect, classSelect)
  void bigClasses().then((classes) => {
    classSelect.append(...classes.map(([code, name]) => el('option', { value: code, textContent: `${code} ${name}` })))
  }).catch(() => undefined)
  apply()
  return row
}
