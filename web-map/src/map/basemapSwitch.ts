// 底图 in the layers panel: the base map's look (暗色 / 浅色) and, only when the server has one
// configured, the raster base. The choice is remembered by the Basemap (localStorage).
import { el } from '../ui/dom.ts'
import type { Basemap } from './basemap.ts'
import { THEMES, type BasemapStyleId } from './basemapStyles.ts'

export function basemapSwitch(basemap: Basemap): HTMLElement {
  const radios = (Object.keys(THEMES) as BasemapStyleId[]).map((id) => {
    const input = el('input', { type: 'radio', name: 'basemap-style', value: id, checked: basemap.style === id })
    input.addEventListener('change', () => { if (input.checked) basemap.setStyle(id) })
    return el('label', {}, input, THEMES[id].title)
  })
  const box = el('fieldset', { className: 'basemap-switch' }, el('legend', {}, '底图'), ...radios)
  const addRaster = () => {
    const raster = basemap.config?.raster
    if (!raster || box.querySelector('input[name="basemap-raster"]')) return
    const input = el('input', { type: 'checkbox', name: 'basemap-raster', checked: basemap.rasterEnabled })
    input.addEventListener('change', () => basemap.setRaster(input.checked))
    box.append(el('label', {}, input, raster.title))
  }
  basemap.onConfig = addRaster
  addRaster()
  return box
}
