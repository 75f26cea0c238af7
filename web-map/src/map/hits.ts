// What lies under a click on the map: the features of our vector tile layers, grouped by layer,
// most specific first (a point before the grid, the grid before the divisions it lies in).
import type OlMap from 'ol/Map'
import type { FeatureLike } from 'ol/Feature'
import type { MapLayer } from './layers.ts'
import type { Hit } from '../panels/layers/layerPanel.ts'

/** Pixel offsets tried for small points: the click itself, then a ring within 3 px. */
const NEAR = [[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3], [2, 2], [-2, -2], [2, -2], [-2, 2]] as const

/**
 * Features under a click, grouped by layer, most specific layer first. Exact hits first: the
 * polygons that contain the pixel (a tolerance would also catch a neighbour's boundary and name
 * the wrong street); layers without one get a second look with a tolerance, for small points.
 * Points of vector tile layers are not found by forEachFeatureAtPixel in OpenLayers 10's hybrid
 * render mode (its replay hit test misses them), so layers still without a hit ask the layer's
 * own hit-detection image (layer.getFeatures) at the pixel and a few pixels around it.
 */
export async function hitsAt(map: OlMap, layers: readonly MapLayer[], pixel: number[]): Promise<Hit[]> {
  const found = new Map<MapLayer, FeatureLike[]>()
  const collect = (hitTolerance: number) => map.forEachFeatureAtPixel(pixel, (feature, layer) => {
    const l = layers.find((m) => m.layer === layer)
    if (l) found.set(l, [...found.get(l) ?? [], feature])
  }, { hitTolerance, layerFilter: (layer) => !([...found.keys()].some((m) => m.layer === layer)) })
  collect(0)
  collect(4)
  const view = map.getView()
  await Promise.all(layers.filter((l) => !found.has(l) && l.layer.isVisible(view)).map(async (l) => {
    for (const [dx, dy] of NEAR) {
      const features = await l.layer.getFeatures([pixel[0]! + dx, pixel[1]! + dy])
      if (features.length) {
        found.set(l, features)
        return
      }
    }
  }))
  // most specific first: points, then grids, and last the divisions the click lies in
  const rank = (h: Hit) => (h.layer.info.id === 'admin_divisions' ? -1 : h.layer.layer.getZIndex() ?? 0)
  return [...found].map(([layer, features]) => ({ layer, features })).sort((a, b) => rank(b) - rank(a))
}
