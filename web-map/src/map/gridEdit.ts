// The grid editor on the map (the 网格 panel drives it): the current base grids in view as
// vector features to pick and snap to, a sketch drawn (ol/interaction/Draw) or reshaped
// (ol/interaction/Modify) with ol/interaction/Snap to the neighbours' vertices and edges, the
// server's verdicts drawn where they are, a browsed version over the current boundary, and the
// grids a split or merge produced. A vertex snapped onto a neighbour's vertex is sent with the
// neighbour's own lon/lat (not a Web Mercator round trip), so the saved corner is exactly theirs.
import type OlMap from 'ol/Map'
import type Feature from 'ol/Feature'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import GeoJSON from 'ol/format/GeoJSON'
import Draw from 'ol/interaction/Draw'
import Modify from 'ol/interaction/Modify'
import Snap from 'ol/interaction/Snap'
import type Interaction from 'ol/interaction/Interaction'
import type Geometry from 'ol/geom/Geometry'
import type SimpleGeometry from 'ol/geom/SimpleGeometry'
import { toLonLat, transformExtent } from 'ol/proj'
import { buffer as bufferExtent, createEmpty, extend, getHeight, getWidth } from 'ol/extent'
import type { Geometry as WireGeometry } from 'geojson'
import type { Session } from '../client/api.ts'
import { gridsInBox, isWarning, type GridFeature, type Verdict } from '../client/gridsApi.ts'
import { neighbourStyle, resultStyle, sketchStyle, verdictStyle, versionStyle } from './gridEditStyles.ts'

/** Below this zoom the grids in view are too many to draw and snap to one by one. */
export const MIN_EDIT_ZOOM = 14
/** Room for the layer list on the left and the dock on the right when fitting. */
const PADDING = [60, 440, 60, 300]

const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' })
const key = (c: number[]) => `${c[0]!.toFixed(2)}|${c[1]!.toFixed(2)}`

export class GridEditor {
  readonly neighbours = new VectorSource<Feature<Geometry>>()
  private readonly sketch = new VectorSource<Feature<Geometry>>()
  private readonly marks = new VectorSource<Feature<Geometry>>()
  private readonly version = new VectorSource<Feature<Geometry>>()
  private readonly results = new VectorSource<Feature<Geometry>>()
  private readonly layers = [
    new VectorLayer({ source: this.neighbours, style: neighbourStyle, zIndex: 700 }),
    new VectorLayer({ source: this.results, style: resultStyle, zIndex: 705 }),
    new VectorLayer({ source: this.version, style: versionStyle, zIndex: 710 }),
    new VectorLayer({ source: this.sketch, style: sketchStyle, zIndex: 720 }),
    new VectorLayer({ source: this.marks, style: verdictStyle, zIndex: 730 }),
  ]
  private interactions: Interaction[] = []
  private draw: Draw | null = null
  /** Web Mercator vertex (to the centimetre) → the lon/lat the server gave for it. */
  private vertices = new Map<string, number[]>()
  private hidden: Feature<Geometry> | null = null
  private shown = false
  /** Loads in flight: only the newest one's answer is drawn (a pan answered out of order is dropped). */
  private loads = 0
  /** Called when the sketch changes (drawn, a vertex moved): the panel's check is stale. */
  onSketch: () => void = () => undefined

  constructor(private readonly map: OlMap, private readonly session: Session) {
    for (const l of this.layers) l.setVisible(false)
    for (const l of this.layers) map.addLayer(l)
    this.sketch.on('changefeature', () => this.onSketch())
  }

  /** Shows or hides every editor layer (the panel is open or not). */
  set visible(v: boolean) {
    this.shown = v
    for (const l of this.layers) l.setVisible(v)
  }

  get editing(): boolean {
    return this.interactions.length > 0
  }

