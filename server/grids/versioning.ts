// Grid writes. Every write runs in one transaction: lock the communities (and industry types)
// it touches, close the rows it replaces, stage the proposed grids, judge them with every
// topology rule, and only then insert. A boundary change never edits a row: it closes the
// current version (valid_to = now()) and opens version + 1, so events keep the version they
// were geocoded against. Attribute-only changes (name, households, population) are made in
// place: no event is geocoded against a name.
import type { Knex } from 'knex'
import type { Geometry } from 'geojson'
import type { Principal } from '../auth/users.ts'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { checkCandidates, insertCandidates, lockKeys, lockScopes, topologyError, type Candidate, type Violation } from './topology.ts'
import { getGrid, nextCodes, toFeature, type GridFeature, type GridRow } from './repository.ts'
import type { StoredPolygon } from './geometryInput.ts'
import { validateUserFields, type Extra } from '../fields/validate.ts'
import { writeGridExtra } from '../fields/store.ts'

export interface GridAttributes {
  name?: string | undefined
  households?: number | null | undefined
  population?: number | null | undefined
  /** The feature's properties, read for user-defined field values (server/fields). */
  userValues?: Record<string, unknown> | undefined
}

export interface WriteResult {
  grids: GridFeature[]
  retired: string[]
  closedAssignments: number
}

/** The built-in properties a change may name besides user-defined fields. */
const ATTRIBUTE_NAMES = ['name', 'households', 'population']

/** A write outside the caller's jurisdiction is refused with 403 (the caller named the place). */
export function assertWritable(principal: Principal, communityCode: string): void {
  if (!principal.jurisdiction.covers(communityCode)) {
    throw forbidden(`community ${communityCode} is outside your jurisdiction`)
  }
}

/** Judges and writes candidates after `prepare` (which closes the rows being replaced). */
async function commitCandidates(trx: Knex.Transaction, principal: Principal, candidates: Candidate[],
  opts: { ownCodes?: string[]; versions?: Map<string, number>; extras?: Map<string, Extra> } = {}): Promise<GridFeature[]> {
  const violations: Violation[] = await checkCandidates(trx, candidates, opts.ownCodes ?? [])
  if (violations.length) throw topologyError(violations)
  await insertCandidates(trx, opts.versions ?? new Map(), principal)
  await writeGridExtra(trx, [...opts.extras ?? []].map(([code, extra]) => ({ code, extra })))
  const rows = await Promise.all(candidates.map((c) => getGrid(trx, principal.jurisdiction, c.code)))
  return rows.filter((r): r is GridRow => r !== undefined).map(toFeature)
}

/** Closes current rows and their open member assignments; returns the number of closed assignments. */
async function closeGrids(trx: Knex.Transaction, codes: string[]): Promise<number> {
  await trx('grid').whereIn('code', codes).whereNull('valid_to').update({ valid_to: trx.fn.now(), updated_at: trx.fn.now() })
  return trx('grid_assignment').whereIn('grid_code', codes).whereNull('valid_to').update({ valid_to: trx.fn.now() })
}

/** Locks the scope of an existing grid and re-reads it under the lock (404 when gone or invisible). */
async function lockedGrid(trx: Knex.Transaction, principal: Principal, code: string): Promise<GridRow> {
  const seen = await getGrid(trx, principal.jurisdiction, code)
  if (!seen) throw notFound(`no current grid ${code} in your jurisdiction`)
  assertWritable(principal, seen.community_code)
  const keys = [`grid:community:${seen.community_code}`]
  if (seen.kind === 'industry') keys.push(`grid:industry:${seen.industry_type ?? ''}`)
  await lockScopes(trx, keys.sort())
  const row = await getGrid(trx, principal.jurisdiction, code)
  if (!row || row.version !== seen.version) throw new AppError(409, 'conflict', `grid ${code} was changed by another write; retry`)
  return row
}

function candidateFrom(row: GridRow, geometry: StoredPolygon, attrs: GridAttributes = {}, code = row.code): Candidate {
  return {
    code, kind: row.kind, industryType: row.industry_type, communityCode: row.community_code,
    name: attrs.name ?? row.name,
    households: attrs.households === undefined ? row.households : attrs.households,
    population: attrs.population === undefined ? row.population : attrs.population,
    geometry,
  }
}

