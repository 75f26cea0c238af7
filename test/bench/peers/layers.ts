// What the peers (MapServer, QGIS Server, pgbench) are told about our layers: derived from the
// layer catalogue (tiles/catalogue.ts LayerDef), never written by hand, so that a peer reads the
// same rows, the same attribute expressions and draws with the same colours as gridgov.
import type { LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import { attributeText } from '../../../server/ogc/common/featureSource.ts'
import { Jurisdiction } from '../../../server/db/jurisdiction.ts'
import { POINT_RADIUS, STROKE_WIDTH } from '../../../server/ogc/wms/render.ts'

/** The catalogue layers the peers serve (the ones the WMS, WFS and tile rows ask for). */
export const PEER_LAYERS = ['base_grids', 'components', 'events', 'events_all'] as const

/** The demo city's jurisdiction: the bench signs in to gridgov as city-wide users. */
export const CITY = Jurisdiction.of(['990100000000'])

/** A colour as 0-255 channels and an alpha in [0, 1]. */
export interface Rgba { r: number; g: number; b: number; a: number }

/** The CSS colours the catalogue uses: #rrggbb and rgba(r,g,b,a). */
export function parseColour(css: string): Rgba {
  const hex = /^#([0-9a-f]{6})$/i.exec(css)?.[1]
  if (hex) return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16), a: 1 }
  const m = /^rgba\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*([\d.]+)\s*\)$/i.exec(css)
  if (!m) throw new Error(`colour ${css}: the peers' styles understand #rrggbb and rgba() only`)
  return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: Number(m[4]) }
}

/** A style class: the attribute value it matches (undefined: every other value) and its colours. */
export interface StyleClass { value: string | undefined; fill: Rgba; stroke: Rgba }

/** The first style of a layer (gridgov's default), as classes with the '*' default last. */
export function styleClasses(layer: LayerDef): { by: string | undefined; classes: StyleClass[] } {
  const style: LayerStyle | undefined = layer.styles[0]
  if (!style) throw new Error(`layer ${layer.id} has no style`)
  const entries = Object.entries(style.colours)
  const ordered = [...entries.filter(([k]) => k !== '*'), ...entries.filter(([k]) => k === '*')]
  return {
    by: style.by,
    classes: ordered.map(([k, [fill, stroke]]) => ({ value: k === '*' ? undefined : k, fill: parseColour(fill), stroke: parseColour(stroke) })),
  }
}

/** gridgov's stroke width (server/ogc/wms/render.ts) and point radius, in pixels. */
export const STROKE_PX = STROKE_WIDTH
export const POINT_RADIUS_PX = POINT_RADIUS

/**
 * The layer as one SELECT for a peer: the catalogue's attribute expressions under their public
 * names (datetimes as gridgov's WFS writes them), the geometry, the static predicate and the
 * city's jurisdiction, as literals (peers take no bound parameters in their data sources);
 * `orderedByKey`: rows in key order, gridgov's WFS order (for QGIS, see qgis.ts).
 */
export function layerSelect(layer: LayerDef, orderedByKey = false): string {
  const columns = layer.attributes.map((a) => `${a.type === 'datetime' ? attributeText(a) : a.sql} AS "${a.name}"`)
  if (!layer.attributes.some((a) => a.name === layer.key)) columns.unshift(`t."${layer.key}" AS "${layer.key}"`)
  const order = orderedByKey ? ` ORDER BY t."${layer.key}"` : ''
  return `SELECT ${columns.join(', ')}, t.geom FROM "${layer.table}" t WHERE (${layer.where}) AND (${jurisdictionSql(layer)})${order}`
}

/** The city's jurisdiction over alias `t` as literal SQL (gridgov binds the same patterns). */
export const jurisdictionSql = (layer: LayerDef) =>
  CITY.patterns.map((p) => `t."${layer.adminColumn}" LIKE '${p.replace(/'/g, "''")}'`).join(' OR ')

/** MapServer / QGIS geometry type words for a layer. */
export const geometryWord = (layer: LayerDef) =>
  layer.geometryType === 'Point' ? 'Point' : layer.geometryType === 'MultiLineString' ? 'Line' : 'Polygon'
