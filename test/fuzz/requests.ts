// Builds one hostile request for a target from the PRNG: good values where the route needs them
// to get past the obvious refusals, and one or more hostile mutations where it reads input.
import type { Prng } from './prng.ts'
import { resolve, type Param, type Schema, type Target } from './targets.ts'
import { RawJson, dateStrings, gzipBombBody, hostileGeometry, hostileJsonBody, hostileJsonValue, hostileString,
  millionVertexBody, numberStrings, sqlFragments, toJson, traversals } from './values.ts'
import { hostileKvpFilter, hostileXml } from './xml.ts'
import { zipOf } from './zip.ts'

/** Values discovered in the fuzz database, so requests reach handlers past the 404s. */
export interface Seeds {
  lon: number; lat: number; community: string; gridCode: string; eventNumber: string; typeName: string
  collection: string; featureId: string; tile: { z: number; x: number; y: number }; asset: string; serviceCode: string
  device?: string
}

export interface FuzzRequest {
  method: string
  /** the request target as sent: percent-encoding and raw bytes (latin1) included */
  path: string
  headers: Record<string, string>
  body?: Buffer
  role: string
  target: Target
  mutation: string
  /** the request is larger than the body limit: a reset before an answer is a refusal too */
  oversized?: boolean
}

/** percent-encoding that also takes lone surrogates (as the UTF-8 of U+FFFD, as a browser sends them) */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))

/** a hostile string as it goes into a URL: encoded, or with broken encodings and raw bytes */
function hostileUrlValue(r: Prng): string {
  switch (r.int(0, 9)) {
    case 0: return r.pick(['%ZZ', '%', '%C3%28', '%FF%FE', '%ED%A0%80', '%C0%AF', '%00', 'a%00b', '%E4%B8'])
    case 1: return enc(r.pick(traversals))
    case 2: return r.pick(traversals)
    case 3: return enc('x'.repeat(r.pick([300, 5000, 12_000])))
    default: return enc(hostileString(r))
  }
}

function goodValue(name: string, schema: Schema | undefined, target: Target, s: Seeds): string {
  const sch = resolve(schema)
  if (sch?.enum?.length) return String(sch.enum[0])
  if (sch?.example !== undefined) return String(sch.example)
  if (sch?.default !== undefined) return String(sch.default)
  switch (name) {
    case 'code': return target.path.includes('/grids/') ? s.gridCode : target.path.includes('/services/') ? s.serviceCode : s.community
    case 'number': return s.eventNumber
    case 'z': return String(s.tile.z)
    case 'x': return String(s.tile.x)
    case 'y': return String(s.tile.y)
    case 'layers': return 'base_grids'
    case 'wmtsStyle': return 'default'
    case 'wmtsSet': return 'GoogleMapsCompatible'
    case 'wmtsTile': return `${s.tile.x}.png`
    case 'asset': return s.asset
    case 'format': return 'json'
    case 'fid': return s.featureId
    case 'id': return target.path.startsWith('/ogc/features') ? s.collection : target.path.includes('api-keys') ? '999999' : '1'
    case 'parent': case 'area': case 'community': return s.community
    case 'period': return '2026-01'
    case 'bbox': return `${s.lon - 0.01},${s.lat - 0.01},${s.lon + 0.01},${s.lat + 0.01}`
    case 'limit': return '5'
    case 'from': case 'since': case 'start': return '2026-01-01'
    case 'to': case 'until': case 'end': return '2026-12-31'
    default: break
  }
  if (sch?.type === 'integer' || sch?.type === 'number') return String(sch.minimum ?? 1)
  if (sch?.format === 'date') return '2026-01-01'
  if (sch?.format === 'date-time') return '2026-01-01T00:00:00Z'
  return 'a'
}

