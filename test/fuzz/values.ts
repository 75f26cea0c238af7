// The hostile values the fuzz draws from: strings, numbers, geometries, JSON and XML bodies.
// Big values are built once and shared between requests.
import zlib from 'node:zlib'
import type { Prng } from './prng.ts'

/** A JSON token written as is (1e309, -0, 2^64): JSON.stringify cannot write them. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export const PASSWD_PATH = '/etc/passwd'

export const sqlFragments = [
  "'; DROP TABLE app_user; --", "' OR 1=1 --", "1' OR '1'='1", "1 OR 1=1", "1; SELECT pg_sleep(20); --",
  "' UNION SELECT password_hash, username FROM app_user --", "$$; DROP TABLE event; $$", "\\'; --", "%' OR '%'='",
  ':name', '?', '??', "'||(SELECT version())||'", "1)) OR ((1=1", "E'\\\\x00'", "\"; DROP TABLE \"event", "/**/OR/**/1=1",
]
export const filterInjections = [
  "name = 'a' OR 1=1", "1=1) OR (1=1", "INTERSECTS(geom, POLYGON((0 0,1 1,1 0,0 1,0 0)))", "code LIKE '%' --",
  "name ILIKE '%'; DROP TABLE event; --", "BBOX(geom,-180,-90,180,90) OR 1=1", "id IN (SELECT id FROM app_user)",
]
export const traversals = [
  '../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '....//....//etc/passwd', '%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/etc/passwd', '..\\..\\..\\etc\\passwd', 'file:///etc/passwd', '..%252f..%252fetc%252fpasswd', '%c0%ae%c0%ae/etc/passwd',
]
export const numberStrings = [
  '1e309', '-1e309', '-0', 'NaN', 'Infinity', '-Infinity', '18446744073709551616', '-9223372036854775809',
  '9223372036854775807', '2147483648', '0x10', '1_000', '１２３', '9'.repeat(400), '1e-400', '0.1e1', '+1', '', ' ',
]
export const dateStrings = [
  '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31T23:59:60Z', '2026-01-01T25:61:61Z', '-infinity', 'infinity',
  'epoch', 'now', '+275760-09-13T00:00:00Z', '2026-01-01/2025-01-01', '../..', '2026-01-01T00:00:00+99:99',
]
export const oddStrings = [
  '', ' ', 'a\u0000b', '\u0000', '\ud800', '\udfff\ud800', '\u202e\u202dxx', '\u200b', '😀'.repeat(50), 'e\u0301'.repeat(200),
  '%s%s%s%n', '${7*7}', '{{7*7}}', '<script>alert(1)</script>', '__proto__', 'constructor', 'null', 'undefined', 'true',
  '\r\nX-Injected: 1', 'a'.repeat(5000), '中'.repeat(3000), '\\', '"', "'", '`', '\t\n\v\f',
]

let mb: string | undefined
/** A string of ~1.5 MB (under the default 2 MB body limit when sent alone) */
export function hugeString(): string {
  mb ??= 'ABCDEFGHIJ'.repeat(150_000)
  return mb
}

export function hostileString(r: Prng): string {
  const pool = r.pick([sqlFragments, filterInjections, traversals, numberStrings, dateStrings, oddStrings, sqlFragments])
  return r.pick(pool)
}

/** JSON values of the wrong type or out of range */
export function hostileJsonValue(r: Prng, lon: number, lat: number): unknown {
  switch (r.int(0, 9)) {
    case 0: return r.pick([new RawJson('1e309'), new RawJson('-1e309'), new RawJson('-0'), new RawJson('18446744073709551616'),
      new RawJson('1e-400'), new RawJson('123456789012345678901234567890'), -1, 0, 2147483648, new RawJson("9007199254740993"), 0.5])
    case 1: return r.pick([null, true, false, [], {}, [[[]]], { $gt: '' }, { __proto__: { admin: true } }])
    case 2: return r.chance(0.05) ? hugeString() : hostileString(r)
    case 3: return hostileGeometry(r, lon, lat)
    case 4: return r.pick(numberStrings)
    case 5: return r.pick(dateStrings)
    case 6: return Array.from({ length: r.int(0, 2000) }, () => r.pick(sqlFragments))
    case 7: return nestedArray(r.int(50, 2000))
    case 8: return r.pick(traversals)
    default: return r.pick(sqlFragments)
  }
}

function nestedArray(depth: number): RawJson {
  return new RawJson('['.repeat(depth) + ']'.repeat(depth))
}

const ring = (lon: number, lat: number, d = 0.001) =>
  [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]

let bigRing: RawJson | undefined
let hugeRing: Buffer | undefined

