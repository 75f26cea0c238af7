// FES comparison operators → SQL over catalogue attributes with bound literals.
import type { XmlNode } from '../common/xml.ts'
import { sql, type Sql } from '../common/sql.ts'
import { clip, filterError, type FilterContext } from './context.ts'
import { isExpression, isReference, referenceOf, scalarOperands, typedLiteral } from './expression.ts'

const binary: Record<string, string> = {
  PropertyIsEqualTo: '=', PropertyIsNotEqualTo: '<>', PropertyIsLessThan: '<', PropertyIsGreaterThan: '>',
  PropertyIsLessThanOrEqualTo: '<=', PropertyIsGreaterThanOrEqualTo: '>=',
}

export const comparisonOperators = [...Object.keys(binary), 'PropertyIsLike', 'PropertyIsNull', 'PropertyIsNil', 'PropertyIsBetween']

export function compileComparison(node: XmlNode, ctx: FilterContext): Sql {
  if (node.name in binary) return compileBinary(node, ctx, binary[node.name]!)
  if (node.name === 'PropertyIsLike') return compileLike(node, ctx)
  if (node.name === 'PropertyIsBetween') return compileBetween(node, ctx)
  return compileNull(node, ctx)
}

function compileBinary(node: XmlNode, ctx: FilterContext, op: string): Sql {
  const [a, b, attribute] = scalarOperands(node.children.filter(isExpression), ctx, node.name)
  // matchCase="false" compares strings case-insensitively (default: case-sensitive)
  const fold = node.attrs.matchCase?.toLowerCase() === 'false' && (attribute === null || attribute.type === 'string')
  const wrap = (s: Sql) => (fold ? sql(`lower(${s.text})`, ...s.values) : s)
  const [l, r] = [wrap(a), wrap(b)]
  return sql(`${l.text} ${op} ${r.text}`, ...l.values, ...r.values)
}

function singleReference(node: XmlNode, ctx: FilterContext) {
  const refNode = node.children.find(isReference)
  if (!refNode) throw filterError(ctx, `${node.name} needs a ValueReference`)
  const ref = referenceOf(refNode, ctx)
  if (ref.kind === 'geometry') throw filterError(ctx, `${node.name} cannot be applied to the geometry property`)
  return ref.attribute
}

/** Translates the client's wildcard characters into a LIKE pattern escaped with backslash. */
export function likePattern(pattern: string, wildCard: string, singleChar: string, escapeChar: string): string {
  let out = ''
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === escapeChar && i + 1 < chars.length) {
      const next = chars[++i]!
      out += /[%_\\]/.test(next) ? `\\${next}` : next
    } else if (c === wildCard) out += '%'
    else if (c === singleChar) out += '_'
    else out += /[%_\\]/.test(c) ? `\\${c}` : c
  }
  return out
}

function compileLike(node: XmlNode, ctx: FilterContext): Sql {
  const attribute = singleReference(node, ctx)
  const literal = node.children.find((c) => c.name === 'Literal')
  if (!literal) throw filterError(ctx, 'PropertyIsLike needs a Literal pattern')
  const { wildCard = '*', singleChar = '.', escapeChar, escape } = node.attrs
  const esc = escapeChar ?? escape ?? '!'
  if ([wildCard, singleChar, esc].some((c) => [...c].length !== 1)) {
    throw filterError(ctx, 'PropertyIsLike wildCard, singleChar and escapeChar must be single characters')
  }
  const op = node.attrs.matchCase?.toLowerCase() === 'false' ? 'ILIKE' : 'LIKE'
  return sql(`(${attribute.sql})::text ${op} ? ESCAPE '\\'`, likePattern(literal.text, wildCard, singleChar, esc))
}

function compileBetween(node: XmlNode, ctx: FilterContext): Sql {
  const attribute = singleReference(node, ctx)
  const bound = (name: string) => {
    const b = node.children.find((c) => c.name === name)
    const lit = b?.children.find((c) => c.name === 'Literal')
    if (!lit) throw filterError(ctx, `PropertyIsBetween needs ${name} with a Literal`)
    return typedLiteral(lit.text, attribute, ctx)
  }
  const lo = bound('LowerBoundary')
  const hi = bound('UpperBoundary')
  return sql(`${attribute.sql} BETWEEN ${lo.text} AND ${hi.text}`, ...lo.values, ...hi.values)
}

function compileNull(node: XmlNode, ctx: FilterContext): Sql {
  if (node.name !== 'PropertyIsNull' && node.name !== 'PropertyIsNil') throw filterError(ctx, `unknown operator ${clip(node.name)}`)
  // our attributes carry no nil reasons: nil and null coincide
  return sql(`${singleReference(node, ctx).sql} IS NULL`)
}
