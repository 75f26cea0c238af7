// Hot spots per base grid (unit=grid): Gi* with first-order queen contiguity (grids sharing an
// edge or a corner, the grid itself included), over every current base grid of the study area.
// Counts, outlines and neighbours come from one SQL query (analytics/grid_queen); events are
// counted by the grid code stored at intake, so an event in a grid since split or retired is
// not counted (its code is no longer a current grid).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { areaPattern, type AnalyticsFilter } from './filters.ts'
import type { NeighbourList } from './gistar.ts'
import { unitCollection, type Geometry, type HotspotParams, type Hotspots } from './hotspots.ts'

interface GridRow { code: string; geojson: string; n: number; neighbours: string[] }

export async function gridHotspots(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, o: Pick<HotspotParams, 'permutations' | 'seed'>): Promise<Hotspots> {
  const rows: GridRow[] = scope.isEmpty ? [] : (await knex.raw(sqlFile('analytics/grid_queen'), {
    from: f.from, to: f.to, patterns: scope.patterns,
    area: areaPattern(scope, f.area),
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }) as { rows: GridRow[] }).rows
  const ids = rows.map((r) => r.code)
  return unitCollection('grid', ids, (i) => JSON.parse(rows[i]!.geojson) as Geometry, rows.map((r) => r.n), queen(rows), f, o)
}

/** CSR of each grid's queen neighbours and itself, as indices, ascending. */
export function queen(rows: readonly { code: string; neighbours: string[] }[]): NeighbourList {
  const index = new Map(rows.map((r, i) => [r.code, i]))
  const offsets = new Int32Array(rows.length + 1)
  const indices: number[] = []
  rows.forEach((r, i) => {
    const row = [i, ...r.neighbours.map((c) => index.get(c)).filter((j): j is number => j !== undefined)].sort((a, b) => a - b)
    indices.push(...row)
    offsets[i + 1] = indices.length
  })
  return { offsets, indices: Int32Array.from(indices) }
}