/** a polygon of ~40,000 vertices (~1.3 MB, under the body limit): a big but valid geometry */
function bigPolygon(lon: number, lat: number): RawJson {
  bigRing ??= new RawJson(`{"type":"Polygon","coordinates":[[${Array.from({ length: 40_000 }, (_, i) => {
    const a = (i / 40_000) * 2 * Math.PI
    return `[${(lon + 0.01 * Math.cos(a)).toFixed(7)},${(lat + 0.01 * Math.sin(a)).toFixed(7)}]`
  }).join(',')},[${(lon + 0.01).toFixed(7)},${lat.toFixed(7)}]]]}`)
  return bigRing
}

/** a body with a 1,000,000-vertex polygon (~26 MB, far above the body limit) */
export function millionVertexBody(lon: number, lat: number): Buffer {
  hugeRing ??= Buffer.from(`{"geometry":{"type":"Polygon","coordinates":[[${Array.from({ length: 1_000_000 }, (_, i) =>
    `[${(lon + i * 1e-8).toFixed(8)},${lat}]`).join(',')}]]}}`)
  return hugeRing
}

export function hostileGeometry(r: Prng, lon: number, lat: number): unknown {
  const d = 0.001
  switch (r.int(0, 15)) {
    case 0: return { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]] } // bow-tie
    case 1: return { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat]]] } // too few points
    case 2: return { type: 'Polygon', coordinates: [ring(lon, lat).slice(0, 4)] } // not closed
    case 3: return { type: 'Polygon', coordinates: [[[new RawJson('1e309'), lat], [lon, new RawJson('-1e309')], [lon, lat], [lon, lat]]] }
    case 4: return { type: 'Polygon', coordinates: [[['NaN', 'NaN'], [lon, lat], [null, lat], [lon, lat]]] }
    case 5: return { type: 'Polygon', coordinates: [ring(1000, -1000)] } // outside any CRS
    case 6: return { type: 'Point', coordinates: [lon, lat, 1, 2, 3] }
    case 7: return { type: 'Circle', coordinates: [lon, lat], radius: 10 }
    case 8: return { type: 'GeometryCollection', geometries: [{ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [lon, lat] }] }] }
    case 9: return { type: 'MultiPolygon', coordinates: Array.from({ length: 3000 }, (_, i) => [ring(lon + i * 2 * d, lat, d)]) }
    case 10: return bigPolygon(lon, lat)
    case 11: return { type: 'Polygon', coordinates: [ring(lon, lat)], crs: { type: 'name', properties: { name: r.pick(['EPSG:999999', 'EPSG:3857', "EPSG:4326'; DROP TABLE grid; --", 'urn:ogc:def:crs:EPSG::2000']) } } }
    case 12: return { type: 'Polygon', coordinates: [ring(lon * 111_000, lat * 111_000, 100)] } // metres in a degrees field
    case 13: return { type: 'Polygon', coordinates: [ring(lon, lat), ring(lon + 1, lat + 1)] } // hole outside its shell
    case 14: return { type: 'LineString', coordinates: [] }
    default: return { type: 'Polygon', coordinates: [Array.from({ length: 5 }, () => [lon, lat])] } // zero area
  }
}

/** whole JSON bodies that are broken as JSON or as structure */
export function hostileJsonBody(r: Prng, depthScale = 1): string | Buffer {
  const deep = Math.max(100, Math.floor(10_000 * depthScale))
  switch (r.int(0, 13)) {
    case 0: return '['.repeat(deep) + ']'.repeat(deep)
    case 1: return '{"a":'.repeat(deep) + '1' + '}'.repeat(deep)
    case 2: return '['.repeat(deep * 10) // unterminated, 100,000 deep
    case 3: return r.pick(['{', '{"a":}', "{'a':1}", '{"a":1,}', '[1,2', 'nul', '"unterminated', '{"a":1}{"b":2}', '\ufeff{"a":1}', '{"a":01}', '{"a":.5}'])
    case 4: return r.pick(['null', '[]', '"string"', '123', 'true', '1e309', '-0', '{}'])
    case 5: return '{"__proto__":{"role":"command_center","admin":true},"constructor":{"prototype":{"x":1}}}'
    case 6: return Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from('"}')])
    case 7: return '{"description":"\\ud800\\udc00\\ud800","name":"\\u0000"}'
    case 8: return `{"a":"${'x'.repeat(2_500_000)}"}` // above the 2 MB body limit
    case 9: return `[${Array.from({ length: 200_000 }, () => '0').join(',')}]`
    case 10: return `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`
    case 11: return '{"a":1,"a":2,"a":"\'; DROP TABLE event; --"}'
    case 12: return Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]) // UTF-16 with a BOM
    default: return '{"a":' + '"\\u0000",'.repeat(1) + '"b":1}'
  }
}

let gzipBomb: Buffer | undefined
/** ~20 MB of JSON whitespace, gzip-compressed to ~20 KB: the limit must count the inflated size */
export function gzipBombBody(): Buffer {
  gzipBomb ??= zlib.gzipSync(Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(20 * 1024 * 1024, 0x20), Buffer.from('"}')]), { level: 9 })
  return gzipBomb
}
