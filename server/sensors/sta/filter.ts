// $filter of SensorThings 1.1 (OData 4 subset): parsed into a typed tree and compiled to SQL
// whose values are all bound parameters; a property name is only ever taken from the entity
// catalogue. Types are checked here so a comparison PostgreSQL would refuse (text > number) is
// a 400 naming $filter, never a database error.
import { AppError } from '../../http/errors.ts'
import type { EntitySet, PropType } from './entities.ts'

type T = PropType | 'bool' | 'null' | 'any'
export interface Compiled { sql: string; type: T; bindings: unknown[] }
/** Geometry literals of the filter (WKT): the caller checks them with PostGIS before the query runs. */
export interface FilterResult { sql: string; bindings: unknown[]; geometries: string[] }

export const filterError = (param: string, message: string) =>
  new AppError(400, 'bad_query_option', `${param}: ${message}`, { errors: [{ field: param, message }] }).coded('sensors.bad_query_option', { param, message })

interface Tok { k: 'str' | 'num' | 'time' | 'geo' | 'id' | 'punc'; v: string; pos: number }

const TOKEN = /\s*(?:(geography|geometry)'([^']*)'|'((?:[^']|'')*)'|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_@][\w.@]*(?:\/[A-Za-z_][\w]*)*)|([(),]))/y

function tokenize(text: string, param: string): Tok[] {
  const out: Tok[] = []
  TOKEN.lastIndex = 0
  let pos = 0
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break
    TOKEN.lastIndex = pos
    const m = TOKEN.exec(text)
    if (!m) throw filterError(param, `unexpected character at position ${pos + 1}`)
    const at = pos
    pos = TOKEN.lastIndex
    if (m[1]) out.push({ k: 'geo', v: m[2]!, pos: at })
    else if (m[3] !== undefined) out.push({ k: 'str', v: m[3].replace(/''/g, "'"), pos: at })
    else if (m[4]) out.push({ k: 'time', v: m[4], pos: at })
    else if (m[5]) out.push({ k: 'num', v: m[5], pos: at })
    else if (m[6]) out.push({ k: 'id', v: m[6], pos: at })
    else out.push({ k: 'punc', v: m[7]!, pos: at })
  }
  return out
}

const COMPARE: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }
const ARITH: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' }
const SPATIAL: Record<string, string> = {
  'geo.intersects': 'ST_Intersects', st_intersects: 'ST_Intersects', st_within: 'ST_Within', st_contains: 'ST_Contains',
  st_disjoint: 'ST_Disjoint', st_equals: 'ST_Equals', st_touches: 'ST_Touches', st_overlaps: 'ST_Overlaps', st_crosses: 'ST_Crosses',
}
const TIME_PARTS: Record<string, string> = { year: 'year', month: 'month', day: 'day', hour: 'hour', minute: 'minute', second: 'second' }

class Parser {
  private i = 0
  readonly geometries: string[] = []
  constructor(private readonly toks: Tok[], private readonly set: EntitySet, private readonly param: string) {}

  private fail(msg: string): never {
    const t = this.toks[this.i]
    throw filterError(this.param, t ? `${msg} at position ${t.pos + 1} ('${t.v}')` : `${msg} at the end`)
  }
  private peekWord(...words: string[]): boolean { const t = this.toks[this.i]; return t?.k === 'id' && words.includes(t.v) }
  private peekPunc(p: string): boolean { const t = this.toks[this.i]; return t?.k === 'punc' && t.v === p }
  private expect(p: string): void { if (!this.peekPunc(p)) this.fail(`expected '${p}'`); this.i++ }

