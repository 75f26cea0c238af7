// The map's context action (right-click, or a long press's contextmenu on a touch wall): 派遣力量到此
// opens the 调派 panel's composer for the point, with the base grid under it when there is one.
import type OlMap from 'ol/Map'
import Overlay from 'ol/Overlay'
import { toLonLat } from 'ol/proj'
import { el } from '../../ui/dom.ts'
import { composeOrder } from './hub.ts'

export function attachContextMenu(map: OlMap, enabled: () => boolean): () => void {
  const button = el('button', { type: 'button', className: 'order-context-send' }, '派遣力量到此')
  const menu = el('div', { className: 'order-context', role: 'menu' }, button)
  const overlay = new Overlay({ element: menu, positioning: 'top-left', offset: [4, 4], stopEvent: true })
  map.addOverlay(overlay)
  let spec: Parameters<typeof composeOrder>[0] | null = null
  const close = () => {
    overlay.setPosition(undefined)
    spec = null
  }
  const onContext = (e: MouseEvent) => {
    if (!enabled()) return
    e.preventDefault()
    const pixel = map.getEventPixel(e)
    const coordinate = map.getCoordinateFromPixel(pixel)
    if (!coordinate) return
    // the grid under the point: polygons are found by the renderer's hit test (main.ts explains the points' case)
    let grid: { code: string; name: string | null } | null = null
    map.forEachFeatureAtPixel(pixel, (f) => {
      grid = { code: String(f.get('code')), name: f.get('name') === undefined ? null : String(f.get('name')) }
      return true
    }, { layerFilter: (l) => l.get('id') === 'base_grids' })
    spec = { lonLat: toLonLat(coordinate) as [number, number], grid }
    overlay.setPosition(coordinate)
    button.focus()
  }
  button.addEventListener('click', () => {
    if (spec) composeOrder(spec)
    close()
  })
  const viewport = map.getViewport()!
  viewport.addEventListener('contextmenu', onContext)
  const onClick = () => close()
  map.on('click', onClick)
  const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') close() }
  document.addEventListener('keydown', onKey)
  return () => {
    viewport.removeEventListener('contextmenu', onContext)
    map.un('click', onClick)
    document.removeEventListener('keydown', onKey)
    map.removeOverlay(overlay)
  }
}
