// CQL2 text (OGC 21-065: basic CQL2 plus the spatial predicates) → the FES element tree that
// parseXml yields for a fes:Filter, so compileFilter (index.ts) is the one SQL generation of
// both WFS and OGC API filters. Property names must be queryables of the collection.
//   comparisons = <> < <= > >=, AND / OR / NOT, [NOT] LIKE (% and _ with \ as escape),
//   [NOT] IN (…), [NOT] BETWEEN … AND …, IS [NOT] NULL, literals 'text', numbers, TRUE / FALSE,
//   DATE('…'), TIMESTAMP('…'), and S_INTERSECTS (S_WITHIN, S_CONTAINS, S_DISJOINT, S_EQUALS,
//   S_TOUCHES, S_CROSSES, S_OVERLAPS) of a property and a WKT / BBOX / ENVELOPE geometry.
import { AppError } from '../../http/errors.ts'
import type { XmlNode } from '../common/xml.ts'
import { CQL2_MAX_LENGTH, syntaxError, tokenize, type Token } from './cql2Lexer.ts'
import { GEOMETRY_WORDS, readGeometry, type Cursor } from './cql2Geometry.ts'

export interface Cql2Options {
  /** Names a filter may use (the collection's queryables). */
  queryables: ReadonlySet<string>
  /** The geometry's CRS URI (filter-crs) and whether its first axis is latitude / northing. */
  srsName: string
  latFirst: boolean
}

const MAX_DEPTH = 64

const COMPARISONS: Record<string, string> = {
  '=': 'PropertyIsEqualTo', '<>': 'PropertyIsNotEqualTo', '<': 'PropertyIsLessThan', '<=': 'PropertyIsLessThanOrEqualTo',
  '>': 'PropertyIsGreaterThan', '>=': 'PropertyIsGreaterThanOrEqualTo',
}
const SPATIAL: Record<string, string> = {
  S_INTERSECTS: 'Intersects', S_WITHIN: 'Within', S_CONTAINS: 'Contains', S_DISJOINT: 'Disjoint', S_EQUALS: 'Equals',
  S_TOUCHES: 'Touches', S_CROSSES: 'Crosses', S_OVERLAPS: 'Overlaps',
}
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'DATE', 'TIMESTAMP'])

const node = (name: string, children: XmlNode[] = [], text = '', attrs: Record<string, string> = {}): XmlNode => ({ name, attrs, children, text })
const not = (n: XmlNode) => node('Not', [n])

type Operand = { kind: 'property'; name: string; token: Token } | { kind: 'literal'; text: string; token: Token }

/** Parses CQL2 text into a Filter element tree; a syntax error or an unknown property is a 400. */
export function parseCql2(text: string, options: Cql2Options): XmlNode {
  if (text.length > CQL2_MAX_LENGTH) throw syntaxError(CQL2_MAX_LENGTH, '', `a filter of at most ${CQL2_MAX_LENGTH} characters`)
  const p = new Parser(tokenize(text), options)
  const root = p.or(0)
  const end = p.peek()
  if (end.kind !== 'end') throw syntaxError(end.pos, end.text, 'AND, OR or the end of the filter')
  return node('Filter', [root])
}

class Parser implements Cursor {
  private i = 0
  constructor(private readonly tokens: Token[], private readonly o: Cql2Options) {}

  peek(): Token { return this.tokens[this.i]! }
  next(): Token { return this.tokens[Math.min(this.i++, this.tokens.length - 1)]! }
  expect(text: string): Token {
    const t = this.next()
    if (t.text.toUpperCase() !== text || (t.kind !== 'punct' && t.kind !== 'word' && t.kind !== 'op')) throw syntaxError(t.pos, t.text, `"${text}"`)
    return t
  }

  private isWord(t: Token, ...words: string[]) { return t.kind === 'word' && words.includes(t.text.toUpperCase()) }

  or(depth: number): XmlNode {
    const terms = [this.and(depth)]
    while (this.isWord(this.peek(), 'OR')) { this.next(); terms.push(this.and(depth)) }
    return terms.length === 1 ? terms[0]! : node('Or', terms.flatMap((t) => (t.name === 'Or' ? t.children : [t])))
  }

  private and(depth: number): XmlNode {
    const terms = [this.factor(depth)]
    while (this.isWord(this.peek(), 'AND')) { this.next(); terms.push(this.factor(depth)) }
    return terms.length === 1 ? terms[0]! : node('And', terms.flatMap((t) => (t.name === 'And' ? t.children : [t])))
  }

  private factor(depth: number): XmlNode {
    const t = this.peek()
    if (depth > MAX_DEPTH) throw syntaxError(t.pos, t.text, `at most ${MAX_DEPTH} nested NOT or parentheses`)
    if (this.isWord(t, 'NOT')) { this.next(); return not(this.factor(depth + 1)) }
    if (t.text === '(' && t.kind === 'punct') {
      this.next()
      const inner = this.or(depth + 1)
      this.expect(')')
      return inner
    }
    if (t.kind === 'word' && t.text.toUpperCase() in SPATIAL && this.tokens[this.i + 1]?.text === '(') return this.spatial()
    return this.predicate()
  }

