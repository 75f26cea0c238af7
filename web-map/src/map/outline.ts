// The city outline and names, drawn from the public outline (GET /api/v1/public/outline, no
// sign-in): the screen opens on its city instead of an empty dark canvas, and the names stay as
// orientation under the data layers after sign-in. The view fits the city until someone signs in.
import type OlMap from 'ol/Map'
import GeoJSON from 'ol/format/GeoJSON'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import Point from 'ol/geom/Point'
import Feature from 'ol/Feature'
import { fromLonLat } from 'ol/proj'
import { Fill, Stroke, Style, Text } from 'ol/style'
import type { FeatureLike } from 'ol/Feature'
import { LABEL_GROUP } from './basemap.ts'

const CITY = '#8fd3ff'
const DISTRICT = '#4f7fb8'
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

// strokes only: a fill would make the whole city a hit for the pointer and for clicks
const cityArea = [
  new Style({ stroke: new Stroke({ color: 'rgba(63,182,255,0.25)', width: 9 }) }),
  new Style({ stroke: new Stroke({ color: CITY, width: 2.5 }) }),
]
const districtArea = new Style({ stroke: new Stroke({ color: DISTRICT, width: 1.2, lineDash: [8, 5] }) })
const halo = new Stroke({ color: 'rgba(7,17,31,0.9)', width: 4 })

function labelStyle(f: FeatureLike, resolution: number): Style | undefined {
  const city = f.get('level') === 'city'
  // district names only when close enough to read them apart; the city name while it fits
  if (!city && resolution > 40) return undefined
  if (city && resolution < 5) return undefined
  return new Style({
    text: new Text({
      text: String(f.get('name') ?? ''), font: city ? `600 26px ${FONT}` : `15px ${FONT}`,
      fill: new Fill({ color: city ? '#e9f4ff' : '#b7cbe3' }), stroke: halo, overflow: true,
    }),
    // decluttered with the base map's names: the city's name first, then districts, then places
    zIndex: city ? 300 : 250,
  })
}

export interface Outline {
  layer: VectorLayer
  /** Resolves once the outline has loaded (or failed: the map works without it). */
  ready: Promise<void>
}

/** Adds the outline under every other layer; `fitWhile()` says whether the view may still be moved to the city. */
export function addOutline(map: OlMap, fitWhile: () => boolean): Outline {
  const source = new VectorSource()
  const layer = new VectorLayer({
    source, zIndex: -10, updateWhileAnimating: false, declutter: LABEL_GROUP,
    style: (f, res) => (f.get('label') === true ? labelStyle(f, res) : f.get('level') === 'city' ? cityArea : districtArea),
  })
  layer.set('name', 'outline')
  map.addLayer(layer)
  const ready = (async () => {
    try {
      const res = await fetch('/api/v1/public/outline', { headers: { accept: 'application/geo+json' } })
      if (!res.ok) return
      const areas = new GeoJSON().readFeatures(await res.json(), { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' })
      // names at a point inside each area (the server's label), drawn over the outlines
      const labels = areas.map((a) => new Feature({
        geometry: new Point(fromLonLat(a.get('label') as [number, number])), name: a.get('name'), level: a.get('level'), label: true,
      }))
      source.addFeatures([...areas, ...labels])
      map.getTargetElement()?.setAttribute('data-outline', String(areas.length))
      const city = areas.find((a) => a.get('level') === 'city')
      if (city && fitWhile()) map.getView().fit(city.getGeometry()!.getExtent(), { padding: [60, 60, 60, 60] })
    } catch {
      // no outline (server unreachable): the sign-in still works
    }
  })()
  return { layer, ready }
}
