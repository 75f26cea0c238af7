// Per-layer tile SQL, built once from the catalogue and the templates in sql/queries/tiles/.
// Only catalogue text goes into the statement (identifiers quoted, attribute expressions and
// static predicates as the catalogue wrote them); z/x/y, jurisdiction and layer name are bound,
// so each statement is prepared once per connection and reused for every tile.
import { createHash } from 'node:crypto'
import { sqlFile } from '../server/db/sql.ts'
import type { LayerDef } from './catalogue.ts'

export type Encoder = 'postgis' | 'node'
/** Features: the layer's rows; clusters: counts per cell for dense point layers at low zoom. */
export type TileKind = 'features' | 'clusters'

export interface LayerStatement {
  /** Prepared statement name (unique per text, so a changed catalogue never reuses a stale plan). */
  name: string
  text: string
}

const NAME = /^[a-z_][a-z0-9_]*$/

/** Quotes a (possibly schema-qualified) identifier from the catalogue. */
export function quoteIdent(id: string): string {
  const parts = id.split('.')
  for (const p of parts) if (!NAME.test(p)) throw new Error(`unsafe identifier in the layer catalogue: ${id}`)
  return parts.map((p) => `"${p}"`).join('.')
}

/**
 * The SELECT list of the layer's attributes. Datetimes become ISO 8601 UTC strings so that
 * ST_AsMVT and the Node encoder write the same text (ST_AsMVT would use the session time zone).
 */
function attributeList(layer: LayerDef): string {
  return layer.attributes.map((a) => {
    const expr = a.type === 'datetime' ? `to_char((${a.sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` : `(${a.sql})`
    return `${expr} AS ${quoteIdent(a.name)}`
  }).join(',\n         ')
}

function fill(template: string, layer: LayerDef): string {
  const values: Record<string, string> = {
    attributes: attributeList(layer),
    attribute_names: layer.attributes.map((a) => quoteIdent(a.name)).join(', '),
    // polygons are simplified to half a tile pixel (b.tolerance, degrees) before the transform
    geometry: layer.geometryType === 'Point' ? 't.geom' : 'ST_Simplify(t.geom, b.tolerance, true)',
    table: quoteIdent(layer.table),
    where: layer.where,
    admin_column: `t.${quoteIdent(layer.adminColumn)}`,
    // the layer id as a string literal (catalogue ids are plain identifiers, checked here)
    layer_literal: `'${quoteIdent(layer.id).slice(1, -1)}'`,
  }
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_, key: string) => {
    const v = values[key]
    if (v === undefined) throw new Error(`unknown marker {{${key}}} in a tile query`)
    return v
  })
}

const templates: Record<Encoder, Record<TileKind | 'precomputed', string>> = {
  postgis: { features: 'tiles/mvt_layer', clusters: 'tiles/mvt_clusters', precomputed: 'tiles/mvt_clusters_pre' },
  node: { features: 'tiles/rows_layer', clusters: 'tiles/rows_clusters', precomputed: 'tiles/rows_clusters_pre' },
}

/**
 * The layer's tile statement. Cluster tiles of layers with precomputed cells (point_cluster,
 * migration 0015) sum those; `fresh` counts the points instead (the parity test's reference).
 */
export function buildLayerStatement(layer: LayerDef, encoder: Encoder, kind: TileKind, fresh = false): LayerStatement {
  if (kind === 'clusters' && layer.geometryType !== 'Point') throw new Error(`layer ${layer.id}: only point layers cluster`)
  const template = kind === 'clusters' && layer.precomputedClusters && !fresh ? 'precomputed' : kind
  const text = fill(sqlFile(templates[encoder][template]), layer)
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 10)
  return { name: `tile_${layer.id.slice(0, 30)}_${encoder[0]}${kind[0]}_${hash}`, text }
}

/** Which kind of tile a layer serves at zoom z, or undefined outside its zoom range. */
export function tileKindAt(layer: LayerDef, z: number): TileKind | undefined {
  if (z > layer.maxZoom) return undefined
  if (z >= layer.minZoom) return 'features'
  if (layer.geometryType === 'Point' && layer.clusterMinZoom !== undefined && z >= layer.clusterMinZoom) return 'clusters'
  return undefined
}

/** The lowest zoom with tiles for the layer (clusters included). */
export function tileMinZoom(layer: LayerDef): number {
  return layer.geometryType === 'Point' && layer.clusterMinZoom !== undefined ? Math.min(layer.clusterMinZoom, layer.minZoom) : layer.minZoom
}
