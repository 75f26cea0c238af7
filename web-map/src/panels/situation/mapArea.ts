// The map follows the 态势 panel's area: its boundary (a division's or a grid's, from the server)
// drawn as a bright outline above the tiles, and the view fitted to it.
import type OlMap from 'ol/Map'
import GeoJSON from 'ol/format/GeoJSON'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { Stroke, Style } from 'ol/style'

const OUTLINE = [
  new Style({ stroke: new Stroke({ color: 'rgba(7, 17, 31, 0.85)', width: 6 }) }),
  new Style({ stroke: new Stroke({ color: '#ffd166', width: 2.5 }) }),
]

export class AreaOutline {
  private readonly source = new VectorSource()
  private readonly layer = new VectorLayer({ source: this.source, style: OUTLINE, zIndex: 50 })
  private readonly format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' })
  private added = false

  constructor(private readonly map: OlMap) {}

  /** Shows a GeoJSON Feature (lon/lat; CGCS2000 is WGS84 within a metre) and fits the view to it. */
  show(feature: unknown, code: string): void {
    if (!this.added) {
      this.map.addLayer(this.layer)
      this.added = true
    }
    this.source.clear()
    const f = this.format.readFeature(feature)
    const features = Array.isArray(f) ? f : [f]
    this.source.addFeatures(features)
    const extent = this.source.getExtent()
    if (extent && extent.every(Number.isFinite)) {
      const el = this.map.getTargetElement()
      // leave room for the dock on the right (400 px) so the area is not under it
      this.map.getView().fit(extent, { padding: [40, el && el.clientWidth > 900 ? 440 : 40, 40, 40], duration: 400, maxZoom: 18 })
      // the area the view shows (tests wait on it)
      this.map.getTargetElement()?.setAttribute('data-situation-area', code)
    }
  }

  clear(): void {
    this.source.clear()
  }
}
