// The cells behind the `heatmap` and `hotspots` tile layers: counts (and Gi*) per H3 cell over
// the caller's whole study area at the resolution of the tile's zoom, computed once per
// (jurisdiction, filter, resolution) and kept for a minute, so that the twenty tiles of one map
// view cost one count query (and one Gi* run) instead of twenty. Gi* needs every cell of the
// study area anyway, not just a tile's. The tile encoding itself is tiles/analysisTiles.ts.
//
// Why an in-process cache is safe with several instances: an entry is a read-only snapshot of
// a computation that writes nothing, keyed by everything that determines it (the caller's
// admin prefixes, the resolved filter, the resolution), and it expires after TTL_MS. No instance
// relies on another's state and nothing needs invalidating: an instance answers from a snapshot
// at most a minute old, as a browser does from its private tile cache; two instances may differ
// by the events of the last minute, never by jurisdiction.
import type { Knex } from 'knex'
import Flatbush from 'flatbush'
import { cellToBoundary } from 'h3-js'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { validate } from '../http/validate.ts'
import { analyticsQuery, badParam, resolveFilter, type AnalyticsFilter, type AnalyticsQuery, MIN_RESOLUTION } from './filters.ts'
import { cellCounts } from './counts.ts'
import { hotspotUnits } from './hotspots.ts'
import { binClass, giStar } from './gistar.ts'
import { h3DiskNeighbours } from './neighbours.ts'

/** Entries live this long; the tile answers say `private, max-age` of about half of it. */
export const TTL_MS = 60_000
/** At most this many entries and this many cells over all entries (about 10 MB per 100,000 cells). */
export const MAX_ENTRIES = 8
export const MAX_CACHED_CELLS = 600_000

/**
 * H3 resolution per zoom: the finest whose hexagon is at least ~12 px across on 256-px tiles
 * (measured at the demo city's latitude, 36.5°), so hexagons stay 12-30 px wide on screen:
 * z ≤ 7 → 5, z8-9 → 6, z10 → 7, z11 → 8, z12-13 → 9, z14 → 10, z ≥ 15 → 11.
 */
const ZOOM_RESOLUTION: readonly number[] = [5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 8, 9, 9, 10]
export function resolutionForZoom(z: number): number {
  return ZOOM_RESOLUTION[z] ?? 11
}

/** The tile URL's query: the analytics filters without `resolution` (the zoom chooses it). */
export const tileLayerQuery = analyticsQuery.omit({ resolution: true }).strict()
export type TileLayerQuery = Omit<AnalyticsQuery, 'resolution'>

export function parseTileLayerQuery(raw: Record<string, unknown>): TileLayerQuery {
  if ('resolution' in raw) throw badParam('resolution', 'tile layers choose the H3 resolution from the zoom; use /api/v1/analytics/… for a fixed resolution')
  for (const [k, v] of Object.entries(raw)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
  return validate(tileLayerQuery, raw, 'query')
}

/**
 * The filter of a tile: without `to` the window ends at the next whole minute (every tile of a
 * view, on every instance, then asks for the same window: one cache entry, equal ETags).
 */
export function resolveTileFilter(knex: Knex, scope: Jurisdiction, q: TileLayerQuery, now = new Date()): Promise<AnalyticsFilter> {
  const to = q.to ?? new Date(Math.ceil(now.getTime() / 60_000) * 60_000)
  return resolveFilter(knex, scope, { ...q, to, resolution: MIN_RESOLUTION }, now)
}

/** Cells of one layer over the study area, with a spatial index of their lon/lat boxes. */
export interface CellSet {
  resolution: number
  cells: string[]
  count: Float64Array
  total: number
  max: number
  /** hotspots only: Gi* per cell (k = 1, no permutations) */
  gi?: { z: Float64Array; p: Float64Array; pFdr: Float64Array; bin: Int8Array }
  /** absent when there are no cells */
  index?: Flatbush
}

/** The class of a cell of the hotspots layer (hot99 … cold99, as the API). */
export const cellClass = (set: CellSet, i: number) => binClass(set.gi!.bin[i]!)

/** Colour classes of the heatmap ramp. */
export const LEVELS = 6
/**
 * A cell's class on the heatmap's colour ramp, 1-6 on a log scale of its count against the
 * densest cell of the study area (event counts per cell are heavily skewed: a linear ramp
 * would paint everything but the market squares in the lowest colour). 0 for an empty cell.
 */
export function heatLevel(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0
  return Math.max(1, Math.min(LEVELS, Math.ceil((LEVELS * Math.log1p(count)) / Math.log1p(max))))
}

/** The indices of the cells whose boxes meet [minLon, minLat, maxLon, maxLat]. */
export function cellsIn(set: CellSet, box: [number, number, number, number]): number[] {
  return set.index ? set.index.search(box[0], box[1], box[2], box[3]).sort((a, b) => a - b) : []
}

function indexed(resolution: number, cells: string[], count: Float64Array, gi?: CellSet['gi']): CellSet {
  let total = 0, max = 0
  for (const n of count) { total += n; if (n > max) max = n }
  const set: CellSet = { resolution, cells, count, total, max, gi }
  if (cells.length) {
    const index = new Flatbush(cells.length)
    for (const c of cells) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity
      for (const [lon, lat] of cellToBoundary(c, true)) {
        x0 = Math.min(x0, lon!); x1 = Math.max(x1, lon!); y0 = Math.min(y0, lat!); y1 = Math.max(y1, lat!)
      }
      index.add(x0, y0, x1, y1)
    }
    index.finish()
    set.index = index
  }
  return set
}

