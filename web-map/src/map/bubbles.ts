// Warning bubbles (预警气泡) on the map: one OpenLayers Overlay per open warning, a DOM element
// so that a new one can pulse with a CSS animation (off under prefers-reduced-motion, see
// panels/warnings/warnings.css) and be clicked like a button. A few hundred open warnings at
// most are expected (the list is acknowledged as it grows), which overlays carry well.
import type OlMap from 'ol/Map'
import Overlay from 'ol/Overlay'
import { fromLonLat } from 'ol/proj'
import { el } from '../ui/dom.ts'

export interface Bubble {
  /** unique over every source: 'w:12' (warning), 'f:7' (fence alert), 'e:E…:urgent' (event) */
  key: string
  /** 1 红, 2 橙, 3 黄 */
  level: number
  /** the short word on the bubble (the kind's Chinese name) */
  label: string
  /** the tooltip */
  title: string
  lon: number
  lat: number
  /** arrived live and not looked at yet: pulses */
  fresh: boolean
}

const LEVEL_CLASS: Record<number, string> = { 1: 'red', 2: 'orange', 3: 'yellow' }

export class Bubbles {
  private readonly overlays = new Map<string, { overlay: Overlay; element: HTMLButtonElement }>()
  private selected: string | null = null

  /** `onClick` hears a bubble's key when the operator clicks it. */
  constructor(private readonly map: OlMap, private readonly onClick: (key: string) => void) {}

  /** Adds or updates a bubble in place. */
  set(b: Bubble): void {
    let entry = this.overlays.get(b.key)
    if (!entry) {
      const element = el('button', { type: 'button', className: 'warning-bubble' })
      element.dataset.key = b.key
      element.addEventListener('click', (e) => {
        e.stopPropagation()
        this.onClick(b.key)
      })
      // the element's bottom centre (its tail) sits on the place
      const overlay = new Overlay({ element, positioning: 'bottom-center', offset: [0, -2], stopEvent: true, className: 'warning-bubble-overlay' })
      this.map.addOverlay(overlay)
      entry = { overlay, element }
      this.overlays.set(b.key, entry)
    }
    const { overlay, element } = entry
    element.className = `warning-bubble ${LEVEL_CLASS[b.level] ?? 'yellow'}${b.fresh ? ' fresh' : ''}${this.selected === b.key ? ' selected' : ''}`
    element.dataset.level = String(b.level)
    element.title = b.title
    element.setAttribute('aria-label', `${b.label}：${b.title}`)
    element.replaceChildren(el('span', { className: 'bubble-label' }, b.label))
    overlay.setPosition(fromLonLat([b.lon, b.lat]))
    // an urgent one is drawn over the others
    const host = element.parentElement
    if (host) host.style.zIndex = String(10 - b.level + (b.fresh ? 3 : 0))
  }

  remove(key: string): void {
    const entry = this.overlays.get(key)
    if (!entry) return
    this.map.removeOverlay(entry.overlay)
    this.overlays.delete(key)
    if (this.selected === key) this.selected = null
  }

  /** Keeps only the given keys (a reload of the open list). */
  retain(keys: Set<string>): void {
    for (const key of [...this.overlays.keys()]) if (!keys.has(key)) this.remove(key)
  }

  clear(): void {
    for (const key of [...this.overlays.keys()]) this.remove(key)
  }

  /** Highlights one bubble (the one open in the panel); null clears. */
  select(key: string | null): void {
    if (this.selected) this.overlays.get(this.selected)?.element.classList.remove('selected')
    this.selected = key
    if (key) this.overlays.get(key)?.element.classList.add('selected')
  }

  /** Stops a bubble's pulse (the operator has looked at it). */
  seen(key: string): void {
    this.overlays.get(key)?.element.classList.remove('fresh')
  }

  /** Centres the map on a bubble, closer in when far out. */
  centre(lon: number, lat: number): void {
    const view = this.map.getView()
    view.animate({ center: fromLonLat([lon, lat]), zoom: Math.max(view.getZoom() ?? 0, 15), duration: 400 })
  }

  get size(): number {
    return this.overlays.size
  }
}