  parse(): Compiled {
    if (!this.toks.length) this.fail('empty filter')
    const e = this.or()
    if (this.i < this.toks.length) this.fail('unexpected token')
    if (e.type !== 'bool') throw filterError(this.param, 'the filter is not a condition (true or false)')
    return e
  }
  private or(): Compiled { return this.chain(() => this.and(), 'or', 'OR') }
  private and(): Compiled { return this.chain(() => this.not(), 'and', 'AND') }
  private chain(next: () => Compiled, word: string, op: string): Compiled {
    let left = next()
    while (this.peekWord(word)) {
      this.i++
      const right = next()
      if (left.type !== 'bool' || right.type !== 'bool') this.fail(`'${word}' joins conditions`)
      left = { sql: `(${left.sql} ${op} ${right.sql})`, type: 'bool', bindings: [...left.bindings, ...right.bindings] }
    }
    return left
  }
  private not(): Compiled {
    if (this.peekWord('not')) {
      this.i++
      const e = this.not()
      if (e.type !== 'bool') this.fail("'not' takes a condition")
      return { sql: `(NOT ${e.sql})`, type: 'bool', bindings: e.bindings }
    }
    return this.compare()
  }
  private compare(): Compiled {
    const left = this.arith()
    const t = this.toks[this.i]
    if (t?.k !== 'id' || !COMPARE[t.v]) return left
    this.i++
    const right = this.arith()
    return compareOf(left, COMPARE[t.v]!, right, (m) => this.fail(m))
  }
  private arith(): Compiled {
    let left = this.unary()
    for (;;) {
      const t = this.toks[this.i]
      if (t?.k !== 'id' || !ARITH[t.v]) return left
      this.i++
      const right = this.unary()
      if (!isNum(left) || !isNum(right)) this.fail(`'${t.v}' takes numbers`)
      // NULLIF: a division by zero is no result, not a database error
      const r = t.v === 'div' || t.v === 'mod' ? `NULLIF(${right.sql}, 0)` : right.sql
      left = { sql: `(${num(left)} ${ARITH[t.v]} ${num({ ...right, sql: r })})`, type: 'number', bindings: [...left.bindings, ...right.bindings] }
    }
  }
  private unary(): Compiled {
    const t = this.toks[this.i]
    if (!t) this.fail('expected a value')
    if (t.k === 'punc' && t.v === '(') { this.i++; const e = this.or(); this.expect(')'); return e }
    if (t.k === 'str') { this.i++; return { sql: '?::text', type: 'text', bindings: [t.v] } }
    if (t.k === 'num') { this.i++; return { sql: '?::double precision', type: 'number', bindings: [Number(t.v)] } }
    if (t.k === 'time') {
      this.i++
      if (Number.isNaN(Date.parse(t.v))) this.fail('not a valid time')
      return { sql: '?::timestamptz', type: 'time', bindings: [new Date(t.v).toISOString()] }
    }
    if (t.k === 'geo') { this.i++; this.geometries.push(t.v); return { sql: 'ST_GeomFromText(?, 4490)', type: 'geometry', bindings: [t.v] } }
    if (t.k !== 'id') this.fail('expected a value')
    this.i++
    if (this.peekPunc('(')) return this.call(t.v)
    if (t.v === 'true' || t.v === 'false') return { sql: t.v, type: 'bool', bindings: [] }
    if (t.v === 'null') return { sql: 'NULL', type: 'null', bindings: [] }
    return this.property(t.v)
  }
  private property(path: string): Compiled {
    const [head, ...rest] = path.split('/')
    const prop = this.set.props[head!]
    if (!prop) this.fail(`${this.set.singular} has no property '${head}'`)
    const col = prop.expr ?? prop.select
    if (!rest.length) return { sql: col, type: prop.type, bindings: [] }
    if (prop.type !== 'json') this.fail(`'${head}' has no members`)
    // properties/a/b: a JSON member, typed by what it is compared with
    return { sql: `(${col} #> ?::text[])`, type: 'any', bindings: [rest] }
  }
  private args(): Compiled[] {
    this.expect('(')
    const out: Compiled[] = []
    if (!this.peekPunc(')')) {
      out.push(this.or())
      while (this.peekPunc(',')) { this.i++; out.push(this.or()) }
    }
    this.expect(')')
    return out
  }
  private call(name: string): Compiled {
    const fn = name.toLowerCase()
    const a = this.args()
    const need = (n: number) => { if (a.length !== n) this.fail(`${name} takes ${n} argument(s)`) }
    const b = (...xs: Compiled[]) => xs.flatMap((x) => x.bindings)
    const text = (x: Compiled) => { if (!isText(x)) this.fail(`${name} takes text`); return txt(x) }
    if (SPATIAL[fn]) {
      need(2)
      if (a.some((x) => x.type !== 'geometry')) this.fail(`${name} takes geometries`)
      return { sql: `${SPATIAL[fn]}(${a[0]!.sql}, ${a[1]!.sql})`, type: 'bool', bindings: b(...a) }
    }
    switch (fn) {
      case 'geo.distance': case 'st_distance':
        need(2); if (a.some((x) => x.type !== 'geometry')) this.fail(`${name} takes geometries`)
        return { sql: `ST_Distance(${a[0]!.sql}::geography, ${a[1]!.sql}::geography)`, type: 'number', bindings: b(...a) }
      case 'geo.length':
        need(1); if (a[0]!.type !== 'geometry') this.fail(`${name} takes a geometry`)
        return { sql: `ST_Length(${a[0]!.sql}::geography)`, type: 'number', bindings: b(...a) }
      case 'substringof': need(2); return { sql: `(strpos(${text(a[1]!)}, ${text(a[0]!)}) > 0)`, type: 'bool', bindings: [...a[1]!.bindings, ...a[0]!.bindings] }
      case 'contains': need(2); return { sql: `(strpos(${text(a[0]!)}, ${text(a[1]!)}) > 0)`, type: 'bool', bindings: b(...a) }
      case 'startswith': need(2); return { sql: `starts_with(${text(a[0]!)}, ${text(a[1]!)})`, type: 'bool', bindings: b(...a) }
      case 'endswith': need(2); return { sql: `(right(${text(a[0]!)}, length(${text(a[1]!)})) = ${text(a[1]!)})`, type: 'bool', bindings: [...a[0]!.bindings, ...a[1]!.bindings, ...a[1]!.bindings] }
      case 'length': need(1); return { sql: `length(${text(a[0]!)})`, type: 'number', bindings: b(...a) }
      case 'indexof': need(2); return { sql: `(strpos(${text(a[0]!)}, ${text(a[1]!)}) - 1)`, type: 'number', bindings: b(...a) }
      case 'tolower': need(1); return { sql: `lower(${text(a[0]!)})`, type: 'text', bindings: b(...a) }
      case 'toupper': need(1); return { sql: `upper(${text(a[0]!)})`, type: 'text', bindings: b(...a) }
      case 'trim': need(1); return { sql: `btrim(${text(a[0]!)})`, type: 'text', bindings: b(...a) }
      case 'concat': need(2); return { sql: `(${text(a[0]!)} || ${text(a[1]!)})`, type: 'text', bindings: b(...a) }
      case 'round': case 'floor': case 'ceiling':
        need(1); if (!isNum(a[0]!)) this.fail(`${name} takes a number`)
        return { sql: `${fn === 'ceiling' ? 'ceil' : fn}(${num(a[0]!)})`, type: 'number', bindings: b(...a) }
      case 'now': need(0); return { sql: 'now()', type: 'time', bindings: [] }
      default:
        if (TIME_PARTS[fn]) {
          need(1); if (a[0]!.type !== 'time') this.fail(`${name} takes a time`)
          return { sql: `extract(${TIME_PARTS[fn]} FROM ${a[0]!.sql} AT TIME ZONE 'UTC')::double precision`, type: 'number', bindings: b(...a) }
        }
        this.fail(`unknown function ${name}`)
    }
  }
}

