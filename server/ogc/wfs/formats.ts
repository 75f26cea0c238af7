// Output formats: exactly these strings are advertised in the capabilities and accepted
// (compared without case, spaces or quotes; '+' has become a space already).
import type { WfsVersion } from './request.ts'
import { clip, invalid } from './kvp.ts'

export type Encoding = 'gml32' | 'gml311' | 'geojson'

export interface OutputFormat {
  encoding: Encoding
  /** The Content-Type of the response. */
  contentType: string
}

const GML32: OutputFormat = { encoding: 'gml32', contentType: 'application/gml+xml; version=3.2' }
const GML311: OutputFormat = { encoding: 'gml311', contentType: 'text/xml; subtype=gml/3.1.1' }
const JSON_FORMAT: OutputFormat = { encoding: 'geojson', contentType: 'application/json; charset=utf-8' }

/** Advertised format names per version; the first is the default. */
export const formatNames: Record<WfsVersion, string[]> = {
  '2.0.0': ['application/gml+xml; version=3.2', 'text/xml; subtype=gml/3.2', 'application/json', 'json', 'application/geo+json'],
  '1.1.0': ['text/xml; subtype=gml/3.1.1', 'application/json', 'json', 'application/geo+json'],
}

const normalise = (s: string) => s.toLowerCase().replace(/[\s"]/g, '')

export function outputFormat(version: WfsVersion, requested: string | undefined): OutputFormat {
  if (requested === undefined || requested === '') return version === '2.0.0' ? GML32 : GML311
  const n = normalise(requested)
  const known = formatNames[version].find((f) => normalise(f) === n)
  if (!known) {
    throw invalid('outputFormat', `unsupported outputFormat "${clip(requested)}" for WFS ${version}; offered: ${formatNames[version].join(' | ')}`)
  }
  if (known.includes('json')) return JSON_FORMAT
  return version === '2.0.0' ? GML32 : GML311
}

/** Default srsName of the documents: EPSG order for GML (as DefaultCRS says), lon/lat for GeoJSON. */
export const defaultSrsName = (encoding: Encoding) => (encoding === 'geojson' ? 'EPSG:4490' : 'urn:ogc:def:crs:EPSG::4490')
/** The DefaultCRS / DefaultSRS of every feature type. */
export const DEFAULT_CRS = 'urn:ogc:def:crs:EPSG::4490'