/** Creates a grid; without a code the next free sequence of the community (and type) is used. */
export async function createGrid(knex: Knex, principal: Principal, input: Omit<Candidate, 'code'> & { code?: string | undefined },
  userValues?: Record<string, unknown> | null): Promise<GridFeature> {
  assertWritable(principal, input.communityCode)
  return knex.transaction(async (trx) => {
    const probe = { ...input, code: input.code ?? '' }
    await lockScopes(trx, lockKeys([probe]))
    const code: string = input.code ?? (await allocate(trx, input.kind, input.communityCode, input.industryType, 1))[0]!
    const extra = await validateUserFields(trx, 'grids', userValues)
    const [feature] = await commitCandidates(trx, principal, [{ ...input, code }], { extras: new Map([[code, extra]]) })
    return feature!
  })
}

async function allocate(trx: Knex.Transaction, kind: Candidate['kind'], community: string, industryType: string | null, n: number): Promise<string[]> {
  let objectClass: string | null = null
  if (kind === 'industry') {
    const t = await trx('industry_type').where({ code: industryType ?? '' }).first('object_class')
    if (!t) throw new AppError(422, 'topology_violation', `industry type ${industryType} does not exist`)
    objectClass = t.object_class as string
  }
  const codes = await nextCodes(trx, kind, community, objectClass, n)
  if (codes.length < n) throw new AppError(422, 'topology_violation', `no free grid code left in community ${community}`)
  return codes
}

/** A boundary change: closes version n, opens version n + 1 (attributes may change with it). */
export async function updateGeometry(knex: Knex, principal: Principal, code: string, geometry: StoredPolygon, attrs: GridAttributes): Promise<GridFeature> {
  return knex.transaction(async (trx) => {
    const row = await lockedGrid(trx, principal, code)
    await trx('grid').where({ id: row.id }).update({ valid_to: trx.fn.now(), updated_at: trx.fn.now() })
    const extra = await validateUserFields(trx, 'grids', attrs.userValues, { existing: row.extra, known: ATTRIBUTE_NAMES })
    const [feature] = await commitCandidates(trx, principal, [candidateFrom(row, geometry, attrs)],
      { ownCodes: [code], versions: new Map([[code, row.version + 1]]), extras: new Map([[code, extra]]) })
    return feature!
  })
}

/** Attribute-only change, in place on the current version. */
export async function updateAttributes(knex: Knex, principal: Principal, code: string, attrs: GridAttributes): Promise<GridFeature> {
  return knex.transaction(async (trx) => {
    const row = await lockedGrid(trx, principal, code)
    const patch: Record<string, unknown> = { updated_at: trx.fn.now() }
    if (attrs.name !== undefined) patch.name = attrs.name
    if (attrs.households !== undefined) patch.households = attrs.households
    if (attrs.population !== undefined) patch.population = attrs.population
    if (attrs.userValues) patch.extra = JSON.stringify(await validateUserFields(trx, 'grids', attrs.userValues, { existing: row.extra, known: ATTRIBUTE_NAMES }))
    await trx('grid').where({ id: row.id }).update(patch)
    return toFeature((await getGrid(trx, principal.jurisdiction, code))!)
  })
}

/** Retires a grid: its current version is closed and its member assignments end. */
export async function retireGrid(knex: Knex, principal: Principal, code: string): Promise<WriteResult> {
  return knex.transaction(async (trx) => {
    const row = await lockedGrid(trx, principal, code)
    const closedAssignments = await closeGrids(trx, [code])
    return { grids: [toFeature(row)], retired: [code], closedAssignments }
  })
}

/** The two parts of a split: from a cutting line (ST_Split), or given as two polygons. */
export type SplitBy = { line: Geometry } | { parts: [StoredPolygon, StoredPolygon] }

/**
 * Splits a grid into two new grids with the next free codes of its community; the old code is
 * retired (codes name areas: neither part is the old area, so neither keeps its code).
 */
