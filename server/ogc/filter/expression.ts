// Filter expressions: a ValueReference (FES 2.0) / PropertyName (Filter 1.1) names a catalogue
// attribute or the geometry; a Literal becomes a bound value cast to the attribute's type.
// Unknown names are refused, so a filter can only ever reach catalogue SQL.
import type { LayerAttribute } from '../../../tiles/catalogue.ts'
import { GEOMETRY_NAME, GEOMETRY_SQL } from '../common/featureSource.ts'
import { sql, type Sql } from '../common/sql.ts'
import { parseClientInstant } from '../../http/dates.ts'
import type { XmlNode } from '../common/xml.ts'
import { clip, filterError, type FilterContext } from './context.ts'

export type PropertyRef = { kind: 'attribute'; attribute: LayerAttribute } | { kind: 'geometry' }

export const isReference = (n: XmlNode) => n.name === 'ValueReference' || n.name === 'PropertyName'
export const isExpression = (n: XmlNode) => isReference(n) || n.name === 'Literal' || n.name === 'Function'

/**
 * Resolves a property path: `name`, `gridgov:name`, `gridgov:layer/gridgov:name` or
 * `/gridgov:layer/name` (the minimum XPath); prefixes are not checked against namespaces
 * because clients invent their own.
 */
export function resolveProperty(path: string, ctx: FilterContext): PropertyRef {
  const steps = path.trim().replace(/^\.?\//, '').split('/').map((s) => s.replace(/^[A-Za-z_][\w.-]*:/, ''))
  if (steps.length === 2 && steps[0] === ctx.source.layer.id) steps.shift()
  const name = steps.length === 1 ? steps[0]! : ''
  if (name === GEOMETRY_NAME) return { kind: 'geometry' }
  const attribute = ctx.source.attributes.get(name)
  if (!attribute) {
    const known = [...ctx.source.attributes.keys(), GEOMETRY_NAME].join(', ')
    throw filterError(ctx, `unknown property "${clip(path)}" of ${ctx.source.layer.id}; known: ${known}`)
  }
  return { kind: 'attribute', attribute }
}

export function referenceOf(node: XmlNode, ctx: FilterContext): PropertyRef {
  if (!node.text) throw filterError(ctx, `empty ${node.name}`)
  return resolveProperty(node.text, ctx)
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/

/** A literal as a bound value of the attribute's SQL type; a value the type cannot hold is a 400. */
export function typedLiteral(text: string, attribute: LayerAttribute | null, ctx: FilterContext): Sql {
  const type = attribute?.type ?? 'string'
  const bad = () => filterError(ctx, `"${clip(text)}" is not a valid ${type} for ${attribute?.name ?? 'this comparison'}`)
  switch (type) {
    case 'integer':
      if (!/^[+-]?\d{1,18}$/.test(text)) throw bad()
      return sql('?::bigint', text)
    case 'number':
      if (!NUMBER.test(text) || !Number.isFinite(Number(text))) throw bad()
      return sql('?::double precision', Number(text))
    case 'boolean': {
      const v = text.toLowerCase()
      if (!['true', 'false', '1', '0'].includes(v)) throw bad()
      return sql('?::boolean', v === 'true' || v === '1')
    }
    case 'datetime': {
      // the one reading of client dates: 2026-02-30 or 25:00 is the filter's 400, not PostgreSQL's 500;
      // a literal without a zone is the city's time (Asia/Shanghai), like a bare day
      const t = parseClientInstant(text, { zoneless: 'shanghai' })
      if (!t) throw bad()
      return sql('?::timestamptz', t.toISOString())
    }
    default:
      return sql('?::text', text)
  }
}

/** A scalar operand: an attribute's SQL, or a literal typed like the other operand's attribute. */
export function scalarOperands(nodes: XmlNode[], ctx: FilterContext, op: string): [Sql, Sql, LayerAttribute | null] {
  if (nodes.length !== 2) throw filterError(ctx, `${op} takes two expressions`)
  const refs = nodes.map((n) => (isReference(n) ? scalarRef(n, ctx, op) : null))
  const attribute = refs[0] ?? refs[1] ?? null
  const side = (n: XmlNode, ref: LayerAttribute | null): Sql => {
    if (ref) return sql(ref.sql)
    if (n.name === 'Literal') return typedLiteral(n.text, attribute, ctx)
    throw filterError(ctx, `${n.name} is not supported as an operand of ${op} (use ValueReference or Literal)`)
  }
  return [side(nodes[0]!, refs[0]!), side(nodes[1]!, refs[1]!), attribute]
}

function scalarRef(node: XmlNode, ctx: FilterContext, op: string): LayerAttribute {
  const ref = referenceOf(node, ctx)
  if (ref.kind === 'geometry') throw filterError(ctx, `${op} cannot compare the geometry property; use a spatial operator`)
  return ref.attribute
}

/** The geometry operand of a spatial operator: only the layer's geometry property is allowed. */
export function geometryRef(node: XmlNode | undefined, ctx: FilterContext, op: string): string {
  if (!node) return GEOMETRY_SQL
  const ref = referenceOf(node, ctx)
  if (ref.kind !== 'geometry') throw filterError(ctx, `${op} needs a geometry property; "${clip(node.text)}" is ${ref.attribute.type}`)
  return GEOMETRY_SQL
}
