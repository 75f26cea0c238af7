// wfs:Transaction XML → actions. One reader for WFS 2.0.0 (wfs:Property/ValueReference,
// fes:Filter, fes:ResourceId) and 1.1.0 as GDAL and QGIS send it (wfs:Property/Name,
// ogc:Filter, ogc:GmlObjectId / ogc:FeatureId). Layers, properties and geometries are resolved
// here, so a writer sees only catalogue layers and plain values; wfs:Native, Replace and
// unknown elements are refused before anything is applied.
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Catalogue } from '../../../tiles/catalogue.ts'
import { AppError } from '../../http/errors.ts'
import { compileLayer, GEOMETRY_NAME } from '../common/featureSource.ts'
import { childNamed, childrenNamed, type XmlNode } from '../common/xml.ts'
import { isGeometry, readGmlGeometry, type GeoJsonGeometry } from '../filter/gmlGeometry.ts'
import type { FilterContext } from '../filter/index.ts'
import type { Crs } from '../../geo/crs.ts'
import { clip } from './kvp.ts'
import { resolveTypeName } from './typeNames.ts'
import { DEFAULT_CRS } from './formats.ts'

/** A geometry value as the client sent it: x,y order in its own CRS. */
export interface GeometryValue { geometry: GeoJsonGeometry; crs: Crs }

/** Property values of an Insert or Update: text (null = set to nothing) and at most one geometry. */
export interface Values {
  properties: Record<string, string | null>
  geometry?: GeometryValue | null
}

export interface InsertFeature extends Values {
  /** What refusals name: the feature's gml:id, else the action handle and position. */
  locator: string
}

export type Action =
  | { kind: 'Insert'; layer: LayerDef; handle?: string | undefined; features: InsertFeature[] }
  | { kind: 'Update'; layer: LayerDef; handle?: string | undefined; values: Values; filter: XmlNode; ctx: FilterContext }
  | { kind: 'Delete'; layer: LayerDef; handle?: string | undefined; filter: XmlNode; ctx: FilterContext }

/** The most features one transaction may insert, update or delete (a bench-size import). */
export const MAX_TRANSACTION_FEATURES = 20_000

export const refusal = (status: number, code: string, locator: string, detail: string) =>
  new AppError(status, 'transaction_refused', clip(detail, 400), { locator }, { code, locator })

/** Reads every action of a Transaction; typeNames resolve against the caller's readable layers. */
export function readTransaction(root: XmlNode, namespaces: Map<string, string>, catalogue: Catalogue): Action[] {
  const actions: Action[] = []
  let inserted = 0
  root.children.forEach((node, i) => {
    const handle = node.attrs.handle
    const where = handle ?? `${node.name}[${i + 1}]`
    if (node.name === 'Insert') {
      const features = readInsert(node, where, namespaces, catalogue)
      inserted += features.reduce((n, f) => n + f.features.length, 0)
      actions.push(...features.map((f) => ({ kind: 'Insert' as const, handle, ...f })))
    } else if (node.name === 'Update' || node.name === 'Delete') {
      const layer = resolve(attr(node, 'typeName') ?? attr(node, 'typeNames') ?? '', where, namespaces, catalogue)
      const filter = childNamed(node, 'Filter')
      // a Filter-less Update or Delete touches the whole layer: never what a field editor meant
      if (!filter) throw refusal(400, 'MissingParameterValue', where, `${node.name} needs a Filter naming the features it changes`).coded('wfst.filter_required', { action: node.name })
      const ctx: FilterContext = { source: compileLayer(layer), defaultCrs: attr(node, 'srsName') ?? DEFAULT_CRS, locator: where }
      if (node.name === 'Delete') actions.push({ kind: 'Delete', layer, handle, filter, ctx })
      else actions.push({ kind: 'Update', layer, handle, filter, ctx, values: readProperties(node, ctx, where) })
    } else if (node.name !== 'LockId') {
      throw refusal(400, 'OperationNotSupported', where, `${node.name} is not supported in a Transaction: use Insert, Update and Delete`)
        .coded('wfst.action_unsupported', { action: node.name })
    }
  })
  if (!actions.length) throw refusal(400, 'MissingParameterValue', 'Transaction', 'the Transaction holds no Insert, Update or Delete').coded('wfst.empty')
  if (inserted > MAX_TRANSACTION_FEATURES) {
    throw refusal(400, 'OperationProcessingFailed', 'Insert', `at most ${MAX_TRANSACTION_FEATURES} features per transaction, got ${inserted}`)
      .coded('wfst.too_many', { max: MAX_TRANSACTION_FEATURES })
  }
  return actions
}