  /** Loads the current base grids in view (the ones to pick and snap to); false when zoomed out too far. */
  async loadNeighbours(): Promise<boolean> {
    const view = this.map.getView()
    const size = this.map.getSize()
    if (!this.shown || !size || (view.getZoom() ?? 0) < MIN_EDIT_ZOOM) return false
    const extent = bufferExtent(view.calculateExtent(size), 200)
    const [x0, y0, x1, y1] = transformExtent(extent, 'EPSG:3857', 'EPSG:4326') as [number, number, number, number]
    const load = ++this.loads
    const grids = await gridsInBox(this.session, [Math.max(x0, -180), Math.max(y0, -90), Math.min(x1, 180), Math.min(y1, 90)])
    if (load !== this.loads) return true
    const picked = new Set(this.neighbours.getFeatures().filter((f) => f.get('picked')).map((f) => String(f.getId())))
    const features = grids.map((g) => this.toFeature(g))
    for (const f of features) f.set('picked', picked.has(String(f.getId())))
    this.vertices = new Map()
    grids.forEach((g, i) => this.indexVertices(g.geometry.coordinates.flat(3), features[i]!.getGeometry() as SimpleGeometry))
    const hiddenCode = this.hidden ? String(this.hidden.getId()) : null
    this.neighbours.clear(true)
    this.neighbours.addFeatures(features.filter((f) => String(f.getId()) !== hiddenCode))
    return true
  }

  private toFeature(g: GridFeature): Feature<Geometry> {
    const f = format.readFeature(g) as Feature<Geometry>
    f.setId(g.properties.code)
    return f
  }

  private indexVertices(wire: number[], g: SimpleGeometry): void {
    const flat = g.getFlatCoordinates()
    const stride = g.getStride()
    for (let i = 0, j = 0; i < flat.length; i += stride, j += 2) this.vertices.set(key([flat[i]!, flat[i + 1]!]), [wire[j]!, wire[j + 1]!])
  }

  /** The code of the grid drawn at a pixel, if any. */
  gridAt(pixel: number[]): string | null {
    let code: string | null = null
    this.map.forEachFeatureAtPixel(pixel, (f) => { code ??= String(f.getId()) }, { layerFilter: (l) => l === this.layers[0] })
    return code
  }

  /** Outlines the picked grids (the one being looked at, or the ones to merge). */
  pick(codes: string[]): void {
    for (const f of this.neighbours.getFeatures()) f.set('picked', codes.includes(String(f.getId())))
  }

  /** Draws a new polygon (a grid) or a line (a split), snapping to the neighbours; `done` gets the sketch. */
  startDraw(type: 'Polygon' | 'LineString', done: () => void): void {
    this.stop()
    const draw = new Draw({ source: this.sketch, type, stopClick: true })
    draw.on('drawend', () => {
      // once drawn, the sketch stays editable (Modify) and snapping until saved or cancelled
      setTimeout(() => {
        this.setInteractions([new Modify({ source: this.sketch }), this.snap()])
        done()
      }, 0)
    })
    this.draw = draw
    this.setInteractions([draw, this.snap()])
  }

  /** Finishes the drawing in progress (the panel's 完成 button; a click on the first point does too). */
  finishDrawing(): void {
    this.draw?.finishDrawing()
  }

  /** Takes back the last point placed while drawing. */
  removeLastPoint(): void {
    this.draw?.removeLastPoint()
  }

  /** Reshapes a grid: a copy in the sketch with draggable vertices, its own old outline hidden. */
  startEdit(grid: GridFeature): void {
    this.stop()
    const copy = this.toFeature(grid)
    this.hidden = this.neighbours.getFeatureById(grid.properties.code) as Feature<Geometry> | null
    if (this.hidden) this.neighbours.removeFeature(this.hidden)
    this.indexVertices(grid.geometry.coordinates.flat(3), copy.getGeometry() as SimpleGeometry)
    this.sketch.addFeature(copy)
    this.setInteractions([new Modify({ source: this.sketch }), this.snap()])
  }

