// Emerging hot spots, after ArcGIS Pro's Emerging Hot Spot Analysis: a space-time cube of event
// counts (study cells × time steps), Getis-Ord Gi* per bin with a space-time neighbourhood, the
// Mann-Kendall trend of each location's Gi* z-scores, and ArcGIS's 17 pattern categories.
//
// The cube. Steps (week = 7 days, month = a calendar month in Asia/Shanghai) are aligned to `to`,
// ArcGIS's default END_TIME alignment: the final step ends at `to`, steps go back from there, and a
// leading remainder shorter than one step is left out (the answer says where the cube starts).
//
// Gi*. One statistic over all bins of the cube, as ArcGIS computes it (each bin compared with the
// whole cube): n = cells × steps, the mean and S over every bin, binary weights, the bin's
// neighbours being the H3 disk of radius k (itself included) in its own step and in the previous
// `timeWindow` steps (ArcGIS's Neighborhood Time Step; fewer at the start of the cube). A bin is a
// significant hot (cold) spot when its FDR-corrected Gi_Bin is positive (negative), i.e. at 90 %
// confidence or more, Benjamini-Hochberg over all bins (ArcGIS applies the FDR correction).
//
// Trend. Mann-Kendall over each location's z-scores in step order; significant when p ≤ 0.05
// (TREND_ALPHA) — ArcGIS does not publish the level it uses: it is a named constant here.
//
// Categories (ArcGIS's definitions; h = significant hot steps, T = steps, "≥ 90 %" is 10h ≥ 9T;
// cold ones are the mirror image with hot and cold and the trend's sign exchanged):
//   intensifying  h ≥ 90 %, the final step hot, a significant increasing trend
//   diminishing   h ≥ 90 %, the final step hot, a significant decreasing trend
//   persistent    h ≥ 90 %, the final step hot, no significant trend
//   historical    h ≥ 90 %, the final step not significant
//   (below, the final step is hot and h < 90 %)
//   oscillating   some earlier step was a significant cold spot
//   new           no earlier step was hot (h = 1)
//   consecutive   one uninterrupted run of ≥ 2 hot steps at the end, nothing hot before it
//   sporadic      anything else: hot on and off, never cold
//   no pattern    none of the above (the final step not significant and neither side ≥ 90 %)
// Where ArcGIS's wording overlaps, the choices made: a significant final step decides the side
// (≥ 90 % cold ending in a hot step is an oscillating hot spot, not a historical cold one);
// "historical" takes every ≥ 90 % location whose final step is not significant (persistent needs
// the final step, like intensifying and diminishing); a previous cold spot makes a final hot step
// "oscillating" even when it is the first hot one (rather than "new").
import type { Knex } from 'knex'
import { z } from 'zod'
import { cellToBoundary } from 'h3-js'
import { sqlFile } from '../db/sql.ts'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { analyticsQuery, badParam, areaPattern, type AnalyticsFilter } from './filters.ts'
import { studyCells } from './counts.ts'
import { giStar, type NeighbourList } from './gistar.ts'
import { MAX_K, MIN_K, h3DiskNeighbours } from './neighbours.ts'
import { MAX_CELLS, type Geometry } from './hotspots.ts'
import { mannKendall, type MannKendall } from './mannKendall.ts'

export const STEPS = ['week', 'month'] as const
export type Step = (typeof STEPS)[number]
export const MIN_STEPS = 3
export const MAX_STEPS = 100
export const TREND_ALPHA = 0.05
export const DEFAULT_STEPS = 12
export const MAX_TIME_WINDOW = 10
/**
 * Size limits of the space-time cube, checked before any counting (checkCube). Measured on this
 * project's shared 2-core machine (emergingCollection over random counts, see the report of
 * issue 11): 490,000 bins with k = 1 and timeWindow = 1 take 1-2 s and answer 15 MB of JSON;
 * memory follows the space-time neighbour list (4 bytes an entry): 47 M entries (k = 5) took
 * 2.2 s and 345 MB, 470 M entries (k = 5, timeWindow = 10, 490,000 bins) 5.6 s and 1.9 GB, and the
 * same at a million bins would not fit at all.
 * - MAX_BINS, cells × steps: one GeoJSON feature value per bin, about 30 bytes; 500,000 bins is
 *   ~15 MB and ~1 s, more than a map can show anyway.
 * - MAX_NEIGHBOURS, entries of the space-time weights: cells × (3k(k+1)+1) × Σ_t (min(t, timeWindow)+1)
 *   (an upper bound: cells on the edge have fewer neighbours); 25 M entries is ~100 MB and ~1 s.
 */
