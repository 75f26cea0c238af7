// One model for a WFS request, whether it came as KVP (GET, or POST form) or as POST XML.
// The handlers see only this model, so every encoding gets the same validation.
import type { Context } from 'koa'
import { parseXml, childNamed, childrenNamed, TRANSACTION_XML_LIMIT_BYTES, type XmlNode } from '../common/xml.ts'
import { WfsParams, clip, integerParam, invalid, missing, notSupported, splitParenthesized } from './kvp.ts'

export const operations = ['GetCapabilities', 'DescribeFeatureType', 'GetFeature', 'GetPropertyValue',
  'ListStoredQueries', 'DescribeStoredQueries', 'Transaction'] as const
export type Operation = (typeof operations)[number]
export type WfsVersion = '2.0.0' | '1.1.0'

export interface QuerySpec {
  typeNames: string[]
  srsName?: string
  propertyNames?: string[]
  filter?: XmlNode
  bbox?: string
  resourceIds?: string[]
  sortBy?: string
}

export interface WfsRequest {
  operation: Operation
  version: WfsVersion
  /** Client versions in preference order (GetCapabilities only). */
  acceptVersions?: string[]
  namespaces: Map<string, string>
  outputFormat?: string
  count?: number
  startIndex: number
  resultType: 'results' | 'hits'
  valueReference?: string
  queries: QuerySpec[]
  storedQuery?: { id: string; params: Map<string, string> }
  storedQueryIds?: string[]
  typeNames?: string[]
  /** KVP requests: the parameters, for next / previous links. */
  kvp?: WfsParams
  /** Transaction: the parsed wfs:Transaction element (transactionParse.ts reads it). */
  xml?: XmlNode
  /** Transaction: the root element's namespace (GDAL writes the WFS 1.x one even with version="2.0.0"). */
  xmlNamespace?: string | undefined
}

/** The largest page a client may ask for. */
export const MAX_COUNT = 10_000

/** Reads the request from the query string, a form body or an XML body. */
export function readRequest(ctx: Context): WfsRequest {
  const body = (ctx.request as { body?: unknown }).body
  if (ctx.method === 'POST' && typeof body === 'string') {
    if (!body.trim()) throw missing('request')
    // a Transaction carries features, so it may be larger than a query (still bounded)
    const limit = /^(?:\s|<\?[^>]*\?>|<!--[\s\S]*?-->)*<(?:[\w.-]+:)?Transaction[\s>/]/.test(body.slice(0, 4096)) ? TRANSACTION_XML_LIMIT_BYTES : undefined
    const req = fromXml(parseXml(body, undefined, limit), ctx)
    if (req.operation === 'Transaction') req.xmlNamespace = rootNamespace(body)
    return req
  }
  const params = ctx.method === 'POST' && body && typeof body === 'object' && Object.keys(body).length
    ? new WfsParams(body as Record<string, unknown>)
    : new WfsParams(ctx.querystring)
  return fromKvp(params, ctx)
}

/** The namespace URI of a document's root element, read from its start tag (the tree drops it). */
function rootNamespace(text: string): string | undefined {
  const start = /<(?:([\w-]+):)?Transaction\b([^>]*)>/.exec(text.slice(0, 4096))
  if (!start) return undefined
  const decl = start[1] ? `xmlns:${start[1]}` : 'xmlns'
  for (const m of start[2]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) if (m[1] === decl) return m[2] ?? m[3]
  return undefined
}

function checkService(service: string | undefined): void {
  if (service === undefined || service === '') throw missing('service')
  if (service.toUpperCase() !== 'WFS') throw invalid('service', `SERVICE must be WFS, got "${clip(service)}"`)
}

function operationOf(name: string | undefined): Operation {
  if (name === undefined || name === '') throw missing('request')
  const op = operations.find((o) => o.toLowerCase() === name.toLowerCase())
  if (!op) throw notSupported('request', `unsupported request "${clip(name)}"; supported: ${operations.join(', ')}`)
  return op
}