  private snap(): Snap {
    return new Snap({ source: this.neighbours, pixelTolerance: 12 })
  }

  private setInteractions(list: Interaction[]): void {
    for (const i of this.interactions) this.map.removeInteraction(i)
    this.interactions = list
    // Snap last: it must see the pointer events after Draw and Modify have
    for (const i of list) this.map.addInteraction(i)
  }

  /** Ends any drawing or editing; the sketch is dropped and a hidden grid comes back. */
  stop(): void {
    this.setInteractions([])
    this.draw = null
    this.sketch.clear()
    if (this.hidden) this.neighbours.addFeature(this.hidden)
    this.hidden = null
  }

  /** The sketch as GeoJSON lon/lat, with snapped vertices given the neighbours' own coordinates. */
  sketchGeometry(): WireGeometry | null {
    const f = this.sketch.getFeatures()[0]
    const g = f?.getGeometry() as SimpleGeometry | undefined
    if (!g) return null
    const wire = format.writeGeometryObject(g) as WireGeometry
    const flat = g.getFlatCoordinates()
    const stride = g.getStride()
    const exact: number[][] = []
    for (let i = 0; i < flat.length; i += stride) {
      const c = [flat[i]!, flat[i + 1]!]
      exact.push(this.vertices.get(key(c)) ?? toLonLat(c).map((v) => Math.round(v * 1e7) / 1e7))
    }
    let k = 0
    const replace = (v: unknown): unknown => (typeof (v as number[])[0] === 'number' ? exact[k++] : (v as unknown[]).map(replace))
    return { ...wire, coordinates: replace((wire as { coordinates: unknown }).coordinates) } as WireGeometry
  }

  /** Draws the verdicts (numbered as in the panel's list); returns how many have a place. */
  showVerdicts(verdicts: Verdict[]): number {
    this.marks.clear(true)
    verdicts.forEach((v, i) => {
      if (!v.location) return
      const f = format.readFeature({ type: 'Feature', geometry: v.location, properties: {} }) as Feature<Geometry>
      f.setProperties({ n: i + 1, warning: isWarning(v), rule: v.rule })
      f.setId(i + 1)
      this.marks.addFeature(f)
    })
    return this.marks.getFeatures().length
  }

  /** Zooms to verdict n (1-based) and outlines it. */
  focusVerdict(n: number): void {
    for (const f of this.marks.getFeatures()) f.set('focused', f.getId() === n)
    const g = this.marks.getFeatureById(n)?.getGeometry()
    if (g) this.fitExtent(g.getExtent(), 19)
  }

  /** A version of a grid over the current boundary; null clears it. */
  showVersion(grid: GridFeature | null): void {
    this.version.clear(true)
    if (!grid) return
    const f = this.toFeature(grid)
    f.set('version', grid.properties.version)
    this.version.addFeature(f)
  }

  /** The grids a split or merge produced, outlined with their new codes. */
  showResults(grids: GridFeature[]): void {
    this.results.clear(true)
    for (const g of grids) {
      const f = this.toFeature(g)
      f.set('code', g.properties.code)
      this.results.addFeature(f)
    }
  }

  /** Drops verdicts, version and results (a new grid picked, the panel closed). */
  clearMarks(): void {
    this.marks.clear(true)
    this.version.clear(true)
    this.results.clear(true)
  }

  /** Fits the map to grids with their surroundings in view (half their size around them). */
  fitGrids(grids: GridFeature[]): void {
    const extent = createEmpty()
    for (const g of grids) extend(extent, this.toFeature(g).getGeometry()!.getExtent())
    this.fitExtent(bufferExtent(extent, Math.max(getWidth(extent), getHeight(extent)) / 2), 18)
  }

  private fitExtent(extent: number[], maxZoom: number): void {
    this.map.getView().fit(extent, { padding: PADDING, maxZoom })
  }
}