export const MAX_BINS = 500_000
export const MAX_NEIGHBOURS = 25_000_000
const SHANGHAI_MS = 8 * 3_600_000

export type Category = 'none'
  | 'new_hot' | 'consecutive_hot' | 'intensifying_hot' | 'persistent_hot' | 'diminishing_hot' | 'sporadic_hot' | 'oscillating_hot' | 'historical_hot'
  | 'new_cold' | 'consecutive_cold' | 'intensifying_cold' | 'persistent_cold' | 'diminishing_cold' | 'sporadic_cold' | 'oscillating_cold' | 'historical_cold'

const KINDS = ['new', 'consecutive', 'intensifying', 'persistent', 'diminishing', 'sporadic', 'oscillating', 'historical'] as const
type Kind = (typeof KINDS)[number]
const KIND_ZH: Record<Kind, string> = {
  new: '新增', consecutive: '连续', intensifying: '加剧', persistent: '持续',
  diminishing: '减弱', sporadic: '零星', oscillating: '振荡', historical: '历史',
}

/** ArcGIS's CATEGORY code: 1 new … 8 historical, negative for cold spots, 0 no pattern. */
export function categoryCode(c: Category): number {
  if (c === 'none') return 0
  const [kind, side] = c.split('_') as [Kind, 'hot' | 'cold']
  return (KINDS.indexOf(kind) + 1) * (side === 'hot' ? 1 : -1)
}

/** The Chinese label shown on the map, e.g. 新增热点. */
export function categoryLabel(c: Category): string {
  if (c === 'none') return '无显著模式'
  const [kind, side] = c.split('_') as [Kind, 'hot' | 'cold']
  return `${KIND_ZH[kind]}${side === 'hot' ? '热点' : '冷点'}`
}

/**
 * The category of one location from its Gi_Bin per step (sign: hot > 0, cold < 0, 0 not
 * significant) and the Mann-Kendall test of its z-scores.
 */
export function classify(bins: ArrayLike<number>, trend: Pick<MannKendall, 'z' | 'p'>, alpha = TREND_ALPHA): Category {
  const T = bins.length
  const final = T > 0 ? Math.sign(bins[T - 1]!) : 0
  if (final === 1 || final === -1) return finalSide(bins, trend, alpha, final)
  // the final step is not significant: only a historical spot remains
  if (T > 0 && 10 * countSide(bins, 1) >= 9 * T) return 'historical_hot'
  if (T > 0 && 10 * countSide(bins, -1) >= 9 * T) return 'historical_cold'
  return 'none'
}

function countSide(bins: ArrayLike<number>, sign: 1 | -1): number {
  let h = 0
  for (let t = 0; t < bins.length; t++) if (Math.sign(bins[t]!) === sign) h++
  return h
}

/** The category of a location whose final step is a significant spot of side `sign`. */
function finalSide(bins: ArrayLike<number>, trend: Pick<MannKendall, 'z' | 'p'>, alpha: number, sign: 1 | -1): Category {
  const T = bins.length
  const side = sign > 0 ? 'hot' : 'cold'
  const h = countSide(bins, sign)
  if (10 * h >= 9 * T) {
    const significant = trend.p <= alpha && trend.z !== 0
    if (significant && Math.sign(trend.z) === sign) return `intensifying_${side}`
    if (significant) return `diminishing_${side}`
    return `persistent_${side}`
  }
  if (countSide(bins, -sign as 1 | -1) > 0) return `oscillating_${side}`
  if (h === 1) return `new_${side}`
  let run = 0
  while (run < T && Math.sign(bins[T - 1 - run]!) === sign) run++
  if (h === run) return `consecutive_${side}`
  return `sporadic_${side}`
}