/** an example JSON value for a schema (depth-bounded) */
export function sample(schema: Schema | undefined, s: Seeds, key = '', depth = 0): unknown {
  const sch = resolve(schema)
  if (!sch || depth > 6) return 'a'
  if (sch.example !== undefined) return sch.example
  if (sch.enum?.length) return sch.enum[0]
  if (sch.oneOf?.length || sch.anyOf?.length) return sample((sch.oneOf ?? sch.anyOf)![0], s, key, depth + 1)
  if (/geom|geometry|boundary|polygon|area_?shape/i.test(key)) return { type: 'Polygon', coordinates: [[[s.lon, s.lat], [s.lon + 0.001, s.lat], [s.lon + 0.001, s.lat + 0.001], [s.lon, s.lat + 0.001], [s.lon, s.lat]]] }
  if (/^lon|longitude|^x$/i.test(key)) return s.lon
  if (/^lat|latitude|^y$/i.test(key)) return s.lat
  const type = Array.isArray(sch.type) ? sch.type[0] : sch.type
  switch (type) {
    case 'object': return Object.fromEntries(Object.entries(sch.properties ?? {}).map(([k, v]) => [k, sample(v, s, k, depth + 1)]))
    case 'array': return [sample(sch.items, s, key, depth + 1)]
    case 'integer': case 'number': return sch.minimum ?? 1
    case 'boolean': return true
    case 'string': return /code$|community|area/i.test(key) ? s.community : sch.format === 'date-time' ? '2026-01-01T00:00:00Z' : sch.format === 'date' ? '2026-01-01' : 'fuzz'
    default: return sch.properties ? sample({ ...sch, type: 'object' }, s, key, depth) : 'a'
  }
}

/** replaces one value somewhere inside a JSON value (objects and arrays) */
function mutateInside(value: unknown, r: Prng, make: () => unknown): unknown {
  if (Array.isArray(value) && value.length) {
    const copy = [...value]
    const i = r.int(0, copy.length - 1)
    copy[i] = r.chance(0.5) ? make() : mutateInside(copy[i], r, make)
    return copy
  }
  if (value !== null && typeof value === 'object' && !(value instanceof RawJson)) {
    const entries = Object.entries(value)
    if (!entries.length || r.chance(0.15)) return { ...value, [r.pick(['extra', '__proto__', 'constructor', hostileString(r).slice(0, 100)])]: make() }
    const [k, v] = r.pick(entries)
    return { ...value, [k]: r.chance(0.6) ? make() : mutateInside(v, r, make) }
  }
  return make()
}

function queryFor(target: Target, r: Prng, s: Seeds, hostile: boolean): string {
  const pairs: [string, string][] = target.params.filter((p) => p.in === 'query').filter(() => r.chance(0.6))
    .map((p) => [p.name, enc(goodValue(p.name, p.schema, target, s))])
  if (hostile) {
    const n = r.int(1, 3)
    for (let i = 0; i < n; i++) {
      const names = target.params.filter((p) => p.in === 'query').map((p) => p.name)
      const name = names.length && r.chance(0.8) ? r.pick(names) : r.pick(['q', 'limit', 'offset', 'cursor', 'sort', 'status', 'from', 'to', 'bbox', 'format', enc(hostileString(r)).slice(0, 200)])
      if (r.chance(0.15)) pairs.push([name, enc(goodValue(name, undefined, target, s))]) // a duplicate: an array in ctx.query
      pairs.push([name, hostileUrlValue(r)])
    }
  }
  return pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''
}

function pathFor(target: Target, r: Prng, s: Seeds, hostile: boolean): string {
  const pathParams = target.params.filter((p) => p.in === 'path')
  const bad = hostile && pathParams.length ? r.pick(pathParams).name : undefined
  return target.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === bad) return r.chance(0.25) ? r.pick(numberStrings.map(enc)) : hostileUrlValue(r)
    const p = pathParams.find((x) => x.name === name) as Param | undefined
    return enc(goodValue(name, p?.schema, target, s))
  })
}

