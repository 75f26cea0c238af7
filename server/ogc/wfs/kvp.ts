// WFS key-value-pair parameters. Names are case-insensitive (OWSLib sends lower case, GDAL and
// QGIS upper case); values arrive percent-decoded with '+' as a space (URLSearchParams), which
// matters for `outputFormat=application/gml+xml;+version=3.2`.
import { AppError } from '../../http/errors.ts'

export class WfsParams {
  private readonly values = new Map<string, string>()

  /** From a query string or an already decoded form body (POST application/x-www-form-urlencoded). */
  constructor(source: string | Record<string, unknown>) {
    const entries = typeof source === 'string' ? new URLSearchParams(source) : Object.entries(source)
    for (const [name, raw] of entries) {
      const value = Array.isArray(raw) ? String(raw[0] ?? '') : String(raw ?? '')
      const key = name.toLowerCase()
      // the first occurrence wins: repeating a parameter cannot override it
      if (!this.values.has(key)) this.values.set(key, value)
    }
  }

  /** The trimmed value of the first of `names` present, or undefined. */
  get(...names: string[]): string | undefined {
    for (const n of names) {
      const v = this.values.get(n.toLowerCase())
      if (v !== undefined) return v.trim()
    }
    return undefined
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase())
  }

  /** Every parameter, lower-case names, for building next / previous links. */
  entries(): [string, string][] {
    return [...this.values.entries()]
  }

  /** A comma-separated list; absent or empty → undefined. */
  list(...names: string[]): string[] | undefined {
    const v = this.get(...names)
    return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined
  }
}

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s)

export const missing = (locator: string) =>
  new AppError(400, 'missing_parameter', `parameter ${locator} is required`, {}, { code: 'MissingParameterValue', locator })

export const invalid = (locator: string, detail: string) =>
  new AppError(400, 'invalid_parameter', clip(detail, 300), {}, { code: 'InvalidParameterValue', locator })

export const notSupported = (locator: string, detail: string) =>
  new AppError(400, 'not_supported', clip(detail, 300), {}, { code: 'OperationNotSupported', locator })

/** A whole number in [min, max] or undefined when absent. */
export function integerParam(raw: string | undefined, locator: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!/^\+?\d{1,12}$/.test(raw)) throw invalid(locator, `${locator} must be a whole number, got "${clip(raw)}"`)
  const n = Number(raw)
  if (n < min || n > max) throw invalid(locator, `${locator} must be between ${min} and ${max}, got ${n}`)
  return n
}

/**
 * Splits a KVP list of per-query values, `(a,b)(c)` → ['a,b', 'c']; a value without the
 * parentheses is one item. Parentheses inside the items (in XML filters) are balanced.
 */
export function splitParenthesized(v: string): string[] {
  if (!v.startsWith('(')) return [v]
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '(') { if (depth++ === 0) start = i + 1 }
    else if (v[i] === ')' && --depth === 0) out.push(v.slice(start, i))
  }
  if (depth !== 0) return [v]
  return out
}

export { clip }
