// Event counts per H3 cell and the study area as H3 cells: the two inputs of the heatmap and
// of the hot-spot statistics. Counting happens in SQL (one GROUP BY over the parent of each
// event's stored res-12 cell); Node only receives one row per non-empty cell.
import type { Knex } from 'knex'
import { polygonToCells } from 'h3-js'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { areaPattern, type AnalyticsFilter } from './filters.ts'

/** events per H3 cell at `resolution`, inside the caller's jurisdiction (and area), hex index → count */
export async function cellCounts(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): Promise<Map<string, number>> {
  checkResolution(resolution)
  const counts = new Map<string, number>()
  if (scope.isEmpty) return counts
  const { rows } = await knex.raw(sqlFile('analytics/cell_counts'), {
    res: resolution, from: f.from, to: f.to, patterns: scope.patterns,
    area: areaPattern(scope, f.area),
    // a 2-digit big class stands for its small classes; codes are at most 4 digits
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }) as { rows: { cell: string; n: number }[] }
  for (const r of rows) counts.set(r.cell, r.n)
  return counts
}

/** the study area as H3 cells at `resolution`: every cell whose centre lies in the area (or the caller's jurisdiction's divisions) */
export async function studyCells(knex: Knex, scope: Jurisdiction, area: string | undefined, resolution: number): Promise<string[]> {
  checkResolution(resolution)
  // a jurisdiction prefix padded with zeros is the code of the division it stands for
  const codes = area !== undefined ? [area] : scope.prefixes.map((p) => p.padEnd(12, '0'))
  if (codes.length === 0) return []
  const { rows } = await knex.raw(sqlFile('analytics/division_shapes'), { codes }) as { rows: { geojson: string }[] }
  const cells = new Set<string>()
  for (const r of rows) {
    const g = JSON.parse(r.geojson) as { type: string; coordinates: number[][][][] | number[][][] }
    // CGCS2000 lon/lat is used as WGS84 directly: the two differ by well under a metre
    const polygons = g.type === 'MultiPolygon' ? g.coordinates as number[][][][] : [g.coordinates as number[][][]]
    for (const poly of polygons) for (const c of polygonToCells(poly, resolution, true)) cells.add(c)
  }
  return [...cells].sort()
}

function checkResolution(resolution: number): void {
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 12) throw new Error(`bad H3 resolution ${resolution}`)
}