export function buildRequest(target: Target, r: Prng, s: Seeds, opts: { depthScale: number }): Omit<FuzzRequest, 'role'> {
  const base = { target, method: target.method, headers: {} as Record<string, string> }
  switch (target.kind) {
    case 'wms': return { ...base, path: `/ogc/wms?${wmsQuery(r, s)}`, mutation: 'wms kvp' }
    case 'wmts': return { ...base, path: `/ogc/wmts?${wmtsQuery(r, s)}`, mutation: 'wmts kvp' }
    case 'wfs': return { ...base, path: `/ogc/wfs?${wfsQuery(r, s)}`, mutation: 'wfs kvp' }
    case 'wfs-post': return { ...base, path: '/ogc/wfs', headers: { 'content-type': r.pick(['application/xml', 'text/xml', 'text/plain', 'application/json']) }, body: Buffer.from(hostileXml(r, s.typeName, s.lon, s.lat)), mutation: 'wfs xml' }
    case 'features': return { ...base, path: `${pathFor(target, r, s, r.chance(0.4))}${featuresQuery(r, s, target)}`, mutation: 'features' }
    case 'open311-post': return { ...base, ...open311Post(r, s, target) }
    case 'raw-upload': return { ...base, ...rawUpload(r, s, target) }
    default: break
  }
  const hostilePath = r.chance(0.3)
  const hostileQuery = !hostilePath || r.chance(0.3)
  const path = pathFor(target, r, s, hostilePath) + queryFor(target, r, s, target.method === 'GET' ? hostileQuery : r.chance(0.2))
  if (target.method === 'GET' || target.method === 'DELETE') return { ...base, path, mutation: hostilePath ? 'path' : 'query' }
  return { ...base, path, ...jsonBody(target, r, s, opts.depthScale) }
}

/** Bodies that pass validation, for routes whose schema the OpenAPI sample cannot satisfy
 * (discriminators, formats): a mutated field then reaches the handler and the database. */
export function knownBody(target: Target, s: Seeds): unknown {
  const d = 0.0005
  const ring = [[s.lon, s.lat], [s.lon + d, s.lat], [s.lon + d, s.lat + d], [s.lon, s.lat + d], [s.lon, s.lat]]
  switch (`${target.method} ${target.path}`) {
    case 'POST /api/v1/events': return { channel: 'superior', demandType: '投诉举报', classCode: '0102', description: '模糊测试 垃圾堆放', location: { x: s.lon, y: s.lat } }
    case 'POST /api/v1/grids': case 'POST /api/v1/grids/check': case 'PATCH /api/v1/grids/{code}':
      return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { name: '模糊测试' } }
    case 'POST /api/v1/fences': case 'PUT /api/v1/fences/{id}': return { name: '模糊测试', kind: 'polygon', coordinates: [ring] }
    case 'POST /api/v1/resource-orders': return { deviceId: s.device ?? 'fuzz', target: { type: 'point', coordinates: [s.lon, s.lat], radiusM: 50 }, note: '模糊测试' }
    case 'POST /api/v1/positions': return { deviceId: s.device ?? 'fuzz', positions: [{ lon: s.lon, lat: s.lat, time: '2026-12-01T08:00:00Z' }] }
    case 'POST /api/v1/exemplary-cases': return { event: s.eventNumber, title: '模糊测试', summary: '模糊测试', reason: '模糊测试', tags: ['模糊'] }
    case 'POST /api/v1/events/{number}/transitions': return { action: 'accept', comment: '模糊测试' }
    case 'POST /api/v1/geocode': return { lon: s.lon, lat: s.lat }
    default: return sample(target.body, s)
  }
}