  private spatial(): XmlNode {
    const op = SPATIAL[this.next().text.toUpperCase()]!
    this.expect('(')
    const args = [this.spatialArg(), (this.expect(','), this.spatialArg())]
    this.expect(')')
    const props = args.filter((a) => a.name === 'ValueReference')
    if (props.length !== 1) throw syntaxError(this.peek().pos, this.peek().text, `${op === 'Intersects' ? 'S_INTERSECTS' : op} of one geometry property and one geometry literal`)
    return node(op, [props[0]!, args.find((a) => a.name !== 'ValueReference')!])
  }

  private spatialArg(): XmlNode {
    const t = this.peek()
    if (t.kind === 'word' && GEOMETRY_WORDS.includes(t.text.toUpperCase()) && this.tokens[this.i + 1]?.text === '(') {
      return readGeometry(this, this.o.srsName, this.o.latFirst)
    }
    const a = this.operand()
    if (a.kind !== 'property') throw syntaxError(t.pos, t.text, 'a geometry property or a geometry literal')
    return node('ValueReference', [], a.name)
  }

  private predicate(): XmlNode {
    const left = this.operand()
    const t = this.next()
    if (t.kind === 'op') return node(COMPARISONS[t.text]!, [this.fes(left), this.fes(this.operand())])
    const negated = this.isWord(t, 'NOT')
    const kw = negated ? this.next() : t
    const word = kw.kind === 'word' ? kw.text.toUpperCase() : ''
    const wrap = (n: XmlNode) => (negated ? not(n) : n)
    if (word === 'IS' && !negated) {
      const isNot = this.isWord(this.peek(), 'NOT') && !!this.next()
      this.expect('NULL')
      const n = node('PropertyIsNull', [this.property(left, 'IS NULL')])
      return isNot ? not(n) : n
    }
    if (word === 'LIKE') {
      const pattern = this.next()
      if (pattern.kind !== 'string') throw syntaxError(pattern.pos, pattern.text, "a 'pattern' in quotes")
      return wrap(node('PropertyIsLike', [this.property(left, 'LIKE'), node('Literal', [], pattern.text)], '',
        { wildCard: '%', singleChar: '_', escapeChar: '\\' }))
    }
    if (word === 'BETWEEN') {
      const lo = this.literal()
      this.expect('AND')
      const hi = this.literal()
      return wrap(node('PropertyIsBetween', [this.property(left, 'BETWEEN'),
        node('LowerBoundary', [node('Literal', [], lo)]), node('UpperBoundary', [node('Literal', [], hi)])]))
    }
    if (word === 'IN') {
      const ref = this.property(left, 'IN')
      this.expect('(')
      const items = [this.literal()]
      while (this.peek().text === ',' && this.peek().kind === 'punct') { this.next(); items.push(this.literal()) }
      this.expect(')')
      const eq = items.map((v) => node('PropertyIsEqualTo', [ref, node('Literal', [], v)]))
      return wrap(eq.length === 1 ? eq[0]! : node('Or', eq))
    }
    throw syntaxError(kw.pos, kw.text, 'a comparison (= <> < <= > >=), LIKE, BETWEEN, IN or IS NULL')
  }

  private fes(a: Operand): XmlNode {
    return a.kind === 'property' ? node('ValueReference', [], a.name) : node('Literal', [], a.text)
  }

  private property(a: Operand, op: string): XmlNode {
    if (a.kind !== 'property') throw syntaxError(a.token.pos, a.token.text, `a property before ${op}`)
    return node('ValueReference', [], a.name)
  }

  private literal(): string {
    const a = this.operand()
    if (a.kind !== 'literal') throw syntaxError(a.token.pos, a.token.text, 'a literal')
    return a.text
  }

  /** A property name (checked against the queryables) or a literal. */
  private operand(): Operand {
    const t = this.next()
    if (t.kind === 'string' || t.kind === 'number') return { kind: 'literal', text: t.text, token: t }
    if (t.kind === 'quoted') return { kind: 'property', name: this.queryable(t), token: t }
    if (t.kind === 'word') {
      const w = t.text.toUpperCase()
      if (w === 'TRUE' || w === 'FALSE') return { kind: 'literal', text: w.toLowerCase(), token: t }
      if ((w === 'DATE' || w === 'TIMESTAMP') && this.peek().text === '(') {
        this.next()
        const s = this.next()
        if (s.kind !== 'string') throw syntaxError(s.pos, s.text, `a '${w === 'DATE' ? 'yyyy-mm-dd' : 'date-time'}' in quotes`)
        this.expect(')')
        return { kind: 'literal', text: s.text, token: t }
      }
      if (!KEYWORDS.has(w)) return { kind: 'property', name: this.queryable(t), token: t }
    }
    throw syntaxError(t.pos, t.text, 'a property name or a literal')
  }

  private queryable(t: Token): string {
    if (this.o.queryables.has(t.text)) return t.text
    const known = [...this.o.queryables].join(', ')
    throw new AppError(400, 'invalid_filter', `filter: unknown property "${t.text.slice(0, 60)}" at position ${t.pos + 1}; queryables: ${known}`.slice(0, 300), {},
      { code: 'InvalidParameterValue', locator: 'filter' }).coded('features.unknown_queryable', { name: t.text.slice(0, 60) })
  }
}
