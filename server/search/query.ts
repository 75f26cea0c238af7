// The typed text, read once for every source: normalised (NFKC: full-width digits, letters and
// the full-width comma become ASCII), and what it could be — an event number or a fragment of
// one, a run of digits (a code, a phone fragment), a coordinate pair. Sources test these fields
// instead of parsing the text again.
import { looksSwapped } from '../geo/crs.ts'

/** Text shorter than this (in characters) finds nothing: one character matches everything. */
export const MIN_QUERY_CHARS = 2

export interface SearchQuery {
  /** NFKC-normalised, trimmed, inner whitespace collapsed to one space. */
  text: string
  /** Characters (code points) of text. */
  length: number
  /** An 'E' followed by digits, or digits alone: the digits (an event number or a fragment of it). */
  numberDigits: string | null
  /** Whether the text had the leading 'E' (then only a prefix is meant, not a suffix). */
  hasE: boolean
  /** Digits only (spaces and hyphens removed: 138 1234 5678), else null. */
  digits: string | null
  /** A lon,lat pair (a lat,lon pair within China is swapped back, and says so). */
  coordinate: { lon: number; lat: number; swapped: boolean } | null
}

const COORD = /^(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)$/

export function parseQuery(raw: string): SearchQuery {
  const text = raw.normalize('NFKC').trim().replace(/\s+/g, ' ')
  const compact = text.replace(/[\s-]/g, '')
  const number = /^([Ee]?)(\d{1,20})$/.exec(compact)
  return {
    text,
    length: [...text].length,
    numberDigits: number ? number[2]! : null,
    hasE: number ? number[1] !== '' : false,
    digits: /^\d{1,20}$/.test(compact) ? compact : null,
    coordinate: coordinateOf(text),
  }
}

function coordinateOf(text: string): SearchQuery['coordinate'] {
  const m = COORD.exec(text)
  if (!m) return null
  const a = Number(m[1])
  const b = Number(m[2])
  // "36.65, 116.98" is a lat,lon pair within China: read it the other way round
  if (looksSwapped(a, b)) return { lon: b, lat: a, swapped: true }
  if (Math.abs(a) > 180 || Math.abs(b) > 90) return null
  // a pair with no decimals ("12 34") is more likely a house or room number than a place
  if (!m[1]!.includes('.') && !m[2]!.includes('.')) return null
  return { lon: a, lat: b, swapped: false }
}
