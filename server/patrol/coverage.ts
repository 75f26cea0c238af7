// Per grid and day: the share of the grid's road length within 30 m of the day's tracks, and the
// share of its H3 resolution-11 cells the tracks pass through.
//
// Road coverage is exact, not sampled: along a road segment the distance to a track segment is
// a convex function of the position, so the part within the radius is one interval, found by
// bisection on each side of the closest point; the intervals of all nearby track segments are
// united. Coordinates are planar metres on a tangent plane at the grid (radii of curvature of
// the CGCS2000 ellipsoid there): over a grid's few hundred metres the scale error is < 1e-5.
import type { Knex } from 'knex'
import Flatbush from 'flatbush'
import { polygonToCells } from 'h3-js'
import type { Principal } from '../auth/users.ts'
import { notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { GAP_SECONDS } from './progress.ts'
import { dayWindow, fixesOf, visibleMember } from './metrics.ts'
import { trackParts, visitedCells, type Segment } from './track.ts'

export const COVERAGE_RADIUS_M = 30
export const H3_RESOLUTION = 11
const A = 6378137
const E2 = 0.00669438002290
const RAD = Math.PI / 180

type XY = [number, number]

/** lon/lat → metres on the tangent plane at (lon0, lat0). */
export function tangentPlane(lon0: number, lat0: number): (lon: number, lat: number) => XY {
  const s = Math.sin(lat0 * RAD)
  const w = 1 - E2 * s * s
  const m = (A * (1 - E2)) / (w * Math.sqrt(w)) * RAD
  const n = (A / Math.sqrt(w)) * Math.cos(lat0 * RAD) * RAD
  return (lon, lat) => [(lon - lon0) * n, (lat - lat0) * m]
}

function distToSegment(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

/** The interval [t0, t1] of road segment a→b within r of track segment c→d, or null. */
export function nearInterval(a: XY, b: XY, c: XY, d: XY, r: number): [number, number] | null {
  const at = (t: number): number => distToSegment([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], c, d)
  let lo = 0
  let hi = 1
  for (let i = 0; i < 80; i++) { // ternary search for the closest point (d is convex in t)
    const m1 = lo + (hi - lo) / 3
    const m2 = hi - (hi - lo) / 3
    if (at(m1) <= at(m2)) hi = m2
    else lo = m1
  }
  const best = (lo + hi) / 2
  if (at(best) > r) return null
  const edge = (inside: number, outside: number) => {
    if (at(outside) <= r) return outside
    for (let i = 0; i < 60; i++) {
      const mid = (inside + outside) / 2
      if (at(mid) <= r) inside = mid
      else outside = mid
    }
    return inside
  }
  return [edge(best, 0), edge(best, 1)]
}

/** Metres of the road lines within r of the track parts (all in tangent-plane metres). */
export function coveredLength(roads: XY[][], track: [XY, XY][], r: number): { length: number; covered: number } {
  let length = 0
  let covered = 0
  const index = track.length ? new Flatbush(track.length) : null
  for (const [c, d] of track) index!.add(Math.min(c[0], d[0]), Math.min(c[1], d[1]), Math.max(c[0], d[0]), Math.max(c[1], d[1]))
  index?.finish()
  for (const line of roads) {
    for (let i = 1; i < line.length; i++) {
      const [a, b] = [line[i - 1]!, line[i]!]
      const len = Math.hypot(b[0] - a[0], b[1] - a[1])
      length += len
      if (!index || len === 0) continue
      const near = index.search(Math.min(a[0], b[0]) - r, Math.min(a[1], b[1]) - r, Math.max(a[0], b[0]) + r, Math.max(a[1], b[1]) + r)
      const spans = near.map((k) => nearInterval(a, b, track[k]![0], track[k]![1], r)).filter((s): s is [number, number] => s !== null).sort((x, y) => x[0] - y[0])
      let [s0, s1] = [-1, -1]
      for (const [t0, t1] of spans) {
        if (t0 > s1) { covered += (s1 - s0) * len; [s0, s1] = [t0, t1] } else s1 = Math.max(s1, t1)
      }
      covered += (s1 - s0) * len
    }
  }
  return { length, covered }
}

interface GridShape { code: string; name: string; community_code: string; geojson: string; minx: number; miny: number; maxx: number; maxy: number }

/** H3 cells of the grid: cells whose centre lies inside (h3 polygonToCells). */
function gridCells(geojson: string): Set<string> {
  const g = JSON.parse(geojson) as { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] }
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
  const cells = new Set<string>()
  for (const p of polys) for (const c of polygonToCells(p, H3_RESOLUTION, true)) cells.add(c)
  return cells
}

/** Road lines (possibly multi) from GeoJSON rows, as point lists. */
function lines(rows: { geojson: string }[]): number[][][] {
  return rows.flatMap((r) => {
    const g = JSON.parse(r.geojson) as { type: string; coordinates: number[][] | number[][][] }
    return g.type === 'LineString' ? [g.coordinates as number[][]] : g.type === 'MultiLineString' ? g.coordinates as number[][][] : []
  })
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

export async function gridCoverage(knex: Knex, principal: Principal, code: string, day: string, memberId?: number) {
  const { rows: [grid] } = await knex.raw(sqlFile('patrol/grid_shape'), { grid: code, patterns: principal.jurisdiction.patterns }) as { rows: GridShape[] }
  if (!grid) throw notFound(`no current grid ${code} in your jurisdiction`).coded('patrol.grid_not_found', { code })
  const { from, to } = dayWindow(day)
  const members = memberId !== undefined ? [(await visibleMember(knex, principal, memberId)).id]
    : (await knex.raw(sqlFile('patrol/coverage_members'), { grid: code, community: grid.community_code, from, to })).rows.map((r: { id: string }) => Number(r.id))
  const parts = trackParts(await fixesOf(knex, members, from, to), GAP_SECONDS * 1000)
  const toXY = tangentPlane((grid.minx + grid.maxx) / 2, (grid.miny + grid.maxy) / 2)
  const track: [XY, XY][] = [
    ...parts.segments.map(([[x1, y1], [x2, y2]]: Segment): [XY, XY] => [toXY(x1, y1), toXY(x2, y2)]),
    ...parts.lone.map(([x, y]): [XY, XY] => [toXY(x, y), toXY(x, y)]),
  ]
  const { rows } = await knex.raw(sqlFile('patrol/coverage_roads'), { grid: code })
  const roads = coveredLength(lines(rows).map((l) => l.map(([x, y]) => toXY(x!, y!))), track, COVERAGE_RADIUS_M)
  const cells = gridCells(grid.geojson)
  const visited = [...visitedCells(parts, H3_RESOLUTION)].filter((c) => cells.has(c)).length
  return {
    grid: code, name: grid.name, communityCode: grid.community_code, date: day, members,
    roads: { lengthM: round(roads.length, 1), coveredM: round(roads.covered, 1), share: roads.length > 0 ? round(roads.covered / roads.length, 4) : null, radiusM: COVERAGE_RADIUS_M },
    h3: { resolution: H3_RESOLUTION, cells: cells.size, visited, share: cells.size ? round(visited / cells.size, 4) : null },
  }
}
