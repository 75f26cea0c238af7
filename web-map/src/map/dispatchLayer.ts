// 调度 on the map: the event being dispatched and its candidate members, each joined to the event
// by a dashed line and labelled with name and distance; the recommended one brighter. One layer
// for the page (main.ts adds it once); the 调度 section (panels/dispatch/) fills and clears it.
import Feature from 'ol/Feature'
import LineString from 'ol/geom/LineString'
import Point from 'ol/geom/Point'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { fromLonLat } from 'ol/proj'
import { Circle, Fill, Stroke, Style, Text } from 'ol/style'
import type { FeatureLike } from 'ol/Feature'

export interface DispatchMark {
  memberId: number
  name: string
  lonLat: [number, number]
  status: 'online' | 'idle'
  distanceText: string
  recommended: boolean
}

// online green, idle amber: the inspectors layer's colours (map/styles.ts DEVICE_STATUS)
const STATUS_COLOURS: Record<string, string> = { online: '#3ddc97', idle: '#ffb703' }
const LINE = '#7fd1ff'

const source = new VectorSource()

const eventStyle = new Style({
  image: new Circle({ radius: 9, fill: new Fill({ color: 'rgba(255, 59, 59, 0.35)' }), stroke: new Stroke({ color: '#ff3b3b', width: 2.5 }) }),
})

// a style function runs for every feature of every frame: styles are kept by what they show
const cache = new Map<string, Style>()

function style(f: FeatureLike): Style {
  const kind = f.get('kind') as string
  if (kind === 'event') return eventStyle
  const key = [kind, f.get('status'), f.get('recommended'), f.get('name'), f.get('distance')].join('|')
  let s = cache.get(key)
  if (!s) cache.set(key, s = makeStyle(f, kind))
  return s
}

function makeStyle(f: FeatureLike, kind: string): Style {
  const recommended = f.get('recommended') === true
  if (kind === 'line') {
    return new Style({ stroke: new Stroke({ color: recommended ? '#ffffff' : LINE, width: recommended ? 2.5 : 1.5, lineDash: [8, 6] }) })
  }
  const colour = STATUS_COLOURS[f.get('status') as string] ?? STATUS_COLOURS.online!
  return new Style({
    image: new Circle({ radius: recommended ? 8 : 6, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#07111f', width: 2 }) }),
    text: new Text({
      text: `${f.get('name') as string} ${f.get('distance') as string}`, offsetY: -16, font: '12px sans-serif',
      fill: new Fill({ color: '#e9f4ff' }), stroke: new Stroke({ color: '#07111f', width: 3 }),
    }),
  })
}

/** The layer main.ts adds to the map (above the tiles, below nothing in particular). */
export const dispatchLayer = new VectorLayer({ source, style, zIndex: 900, properties: { id: 'dispatch' } })

/** Draws the event and its candidates (replacing what was drawn); returns the number of members drawn. */
export function drawDispatch(eventLonLat: [number, number], marks: DispatchMark[]): number {
  const at = fromLonLat(eventLonLat)
  const features: Feature[] = [new Feature({ geometry: new Point(at), kind: 'event' })]
  for (const m of marks) {
    const p = fromLonLat(m.lonLat)
    const props = { memberId: m.memberId, name: m.name, status: m.status, distance: m.distanceText, recommended: m.recommended }
    features.push(new Feature({ geometry: new LineString([at, p]), kind: 'line', ...props }))
    features.push(new Feature({ geometry: new Point(p), kind: 'member', ...props }))
  }
  source.clear(true)
  cache.clear()
  source.addFeatures(features)
  return marks.length
}

/** Fits the map to the event and its candidates (the layer knows its map once main.ts added it). */
export function fitDispatch(): void {
  const map = dispatchLayer.getMapInternal()
  const extent = source.getExtent()
  if (!map || !extent || source.isEmpty()) return
  // room for the layer switcher on the left and the dock on the right
  map.getView().fit(extent, { padding: [60, 440, 60, 300], maxZoom: 17, duration: 400 })
}

/** Removes the candidates from the map (the event detail closed or shows another event). */
export function clearDispatch(): void {
  source.clear(true)
}

/** How many candidate members are drawn now (tests and the status of the section read it). */
export function drawnMembers(): number {
  return source.getFeatures().filter((f) => f.get('kind') === 'member').length
}
