// The heatmap: event counts per H3 cell as a GeoJSON FeatureCollection. Counts come from SQL
// (counts.ts); Node only draws each non-empty cell's hexagon (h3-js cellToBoundary).
import type { Knex } from 'knex'
import { cellToBoundary } from 'h3-js'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import type { AnalyticsFilter } from './filters.ts'
import { cellCounts } from './counts.ts'

export interface HeatmapCell { type: 'Feature'; id: string; geometry: { type: 'Polygon'; coordinates: number[][][] }; properties: { h3: string; count: number; share: number } }
export interface Heatmap {
  type: 'FeatureCollection'
  resolution: number
  from: string
  to: string
  total: number
  maxCount: number
  features: HeatmapCell[]
}

/** Cells with at least one event, densest first (ties by index); share = count / total. */
export async function heatmap(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): Promise<Heatmap> {
  const counts = await cellCounts(knex, scope, f, resolution)
  let total = 0, maxCount = 0
  for (const n of counts.values()) { total += n; if (n > maxCount) maxCount = n }
  const cells = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const features = cells.map(([h3, count]): HeatmapCell => ({
    type: 'Feature', id: h3,
    // CGCS2000 lon/lat (EPSG:4490): H3 works on WGS84, which CGCS2000 matches to well under a metre
    geometry: { type: 'Polygon', coordinates: [cellToBoundary(h3, true)] },
    properties: { h3, count, share: count / total },
  }))
  return { type: 'FeatureCollection', resolution, from: f.from.toISOString(), to: f.to.toISOString(), total, maxCount, features }
}
