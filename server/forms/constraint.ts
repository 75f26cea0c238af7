// The simple XForm constraints the server checks itself: comparisons of the answer (.) with
// numbers, strings or today(), regex(., '…'), string-length(.), not(…), joined by and/or and
// parentheses — what form builders write for ranges, patterns and lengths. Anything else
// (other questions' values, other functions) compiles to null: the client (web-forms, Collect)
// enforces it, the server does not pretend to.
export type Value = string | number | boolean
export type Check = (answer: Value, today: string) => boolean

type Node = (dot: Value, today: string) => Value

const TOKEN = /\s*(<=|>=|!=|=|<|>|\(|\)|,|\.(?![0-9])|-?[0-9]+(?:\.[0-9]+)?|'[^']*'|"[^"]*"|[A-Za-z][A-Za-z0-9-]*)/y

function tokenize(src: string): string[] | null {
  const out: string[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break
    const m = TOKEN.exec(src)
    if (!m) return null
    out.push(m[1]!)
  }
  return out
}

const num = (v: Value): number => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : v.trim() === '' ? NaN : Number(v))
const DATE = /^\d{4}-\d{2}-\d{2}/

function compare(op: string, a: Value, b: Value): boolean {
  // dates compare as their ISO text; otherwise XPath turns an operand into a number when the other is one
  const bothText = typeof a === 'string' && typeof b === 'string'
  if (op === '=' || op === '!=') {
    const eq = bothText || typeof a === 'boolean' || typeof b === 'boolean' ? String(a) === String(b) : num(a) === num(b)
    return op === '=' ? eq : !eq
  }
  const [x, y] = bothText && DATE.test(a) && DATE.test(b) ? [a, b] : [num(a), num(b)]
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y
}

const truth = (v: Value): boolean => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 && !Number.isNaN(v) : v !== '')

/** Compiles a constraint; null when it is not one of the simple forms this evaluates. */
export function compileConstraint(src: string): Check | null {
  const tokens = tokenize(src)
  if (!tokens || tokens.length === 0 || tokens.length > 200) return null
  let i = 0
  const peek = () => tokens[i]
  const take = (t?: string) => {
    const v = tokens[i]
    if (v === undefined || (t !== undefined && v !== t)) throw new Error('syntax')
    i++
    return v
  }
  const orExpr = (): Node => {
    let left = andExpr()
    while (peek() === 'or') { take(); const l = left, r = andExpr(); left = (d, t) => truth(l(d, t)) || truth(r(d, t)) }
    return left
  }
  const andExpr = (): Node => {
    let left = cmpExpr()
    while (peek() === 'and') { take(); const l = left, r = cmpExpr(); left = (d, t) => truth(l(d, t)) && truth(r(d, t)) }
    return left
  }
  const cmpExpr = (): Node => {
    const left = term()
    const op = peek()
    if (op && ['=', '!=', '<', '<=', '>', '>='].includes(op)) { take(); const r = term(); return (d, t) => compare(op, left(d, t), r(d, t)) }
    return left
  }
  const term = (): Node => {
    const t = take()
    if (t === '.') return (d) => d
    if (t === '(') { const e = orExpr(); take(')'); return e }
    if (/^-?[0-9]/.test(t)) { const n = Number(t); return () => n }
    if (/^['"]/.test(t)) { const s = t.slice(1, -1); return () => s }
    take('(')
    if (t === 'today' || t === 'true' || t === 'false') {
      take(')')
      return t === 'today' ? (_d, today) => today : () => t === 'true'
    }
    const arg = orExpr()
    if (t === 'regex') {
      take(',')
      const pattern = take()
      if (!/^['"]/.test(pattern)) throw new Error('pattern')
      const re = new RegExp(pattern.slice(1, -1), 'u')
      take(')')
      return (d, td) => re.test(String(arg(d, td)))
    }
    take(')')
    if (t === 'string-length') return (d, td) => [...String(arg(d, td))].length
    if (t === 'not') return (d, td) => !truth(arg(d, td))
    if (t === 'number') return (d, td) => num(arg(d, td))
    throw new Error('function')
  }
  try {
    const e = orExpr()
    if (i !== tokens.length) return null
    return (answer, today) => truth(e(answer, today))
  } catch {
    return null
  }
}