const isNum = (x: Compiled) => x.type === 'number' || x.type === 'any' || x.type === 'null'
const isText = (x: Compiled) => x.type === 'text' || x.type === 'any' || x.type === 'null'
/** a JSON member read as a number only when it is one (never a failing cast) */
const num = (x: Compiled) => (x.type === 'any' ? `(CASE WHEN jsonb_typeof(${x.sql}) = 'number' THEN (${x.sql} #>> '{}')::double precision END)` : x.sql)
const txt = (x: Compiled) => (x.type === 'any' ? `(${x.sql} #>> '{}')` : x.sql)

function compareOf(l: Compiled, op: string, r: Compiled, fail: (m: string) => never): Compiled {
  const bindings = [...l.bindings, ...r.bindings]
  if (l.type === 'null' || r.type === 'null') {
    if (op !== '=' && op !== '<>') fail('null compares only with eq or ne')
    const other = l.type === 'null' ? r : l
    return { sql: `(${other.type === 'any' ? txt(other) : other.sql} IS ${op === '=' ? '' : 'NOT '}NULL)`, type: 'bool', bindings }
  }
  const pair = new Set([l.type, r.type])
  let ls = l.sql
  let rs = r.sql
  if (pair.has('any')) {
    const other = l.type === 'any' ? r.type : l.type
    if (other === 'number' || other === 'any') { ls = num(l); rs = num(r) } else if (other === 'text') { ls = txt(l); rs = txt(r) } else fail('a JSON member compares with a number or text')
  } else if (l.type === 'time' && r.type === 'text') {
    rs = `${r.sql}::timestamptz`
  } else if (l.type === 'text' && r.type === 'time') {
    ls = `${l.sql}::timestamptz`
  } else if (l.type !== r.type || l.type === 'geometry' || l.type === 'json') {
    fail(`cannot compare ${l.type} with ${r.type}`)
  }
  if (l.type === 'bool' && op !== '=' && op !== '<>') fail('conditions compare only with eq or ne')
  return { sql: `(${ls} ${op} ${rs})`, type: 'bool', bindings }
}

export function compileFilter(text: string, set: EntitySet, param = '$filter'): FilterResult {
  if (text.length > 4000) throw filterError(param, 'longer than 4000 characters')
  const p = new Parser(tokenize(text, param), set, param)
  const e = p.parse()
  return { sql: e.sql, bindings: e.bindings, geometries: p.geometries }
}
