// Who sees which catalogue layer, and the audit of layers whose features are personal data.
// Every map service (vector tiles and TileJSON, WMS, WFS, OGC API Features) asks the catalogue
// through catalogueFor(), so a layer whose readRoles exclude the caller does not exist for it:
// absent from every listing, and a request naming it is answered as for an unknown layer. A
// service that delivers features of an `audited` layer calls noteLayerRead(), which adds one
// access-audit row to the request (server/audit/scope.ts; the audit middleware writes it, and a
// read whose row cannot be written is refused).
import type { Principal } from '../server/auth/users.ts'
import { noteFullRead } from '../server/audit/scope.ts'
import { Catalogue, type LayerDef } from './catalogue.ts'

/** Whether the principal may read the layer at all (jurisdiction still applies to its rows). */
export function mayReadLayer(layer: LayerDef, p: Pick<Principal, 'kind' | 'role' | 'layers'>): boolean {
  // a key issued for an access application reads only the layers granted to it (server/auth/grants.ts)
  if (p.layers && !p.layers.includes(layer.id)) return false
  if (!layer.readRoles) return true
  return p.kind !== 'anonymous' && layer.readRoles.includes(p.role)
}

/** The catalogue as this principal sees it: the same object when every layer is open to it. */
export function catalogueFor(catalogue: Catalogue, p: Pick<Principal, 'kind' | 'role' | 'layers'>): Catalogue {
  const visible = catalogue.layers.filter((l) => mayReadLayer(l, p))
  return visible.length === catalogue.layers.length ? catalogue : new Catalogue(visible)
}

/**
 * Records that this request delivered features of the layer, when it is audited: one row per
 * request and layer (resource type the layer's audit type, resource id the layer id).
 */
export function noteLayerRead(layer: LayerDef): void {
  if (!layer.audited) return
  const fields = layer.audited.fields.length ? [...layer.audited.fields] : ['features']
  noteFullRead({ type: layer.audited.type, id: layer.id, recordId: null, communityCode: null, fields })
}