async function computeHeatmap(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): Promise<CellSet> {
  const counts = await cellCounts(knex, scope, f, resolution)
  const cells = [...counts.keys()].sort()
  return indexed(resolution, cells, Float64Array.from(cells, (c) => counts.get(c)!))
}

/** Too many cells at the zoom's resolution (a big city at z15+): the next coarser resolution instead. */
async function unitsAtMost(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): Promise<{ cells: string[]; x: number[]; resolution: number }> {
  try {
    return { ...await hotspotUnits(knex, scope, f, resolution), resolution }
  } catch (err) {
    const field = err instanceof AppError ? (err.extra.errors as { field: string }[] | undefined)?.[0]?.field : undefined
    if (field !== 'resolution' || resolution <= MIN_RESOLUTION) throw err
    return unitsAtMost(knex, scope, f, resolution - 1)
  }
}

async function computeHotspots(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, wanted: number): Promise<CellSet> {
  const { cells, x, resolution } = await unitsAtMost(knex, scope, f, wanted)
  const g = giStar(x, h3DiskNeighbours(cells, 1), { permutations: 0, seed: 1 })
  return indexed(resolution, cells, Float64Array.from(x), { z: g.z, p: g.p, pFdr: g.pFdr, bin: g.bin })
}

interface Entry { at: number; cells: number; value: Promise<CellSet> }

/** A small LRU of promises (concurrent tiles share one computation) whose entries expire. */
export class ExpiringLru {
  private readonly entries = new Map<string, Entry>()
  constructor(readonly ttlMs = TTL_MS, readonly maxEntries = MAX_ENTRIES, readonly maxCells = MAX_CACHED_CELLS) {}

  get size(): number {
    return this.entries.size
  }

  async get(key: string, compute: () => Promise<CellSet>, now = Date.now()): Promise<CellSet> {
    const hit = this.entries.get(key)
    if (hit && now - hit.at < this.ttlMs) {
      this.entries.delete(key)
      this.entries.set(key, hit) // most recently used last
      return hit.value
    }
    const entry: Entry = { at: now, cells: 0, value: compute() }
    this.entries.set(key, entry)
    try {
      const set = await entry.value
      entry.cells = set.cells.length
      this.trim(now)
      return set
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      throw err
    }
  }

  private trim(now: number): void {
    for (const [k, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(k)
    let cells = 0
    for (const e of this.entries.values()) cells += e.cells
    // oldest use first; the entry just computed is the newest and stays even when over the bound
    for (const [k, e] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= this.maxEntries && cells <= this.maxCells)) break
      this.entries.delete(k)
      cells -= e.cells
    }
  }

  clear(): void {
    this.entries.clear()
  }
}

export type AnalysisLayerId = 'heatmap' | 'hotspots'

/** Cache key: everything that determines the cells. */
export function cellSetKey(layer: AnalysisLayerId, scope: Jurisdiction, f: AnalyticsFilter, resolution: number): string {
  return JSON.stringify([layer, scope.prefixes, resolution, f.from.toISOString(), f.to.toISOString(), f.classCode ?? null,
    f.channels ?? null, f.demandTypes ?? null, f.statuses ?? null, f.area ?? null])
}

const shared = new ExpiringLru()

/** The cells of a layer at a resolution for a caller and filter, from the cache or computed. */
export function cellSet(knex: Knex, layer: AnalysisLayerId, scope: Jurisdiction, f: AnalyticsFilter, resolution: number,
  cache: ExpiringLru = shared): Promise<CellSet> {
  const compute = layer === 'heatmap' ? computeHeatmap : computeHotspots
  return cache.get(cellSetKey(layer, scope, f, resolution), () => compute(knex, scope, f, resolution))
}

/** Empties the process's cache (tests that change events inside a window they already drew). */
export function clearCellSets(): void {
  shared.clear()
}
