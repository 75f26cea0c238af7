// The rows of the 登记 list on the map: a dot for each row with a place, the row opened larger,
// and the grid the list is narrowed to outlined. One layer, added by the panel.
import Feature from 'ol/Feature'
import Point from 'ol/geom/Point'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import GeoJSON from 'ol/format/GeoJSON'
import { fromLonLat } from 'ol/proj'
import { Circle, Fill, Stroke, Style } from 'ol/style'
import type { FeatureLike } from 'ol/Feature'
import type { Geometry } from 'geojson'
import type { Row } from '../../client/registersApi.ts'

const rowStyle = new Style({ image: new Circle({ radius: 5, fill: new Fill({ color: '#3fb6ff' }), stroke: new Stroke({ color: '#07111f', width: 1.5 }) }) })
const chosenStyle = new Style({ image: new Circle({ radius: 9, fill: new Fill({ color: 'rgba(255, 209, 102, 0.5)' }), stroke: new Stroke({ color: '#ffd166', width: 3 }) }) })
const gridStyle = new Style({ stroke: new Stroke({ color: '#ffd166', width: 2.5, lineDash: [10, 6] }), fill: new Fill({ color: 'rgba(255, 209, 102, 0.08)' }) })

export class RegisterMarks {
  private readonly source = new VectorSource()
  readonly layer = new VectorLayer({
    source: this.source, zIndex: 850, properties: { id: 'register-marks' },
    style: (f: FeatureLike) => (f.get('kind') === 'grid' ? gridStyle : f.get('chosen') ? chosenStyle : rowStyle),
  })

  private rows: Feature[] = []

  /** Dots for the rows that have lon/lat. */
  showRows(rows: Row[]): void {
    for (const f of this.rows) this.source.removeFeature(f)
    this.rows = rows.filter((r) => typeof r.lon === 'number' && typeof r.lat === 'number').map((r) => {
      const f = new Feature({ geometry: new Point(fromLonLat([r.lon as number, r.lat as number])), kind: 'row', rowId: r.id })
      return f
    })
    this.source.addFeatures(this.rows)
  }

  /** The row opened (null: none). */
  choose(id: number | null): void {
    for (const f of this.rows) f.set('chosen', f.get('rowId') === id)
  }

  /** The id of the row dot at a map feature, if the feature is one. */
  static rowOf(f: FeatureLike): number | null {
    return f.get('kind') === 'row' ? Number(f.get('rowId')) : null
  }

  /** Outlines the grid the list is narrowed to (GeoJSON in lon/lat), or nothing. */
  showGrid(geometry: Geometry | null): void {
    for (const f of this.source.getFeatures().filter((x) => x.get('kind') === 'grid')) this.source.removeFeature(f)
    if (!geometry) return
    const f = new GeoJSON().readFeature({ type: 'Feature', geometry, properties: { kind: 'grid' } }, { featureProjection: 'EPSG:3857' }) as Feature
    this.source.addFeature(f)
  }

  /** The outlined grid's extent (EPSG:3857), or null. */
  gridExtent(): number[] | null {
    return this.source.getFeatures().find((f) => f.get('kind') === 'grid')?.getGeometry()?.getExtent() ?? null
  }

  clear(): void {
    this.source.clear()
    this.rows = []
  }
}