function jsonBody(target: Target, r: Prng, s: Seeds, depthScale: number): { headers: Record<string, string>; body: Buffer; mutation: string; oversized?: boolean } {
  const json = { 'content-type': 'application/json' }
  const roll = r.next()
  if (roll < 0.45) {
    const body = mutateInside(knownBody(target, s), r, () => hostileJsonValue(r, s.lon, s.lat))
    return { headers: json, body: Buffer.from(toJson(body)), mutation: 'json field' }
  }
  if (roll < 0.53) {
    const body = mutateInside(knownBody(target, s), r, () => hostileGeometry(r, s.lon, s.lat))
    return { headers: json, body: Buffer.from(toJson(body)), mutation: 'geometry' }
  }
  if (roll < 0.75) {
    const b = hostileJsonBody(r, depthScale)
    return { headers: json, body: Buffer.isBuffer(b) ? b : Buffer.from(b), mutation: 'json body', oversized: b.length > 2 * 1024 * 1024 }
  }
  if (roll < 0.87) {
    const text = toJson(knownBody(target, s))
    return {
      headers: { 'content-type': r.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/octet-stream', '', 'application/json;;;', `application/${hostileString(r).replace(/[^\x20-\x7e]/g, '')}`]) },
      body: Buffer.from(r.chance(0.5) ? text : `a=${enc(hostileString(r))}&a[b][c]=1&__proto__[x]=1`), mutation: 'content type',
    }
  }
  if (roll < 0.91) return { headers: { ...json, 'content-encoding': 'gzip' }, body: gzipBombBody(), mutation: 'gzip bomb', oversized: true }
  if (roll < 0.93) return { headers: { ...json, 'content-encoding': r.pick(['gzip', 'deflate', 'br', 'compress', 'x-evil']) }, body: Buffer.from('not compressed at all'), mutation: 'bad encoding' }
  if (roll < 0.945) return { headers: json, body: millionVertexBody(s.lon, s.lat), mutation: '1M-vertex geometry', oversized: true }
  return { headers: json, body: Buffer.from(toJson(knownBody(target, s))), mutation: 'sample body' }
}

function wmsQuery(r: Prng, s: Seeds): string {
  const h = () => hostileUrlValue(r)
  const bbox = `${s.lat - 0.01},${s.lon - 0.01},${s.lat + 0.01},${s.lon + 0.01}`
  const p: Record<string, string> = {
    SERVICE: 'WMS', VERSION: r.pick(['1.3.0', '1.1.1', '9.9', '']), REQUEST: r.pick(['GetMap', 'GetFeatureInfo', 'GetCapabilities', 'GetLegendGraphic', 'GetMap', 'GetFeatureInfo']),
    LAYERS: r.pick(['base_grids', 'events_all', 'roads', 'base_grids,events_all', 'nope']), STYLES: '', CRS: r.pick(['EPSG:4490', 'EPSG:3857', 'CRS:84', 'EPSG:4326']),
    BBOX: bbox, WIDTH: '256', HEIGHT: '256', FORMAT: r.pick(['image/png', 'image/jpeg', 'image/svg+xml']), I: '128', J: '128', X: '128', Y: '128',
    QUERY_LAYERS: 'base_grids', INFO_FORMAT: r.pick(['application/json', 'text/html', 'text/plain', 'application/vnd.ogc.gml']), FEATURE_COUNT: '5', LAYER: 'base_grids',
  }
  const keys = Object.keys(p)
  const hostileValues: Record<string, () => string> = {
    BBOX: () => r.pick(['NaN,NaN,NaN,NaN', '1e309,-1e309,1,1', '1,1,0,0', '-90,-180,90,180', '0,0,0,0', '1,2,3', `${bbox},9`, h()]),
    WIDTH: () => r.pick(['0', '-1', '100000', '1e9', '65536', 'abc', '2.5', h()]),
    HEIGHT: () => r.pick(['0', '-1', '100000', '1e9', 'abc', h()]),
    CRS: () => r.pick(['EPSG:999999', 'EPSG:', 'AUTO:42001,9001,0,0', "EPSG:4490'--", h()]),
    BGCOLOR: () => r.pick(['0xZZZZZZ', '0x' + 'F'.repeat(100), h()]),
    FEATURE_COUNT: () => r.pick(['1000000000', '-5', 'NaN', h()]),
  }
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.pick([...keys, 'BGCOLOR', 'TIME', 'SLD_BODY', 'CQL_FILTER', 'EXCEPTIONS', 'TRANSPARENT'])
    p[k] = hostileValues[k]?.() ?? h()
  }
  return Object.entries(p).map(([k, v]) => `${r.chance(0.2) ? k.toLowerCase() : k}=${v}`).join('&')
}