/** 2.0.x → 2.0.0, 1.1.x → 1.1.0; anything else is refused (absent: 2.0.0). */
function versionOf(v: string | undefined, ctx: Context, operation: Operation): WfsVersion {
  if (v === undefined || v === '' || /^2\.0\.\d$/.test(v)) return '2.0.0'
  // QGIS (3.28 and older) writes its transactions as 1.0.0 whatever it negotiated: the 1.x dialect
  if (/^1\.1\.\d$/.test(v) || (operation === 'Transaction' && /^1\.0\.\d$/.test(v))) {
    ctx.state.ogcVersion = '1.1.0'
    return '1.1.0'
  }
  // GetCapabilities negotiates: an unknown VERSION gets the highest version offered
  if (operation === 'GetCapabilities') return '2.0.0'
  throw invalid('version', `unsupported VERSION "${clip(v)}": this service speaks WFS 2.0.0 and 1.1.0`)
}

/** NAMESPACES=xmlns(p,uri),… (2.0) and NAMESPACE=xmlns(p=uri) (1.1). */
export function parseNamespaces(v: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of (v ?? '').matchAll(/xmlns\(\s*([^,=()\s]*)\s*[,=]\s*([^)]*?)\s*\)/g)) out.set(m[1]!, m[2]!)
  return out
}

function fromKvp(p: WfsParams, ctx: Context): WfsRequest {
  checkService(p.get('service'))
  const operation = operationOf(p.get('request'))
  const version = versionOf(p.get('version'), ctx, operation)
  const count = integerParam(p.get('count', 'maxFeatures'), version === '2.0.0' ? 'count' : 'maxFeatures', 0, Number.MAX_SAFE_INTEGER)
  const req: WfsRequest = {
    operation, version, kvp: p,
    acceptVersions: p.list('acceptVersions'),
    namespaces: parseNamespaces(`${p.get('namespaces') ?? ''} ${p.get('namespace') ?? ''}`),
    outputFormat: p.get('outputFormat') || undefined,
    count: count === undefined ? undefined : Math.min(count, MAX_COUNT),
    startIndex: integerParam(p.get('startIndex'), 'startIndex', 0, 1e9) ?? 0,
    resultType: resultTypeOf(p.get('resultType')),
    valueReference: p.get('valueReference'),
    queries: [],
    storedQueryIds: p.list('storedQuery_id'),
    typeNames: p.list('typeNames', 'typeName'),
  }
  const storedId = p.get('storedQuery_id')
  if (storedId && operation !== 'DescribeStoredQueries') {
    req.storedQuery = { id: storedId, params: new Map(p.entries().map(([k, v]) => [k.toLowerCase(), v])) }
  } else if (operation === 'GetFeature' || operation === 'GetPropertyValue') {
    req.queries = kvpQueries(p)
  }
  return req
}

function resultTypeOf(v: string | undefined): 'results' | 'hits' {
  if (v === undefined || v === '' || v.toLowerCase() === 'results') return 'results'
  if (v.toLowerCase() === 'hits') return 'hits'
  throw invalid('resultType', `RESULTTYPE must be results or hits, got "${clip(v)}"`)
}

function kvpQueries(p: WfsParams): QuerySpec[] {
  // OWSLib (0.27, Debian bookworm) sends a GET filter as QUERY=<fes:Filter…>: honour it rather
  // than silently returning every feature
  const filterText = p.get('filter') || (p.get('query')?.startsWith('<') ? p.get('query') : undefined)
  const filters = filterText ? splitParenthesized(filterText) : []
  const bbox = p.get('bbox') || undefined
  const ids = p.list('resourceId', 'featureId')
  if ([filters.length > 0, bbox !== undefined, ids !== undefined].filter(Boolean).length > 1) {
    throw invalid('filter', 'FILTER, BBOX and RESOURCEID are mutually exclusive')
  }
  const rawTypes = p.get('typeNames', 'typeName')
  const typeGroups = rawTypes ? splitParenthesized(rawTypes).flatMap((g) => g.split(',')).map((s) => s.trim()).filter(Boolean) : []
  if (!typeGroups.length && !ids) throw missing('typeNames')
  const props = p.get('propertyName') ? splitParenthesized(p.get('propertyName')!) : []
  const common = { srsName: p.get('srsName') || undefined, bbox, resourceIds: ids, sortBy: p.get('sortBy') || undefined }
  if (!typeGroups.length) return [{ typeNames: [], ...common }]
  return typeGroups.map((t, i) => ({
    typeNames: [t], ...common,
    propertyNames: pick(props, i)?.split(',').map((s) => s.trim()).filter(Boolean),
    filter: pick(filters, i) ? parseXml(pick(filters, i)!, 'filter') : undefined,
  }))
}