/** Step boundaries (steps + 1 instants, ascending) ending at `to`; at most MAX_STEPS + 1 steps are counted. */
export function stepBounds(from: Date, to: Date, step: Step): Date[] {
  const bounds = [to]
  for (let i = 1; i <= MAX_STEPS + 1; i++) {
    const b = step === 'week' ? new Date(to.getTime() - i * 7 * 86_400_000) : monthsBefore(to, i)
    if (b < from) break
    bounds.push(b)
  }
  return bounds.reverse()
}

/** `to` moved back by m calendar months in Shanghai time (day clamped to the month's end). */
function monthsBefore(to: Date, m: number): Date {
  const local = new Date(to.getTime() + SHANGHAI_MS)
  const y = local.getUTCFullYear(), mo = local.getUTCMonth() - m
  const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate()
  const day = Math.min(local.getUTCDate(), lastDay)
  return new Date(Date.UTC(y, mo, day, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds()) - SHANGHAI_MS)
}

/**
 * Space-time binary weights over a cube of `steps` × n cells, bin b = t·n + i: the spatial
 * neighbours of i (`nb`, itself included) in steps t − timeWindow … t. Rows ascending.
 */
export function spaceTimeNeighbours(nb: NeighbourList, steps: number, timeWindow: number): NeighbourList {
  const n = nb.offsets.length - 1
  const offsets = new Int32Array(n * steps + 1)
  let size = 0
  for (let t = 0; t < steps; t++) size += (Math.min(t, timeWindow) + 1) * nb.indices.length
  const indices = new Int32Array(size)
  let used = 0
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) {
      for (let s = Math.max(0, t - timeWindow); s <= t; s++) {
        for (let j = nb.offsets[i]!; j < nb.offsets[i + 1]!; j++) indices[used++] = s * n + nb.indices[j]!
      }
      offsets[t * n + i + 1] = used
    }
  }
  return { offsets, indices }
}

export interface LocationResult {
  category: Category
  trend: MannKendall
  /** per step: Gi* z, FDR-corrected Gi_Bin (−3..3) */
  z: number[]
  bin: number[]
}

export interface CubeResult {
  locations: LocationResult[]
  mean: number
  s: number
  constant: boolean
}

/** Gi* over the cube `x[t][i]` (steps × cells), the trend and category of each cell. */
export function emergingCube(x: ArrayLike<number>[], nb: NeighbourList, timeWindow: number, alpha = TREND_ALPHA): CubeResult {
  const steps = x.length
  const n = nb.offsets.length - 1
  const flat = new Float64Array(steps * n)
  x.forEach((row, t) => flat.set(row, t * n))
  const g = giStar(flat, spaceTimeNeighbours(nb, steps, timeWindow))
  const locations = Array.from({ length: n }, (_, i): LocationResult => {
    const z = Array.from({ length: steps }, (_, t) => g.z[t * n + i]!)
    const bin = Array.from({ length: steps }, (_, t) => g.bin[t * n + i]!)
    const trend = mannKendall(z)
    return { category: classify(bin, trend, alpha), trend, z, bin }
  })
  return { locations, mean: g.mean, s: g.s, constant: g.constant }
}

