// Feature type names: `gridgov:<layer id>` in the gridgov namespace. A client may use any
// prefix it binds to our namespace (NAMESPACES / NAMESPACE), the gridgov prefix, or none.
import type { Catalogue, LayerDef } from '../../../tiles/catalogue.ts'
import { GRIDGOV_NS, GRIDGOV_PREFIX } from '../common/namespaces.ts'
import { clip, invalid } from './kvp.ts'

export const typeNameOf = (layer: LayerDef) => `${GRIDGOV_PREFIX}:${layer.id}`

/** The layer of a type name; unknown (or bound to a foreign namespace) → InvalidParameterValue typeNames. */
export function resolveTypeName(name: string, namespaces: Map<string, string>, catalogue: Catalogue): LayerDef {
  const m = /^(?:\{([^}]*)\}|([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)$/.exec(name.trim())
  const ns = m?.[1] ?? (m?.[2] !== undefined ? namespaces.get(m[2]) ?? (m[2] === GRIDGOV_PREFIX ? GRIDGOV_NS : undefined) : undefined)
  const layer = m ? catalogue.get(m[3]!) : undefined
  // an undeclared prefix is tolerated (OWSLib and scripts rarely declare it); a declared foreign one is not
  const foreign = m?.[2] !== undefined && namespaces.has(m[2]) && ns !== GRIDGOV_NS
  if (!layer || foreign || (m?.[1] !== undefined && ns !== GRIDGOV_NS)) {
    throw invalid('typeNames', `unknown feature type "${clip(name)}"; this service offers ${catalogue.layers.map(typeNameOf).join(', ')}`)
  }
  return layer
}