function wmtsQuery(r: Prng, s: Seeds): string {
  const set = r.pick(['GoogleMapsCompatible', 'CGCS2000', 'EPSG:4326', ''])
  const p: Record<string, string> = {
    SERVICE: 'WMTS', VERSION: r.pick(['1.0.0', '1.0.0', '2.0.0', '']), REQUEST: r.pick(['GetTile', 'GetTile', 'GetTile', 'GetCapabilities', 'GetFeatureInfo']),
    LAYER: r.pick(['base_grids', 'components', 'inspectors', 'nope']), STYLE: r.pick(['default', 'by_state', '']), FORMAT: r.pick(['image/png', 'image/jpeg', 'image/gif']),
    TILEMATRIXSET: set, TILEMATRIX: String(set === 'CGCS2000' ? s.tile.z + 1 : s.tile.z), TILEROW: String(s.tile.y), TILECOL: String(s.tile.x),
    I: '128', J: '128', INFOFORMAT: r.pick(['application/json', 'text/html', 'text/xml', 'application/vnd.ogc.gml']),
  }
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.pick([...Object.keys(p), 'ACCEPTVERSIONS'])
    p[k] = r.chance(0.4) ? r.pick(numberStrings.map(enc)) : hostileUrlValue(r)
  }
  return Object.entries(p).map(([k, v]) => `${r.chance(0.2) ? k.toLowerCase() : k}=${v}`).join('&')
}

function wfsQuery(r: Prng, s: Seeds): string {
  const version = r.pick(['2.0.0', '1.1.0', '1.0.0', '3.0'])
  const two = version !== '1.1.0'
  const p: Record<string, string> = {
    SERVICE: 'WFS', VERSION: version, REQUEST: r.pick(['GetFeature', 'GetFeature', 'GetFeature', 'DescribeFeatureType', 'GetCapabilities', 'GetPropertyValue', 'ListStoredQueries', 'DescribeStoredQueries', 'Transaction', 'LockFeature']),
    [two ? 'TYPENAMES' : 'TYPENAME']: r.pick([s.typeName, 'gridgov:events_all', 'gridgov:roads', 'gridgov:nope']),
    [two ? 'COUNT' : 'MAXFEATURES']: '5',
  }
  const hostile: Record<string, () => string> = {
    FILTER: () => enc(hostileKvpFilter(r, s.lon, s.lat)),
    RESOURCEID: () => r.pick([enc(`${s.featureId},${hostileString(r)}`), hostileUrlValue(r), enc(r.pick(sqlFragments))]),
    BBOX: () => r.pick(['NaN,NaN,NaN,NaN', '1e309,0,1,1', `${s.lat},${s.lon},${s.lat},${s.lon},EPSG:999999`, '1,2,3', hostileUrlValue(r)]),
    SORTBY: () => enc(r.pick(['name DESC; DROP TABLE event', "name' ASC", 'geom', '__proto__', 'name ASC,'.repeat(500)])),
    PROPERTYNAME: () => enc(r.pick(['name,(SELECT 1)', '*', 'geom,' + 'x,'.repeat(1000), hostileString(r)])),
    COUNT: () => r.pick(numberStrings.map(enc)), MAXFEATURES: () => r.pick(numberStrings.map(enc)), STARTINDEX: () => r.pick(numberStrings.map(enc)),
    SRSNAME: () => enc(r.pick(['EPSG:999999', 'urn:ogc:def:crs:EPSG::99999', "EPSG:4490'--", 'http://www.opengis.net/def/crs/EPSG/0/3857'])),
    VALUEREFERENCE: () => enc(r.pick(['name', 'geom', '../../etc/passwd', "name'); DROP TABLE event; --"])),
    OUTPUTFORMAT: () => enc(r.pick(['application/json', 'text/csv', 'application/gml+xml; version=3.2', hostileString(r)])),
    RESULTTYPE: () => r.pick(['hits', 'results', 'index', hostileUrlValue(r)]),
    NAMESPACES: () => enc(r.pick(['xmlns(g,http://x)', 'xmlns(', 'xmlns(g=' + 'x'.repeat(3000) + ')'])),
    STOREDQUERY_ID: () => enc(r.pick(['urn:ogc:def:query:OGC-WFS::GetFeatureById', hostileString(r)])),
    ID: () => enc(r.pick([s.featureId, hostileString(r)])),
  }
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.pick([...Object.keys(hostile), 'TYPENAMES', 'TYPENAME', 'VERSION', 'REQUEST'])
    p[k] = hostile[k]?.() ?? hostileUrlValue(r)
  }
  return Object.entries(p).map(([k, v]) => `${r.chance(0.2) ? k.toLowerCase() : k}=${v}`).join('&')
}

