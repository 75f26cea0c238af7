// WMS key-value-pair parameters: names are case-insensitive (OWSLib sends lower case, GDAL
// upper case, OpenLayers upper case with `transparent=true`), unknown names are ignored, and
// values arrive percent-decoded with '+' as a space (URLSearchParams does both).
import { AppError } from '../../http/errors.ts'

export type WmsVersion = '1.3.0' | '1.1.1'

export class Kvp {
  private readonly values = new Map<string, string>()

  constructor(querystring: string) {
    for (const [name, value] of new URLSearchParams(querystring)) {
      const key = name.toLowerCase()
      // the first occurrence wins, so a client cannot override a value by repeating it later
      if (!this.values.has(key)) this.values.set(key, value)
    }
  }

  /** The trimmed value, or undefined when absent (an empty value counts as present). */
  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.trim()
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase())
  }

  /** A mandatory parameter: absent or empty → MissingParameterValue with the locator. */
  required(name: string): string {
    const v = this.get(name)
    if (v === undefined || v === '') throw missing(name)
    return v
  }

  /** A whole number in [min, max] (mandatory unless a fallback is given). */
  integer(name: string, min: number, max: number, fallback?: number): number {
    const raw = fallback === undefined ? this.required(name) : (this.get(name) || String(fallback))
    if (!/^[+-]?\d{1,9}$/.test(raw)) throw invalid(name, `${name.toUpperCase()} must be a whole number, got "${clip(raw)}"`)
    const n = Number(raw)
    if (n < min || n > max) throw invalid(name, `${name.toUpperCase()} must be between ${min} and ${max}, got ${n}`)
    return n
  }

  /** TRUE/FALSE in any case (OpenLayers sends `true`); absent → fallback. */
  boolean(name: string, fallback: boolean): boolean {
    const v = this.get(name)?.toLowerCase()
    if (v === undefined || v === '') return fallback
    if (v === 'true' || v === '1') return true
    if (v === 'false' || v === '0') return false
    throw invalid(name, `${name.toUpperCase()} must be TRUE or FALSE, got "${clip(v)}"`)
  }

  /** A comma-separated list; an absent or empty parameter is an empty list. */
  list(name: string): string[] {
    const v = this.get(name)
    return v === undefined || v === '' ? [] : v.split(',').map((s) => s.trim())
  }
}

export const missing = (name: string) =>
  new AppError(400, 'missing_parameter', `parameter ${name.toUpperCase()} is required`, {}, { code: 'MissingParameterValue', locator: name })

export const invalid = (locator: string, detail: string) =>
  new AppError(400, 'invalid_parameter', detail, {}, { code: 'InvalidParameterValue', locator })

/** An OGC-coded 400 with a WMS exception code (InvalidCRS, LayerNotDefined …). */
export const wmsError = (code: string, locator: string, detail: string) =>
  new AppError(400, 'invalid_parameter', detail, {}, { code, locator })

/** Echoes of client input in messages are bounded, so an error is never larger than the request. */
export const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s)
