// Hot spots: Getis-Ord Gi* per H3 cell of the study area (gistar.ts), or per base grid with queen
// contiguity (unit=grid, gridHotspots.ts), as a GeoJSON FeatureCollection. Counts come from SQL
// (counts.ts); every study unit is a feature, units without events counting 0, so the statistic
// sees the whole area as ArcGIS and esda would.
import type { Knex } from 'knex'
import { z } from 'zod'
import { cellToBoundary } from 'h3-js'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { analyticsQuery, badParam, type AnalyticsFilter } from './filters.ts'
import { cellCounts, studyCells } from './counts.ts'
import { binClass, giStar, type NeighbourList } from './gistar.ts'
import { MAX_K, MIN_K, h3DiskNeighbours } from './neighbours.ts'

/** The permutation counts offered: none, a quick look, esda's default. */
export const PERMUTATIONS = ['0', '99', '999'] as const
/** Above this the GeoJSON is tens of megabytes and nobody reads the map: ask for a coarser resolution. */
export const MAX_CELLS = 100_000

export const hotspotQuery = analyticsQuery.extend({
  k: z.string().regex(/^[0-9]{1,2}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(MIN_K, `must be ${MIN_K}-${MAX_K}`).max(MAX_K, `must be ${MIN_K}-${MAX_K}`)).default(MIN_K)
    .describe('H3 disk radius of the binary weights (the cell itself included), 1-5'),
  permutations: z.enum(PERMUTATIONS, { message: 'must be 0, 99 or 999' }).transform(Number).default(0)
    .describe('conditional permutations for a pseudo p-value (pPerm): 0 (none), 99 or 999'),
  seed: z.string().regex(/^[0-9]{1,9}$/, 'must be a whole number below 10^9').transform(Number).default(1)
    .describe('seed of the permutation RNG (same seed, same pPerm)'),
  unit: z.enum(['h3', 'grid'], { message: 'must be h3 or grid' }).default('h3')
    .describe('h3: cells at `resolution` with disk weights; grid: current base grids with queen contiguity (k must be 1, resolution is not used)'),
}).strict()
export type HotspotQuery = z.output<typeof hotspotQuery>

export interface HotspotProperties {
  /** the unit: an H3 index (unit=h3) or a base grid code (unit=grid) */
  h3?: string
  grid?: string
  count: number
  /** Gi* z-score (ArcGIS GiZScore) */
  z: number
  /** two-sided normal p-value (ArcGIS GiPValue) */
  p: number
  /** Benjamini-Hochberg adjusted p-value */
  pFdr: number
  /** ArcGIS Gi_Bin after FDR correction, -3..3 */
  bin: number
  /** hot99, hot95, hot90, none, cold90, cold95, cold99 */
  class: string
  pPerm?: number
}
export type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }
export interface HotspotFeature { type: 'Feature'; id: string; geometry: Geometry; properties: HotspotProperties }
export interface Hotspots {
  type: 'FeatureCollection'
  unit: 'h3' | 'grid'
  resolution?: number
  k?: number
  from: string
  to: string
  /** study units (n of the statistic) and events counted */
  cells: number
  total: number
  mean: number
  s: number
  /** every count equal: Gi* is 0/0, reported as z = 0, p = 1 */
  constant: boolean
  permutations: number
  seed?: number
  features: HotspotFeature[]
}

export interface HotspotParams { resolution: number; k: number; permutations: number; seed: number }

/** Gi* over the study area (the area, or the caller's jurisdiction) at `resolution`. */
export async function hotspots(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, o: HotspotParams): Promise<Hotspots> {
  const { cells, x } = await hotspotUnits(knex, scope, f, o.resolution)
  return hotspotCollection(cells, x, f, o)
}

/** The units of Gi* at a resolution (study-area cells and counted edge cells, sorted) and their counts; shared with the tile layer. */
export async function hotspotUnits(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): Promise<{ cells: string[]; x: number[] }> {
  const [study, counts] = await Promise.all([
    studyCells(knex, scope, f.area, resolution),
    cellCounts(knex, scope, f, resolution),
  ])
  // a cell on the area's edge whose centre lies outside still holds counted events: keep it
  const all = new Set(study)
  for (const c of counts.keys()) all.add(c)
  if (all.size > MAX_CELLS) throw badParam('resolution', `${all.size} cells at resolution ${resolution} exceed ${MAX_CELLS}; choose a coarser resolution or a smaller area`)
  const cells = [...all].sort()
  return { cells, x: cells.map((c) => counts.get(c) ?? 0) }
}

/** The statistic and its GeoJSON for given cells and counts (no database). */
export function hotspotCollection(cells: string[], x: number[], f: Pick<AnalyticsFilter, 'from' | 'to'>, o: HotspotParams): Hotspots {
  const fc = unitCollection('h3', cells, (i) => ({ type: 'Polygon', coordinates: [cellToBoundary(cells[i]!, true)] }),
    x, h3DiskNeighbours(cells, o.k), f, o)
  return { ...fc, resolution: o.resolution, k: o.k }
}

/**
 * Gi* over any units with a neighbour list, as GeoJSON. H3 hexagons are CGCS2000 lon/lat
 * (EPSG:4490) as they are: H3 works on WGS84, which CGCS2000 matches to well under a metre.
 */
export function unitCollection(unit: 'h3' | 'grid', ids: string[], geometry: (i: number) => Geometry, x: number[], nb: NeighbourList,
  f: Pick<AnalyticsFilter, 'from' | 'to'>, o: Pick<HotspotParams, 'permutations' | 'seed'>): Hotspots {
  const g = giStar(x, nb, { permutations: o.permutations, seed: o.seed })
  let total = 0
  for (const v of x) total += v
  const features = ids.map((id, i): HotspotFeature => ({
    type: 'Feature', id, geometry: geometry(i),
    properties: {
      [unit]: id, count: x[i]!, z: g.z[i]!, p: g.p[i]!, pFdr: g.pFdr[i]!, bin: g.bin[i]!, class: binClass(g.bin[i]!),
      ...(g.pPerm ? { pPerm: g.pPerm[i]! } : {}),
    },
  }))
  return {
    type: 'FeatureCollection', unit, from: f.from.toISOString(), to: f.to.toISOString(),
    cells: ids.length, total, mean: g.mean, s: g.s, constant: g.constant, permutations: o.permutations,
    ...(o.permutations ? { seed: o.seed } : {}), features,
  }
}
