// Geometry literals of CQL2 text (WKT POINT, LINESTRING, POLYGON, MULTI*, and BBOX / ENVELOPE)
// → the GML element tree the FES parser yields, so the GML reader (gmlGeometry.ts) does the
// axis order, range checks and transformation for both languages. Coordinates are in the axis
// order of filter-crs (lon,lat for CRS84; lat,lon for the EPSG 4490 URI), as OGC API Part 3 says.
import type { XmlNode } from '../common/xml.ts'
import { syntaxError, type Token } from './cql2Lexer.ts'

export const GEOMETRY_WORDS = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'BBOX', 'ENVELOPE']

const node = (name: string, children: XmlNode[] = [], text = '', attrs: Record<string, string> = {}): XmlNode => ({ name, attrs, children, text })

/** Reads tokens from a cursor; `next()` consumes one. */
export interface Cursor {
  peek(): Token
  next(): Token
  expect(text: string): Token
}

export function readGeometry(c: Cursor, srsName: string, latFirst: boolean): XmlNode {
  const word = c.next()
  const kind = word.text.toUpperCase()
  const g = readBody(c, kind, word)
  g.attrs.srsName = srsName
  if (kind === 'ENVELOPE' && latFirst) {
    // ENVELOPE names its numbers by meaning (west, east, north, south): corners in the CRS's order
    for (const corner of g.children) corner.text = corner.text.split(' ').reverse().join(' ')
  }
  return g
}

function readBody(c: Cursor, kind: string, word: Token): XmlNode {
  switch (kind) {
    case 'POINT': return inParens(c, () => node('Point', [node('pos', [], position(c))]))
    case 'LINESTRING': return node('LineString', [node('posList', [], positions(c))])
    case 'POLYGON': return polygon(c)
    case 'MULTIPOINT': return inParens(c, () => node('MultiPoint', list(c, () => node('pointMember', [node('Point', [node('pos', [], pointMember(c))])]))))
    case 'MULTILINESTRING': return inParens(c, () => node('MultiCurve', list(c, () => node('curveMember', [node('LineString', [node('posList', [], positions(c))])]))))
    case 'MULTIPOLYGON': return inParens(c, () => node('MultiSurface', list(c, () => node('surfaceMember', [polygon(c)]))))
    case 'BBOX': {
      const [x0, y0, x1, y1] = numbers(c, 4)
      return node('Envelope', [node('lowerCorner', [], `${x0} ${y0}`), node('upperCorner', [], `${x1} ${y1}`)])
    }
    case 'ENVELOPE': {
      const [west, east, north, south] = numbers(c, 4)
      return node('Envelope', [node('lowerCorner', [], `${west} ${south}`), node('upperCorner', [], `${east} ${north}`)])
    }
  }
  throw syntaxError(word.pos, word.text, 'a geometry (POINT, LINESTRING, POLYGON, MULTI…, BBOX or ENVELOPE)')
}

function inParens<T>(c: Cursor, f: () => T): T {
  c.expect('(')
  const out = f()
  c.expect(')')
  return out
}

function list<T>(c: Cursor, item: () => T): T[] {
  const out = [item()]
  while (c.peek().text === ',') {
    c.next()
    out.push(item())
  }
  return out
}

function number(c: Cursor): string {
  const t = c.next()
  if (t.kind !== 'number') throw syntaxError(t.pos, t.text, 'a coordinate')
  return t.text
}

/** x y (a third number, a height, is read and dropped: the layers are 2D). */
function position(c: Cursor): string {
  const xy = `${number(c)} ${number(c)}`
  if (c.peek().kind === 'number') c.next()
  return xy
}

const positions = (c: Cursor) => inParens(c, () => list(c, () => position(c)).join(' '))

/** MULTIPOINT members are written (x y) or bare x y. */
const pointMember = (c: Cursor) => (c.peek().text === '(' ? inParens(c, () => position(c)) : position(c))

function polygon(c: Cursor): XmlNode {
  const rings = inParens(c, () => list(c, () => node('LinearRing', [node('posList', [], positions(c))])))
  return node('Polygon', rings.map((r, i) => node(i === 0 ? 'exterior' : 'interior', [r])))
}

function numbers(c: Cursor, n: number): string[] {
  return inParens(c, () => {
    const out = list(c, () => number(c))
    if (out.length !== n) throw syntaxError(c.peek().pos, c.peek().text, `${n} numbers`)
    return out
  })
}
