// FES logical operators: And / Or over two or more operands, Not over one.
import type { XmlNode } from '../common/xml.ts'
import { joinSql, sql, type Sql } from '../common/sql.ts'
import { filterError, type FilterContext } from './context.ts'

export const logicalOperators = ['And', 'Or', 'Not']

export function compileLogical(node: XmlNode, ctx: FilterContext, compile: (n: XmlNode) => Sql): Sql {
  const operands = node.children.map(compile)
  if (node.name === 'Not') {
    if (operands.length !== 1) throw filterError(ctx, 'Not takes exactly one operand')
    // NOT over SQL NULL stays NULL (no row), as a missing value should not match either side
    return sql(`NOT (${operands[0]!.text})`, ...operands[0]!.values)
  }
  if (operands.length < 2) throw filterError(ctx, `${node.name} takes two or more operands`)
  const joined = joinSql(operands.map((o) => sql(`(${o.text})`, ...o.values)), node.name === 'And' ? ' AND ' : ' OR ')
  return sql(`(${joined.text})`, ...joined.values)
}