export const emergingQuery = analyticsQuery.extend({
  k: z.string().regex(/^[0-9]{1,2}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(MIN_K, `must be ${MIN_K}-${MAX_K}`).max(MAX_K, `must be ${MIN_K}-${MAX_K}`)).default(MIN_K)
    .describe('H3 disk radius of the spatial neighbourhood (the cell itself included), 1-5'),
  step: z.enum(STEPS, { message: 'must be week or month' }).default('week')
    .describe('time step of the cube: week (7 days) or month (calendar month, Asia/Shanghai), aligned to end at `to`'),
  timeWindow: z.string().regex(/^[0-9]{1,2}$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(0, `must be 0-${MAX_TIME_WINDOW}`).max(MAX_TIME_WINDOW, `must be 0-${MAX_TIME_WINDOW}`)).default(1)
    .describe('previous steps in the space-time neighbourhood (ArcGIS Neighborhood Time Step), 0-10, default 1'),
}).strict()
export type EmergingQuery = z.output<typeof emergingQuery>

/** Without `from`: DEFAULT_STEPS steps before `to` (resolveFilter's 30 days would be one month). */
export function defaultFrom(q: EmergingQuery, now = new Date()): EmergingQuery {
  if (q.from) return q
  const to = q.to ?? now
  const from = q.step === 'week' ? new Date(to.getTime() - DEFAULT_STEPS * 7 * 86_400_000) : stepBounds(new Date(0), to, 'month').at(-DEFAULT_STEPS - 1)!
  return { ...q, from, to }
}

/** The cube's steps for a range, or a 400 naming from and to. */
export function checkedBounds(from: Date, to: Date, step: Step): Date[] {
  const bounds = stepBounds(from, to, step)
  const steps = bounds.length - 1
  const wrong = steps < MIN_STEPS ? `${from.toISOString()} – ${to.toISOString()} holds ${steps} whole ${step}s: at least ${MIN_STEPS} are needed`
    : steps > MAX_STEPS ? `the range holds more than ${MAX_STEPS} ${step}s: choose a shorter range or step=month` : null
  if (wrong) {
    throw new AppError(400, 'validation_failed', `invalid query: from, to: ${wrong}`,
      { errors: [{ field: 'from', message: wrong }, { field: 'to', message: wrong }] })
  }
  return bounds
}

export interface EmergingParams { resolution: number; k: number; step: Step; timeWindow: number }

/** Entries of the space-time neighbour list of a cube (an upper bound: every cell with a full disk). */
export function cubeNeighbours(cells: number, steps: number, k: number, timeWindow: number): number {
  let perCell = 0
  for (let t = 0; t < steps; t++) perCell += Math.min(t, timeWindow) + 1
  return cells * (3 * k * (k + 1) + 1) * perCell
}

/**
 * A 400 naming resolution and from when the cube of `cells` × `steps` is over MAX_CELLS, MAX_BINS
 * or MAX_NEIGHBOURS: a coarser resolution has about 7 times fewer cells, a later from fewer steps.
 */
export function checkCube(cells: number, steps: number, o: EmergingParams): void {
  const fits = (t: number) => cells * t <= MAX_BINS && cubeNeighbours(cells, t, o.k, o.timeWindow) <= MAX_NEIGHBOURS
  if (cells <= MAX_CELLS && fits(steps)) return
  let most = steps
  while (most > 0 && !fits(most)) most--
  const bins = cells * steps
  const size = cells > MAX_CELLS ? `${cells} cells (at most ${MAX_CELLS})`
    : bins > MAX_BINS ? `${cells} cells × ${steps} ${o.step}s = ${bins} bins (at most ${MAX_BINS})`
      : `${cubeNeighbours(cells, steps, o.k, o.timeWindow)} space-time neighbour entries with k=${o.k} and timeWindow=${o.timeWindow} (at most ${MAX_NEIGHBOURS})`
  const later = cells <= MAX_CELLS && most >= MIN_STEPS && most > o.timeWindow
    ? `a later from (at most ${most} ${o.step}s at this resolution)` : `a later from (no range of ${MIN_STEPS} or more ${o.step}s fits at this resolution)`
  const message = `the space-time cube at resolution ${o.resolution} is too large: ${size}; choose a coarser resolution, ${later}` +
    `${o.k > 1 || o.timeWindow > 1 ? ', a smaller k or timeWindow' : ''} or a smaller area`
  throw new AppError(400, 'validation_failed', `invalid query: resolution, from: ${message}`,
    { errors: [{ field: 'resolution', message }, { field: 'from', message }] })
}

