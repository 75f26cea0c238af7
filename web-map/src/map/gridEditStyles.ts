// Styles of the grid editor's layers: the neighbouring grids to snap to, the sketch being drawn,
// the topology verdicts (red refuses the write, orange is advice), a browsed version and results.
// Verdict areas are often slivers a pixel wide, so each also carries a marker at an inner point.
import type { FeatureLike } from 'ol/Feature'
import type Geometry from 'ol/geom/Geometry'
import type MultiPolygon from 'ol/geom/MultiPolygon'
import type Polygon from 'ol/geom/Polygon'
import Point from 'ol/geom/Point'
import MultiPoint from 'ol/geom/MultiPoint'
import type SimpleGeometry from 'ol/geom/SimpleGeometry'
import { getCenter } from 'ol/extent'
import { Circle, Fill, Stroke, Style, Text } from 'ol/style'

const RED = '#ff3b3b'
const ORANGE = '#ff9f1c'

const label = (text: string, colour: string) => new Text({
  text, font: '12px sans-serif', overflow: true, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#07111f', width: 3 }),
})

const neighbour = new Style({ stroke: new Stroke({ color: 'rgba(127, 209, 255, 0.8)', width: 1.2 }), fill: new Fill({ color: 'rgba(63, 182, 255, 0.04)' }) })
const picked = new Style({ stroke: new Stroke({ color: '#ffe066', width: 3 }), fill: new Fill({ color: 'rgba(255, 224, 102, 0.12)' }) })

export function neighbourStyle(f: FeatureLike): Style {
  return f.get('picked') ? picked : neighbour
}

/** The sketch: its outline and its vertices (the points the operator drags or snaps). */
export const sketchStyle = [
  new Style({ stroke: new Stroke({ color: '#3ddc97', width: 2.5 }), fill: new Fill({ color: 'rgba(61, 220, 151, 0.15)' }) }),
  new Style({
    image: new Circle({ radius: 4, fill: new Fill({ color: '#3ddc97' }), stroke: new Stroke({ color: '#07111f', width: 1 }) }),
    geometry: (f) => {
      const g = f.getGeometry() as SimpleGeometry | undefined
      return g ? new MultiPoint(flatCoordinates(g)) : undefined
    },
  }),
]

function flatCoordinates(g: SimpleGeometry): number[][] {
  const out: number[][] = []
  const flat = g.getFlatCoordinates()
  const stride = g.getStride()
  for (let i = 0; i < flat.length; i += stride) out.push([flat[i]!, flat[i + 1]!])
  return out
}

/** The inner point of a polygonal verdict (where its marker goes), or the geometry itself. */
function markerAt(g: Geometry | undefined): Geometry | undefined {
  if (!g) return undefined
  const t = g.getType()
  if (t === 'Polygon') return (g as Polygon).getInteriorPoint()
  if (t === 'MultiPolygon') return (g as MultiPolygon).getInteriorPoints()
  if (t === 'Point' || t === 'MultiPoint') return g
  return new Point(getCenter(g.getExtent()))
}

const cache = new Map<string, Style[]>()

/** A verdict: its area filled, its place marked, its number on the marker (as in the list). */
export function verdictStyle(f: FeatureLike): Style[] {
  const warning = f.get('warning') === true
  const n = String(f.get('n') ?? '')
  const focused = f.get('focused') === true
  const key = `${warning}|${n}|${focused}`
  let s = cache.get(key)
  if (!s) {
    const colour = warning ? ORANGE : RED
    s = [
      new Style({ stroke: new Stroke({ color: colour, width: focused ? 3 : 2 }), fill: new Fill({ color: warning ? 'rgba(255, 159, 28, 0.35)' : 'rgba(255, 59, 59, 0.35)' }) }),
      new Style({
        geometry: (feature) => markerAt(feature.getGeometry() as Geometry | undefined),
        image: new Circle({ radius: focused ? 10 : 8, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#07111f', width: 2 }) }),
        text: label(n, '#07111f'),
      }),
    ]
    s[1]!.getText()!.setFill(new Fill({ color: '#ffffff' }))
    cache.set(key, s)
  }
  return s
}

const versionStyles = new Map<string, Style>()

/** A browsed version: dashed violet outline labelled 第 n 版. */
export function versionStyle(f: FeatureLike): Style {
  const text = `第 ${String(f.get('version'))} 版`
  let s = versionStyles.get(text)
  if (!s) {
    s = new Style({
      stroke: new Stroke({ color: '#c77dff', width: 3, lineDash: [10, 6] }), fill: new Fill({ color: 'rgba(199, 125, 255, 0.12)' }),
      text: label(text, '#e0c3ff'),
    })
    versionStyles.set(text, s)
  }
  return s
}

/** Grids just written (split parts, the merged grid): bright outline with the new code. */
export function resultStyle(f: FeatureLike): Style {
  return new Style({
    stroke: new Stroke({ color: '#ffffff', width: 2.5 }), fill: new Fill({ color: 'rgba(255, 255, 255, 0.1)' }),
    text: label(String(f.get('code') ?? ''), '#ffffff'),
  })
}