function resolve(name: string, where: string, namespaces: Map<string, string>, catalogue: Catalogue): LayerDef {
  try {
    return resolveTypeName(name, namespaces, catalogue)
  } catch {
    throw refusal(400, 'InvalidValue', where, `unknown feature type "${clip(name)}"`).coded('wfst.unknown_type', { typeName: clip(name) })
  }
}

/** The features of one Insert, grouped by layer in document order (one group per run of a layer). */
function readInsert(node: XmlNode, where: string, namespaces: Map<string, string>, catalogue: Catalogue): { layer: LayerDef; features: InsertFeature[] }[] {
  const groups: { layer: LayerDef; features: InsertFeature[] }[] = []
  const srsName = attr(node, 'srsName') ?? DEFAULT_CRS
  node.children.forEach((f, j) => {
    const layer = resolve(f.name, where, namespaces, catalogue)
    const locator = f.attrs.id ?? (node.children.length > 1 ? `${where}/${layer.id}[${j + 1}]` : where)
    const ctx: FilterContext = { source: compileLayer(layer), defaultCrs: srsName, locator }
    const values: Values = { properties: {} }
    // gml:boundedBy is the client's courtesy, not a property
    for (const p of f.children) if (p.name !== 'boundedBy') setValue(values, p.name, p, ctx, locator)
    const last = groups[groups.length - 1]
    if (last?.layer === layer) last.features.push({ ...values, locator })
    else groups.push({ layer, features: [{ ...values, locator }] })
  })
  if (!groups.length) throw refusal(400, 'MissingParameterValue', where, 'Insert holds no feature').coded('wfst.empty')
  return groups
}

/** wfs:Property (ValueReference 2.0, Name 1.1) → values; a Property without Value sets nothing (null). */
function readProperties(node: XmlNode, ctx: FilterContext, where: string): Values {
  const values: Values = { properties: {} }
  const props = childrenNamed(node, 'Property')
  if (!props.length) throw refusal(400, 'MissingParameterValue', where, 'Update needs at least one Property').coded('wfst.empty')
  for (const p of props) {
    const ref = childNamed(p, 'ValueReference') ?? childNamed(p, 'Name')
    const name = ref?.text.replace(/^.*\//, '').replace(/^[A-Za-z_][\w.-]*:/, '') ?? ''
    if (ref?.attrs.action && ref.attrs.action !== 'replace') {
      throw refusal(400, 'OperationNotSupported', where, `Property action "${clip(ref.attrs.action)}" is not supported (replace only)`)
        .coded('wfst.action_unsupported', { action: ref.attrs.action })
    }
    setValue(values, name, childNamed(p, 'Value'), ctx, where)
  }
  return values
}

function setValue(values: Values, name: string, node: XmlNode | undefined, ctx: FilterContext, where: string): void {
  const layer = ctx.source.layer
  const geom = node?.children.find(isGeometry)
  if (name === GEOMETRY_NAME || geom) {
    if (name !== GEOMETRY_NAME) throw unknownProperty(layer, name, where)
    values.geometry = geom ? readGmlGeometry(geom, ctx) : null
    return
  }
  if (!ctx.source.attributes.has(name)) throw unknownProperty(layer, name, where)
  values.properties[name] = node === undefined || (node.attrs.nil === 'true') ? null : node.text
}

/**
 * Property text typed by the layer's attribute types (GML carries text; the REST schemas and the
 * user field validation expect JSON types): integer / number → number, boolean → boolean.
 */
export function typedValues(layer: LayerDef, properties: Record<string, string | null>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(properties)) {
    const type = layer.attributes.find((a) => a.name === name)?.type
    if (value !== null && (type === 'integer' || type === 'number') && /^\s*[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(value)) out[name] = Number(value)
    else if (value !== null && type === 'boolean' && /^(true|false|1|0)$/i.test(value.trim())) out[name] = /^(true|1)$/i.test(value.trim())
    else out[name] = value
  }
  return out
}

const unknownProperty = (layer: LayerDef, name: string, where: string) =>
  refusal(400, 'InvalidValue', where, `${layer.id} has no property "${clip(name)}"`).coded('wfst.unknown_property', { layer: layer.id, property: clip(name) })

/** An attribute by name in any case (typeName / typeNames, srsName). */
function attr(node: XmlNode, name: string): string | undefined {
  const lower = name.toLowerCase()
  const key = Object.keys(node.attrs).find((k) => k.toLowerCase() === lower)
  return key === undefined ? undefined : node.attrs[key]
}