/** The i-th of per-query values; a single value applies to every query. */
const pick = (list: string[], i: number) => (list.length === 1 ? list[0] : list[i])

function fromXml(root: XmlNode, ctx: Context): WfsRequest {
  checkService(attr(root, 'service') ?? (root.name === 'GetCapabilities' ? undefined : 'WFS'))
  const operation = operationOf(root.name)
  const version = versionOf(attr(root, 'version'), ctx, operation)
  const count = integerParam(attr(root, 'count') ?? attr(root, 'maxFeatures'), 'count', 0, Number.MAX_SAFE_INTEGER)
  const req: WfsRequest = {
    operation, version,
    acceptVersions: childNamed(root, 'AcceptVersions')?.children.map((v) => v.text),
    namespaces: new Map(),
    outputFormat: attr(root, 'outputFormat'),
    count: count === undefined ? undefined : Math.min(count, MAX_COUNT),
    startIndex: integerParam(attr(root, 'startIndex'), 'startIndex', 0, 1e9) ?? 0,
    resultType: resultTypeOf(attr(root, 'resultType')),
    valueReference: attr(root, 'valueReference'),
    queries: childrenNamed(root, 'Query').map(xmlQuery),
    storedQueryIds: childrenNamed(root, 'StoredQueryId').map((n) => n.text),
    typeNames: childrenNamed(root, 'TypeName').map((n) => n.text),
  }
  if (operation === 'Transaction') req.xml = root
  const stored = childNamed(root, 'StoredQuery')
  if (stored) {
    req.storedQuery = { id: attr(stored, 'id') ?? '', params: new Map(childrenNamed(stored, 'Parameter').map((n) => [(attr(n, 'name') ?? '').toLowerCase(), n.text])) }
  }
  if ((operation === 'GetFeature' || operation === 'GetPropertyValue') && !req.queries.length && !stored) throw missing('Query')
  return req
}

function xmlQuery(q: XmlNode): QuerySpec {
  const typeNames = (attr(q, 'typeNames') ?? attr(q, 'typeName') ?? '').split(/[\s,]+/).filter(Boolean)
  if (!typeNames.length) throw missing('typeNames')
  const sort = childNamed(q, 'SortBy')
  const sortBy = sort?.children.map((sp) => {
    const ref = childNamed(sp, 'ValueReference') ?? childNamed(sp, 'PropertyName')
    return `${ref?.text ?? ''} ${childNamed(sp, 'SortOrder')?.text ?? 'ASC'}`
  }).join(',')
  const props = [...childrenNamed(q, 'PropertyName'), ...childrenNamed(q, 'ValueReference')].map((n) => n.text)
  return {
    typeNames, srsName: attr(q, 'srsName'), filter: childNamed(q, 'Filter'), sortBy,
    propertyNames: props.length ? props : undefined,
  }
}

/** An attribute by name in any case: OWSLib writes typenames="…" where the schema says typeNames. */
function attr(node: XmlNode, name: string): string | undefined {
  const lower = name.toLowerCase()
  const key = Object.keys(node.attrs).find((k) => k.toLowerCase() === lower)
  return key === undefined ? undefined : node.attrs[key]
}
