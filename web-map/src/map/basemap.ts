// The base map under everything: water, roads and place names from our own vector tiles
// (/tiles/basemap, public: it draws on the sign-in screen too), one 512-pixel tile per request.
// Two looks (暗色 default, 浅色) switched from the layers panel and remembered in this browser.
// A raster base (天地图 …) exists only when the server is configured with one, and then comes
// through the server's proxy: the page itself never talks to another host.
// Labels of the base map and of the city outline are decluttered together (one group): when two
// collide the more important one stays (outline names over places, places by rank, then roads).
import type OlMap from 'ol/Map'
import type RenderEvent from 'ol/render/Event'
import type { FeatureLike } from 'ol/Feature'
import MVT from 'ol/format/MVT'
import VectorTileLayer from 'ol/layer/VectorTile'
import VectorTileSource from 'ol/source/VectorTile'
import TileLayer from 'ol/layer/Tile'
import XYZ from 'ol/source/XYZ'
import type RenderFeature from 'ol/render/Feature'
import type VectorTile from 'ol/VectorTile'
import { basemapStyle, THEMES, type BasemapStyleId } from './basemapStyles.ts'

export const LABEL_GROUP = 'labels'
const STYLE_KEY = 'gridgov.basemap.style'
const RASTER_KEY = 'gridgov.basemap.raster'

export interface BasemapConfig {
  raster: { tiles: string; title: string; maxzoom: number } | null
}

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null // storage refused (private mode, policy): the default look
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // not remembered: still switched for this visit
  }
}

export class Basemap {
  readonly layer: VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>
  private raster: TileLayer<XYZ> | undefined
  private rasterOn = false
  private current: BasemapStyleId
  /** Features loaded per base map layer (water, roads …), mirrored on the map element for tests. */
  private readonly loaded: Record<string, number> = {}
  /** Called when a raster base turns out to be configured (the layers panel offers it then). */
  onConfig: (config: BasemapConfig) => void = () => undefined
  config: BasemapConfig | undefined

  /** `placed`: resolves once the view is on the city (the outline fitted it): no tiles are fetched for the default view before. */
  constructor(private readonly map: OlMap, placed: Promise<void> = Promise.resolve()) {
    const saved = stored(STYLE_KEY)
    this.current = saved === 'light' || saved === 'dark' ? saved : 'dark'
    const source = new VectorTileSource<RenderFeature>({
      format: new MVT(), url: '/tiles/basemap/{z}/{x}/{y}.mvt', tileSize: 512, minZoom: 8, maxZoom: 16, transition: 0,
    })
    this.layer = new VectorTileLayer<VectorTileSource<RenderFeature>, RenderFeature>({
      source, declutter: LABEL_GROUP, zIndex: -20, properties: { id: 'basemap', title: '底图' }, visible: false,
    })
    map.addLayer(this.layer)
    void placed.finally(() => this.layer.setVisible(true))
    source.on('tileloadend', (e) => {
      for (const f of (e.tile as VectorTile<RenderFeature>).getFeatures() ?? []) {
        const l = String(f.get('layer'))
        this.loaded[l] = (this.loaded[l] ?? 0) + 1
      }
      this.target().dataset.basemap = JSON.stringify(this.loaded)
    })
    map.on('rendercomplete', (e) => this.recordLabels(e as RenderEvent))
    this.apply()
    void this.loadConfig()
  }

  get style(): BasemapStyleId {
    return this.current
  }

  get rasterEnabled(): boolean {
    return this.rasterOn
  }

  setStyle(id: BasemapStyleId): void {
    this.current = id
    remember(STYLE_KEY, id)
    this.apply()
  }

  /** Shows or hides the configured raster base (a no-op when none is configured). */
  setRaster(on: boolean): void {
    if (!this.raster) return
    this.rasterOn = on
    remember(RASTER_KEY, on ? '1' : '0')
    this.apply()
  }

  private target(): HTMLElement {
    return this.map.getTargetElement() as HTMLElement
  }

  private apply(): void {
    const theme = THEMES[this.current]
    this.layer.setStyle(basemapStyle(theme, { labelsOnly: this.rasterOn }))
    this.layer.setBackground(this.rasterOn ? undefined : theme.background)
    this.raster?.setVisible(this.rasterOn)
    const el = this.target()
    el.style.backgroundColor = theme.background
    el.dataset.basemapStyle = this.current
    el.dataset.basemapRaster = this.rasterOn ? 'on' : 'off'
  }

  /** The server's base map settings: whether a raster base is configured. */
  private async loadConfig(): Promise<void> {
    try {
      const res = await fetch('/api/v1/basemap')
      if (!res.ok) return
      this.config = await res.json() as BasemapConfig
    } catch {
      return // the vector base map works without it
    }
    const r = this.config.raster
    if (r) {
      this.raster = new TileLayer({ source: new XYZ({ url: r.tiles, maxZoom: r.maxzoom, crossOrigin: null }), zIndex: -30, visible: false })
      this.map.addLayer(this.raster)
      this.rasterOn = stored(RASTER_KEY) !== '0'
      this.apply()
    }
    this.onConfig(this.config)
  }

  /**
   * The labels actually drawn in the last settled frame (those decluttering kept), as
   * data-labels on the map element: [{ n: text, f: feature index, b: [minX, minY, maxX, maxY] }].
   * End-to-end tests read it to check no two labels overlap; it costs one walk per settled frame.
   */
  private recordLabels(e: RenderEvent): void {
    const tree = e.frameState?.declutter?.[LABEL_GROUP]
    if (!tree) return
    const ids = new Map<FeatureLike, number>()
    const labels = tree.all().map((item) => {
      const f = item.value
      if (!ids.has(f)) ids.set(f, ids.size)
      return { n: String(f.get('name') ?? ''), f: ids.get(f)!, b: [item.minX, item.minY, item.maxX, item.maxY].map(Math.round) }
    })
    this.target().dataset.labels = JSON.stringify(labels)
  }
}
