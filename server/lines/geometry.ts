// A line's geometry as a client or a spreadsheet gives it → MultiLineString coordinates in
// EPSG:4490 (lon, lat), refused with a message naming what is wrong. Accepted: a GeoJSON
// LineString or MultiLineString (an object, or its text), or WKT LINESTRING / MULTILINESTRING
// (an optional SRID=4490; prefix). Coordinates are CGCS2000 longitude, latitude (WGS 84 agrees
// within a metre); a pair that looks swapped for China (a latitude first) is refused.
import { looksSwapped } from '../geo/crs.ts'

export type Position = [number, number]

/** At most this many parts and vertices: a city line is a few hundred. */
export const MAX_PARTS = 200
export const MAX_VERTICES = 20_000

export class LineGeometryError extends Error {
  override name = 'LineGeometryError'
}

const fail = (m: string): never => {
  throw new LineGeometryError(m)
}

function position(p: unknown, where: string): Position {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) fail(`${where}: a position is [longitude, latitude]`)
  const [x, y] = p as unknown[]
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) fail(`${where}: coordinates must be finite numbers`)
  const lon = x as number
  const lat = y as number
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) fail(`${where}: longitude must be within ±180 and latitude within ±90`)
  if (looksSwapped(lon, lat)) fail(`${where}: [${lon}, ${lat}] looks like [latitude, longitude]: give the longitude first`)
  return [lon, lat]
}

function part(coords: unknown, where: string): Position[] {
  if (!Array.isArray(coords)) fail(`${where}: a line part is an array of positions`)
  const out = (coords as unknown[]).map((p, i) => position(p, `${where}[${i}]`))
  if (out.length < 2) fail(`${where}: a line part needs at least 2 positions`)
  if (out.every((p) => p[0] === out[0]![0] && p[1] === out[0]![1])) fail(`${where}: a line part of one repeated position has no length`)
  return out
}

function check(parts: Position[][]): Position[][] {
  if (parts.length === 0) fail('the line has no parts')
  if (parts.length > MAX_PARTS) fail(`at most ${MAX_PARTS} parts`)
  const n = parts.reduce((s, q) => s + q.length, 0)
  if (n > MAX_VERTICES) fail(`at most ${MAX_VERTICES} positions, got ${n}`)
  return parts
}

function fromGeoJson(g: unknown): Position[][] {
  if (g === null || typeof g !== 'object' || Array.isArray(g)) fail('a GeoJSON LineString or MultiLineString')
  const o = g as { type?: unknown; coordinates?: unknown }
  if (o.type === 'LineString') return check([part(o.coordinates, 'coordinates')])
  if (o.type === 'MultiLineString') {
    if (!Array.isArray(o.coordinates)) fail('coordinates: an array of line parts')
    return check((o.coordinates as unknown[]).slice(0, MAX_PARTS + 1).map((c, i) => part(c, `coordinates[${i}]`)))
  }
  return fail(`type must be LineString or MultiLineString, got ${JSON.stringify(o.type ?? null).slice(0, 40)}`)
}

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?'
const WKT_PART = new RegExp(`\\(\\s*(${NUMBER}\\s+${NUMBER}(?:\\s+${NUMBER})?(?:\\s*,\\s*${NUMBER}\\s+${NUMBER}(?:\\s+${NUMBER})?)*)\\s*\\)`, 'g')

function wktPart(body: string): number[][] {
  return body.split(',').map((pair) => pair.trim().split(/\s+/).map(Number))
}

function fromWkt(text: string): Position[][] {
  const s = text.replace(/^SRID=(\d+);/i, (_, srid: string) => (srid === '4490' ? '' : fail(`SRID=${srid}: only EPSG:4490 (CGCS2000 lon/lat)`))).trim()
  const m = /^(MULTILINESTRING|LINESTRING)\s*(\(.*\))$/is.exec(s)
  if (!m) return fail('WKT must be LINESTRING (…) or MULTILINESTRING ((…), (…))')
  const kind = m[1]!.toUpperCase()
  let inner = m[2]!.trim()
  if (kind === 'MULTILINESTRING') {
    if (!/^\(\s*\(.*\)\s*\)$/s.test(inner)) fail('MULTILINESTRING takes ((x y, x y), (x y, x y))')
    inner = inner.slice(1, -1)
  }
  const bodies: string[] = []
  const rest = inner.replace(WKT_PART, (_, body: string) => {
    bodies.push(body)
    return ''
  })
  if (!/^[\s,]*$/.test(rest) || bodies.length === 0 || (kind === 'LINESTRING' && bodies.length !== 1)) fail('WKT: malformed coordinates')
  return check(bodies.slice(0, MAX_PARTS + 1).map((b, i) => part(wktPart(b), `coordinates[${i}]`)))
}

/** The parts of the line, or LineGeometryError. */
export function lineFromInput(input: unknown): Position[][] {
  if (typeof input === 'string') {
    const t = input.trim()
    if (t.length > 2_000_000) fail('the geometry text is too long')
    if (t.startsWith('{')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(t)
      } catch {
        return fail('not valid GeoJSON text')
      }
      return fromGeoJson(parsed)
    }
    return fromWkt(t)
  }
  return fromGeoJson(input)
}

/** GeoJSON text of the parts, for ST_GeomFromGeoJSON. */
export function multiLineJson(parts: Position[][]): string {
  return JSON.stringify({ type: 'MultiLineString', coordinates: parts })
}