export async function splitGrid(knex: Knex, principal: Principal, code: string, by: SplitBy, names: [string?, string?]): Promise<WriteResult> {
  return knex.transaction(async (trx) => {
    const row = await lockedGrid(trx, principal, code)
    const parts = 'line' in by ? await cutByLine(trx, row, by.line) : await checkParts(trx, row, by.parts)
    const closedAssignments = await closeGrids(trx, [code])
    const codes = await allocate(trx, row.kind, row.community_code, row.industry_type, 2)
    const candidates = parts.map((geometry, i) => candidateFrom(row, geometry, {
      name: names[i] ?? `${row.name}-${i + 1}`, households: null, population: null,
    }, codes[i]!))
    // both parts keep the user field values of the grid they were cut from
    const grids = await commitCandidates(trx, principal, candidates, { extras: new Map(codes.map((c) => [c, row.extra])) })
    return { grids, retired: [code], closedAssignments }
  })
}

async function cutByLine(trx: Knex.Transaction, row: GridRow, line: Geometry): Promise<StoredPolygon[]> {
  const result = await trx.raw(sqlFile('grids/split_by_line'), { id: row.id, line: JSON.stringify(line) })
  const parts = (result.rows as { part: string }[]).map((r) => JSON.parse(r.part) as StoredPolygon)
  if (parts.length !== 2) {
    throw topologyError([{
      feature: 0, code: row.code, rule: 'split_line', location: line,
      message: `the cutting line divides grid ${row.code} into ${parts.length} part(s); it must cross the grid once, into exactly 2`,
    }])
  }
  return parts
}

async function checkParts(trx: Knex.Transaction, row: GridRow, parts: StoredPolygon[]): Promise<StoredPolygon[]> {
  const result = await trx.raw(sqlFile('grids/split_parts_mismatch'), {
    id: row.id, a: JSON.stringify(parts[0]), b: JSON.stringify(parts[1]),
  })
  const r = result.rows[0] as { area_m2: number; location: string | null }
  if (Number(r.area_m2) > 1) {
    throw topologyError([{
      feature: 0, code: row.code, rule: 'split_parts', areaM2: Math.round(Number(r.area_m2) * 10) / 10,
      location: r.location ? JSON.parse(r.location) as Geometry : null,
      message: `the two parts do not make up grid ${row.code}: they differ from it by ${Math.round(Number(r.area_m2))} m²`,
    }])
  }
  return parts
}

/**
 * Merges neighbouring current base grids of one community (each sharing an edge with another)
 * into one new grid with the next free code; the inputs are retired.
 */
export async function mergeGrids(knex: Knex, principal: Principal, codes: string[], attrs: GridAttributes): Promise<WriteResult> {
  return knex.transaction(async (trx) => {
    const rows: GridRow[] = []
    for (const code of [...codes].sort()) rows.push(await lockedGrid(trx, principal, code))
    const first = rows[0]!
    const odd = rows.find((r) => r.kind !== 'base' || r.community_code !== first.community_code)
    if (odd) throw new AppError(422, 'topology_violation', `only base grids of one community can be merged (${odd.code} differs)`)
    const merged = await trx.raw(sqlFile('grids/merge_union'), [rows.map((r) => r.id)])
    const m = merged.rows[0] as { geometry: string; connected: boolean; gaps: string | null }
    if (!m.connected) {
      throw topologyError([{
        feature: 0, code: codes.join(','), rule: 'merge_not_adjacent', location: m.gaps ? JSON.parse(m.gaps) as Geometry : null,
        message: 'the grids to merge must form one connected area, each sharing an edge with another',
      }])
    }
    const closedAssignments = await closeGrids(trx, rows.map((r) => r.code))
    const [code] = await allocate(trx, 'base', first.community_code, null, 1)
    const sum = (k: 'households' | 'population') => rows.some((r) => r[k] === null) ? null : rows.reduce((s, r) => s + (r[k] ?? 0), 0)
    const candidate = candidateFrom(first, JSON.parse(m.geometry) as StoredPolygon,
      { name: attrs.name ?? first.name, households: attrs.households ?? sum('households'), population: attrs.population ?? sum('population') }, code!)
    // the merged grid keeps the user field values of the first (lowest code) of the merged ones
    const grids = await commitCandidates(trx, principal, [candidate], { extras: new Map([[code!, first.extra]]) })
    return { grids, retired: rows.map((r) => r.code), closedAssignments }
  })
}
