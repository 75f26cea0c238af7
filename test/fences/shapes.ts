// Fence shapes and fixes for the fence-engine tests, drawn in metres about a fixed origin in the
// demo city and turned into lon/lat (the same equirectangular formula the engine documents, so
// a shape's metres are its metres to within millimetres).
import type { FenceDef, FenceRules, FenceSchedule, Fix } from '../../server/fences/engine.ts'

export const ORIGIN = { lon: 116.0, lat: 36.45 }
const R = 6_371_008.8
export const KY = (Math.PI * R) / 180
export const KX = KY * Math.cos((ORIGIN.lat * Math.PI) / 180)

export type XY = [number, number]

export const toLonLat = ([x, y]: XY): [number, number] => [ORIGIN.lon + x / KX, ORIGIN.lat + y / KY]
export const toXY = (lon: number, lat: number): XY => [(lon - ORIGIN.lon) * KX, (lat - ORIGIN.lat) * KY]

/** A closed ring in lon/lat from metre vertices (closing vertex added). */
export const ring = (pts: XY[]): number[][] => [...pts, pts[0]!].map(toLonLat)

export const rect = (x0: number, y0: number, x1: number, y1: number): XY[] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

export const circle = (cx: number, cy: number, r: number, n = 64): XY[] =>
  Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)] as XY)

/** A U opening upwards: outer w × h at (x0, y0), arms `arm` wide, notch from y0 + base to the top. */
export const uShape = (x0: number, y0: number, w: number, h: number, arm: number, base: number): XY[] => [
  [x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0 + w - arm, y0 + h], [x0 + w - arm, y0 + base],
  [x0 + arm, y0 + base], [x0 + arm, y0 + h], [x0, y0 + h],
]

export const RULES_ON: FenceRules = { enter: true, exit: true, dwellMinutes: null, absentMinutes: null }

export function fence(id: number, polygons: XY[][][], more: { rules?: Partial<FenceRules>; schedule?: FenceSchedule; memberIds?: number[]; adminPrefix?: string } = {}): FenceDef {
  return {
    id, cityCode: '990100', adminPrefix: more.adminPrefix ?? '990102', memberIds: more.memberIds ?? [],
    geom: { type: 'MultiPolygon', coordinates: polygons.map((rings) => rings.map(ring)) },
    rules: { ...RULES_ON, ...more.rules }, schedule: more.schedule ?? null,
  }
}

export const fix = (t: number, x: number, y: number, accuracy: number | null = 5): Fix => {
  const [lon, lat] = toLonLat([x, y])
  return { t, lon, lat, accuracy }
}

/** Metres between a lon/lat and a metre point. */
export const metresTo = (lon: number, lat: number, [x, y]: XY): number => {
  const [px, py] = toXY(lon, lat)
  return Math.hypot(px - x, py - y)
}
