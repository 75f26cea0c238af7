// Feature identifiers: `<layer>.<key>` (the gml:id). ResourceId (FES 2.0), FeatureId and
// GmlObjectId (Filter 1.1) and the RESOURCEID / FEATUREID parameters all end here. Ids of other
// layers, or that the key's type cannot hold, simply match nothing.
import type { CompiledLayer } from '../common/featureSource.ts'
import { sql, type Sql } from '../common/sql.ts'
import type { XmlNode } from '../common/xml.ts'

export const idOperators = ['ResourceId', 'FeatureId', 'GmlObjectId']

/** The layer id and key of a feature id, or null when it has no `<layer>.` prefix. */
export function splitFeatureId(id: string): { layer: string; key: string } | null {
  const dot = id.indexOf('.')
  return dot > 0 ? { layer: id.slice(0, dot), key: id.slice(dot + 1) } : null
}

/** The keys of this layer among the ids, each valid for the key's type. */
export function keysFor(source: CompiledLayer, ids: string[]): string[] {
  const keys = ids.map(splitFeatureId).filter((p) => p?.layer === source.layer.id).map((p) => p!.key)
  if (source.keyType === 'integer') return keys.filter((k) => /^-?\d{1,18}$/.test(k))
  return keys
}

/** key = ANY(ids): the key's index is used (the array is cast to the key's type). */
export function idPredicate(source: CompiledLayer, ids: string[]): Sql {
  const keys = keysFor(source, ids)
  if (!keys.length) return sql('false')
  const cast = source.keyType === 'integer' ? 'bigint[]' : 'text[]'
  return sql(`${source.key} = ANY(?::${cast})`, keys)
}

/** The id of an id element, in any of its spellings. */
export const idOf = (node: XmlNode) => node.attrs.rid ?? node.attrs.fid ?? node.attrs.id ?? ''
