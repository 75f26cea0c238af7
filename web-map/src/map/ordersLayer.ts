// 调派指令 on the map: for each order followed, a line from the resource's live position to its
// target, the target (a ring of the arrival radius, or a flag in the grid), and a label with the
// resource, the distance left and the rough ETA. The line's resource end moves the moment a
// position streams in; the numbers come from the server (panels/orders/ re-reads the order).
// An arrived order keeps its target, drawn green, without the line.
import Feature from 'ol/Feature'
import LineString from 'ol/geom/LineString'
import Point from 'ol/geom/Point'
import { circular } from 'ol/geom/Polygon'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { fromLonLat } from 'ol/proj'
import { getLength } from 'ol/sphere'
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style'
import type { FeatureLike } from 'ol/Feature'
import type { Geometry } from 'ol/geom'

export interface OrderMark {
  id: number
  status: string
  /** the resource's last known position (null: never reported) */
  live: [number, number] | null
  target: [number, number]
  /** metres (point targets) */
  radiusM: number | null
  label: string
}

const LINE = '#7fd1ff'
const ARRIVED = '#3ddc97'
const TARGET = '#ffd166'

interface Drawn { line: Feature<LineString>; target: Feature<Point>; ring: Feature | null; mark: OrderMark }

const source = new VectorSource()
const drawn = new Map<number, Drawn>()
const cache = new Map<string, Style>()

function style(f: FeatureLike): Style | undefined {
  const kind = f.get('kind') as string
  const arrived = f.get('status') === 'arrived'
  const key = `${kind}|${arrived}|${kind === 'target' ? String(f.get('label')) : ''}`
  let s = cache.get(key)
  if (s) return s
  if (kind === 'line') s = new Style({ stroke: new Stroke({ color: LINE, width: 2.5, lineDash: [10, 6] }) })
  else if (kind === 'ring') s = new Style({ stroke: new Stroke({ color: arrived ? ARRIVED : TARGET, width: 1.5 }), fill: new Fill({ color: arrived ? 'rgba(61,220,151,0.15)' : 'rgba(255,209,102,0.12)' }) })
  else {
    s = new Style({
      image: new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill: new Fill({ color: arrived ? ARRIVED : TARGET }), stroke: new Stroke({ color: '#07111f', width: 2 }) }),
      text: new Text({ text: String(f.get('label') ?? ''), offsetY: -18, font: '13px sans-serif', fill: new Fill({ color: '#fff6dc' }), stroke: new Stroke({ color: '#07111f', width: 3 }) }),
    })
  }
  // labels change with every position: keep the cache from growing without bound
  if (cache.size > 500) cache.clear()
  cache.set(key, s)
  return s
}

/** The layer main.ts adds to the map once (above the field force's devices). */
export const ordersLayer = new VectorLayer({ source, style, zIndex: 905, properties: { id: 'orders', title: '调派指令' } })

/** A small ring at the resource's end of the line (the device itself is the field force's symbol). */
const resourceEndStyle = new Style({ image: new Circle({ radius: 11, stroke: new Stroke({ color: LINE, width: 2 }) }) })

function lineCoords(m: OrderMark): number[][] {
  return m.live && m.status !== 'arrived' ? [fromLonLat(m.live), fromLonLat(m.target)] : []
}

function ringOf(m: OrderMark): Geometry | null {
  return m.radiusM ? circular(m.target, m.radiusM, 48).transform('EPSG:4326', 'EPSG:3857') : null
}

/** Draws or updates one order. */
export function drawOrder(m: OrderMark): void {
  const d = drawn.get(m.id)
  if (!d) {
    const line = new Feature({ geometry: new LineString(lineCoords(m)), kind: 'line', orderId: m.id, status: m.status })
    line.setStyle([style(line)!, new Style({ geometry: (f) => { const c = (f.getGeometry() as LineString).getCoordinates(); return c.length ? new Point(c[0]!) : undefined }, image: resourceEndStyle.getImage()! })])
    const target = new Feature({ geometry: new Point(fromLonLat(m.target)), kind: 'target', orderId: m.id, status: m.status, label: m.label })
    const geom = ringOf(m)
    const ring = geom ? new Feature({ geometry: geom, kind: 'ring', orderId: m.id, status: m.status }) : null
    source.addFeatures([...(ring ? [ring] : []), line, target])
    drawn.set(m.id, { line, target, ring, mark: m })
    return
  }
  d.mark = m
  d.line.getGeometry()!.setCoordinates(lineCoords(m))
  d.target.setProperties({ status: m.status, label: m.label })
  d.ring?.set('status', m.status)
}

/** Moves the resource's end of an order's line (a position streamed in). */
export function moveResource(id: number, lonLat: [number, number]): void {
  const d = drawn.get(id)
  if (!d) return
  d.mark = { ...d.mark, live: lonLat }
  d.line.getGeometry()!.setCoordinates(lineCoords(d.mark))
}

export function removeOrder(id: number): void {
  const d = drawn.get(id)
  if (!d) return
  for (const f of [d.line, d.target, d.ring]) if (f) source.removeFeature(f)
  drawn.delete(id)
}

export function clearOrders(): void {
  source.clear(true)
  drawn.clear()
}

/** The geodesic length of an order's line in metres (0: no line), for the tests and a wall screen's diagnosis. */
export function lineMetres(id: number): number | null {
  const d = drawn.get(id)
  if (!d) return null
  return d.line.getGeometry()!.getCoordinates().length ? getLength(d.line.getGeometry()!) : 0
}

/** Fits the map to an order's line and target. */
export function fitOrder(id: number): void {
  const d = drawn.get(id)
  const map = ordersLayer.getMapInternal()
  if (!d || !map) return
  const extent = (d.mark.live && d.mark.status !== 'arrived' ? d.line.getGeometry()! : d.target.getGeometry()!).getExtent()
  map.getView().fit(extent, { padding: [80, 460, 80, 320], maxZoom: 17, duration: 400 })
}
