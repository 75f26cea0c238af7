// XML namespaces of the OGC documents, and gridgov's own feature namespace.
// The gridgov namespace URI is a name, not a location: `.invalid` can never resolve, so no
// client mistakes it for a schema address (DescribeFeatureType gives the schema).

export const GRIDGOV_PREFIX = 'gridgov'
export const GRIDGOV_NS = 'https://gridgov.invalid/ns'

export const NS = {
  wfs20: 'http://www.opengis.net/wfs/2.0',
  wfs11: 'http://www.opengis.net/wfs',
  ows11: 'http://www.opengis.net/ows/1.1',
  ows10: 'http://www.opengis.net/ows',
  fes20: 'http://www.opengis.net/fes/2.0',
  ogc: 'http://www.opengis.net/ogc',
  gml32: 'http://www.opengis.net/gml/3.2',
  gml311: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const

export const SCHEMAS = {
  wfs20: 'http://schemas.opengis.net/wfs/2.0/wfs.xsd',
  wfs11: 'http://schemas.opengis.net/wfs/1.1.0/wfs.xsd',
  gml32: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd',
  gml311: 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd',
} as const
