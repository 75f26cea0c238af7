// Tokens of CQL2 text (OGC 21-065, the basic and spatial subset). Every token keeps its offset
// so a syntax error can name where the text went wrong.
import { AppError } from '../../http/errors.ts'

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'punct' | 'end'

export interface Token { kind: TokenKind; text: string; pos: number }

/** The longest filter text accepted; a real filter is far shorter. */
export const CQL2_MAX_LENGTH = 16 * 1024

/** A CQL2 syntax error: 400 naming the 1-based character position and what was found there. */
export function syntaxError(pos: number, found: string, expected: string): AppError {
  const token = found === '' ? 'the end of the filter' : `"${found.slice(0, 40)}"`
  return new AppError(400, 'invalid_filter', `filter: syntax error at position ${pos + 1} (${token}): expected ${expected}`, {},
    { code: 'InvalidParameterValue', locator: 'filter' }).coded('features.cql2_syntax', { position: pos + 1, token: found.slice(0, 40), expected })
}

const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
const WORD = /[A-Za-z_][A-Za-z0-9_.:]*/y
const SPACE = /\s+/y

export function tokenize(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  const at = (re: RegExp) => {
    re.lastIndex = i
    const m = re.exec(text)
    return m ? m[0] : null
  }
  while (i < text.length) {
    const space = at(SPACE)
    if (space) { i += space.length; continue }
    const c = text[i]!
    if (c === "'" || c === '"') {
      const [value, end] = quoted(text, i, c)
      out.push({ kind: c === "'" ? 'string' : 'quoted', text: value, pos: i })
      i = end
      continue
    }
    // basic CQL2 has no arithmetic: a sign always starts a number (-5, POINT(1 -2))
    const num = /[0-9.]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(text[i + 1] ?? '')) ? at(NUMBER) : null
    if (num) { out.push({ kind: 'number', text: num, pos: i }); i += num.length; continue }
    const word = at(WORD)
    if (word) { out.push({ kind: 'word', text: word, pos: i }); i += word.length; continue }
    const two = text.slice(i, i + 2)
    if (two === '<>' || two === '<=' || two === '>=') { out.push({ kind: 'op', text: two, pos: i }); i += 2; continue }
    if (c === '=' || c === '<' || c === '>') { out.push({ kind: 'op', text: c, pos: i }); i++; continue }
    if (c === '(' || c === ')' || c === ',') { out.push({ kind: 'punct', text: c, pos: i }); i++; continue }
    throw syntaxError(i, c, 'a property, a literal, an operator or a parenthesis')
  }
  out.push({ kind: 'end', text: '', pos: text.length })
  return out
}

/** A '…' literal ('' is a quote) or a "…" identifier; returns the value and the offset after it. */
function quoted(text: string, start: number, q: string): [string, number] {
  let value = ''
  let i = start + 1
  while (i < text.length) {
    if (text[i] === q) {
      if (text[i + 1] === q) { value += q; i += 2; continue }
      return [value, i + 1]
    }
    value += text[i]
    i++
  }
  throw syntaxError(start, text.slice(start, start + 20), `a closing ${q}`)
}
