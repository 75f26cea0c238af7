// The map of a report's period: heatmap cells (heatmap()) and Gi* hot spots (hotspots(), H3 disk
// k = 1, analytic p with FDR) at a resolution fitted to the area, over the area's division
// boundaries and current base grids (simplified in SQL to about a pixel of the drawn map).
import type { Knex } from 'knex'
import { UNITS, getHexagonEdgeLengthAvg } from 'h3-js'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import type { AnalyticsFilter } from '../analytics/filters.ts'
import { heatmap } from '../analytics/heatmap.ts'
import { hotspots } from '../analytics/hotspots.ts'

/** lon/lat rings of one shape (outer ring first, holes after, for every part) */
export type Rings = number[][][]
export interface MapShape { code: string; level: string; rings: Rings }
export interface MapCell { h3: string; count: number; ring: number[][] }
export interface MapHotspot { h3: string; cls: string; z: number; count: number; ring: number[][] }
export interface MapData {
  resolution: number
  divisions: MapShape[]
  grids: MapShape[]
  cells: MapCell[]
  hotspots: MapHotspot[]
  total: number
  maxCount: number
}

// simplification tolerance (degrees, about a pixel of the drawn map) by the prefix length of the area
const TOLERANCE: Record<number, number> = { 4: 0.0004, 6: 0.0002, 9: 0.0001, 12: 0.00003 }
/** hexagons across the map's longer side, about: enough to show a pattern, few enough for Gi* to have counts */
export const CELLS_ACROSS = 25

/** The resolution (5-11) whose hexagons (√3 × edge wide) are nearest, on a log scale, to 1/CELLS_ACROSS of `km`. */
export function resolutionFor(km: number): number {
  const target = km / CELLS_ACROSS
  let best = 5
  for (let r = 5; r <= 11; r++) {
    const off = (res: number) => Math.abs(Math.log(Math.sqrt(3) * getHexagonEdgeLengthAvg(res, UNITS.km) / target))
    if (off(r) < off(best)) best = r
  }
  return best
}

export async function mapData(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, codes: string[], prefixes: string[]): Promise<MapData> {
  const shallowest = Math.min(...prefixes.map((p) => p.length))
  const { rows } = await knex.raw(sqlFile('reports/map_shapes'), {
    tol: TOLERANCE[shallowest] ?? 0.0001, codes, areas: prefixes.map((p) => `${p}%`), patterns: scope.patterns,
  }) as { rows: { layer: string; code: string; level: string; geojson: string }[] }
  const shapes = rows.map((r) => ({ layer: r.layer, shape: { code: r.code, level: r.level, rings: ringsOf(r.geojson) } }))
  const resolution = resolutionFor(extentKm(shapes.filter((s) => s.layer === 'division').flatMap((s) => s.shape.rings)))
  const heat = await heatmap(knex, scope, f, resolution)
  const gi = await hotspots(knex, scope, f, { resolution, k: 1, permutations: 0, seed: 1 })
  return {
    resolution,
    divisions: shapes.filter((s) => s.layer === 'division').map((s) => s.shape),
    grids: shapes.filter((s) => s.layer === 'grid').map((s) => s.shape),
    cells: heat.features.map((c) => ({ h3: c.properties.h3, count: c.properties.count, ring: c.geometry.coordinates[0]! })),
    hotspots: gi.features.filter((c) => c.properties.class !== 'none').map((c) => ({
      h3: c.id, cls: c.properties.class, z: c.properties.z, count: c.properties.count,
      ring: (c.geometry as { coordinates: number[][][] }).coordinates[0]!,
    })),
    total: heat.total, maxCount: heat.maxCount,
  }
}

/** The longer side (km) of the rings' lon/lat box, east-west shortened by cos φ. */
function extentKm(rings: Rings): number {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity
  for (const ring of rings) {
    for (const [x, y] of ring) {
      x0 = Math.min(x0, x!); x1 = Math.max(x1, x!); y0 = Math.min(y0, y!); y1 = Math.max(y1, y!)
    }
  }
  if (!Number.isFinite(x0)) return 10
  const km = 111.32
  return Math.max((x1 - x0) * km * Math.cos(((y0 + y1) / 2) * Math.PI / 180), (y1 - y0) * km)
}

function ringsOf(geojson: string): Rings {
  const g = JSON.parse(geojson) as { type: string; coordinates: unknown }
  if (g.type === 'Polygon') return g.coordinates as Rings
  if (g.type === 'MultiPolygon') return (g.coordinates as Rings[]).flat()
  return [] // a collapsed sliver after simplification: nothing to draw
}
