// A WFS query (type, BBOX / FILTER / RESOURCEID, SORTBY, PROPERTYNAME, SRSNAME) → FeatureQuery
// over the catalogue, with every request value bound.
import type { Catalogue, LayerDef } from '../../../tiles/catalogue.ts'
import { GEOMETRY_NAME, newQuery, type FeatureQuery, type SortKey } from '../common/featureSource.ts'
import { outputCrs, type OutputCrs } from '../common/gml.ts'
import { compileFilter, type FilterContext } from '../filter/index.ts'
import { resolveProperty } from '../filter/expression.ts'
import { bboxPredicate } from '../filter/bbox.ts'
import { idPredicate, splitFeatureId } from '../filter/resourceId.ts'
import { clip, invalid } from './kvp.ts'
import type { QuerySpec, WfsRequest } from './request.ts'
import { resolveTypeName } from './typeNames.ts'
import { DEFAULT_CRS } from './formats.ts'
import { AppError } from '../../http/errors.ts'

export interface BuiltQuery {
  query: FeatureQuery
  out: OutputCrs
}

/** Every query of the request; RESOURCEID without TYPENAMES becomes one query per layer named by the ids. */
export function buildQueries(req: WfsRequest, catalogue: Catalogue, defaultSrsName: string): BuiltQuery[] {
  return req.queries.flatMap((spec) => layersOf(spec, req, catalogue).map((layer) => buildQuery(spec, layer, defaultSrsName)))
}

function layersOf(spec: QuerySpec, req: WfsRequest, catalogue: Catalogue): LayerDef[] {
  if (spec.typeNames.length) return spec.typeNames.map((t) => resolveTypeName(t, req.namespaces, catalogue))
  const ids = (spec.resourceIds ?? []).map(splitFeatureId).map((p) => p && catalogue.get(p.layer)).filter((l): l is LayerDef => !!l)
  return [...new Set(ids)]
}

export function buildQuery(spec: QuerySpec, layer: LayerDef, defaultSrsName: string): BuiltQuery {
  const query = newQuery(layer)
  const out = outputCrs(spec.srsName ?? defaultSrsName, 'srsName')
  const ctx = (locator: string): FilterContext => ({ source: query.source, defaultCrs: spec.srsName ?? DEFAULT_CRS, locator })
  if (spec.bbox) query.predicates.push(bboxPredicate(spec.bbox, ctx('bbox')))
  if (spec.filter) query.predicates.push(compileFilter(spec.filter, ctx('filter')))
  if (spec.resourceIds) query.predicates.push(idPredicate(query.source, spec.resourceIds))
  if (spec.sortBy) query.sortBy = parseSortBy(spec.sortBy, ctx('sortBy'))
  if (spec.propertyNames) applyPropertyNames(query, spec.propertyNames, ctx('propertyName'))
  return { query, out }
}

/** SORTBY=name ASC,code DESC (2.0) or name A,code D (1.1). */
export function parseSortBy(v: string, ctx: FilterContext): SortKey[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const [name = '', order = 'ASC', extra] = item.split(/\s+/)
    const dir = order.toUpperCase()
    if (extra !== undefined || !['ASC', 'DESC', 'A', 'D'].includes(dir)) throw invalid('sortBy', `bad SORTBY item "${clip(item)}"`)
    const ref = rethrowAs(() => resolveProperty(name, ctx), 'sortBy')
    if (ref.kind === 'geometry') throw invalid('sortBy', 'cannot sort by the geometry')
    return { name: ref.attribute.name, desc: dir.startsWith('D') }
  })
}

function applyPropertyNames(query: FeatureQuery, names: string[], ctx: FilterContext): void {
  if (names.includes('*')) return
  const refs = names.map((n) => rethrowAs(() => resolveProperty(n, ctx), 'propertyName'))
  query.geometry = refs.some((r) => r.kind === 'geometry')
  query.properties = [...new Set(refs.flatMap((r) => (r.kind === 'attribute' ? [r.attribute.name] : [])))]
    // keep the schema's order: the GML must follow the xsd:sequence
    .sort((a, b) => query.source.layer.attributes.findIndex((x) => x.name === a) - query.source.layer.attributes.findIndex((x) => x.name === b))
}

function rethrowAs<T>(f: () => T, locator: string): T {
  try {
    return f()
  } catch (err) {
    if (err instanceof AppError && err.ogc) throw invalid(locator, err.detail)
    throw err
  }
}

export { GEOMETRY_NAME }
