// Layer extents for the capabilities document: each layer's data extent (storage lon/lat) read
// once and kept for a few minutes, projected to every advertised CRS, and the list of CRSs
// itself, which includes the CGCS2000 Gauss-Krüger zones that cover the data.
import type { AppContext } from '../../context.ts'
import { fromStorage, parseCrs, type Crs } from '../../geo/crs.ts'
import { layerExtent } from './features.ts'

export type Box = [number, number, number, number]

export interface Extents {
  /** Per layer id: its data extent in lon/lat, or the union of all when the layer is empty. */
  byLayer: Map<string, Box>
  all: Box
  /** The CRSs to advertise, canonical short identifiers (CRS:84 first). */
  crs: Crs[]
}

const TTL_MS = 5 * 60_000
/** When no layer has any row: the territory of China, so documents stay valid. */
const CHINA: Box = [73, 3, 136, 54]
const cache = new WeakMap<AppContext, { until: number; value: Promise<Extents> }>()

export function layerExtents(app: AppContext): Promise<Extents> {
  const hit = cache.get(app)
  if (hit && hit.until > Date.now()) return hit.value
  const value = computeExtents(app)
  cache.set(app, { until: Date.now() + TTL_MS, value })
  value.catch(() => cache.delete(app)) // a failure is not remembered
  return value
}

async function computeExtents(app: AppContext): Promise<Extents> {
  const found = await Promise.all(app.catalogue.layers.map(async (l) => [l.id, widen(await layerExtent(app.knexRead, l))] as const))
  const boxes = found.map(([, b]) => b).filter((b): b is Box => b !== null)
  const all: Box = boxes.length ? union(boxes) : CHINA
  const byLayer = new Map<string, Box>(found.map(([id, b]) => [id, b ?? all]))
  return { byLayer, all, crs: advertisedCrs(all) }
}

/**
 * A layer of one point (or points on one line of latitude or longitude) has an extent with no
 * width or height, which a BoundingBox may not have (minx < maxx): widened by ~50 m each way.
 */
function widen(b: Box | null): Box | null {
  if (!b) return null
  const e = 0.0005
  return [b[0] === b[2] ? b[0] - e : b[0], b[1] === b[3] ? b[1] - e : b[1], b[0] === b[2] ? b[2] + e : b[2], b[1] === b[3] ? b[3] + e : b[3]]
}

function union(boxes: Box[]): Box {
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))]
}

/**
 * CRS:84, EPSG:4326, EPSG:4490, EPSG:3857 and, for every 3-degree Gauss-Krüger zone the data
 * touches, both CGCS2000 forms of it (zone-prefixed eastings 4513-4533, plain 4534-4554).
 */
export function advertisedCrs(all: Box): Crs[] {
  const ids = ['CRS:84', 'EPSG:4326', 'EPSG:4490', 'EPSG:3857']
  const first = Math.max(25, Math.round(all[0] / 3)), last = Math.min(45, Math.round(all[2] / 3))
  for (let zone = first; zone <= last; zone++) ids.push(`EPSG:${4513 + zone - 25}`, `EPSG:${4534 + zone - 25}`)
  return ids.map((id) => parseCrs(id))
}

/**
 * A lon/lat box projected to `crs`, as x,y (easting/longitude first) min/max. The edges are
 * sampled, because a projected box of a lon/lat rectangle is bounded by curves.
 */
export function projectBox(box: Box, crs: Crs): Box {
  if (crs.geographic) return box
  const xs: number[] = [], ys: number[] = []
  const steps = 8
  for (let i = 0; i <= steps; i++) {
    const lon = box[0] + ((box[2] - box[0]) * i) / steps
    const lat = box[1] + ((box[3] - box[1]) * i) / steps
    for (const [a, b] of [[lon, box[1]], [lon, box[3]], [box[0], lat], [box[2], lat]] as const) {
      const p = fromStorage(a, b, crs)
      const [x, y] = crs.latFirst ? [p[1], p[0]] : p
      xs.push(x)
      ys.push(y)
    }
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}