function featuresQuery(r: Prng, s: Seeds, target: Target): string {
  if (!target.path.endsWith('/items') && r.chance(0.5)) return r.chance(0.5) ? `?f=${r.pick(['json', 'html', 'xml', hostileUrlValue(r)])}` : ''
  const p: [string, string][] = [['limit', r.pick(['5', '0', '-1', '100000000', ...numberStrings.map(enc)])]]
  const add: Record<string, () => string> = {
    bbox: () => r.pick([`${s.lon - 0.01},${s.lat - 0.01},${s.lon + 0.01},${s.lat + 0.01}`, 'NaN,NaN,NaN,NaN', '1e309,0,1,1', '1,2,3', '1,2,3,4,5,6,7', hostileUrlValue(r)]),
    'bbox-crs': () => enc(r.pick(['http://www.opengis.net/def/crs/EPSG/0/4490', 'http://www.opengis.net/def/crs/EPSG/0/999999', hostileString(r)])),
    crs: () => enc(r.pick(['http://www.opengis.net/def/crs/EPSG/0/3857', 'EPSG:999999', hostileString(r)])),
    offset: () => r.pick(numberStrings.map(enc)),
    datetime: () => enc(r.pick([...dateStrings, '2026-01-01T00:00:00Z/..', '../2026-02-30', '2026-01-01/2026-01-01/2026-01-01'])),
    properties: () => enc(r.pick(['name', "name,(SELECT 1)", hostileString(r)])),
    filter: () => enc(hostileString(r)), 'filter-lang': () => enc(r.pick(['cql2-text', 'cql2-json', hostileString(r)])),
    sortby: () => enc(r.pick(['-name', "name;DROP TABLE event", hostileString(r)])), f: () => enc(r.pick(['json', 'geojson', 'html', hostileString(r)])),
  }
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.pick(Object.keys(add))
    p.push([k, add[k]!()])
  }
  return `?${p.map(([k, v]) => `${k}=${v}`).join('&')}`
}

