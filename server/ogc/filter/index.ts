// FES 2.0 (and Filter 1.1) → SQL. A filter is parsed XML, never text pasted into SQL: each
// operator family compiles its elements into a boolean expression over catalogue attribute SQL
// with bound values (see expression.ts), and unknown operators or properties are a 400.
import type { XmlNode } from '../common/xml.ts'
import type { Sql } from '../common/sql.ts'
import { clip, filterError, type FilterContext } from './context.ts'
import { comparisonOperators, compileComparison } from './comparison.ts'
import { compileLogical, logicalOperators } from './logical.ts'
import { compileSpatial, spatialOperators } from './spatial.ts'
import { idOf, idOperators, idPredicate } from './resourceId.ts'

export type { FilterContext } from './context.ts'
export { comparisonOperators, logicalOperators, spatialOperators }

/** Compiles a fes:Filter (or ogc:Filter) element to a SQL predicate. */
export function compileFilter(filter: XmlNode, ctx: FilterContext): Sql {
  if (filter.name !== 'Filter') throw filterError(ctx, `expected a Filter element, got ${clip(filter.name)}`)
  const children = filter.children
  if (!children.length) throw filterError(ctx, 'empty Filter')
  // several id elements directly under Filter are alternatives (ORed)
  if (children.every((c) => idOperators.includes(c.name))) return idPredicate(ctx.source, children.map(idOf))
  if (children.length !== 1) throw filterError(ctx, 'a Filter holds one operator (combine several with And / Or)')
  return compileOperator(children[0]!, ctx)
}

export function compileOperator(node: XmlNode, ctx: FilterContext): Sql {
  const compile = (n: XmlNode) => compileOperator(n, ctx)
  if (logicalOperators.includes(node.name)) return compileLogical(node, ctx, compile)
  if (comparisonOperators.includes(node.name)) return compileComparison(node, ctx)
  if (spatialOperators.includes(node.name)) return compileSpatial(node, ctx)
  if (idOperators.includes(node.name)) return idPredicate(ctx.source, [idOf(node)])
  throw filterError(ctx, `unsupported filter operator ${clip(node.name)}`)
}