/** Event counts per study cell and step, in one SQL grouping; Node gets one row per non-empty bin. */
export async function cellStepCounts(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, resolution: number, bounds: Date[]): Promise<{ cell: string; step: number; n: number }[]> {
  if (scope.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('analytics/cell_step_counts'), {
    res: resolution, from: bounds[0]!, to: bounds.at(-1)!, bounds: bounds.map((b) => b.toISOString()), patterns: scope.patterns,
    area: areaPattern(scope, f.area),
    klass: f.classCode === undefined ? null : `${f.classCode}%`,
    channels: f.channels ?? null, demandTypes: f.demandTypes ?? null, statuses: f.statuses ?? null,
  }) as { rows: { cell: string; step: number; n: number }[] }
  return rows.map((r) => ({ cell: r.cell, step: Number(r.step), n: Number(r.n) }))
}

/** The emerging hot-spot collection of the study area (the area, or the caller's jurisdiction). */
export async function emergingHotspots(knex: Knex, scope: Jurisdiction, f: AnalyticsFilter, o: EmergingParams) {
  const bounds = checkedBounds(f.from, f.to, o.step)
  const steps = bounds.length - 1
  if (o.timeWindow >= steps) throw badParam('timeWindow', `must be less than the ${steps} steps of the range`)
  const study = await studyCells(knex, scope, f.area, o.resolution)
  checkCube(study.length, steps, o)
  const rows = await cellStepCounts(knex, scope, f, o.resolution, bounds)
  // a cell on the area's edge whose centre lies outside still holds counted events: keep it
  const all = new Set(study)
  for (const r of rows) all.add(r.cell)
  checkCube(all.size, steps, o)
  const cells = [...all].sort()
  const index = new Map(cells.map((c, i) => [c, i]))
  const x = Array.from({ length: steps }, () => new Float64Array(cells.length))
  for (const r of rows) x[r.step]![index.get(r.cell)!] = r.n
  return emergingCollection(cells, x, bounds, o)
}

/** The statistic and its GeoJSON for given cells and a cube of counts (no database). */
export function emergingCollection(cells: string[], x: Float64Array[], bounds: Date[], o: EmergingParams) {
  const cube = emergingCube(x, h3DiskNeighbours(cells, o.k), o.timeWindow)
  const summary: Partial<Record<Category, number>> = {}
  let total = 0
  const features = cells.map((h3, i) => {
    const loc = cube.locations[i]!
    const counts = x.map((row) => row[i]!)
    for (const c of counts) total += c
    summary[loc.category] = (summary[loc.category] ?? 0) + 1
    const geometry: Geometry = { type: 'Polygon', coordinates: [cellToBoundary(h3, true)] }
    return {
      type: 'Feature' as const, id: h3, geometry,
      properties: {
        h3, category: loc.category, code: categoryCode(loc.category), label: categoryLabel(loc.category),
        trendZ: loc.trend.z, trendP: loc.trend.p, trendS: loc.trend.s, trendTau: loc.trend.tau,
        hotSteps: loc.bin.filter((b) => b > 0).length, coldSteps: loc.bin.filter((b) => b < 0).length,
        counts, z: loc.z, bin: loc.bin,
      },
    }
  })
  return {
    type: 'FeatureCollection' as const, resolution: o.resolution, k: o.k, step: o.step, timeWindow: o.timeWindow,
    from: bounds[0]!.toISOString(), to: bounds.at(-1)!.toISOString(),
    steps: bounds.slice(0, -1).map((b, t) => ({ from: b.toISOString(), to: bounds[t + 1]!.toISOString() })),
    cells: cells.length, total, mean: cube.mean, s: cube.s, constant: cube.constant, trendAlpha: TREND_ALPHA,
    summary, features,
  }
}
