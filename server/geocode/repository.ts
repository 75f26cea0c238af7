// Point → grid lookups in the database, all set-based: a batch of points is one statement
// (sql/queries/geocode/locate.sql), one more for the points outside every grid (nearest.sql,
// only when there are any) and one for the details of the distinct grids found (details.sql),
// whatever the number of points.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

export interface CodeName { code: string; name: string }

export interface IndustryGridRef { type: string; typeName: string; code: string; name: string; version: number }

/** Where one point fell: inside a base grid, or outside every grid with the nearest one. */
export type Location =
  | {
    inside: true
    baseGrid: { code: string; name: string; version: number; communityCode: string; sharedWith: string[] }
    industryGrids: IndustryGridRef[]
  }
  | { inside: false; nearest: { code: string; metres: number } | null }

export interface Inspector { id: number; name: string; phone: string | null; duty: string }
export interface DepartmentRef { id: number; code: string; name: string; kind: string; adminCode: string }

export interface GridDetails {
  district: CodeName | null
  street: CodeName | null
  community: CodeName
  inspectors: Inspector[]
  departments: DepartmentRef[]
}

/**
 * Batches above this size run with JIT compilation off. A batch's estimated cost grows with its
 * size and crosses jit_above_cost at a few hundred points; PostgreSQL then spends seconds
 * compiling expressions for a query that executes in a fraction of that (measured: 3.5 s of JIT
 * for a 5,000-point batch that runs in 1 s). Small lookups stay below the threshold and skip
 * the transaction that SET LOCAL needs.
 */
const NO_JIT_ABOVE = 16

/** Runs `fn` on a connection with JIT off for large batches, directly otherwise. */
export async function forBatch<T>(knex: Knex, size: number, fn: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T> {
  if (size <= NO_JIT_ABOVE) return fn(knex)
  return knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL jit = off')
    return fn(trx)
  })
}

interface LocateRow {
  ord: number
  kind: 'base' | 'industry'
  industry_type: string | null
  type_name: string | null
  code: string
  name: string
  version: number
  /** 1 = chosen by the smallest-code rule within (point, kind, industry type). */
  rank: number
}

type Point = { lon: number; lat: number }

/**
 * Locates storage-CRS (EPSG:4490) points; the answer has one entry per point, in input order.
 * One statement for the batch, plus one for the points that fell outside every base grid.
 */
export async function locatePoints(knex: Knex | Knex.Transaction, points: readonly Point[]): Promise<Location[]> {
  if (points.length === 0) return []
  const { rows } = await knex.raw(sqlFile('geocode/locate'), [points.map((p) => p.lon), points.map((p) => p.lat)]) as { rows: LocateRow[] }
  const byPoint = new Map<number, LocateRow[]>()
  for (const r of rows) {
    const list = byPoint.get(r.ord)
    if (list) list.push(r)
    else byPoint.set(r.ord, [r])
  }
  const out: Location[] = points.map((_, i) => toLocation(byPoint.get(i + 1) ?? []))
  const missed = out.flatMap((l, i) => (l.inside ? [] : [i]))
  if (missed.length > 0) {
    const nearest = await nearestGrids(knex, missed.map((i) => points[i]!))
    missed.forEach((i, k) => { out[i] = { inside: false, nearest: nearest[k] ?? null } })
  }
  return out
}

/** Folds the rows of one point (ordered by kind, type, rank) into its location. */
function toLocation(rows: LocateRow[]): Location {
  const base = rows.filter((r) => r.kind === 'base')
  const chosen = base.find((r) => r.rank === 1)
  if (!chosen) return { inside: false, nearest: null }
  return {
    inside: true,
    baseGrid: {
      code: chosen.code, name: chosen.name, version: chosen.version, communityCode: chosen.code.slice(0, 12),
      sharedWith: base.filter((r) => r !== chosen).map((r) => r.code),
    },
    industryGrids: rows.filter((r) => r.kind === 'industry' && r.rank === 1).map((r) => ({
      type: r.industry_type!, typeName: r.type_name ?? r.industry_type!, code: r.code, name: r.name, version: r.version,
    })),
  }
}

/** The nearest current base grid of each point and the geodesic distance to it (null: no grids). */
export async function nearestGrids(knex: Knex | Knex.Transaction, points: readonly Point[]): Promise<({ code: string; metres: number } | null)[]> {
  const { rows } = await knex.raw(sqlFile('geocode/nearest'), [points.map((p) => p.lon), points.map((p) => p.lat)]) as
    { rows: { ord: number; code: string; metres: number }[] }
  const out = new Array<{ code: string; metres: number } | null>(points.length).fill(null)
  for (const r of rows) out[r.ord - 1] = { code: r.code, metres: Number(r.metres) }
  return out
}

interface DetailsRow {
  grid_code: string
  community_code: string; community_name: string
  street_code: string | null; street_name: string | null
  district_code: string | null; district_name: string | null
  inspectors: Inspector[]
  departments: DepartmentRef[]
}

/** Admin chain, primary inspectors and covering departments of each (current) base grid code. */
export async function gridDetails(knex: Knex | Knex.Transaction, gridCodes: readonly string[]): Promise<Map<string, GridDetails>> {
  const map = new Map<string, GridDetails>()
  const codes = [...new Set(gridCodes)]
  if (codes.length === 0) return map
  const { rows } = await knex.raw(sqlFile('geocode/details'), [codes]) as { rows: DetailsRow[] }
  for (const r of rows) {
    map.set(r.grid_code, {
      district: r.district_code ? { code: r.district_code, name: r.district_name! } : null,
      street: r.street_code ? { code: r.street_code, name: r.street_name! } : null,
      community: { code: r.community_code, name: r.community_name },
      // Rebuilt field by field: jsonb reorders keys, answers should read naturally.
      inspectors: r.inspectors.map((i) => ({ id: Number(i.id), name: i.name, duty: i.duty, phone: i.phone })),
      departments: r.departments.map((d) => ({ id: Number(d.id), code: d.code, name: d.name, kind: d.kind, adminCode: d.adminCode })),
    })
  }
  return map
}
