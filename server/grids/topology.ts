// Topology rules for grid writes. Candidates are staged in a temporary table and every rule is
// one set-based query (sql/queries/grids/rule_*.sql) run inside the write transaction, after an
// advisory lock on every community and industry type the write touches: two concurrent writes
// whose grids would overlap are serialised, so they cannot both pass.
// Every violation of every rule is reported (not only the first), each with its location.
import type { Knex } from 'knex'
import type { Geometry } from 'geojson'
import { sqlFile } from '../db/sql.ts'
import { AppError } from '../http/errors.ts'
import type { StoredPolygon } from './geometryInput.ts'

/** Areas below this (m², on the ellipsoid) are rounding slivers, not overlaps or gaps. */
export const AREA_TOLERANCE_M2 = 1

export type GridKind = 'base' | 'industry'

/** A grid as a write proposes it, geometry already in EPSG:4490. */
export interface Candidate {
  code: string
  kind: GridKind
  industryType: string | null
  name: string
  communityCode: string
  households: number | null
  population: number | null
  geometry: StoredPolygon
}

export interface Violation {
  /** Index of the candidate in the write (the feature number of an import). */
  feature: number
  code: string
  rule: string
  message: string
  /** Where: the offending area (overlap, part outside) or point (invalidity, code errors). */
  location: Geometry | null
  otherCode?: string
  areaM2?: number
}

/** Rule queries, in report order. Geometry validity first: later rules skip invalid candidates. */
const RULES = ['rule_invalid_geometry', 'rule_community', 'rule_code_format', 'rule_code_unique',
  'rule_outside_community', 'rule_industry_community', 'rule_overlap'] as const

/** Every rule this module can report, for documentation and tests. */
export const RULE_NAMES = ['invalid_geometry', 'unknown_community', 'code_format', 'unknown_industry_type',
  'code_taken', 'outside_community', 'industry_community', 'base_overlap', 'industry_overlap'] as const

interface RuleRow {
  idx: number; code: string; rule: string; message: string; location: string | null
  other_code: string | null; area_m2: number | null
}

/** The advisory-lock keys of a write: its communities and, for industry grids, their types. */
export function lockKeys(candidates: Candidate[], extraCommunities: string[] = []): string[] {
  const keys = new Set<string>()
  for (const c of candidates) {
    keys.add(`grid:community:${c.communityCode}`)
    if (c.kind === 'industry') keys.add(`grid:industry:${c.industryType ?? ''}`)
  }
  for (const code of extraCommunities) keys.add(`grid:community:${code}`)
  return [...keys].sort()
}

export async function lockScopes(trx: Knex.Transaction, keys: string[]): Promise<void> {
  if (keys.length) await trx.raw(sqlFile('grids/lock_scope'), [keys])
}

/** Stages candidates and returns every violation. Call inside the write transaction, after lockScopes. */
export async function checkCandidates(trx: Knex.Transaction, candidates: Candidate[], ownCodes: string[] = []): Promise<Violation[]> {
  // The staged rows have no statistics, so the planner guesses costs high enough to switch JIT on,
  // which costs ~2 s of compilation for a query that runs in milliseconds.
  await trx.raw('SET LOCAL jit = off')
  await trx.raw(sqlFile('grids/candidate_table'))
  const rows = candidates.map((c, idx) => ({ ...c, idx, geometry: JSON.stringify(c.geometry) }))
  // Chunks keep each JSON parameter well below protocol and memory limits on big imports.
  for (let i = 0; i < rows.length; i += 500) {
    await trx.raw(sqlFile('grids/candidate_insert'), [JSON.stringify(rows.slice(i, i + 500))])
  }
  if (candidates.length > 50) await trx.raw(sqlFile('grids/candidate_index'))
  await trx.raw('ANALYZE grid_candidate')
  const violations: Violation[] = []
  for (const rule of RULES) {
    const result = await trx.raw(sqlFile(`grids/${rule}`), { tolerance: AREA_TOLERANCE_M2, ownCodes })
    for (const r of result.rows as RuleRow[]) violations.push(toViolation(r))
  }
  return violations.sort((a, b) => a.feature - b.feature)
}

function toViolation(r: RuleRow): Violation {
  const v: Violation = {
    feature: r.idx, code: r.code, rule: r.rule, message: r.message,
    location: r.location ? JSON.parse(r.location) as Geometry : null,
  }
  if (r.other_code) v.otherCode = r.other_code
  if (r.area_m2 !== null) v.areaM2 = Math.round(r.area_m2 * 10) / 10
  return v
}

/** The 422 answer: every violation, with its location. */
export function topologyError(violations: Violation[]): AppError {
  const rules = [...new Set(violations.map((v) => v.rule))].join(', ')
  return new AppError(422, 'topology_violation', `${violations.length} topology violation(s): ${rules}`, { violations })
}

/** Who writes a version: recorded on its row (user name and display name). */
export interface Author { username: string; displayName: string }

/** Copies staged candidates into the grid table as version `version` (one statement). */
export async function insertCandidates(trx: Knex.Transaction, versions: Map<string, number>, author?: Author): Promise<void> {
  await trx.raw(sqlFile('grids/insert_from_candidates'),
    [JSON.stringify(Object.fromEntries(versions)), author?.username ?? null, author?.displayName ?? null])
}