function open311Post(r: Prng, s: Seeds, target: Target): { path: string; headers: Record<string, string>; body: Buffer; mutation: string } {
  const fields: Record<string, string> = { service_code: s.serviceCode, lat: String(s.lat), long: String(s.lon), description: 'fuzz', address_string: 'fuzz' }
  for (let i = r.int(1, 3); i > 0; i--) {
    const k = r.pick(['service_code', 'lat', 'long', 'description', 'address_string', 'email', 'phone', 'media_url', 'attribute[x]', 'api_key', 'device_id', 'address_id', 'first_name'])
    fields[k] = r.chance(0.3) ? r.pick(numberStrings) : r.chance(0.05) ? 'x'.repeat(2_500_000) : hostileString(r)
  }
  const form = Object.entries(fields).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
  const path = pathFor(target, r, s, r.chance(0.2))
  if (r.chance(0.2)) return { path, headers: { 'content-type': 'application/json' }, body: Buffer.from(r.chance(0.5) ? toJson(fields) : String(hostileJsonBody(r))), mutation: 'open311 json' }
  return { path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form), mutation: 'open311 form' }
}

function rawUpload(r: Prng, s: Seeds, target: Target): { path: string; headers: Record<string, string>; body: Buffer; mutation: string; oversized?: boolean } {
  const traversal = r.pick(['../../../tmp/gridgov-fuzz-zipslip', '/tmp/gridgov-fuzz-zipslip', '..\\..\\gridgov-fuzz-zipslip', 'a/../../../gridgov-fuzz-zipslip.shp'])
  if (target.path.endsWith('/attachments')) {
    const name = r.pick([...traversals, traversal, '', 'a'.repeat(300), 'a\u0000.png', 'ok.png', '..', '.'])
    return {
      path: `${pathFor(target, r, s, r.chance(0.3))}?name=${r.chance(0.8) ? enc(name) : hostileUrlValue(r)}`,
      headers: { 'content-type': r.pick(['image/png', 'image/jpeg', 'application/pdf', 'text/html', 'application/x-sh', '../../etc/passwd', '']) },
      body: r.chance(0.1) ? Buffer.alloc(30 * 1024 * 1024, 1) : Buffer.from(r.pick(['\x89PNG\r\n\x1a\n', '%PDF-1.4', '<html>', '#!/bin/sh\nrm -rf /']) + 'x'.repeat(r.int(0, 1000))),
      mutation: 'attachment',
    }
  }
  const q = `?${r.chance(0.5) ? 'dryRun=true&' : ''}${r.pick(['kind=base', 'kind=community', `kind=${hostileUrlValue(r)}`, `crs=${hostileUrlValue(r)}`, `fileName=${enc(traversal)}`, ''])}`
  switch (r.int(0, 4)) {
    case 0: return { path: target.path + q, headers: { 'content-type': 'application/zip' }, body: zipOf([[traversal, 'pwned'], ['a.shp', 'not a shapefile'], ['../a.dbf', '']]), mutation: 'zip slip' }
    case 1: return { path: target.path + q, headers: { 'content-type': r.pick(['application/zip', 'application/octet-stream']) }, body: Buffer.from('PK\x03\x04 broken zip ' + 'x'.repeat(r.int(0, 5000))), mutation: 'broken zip' }
    case 2: return { path: target.path + q, headers: { 'content-type': r.pick(['text/csv', 'text/csv; charset=gbk', 'text/csv; charset=x-evil']) },
      body: Buffer.from(`number,description,lon,lat,reported_at\n${Array.from({ length: r.int(1, 50) }, () => [hostileString(r), hostileString(r), r.pick(numberStrings), r.pick(numberStrings), r.pick(dateStrings)].map((v) => `"${v.replaceAll('"', '""')}"`).join(',')).join('\n')}`), mutation: 'csv' }
    case 3: return { path: target.path + q, headers: { 'content-type': r.pick(['application/geo+json', 'application/json']) },
      body: Buffer.from(toJson({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: hostileString(r), code: r.pick(sqlFragments) }, geometry: hostileGeometry(r, s.lon, s.lat) }] })), mutation: 'geojson' }
    default: return { path: target.path + q, headers: { 'content-type': 'application/geo+json' }, body: Buffer.from(String(hostileJsonBody(r))), mutation: 'geojson body', oversized: true }
  }
}
