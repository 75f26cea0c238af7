// Grid sizing (网格规模评估, Jinan 5.1.1 c; the Anhui standard: a base grid of 300-500 households,
// about 1,000 people): the base grids of an area whose households fall outside the range, or
// whose workload per member is far from the city's median, each with the changes that would
// bring it back: a split along one of its roads (large or overloaded grids) or a merge with a
// neighbour of its community (small or underloaded ones), with the households and the workload
// each result would carry. A candidate is offered only when the write it names would pass:
// splits are judged by the same dry run as POST /grids/check (every topology rule, the grid
// replaced), merges by the merge's own rule (one community, sharing an edge). An analyst applies
// one with the request it carries (`apply`): the existing split or merge, nothing new.
import type { Knex } from 'knex'
import type { LineString } from 'geojson'
import type { Principal } from '../auth/users.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { notFound } from '../http/errors.ts'
import { dryRun } from './dryRun.ts'
import type { StoredPolygon } from './geometryInput.ts'

/** The Anhui standard's range of households for a base grid. */
export const HOUSEHOLDS = { min: 300, max: 500 } as const
/** A grid's workload per member this many times the city's median (or its inverse) is flagged. */
export const WORKLOAD_FACTOR = 2
/** Candidates offered per grid and kind. */
const MAX_CANDIDATES = 3
/** A split leaving a part under this share of the grid's area is a sliver, not a candidate. */
const MIN_PART_SHARE = 0.1

export type Flag = 'large' | 'small' | 'overloaded' | 'underloaded'

export interface SizingQuery { area?: string | undefined; days: number; all: boolean }

interface GridLoad {
  code: string; name: string; community_code: string; households: number | null; population: number | null; area_m2: number
  members: string; events: string; registered_households: string; workload: number; median_workload: number | null
}

interface SplitSide {
  road_id: string; road_name: string; road_kind: string; line: string; side: string; part: string
  area_m2: number; addresses: string; registered_households: string; events: string
}

interface Neighbour { code: string; name: string; households: number | null; registered_households: string; events: string; shared_m: number }

export interface Side { households: number; registeredHouseholds: number; addresses: number; events: number; areaM2: number }

export interface SplitCandidate {
  road: { id: number; name: string; kind: string }
  /** How each side's households were estimated: the declared count shared by doorplates, by the register's households, or by area. */
  basis: 'addresses' | 'register' | 'area'
  sides: [Side, Side]
  apply: { method: 'POST'; path: string; body: { line: LineString } }
}

export interface MergeCandidate {
  with: { code: string; name: string; households: number | null }
  households: number | null; registeredHouseholds: number; events: number; sharedEdgeM: number
  apply: { method: 'POST'; path: string; body: { codes: [string, string] } }
}

export interface SizedGrid {
  code: string; name: string; communityCode: string
  households: number | null; householdsBasis: 'declared' | 'register'; registeredHouseholds: number; population: number | null
  areaM2: number; members: number; events: number
  /** Events per member over the window (a grid without members counts as one). */
  workload: number
  /** workload / the city's median workload (null when the median is 0). */
  workloadRatio: number | null
  flags: Flag[]
  splits?: SplitCandidate[]
  merges?: MergeCandidate[]
}

/** Flags of one grid: households against the range, workload against the city's median. */
export function flagsOf(households: number | null, workload: number, median: number | null): Flag[] {
  const flags: Flag[] = []
  if (households !== null && households > HOUSEHOLDS.max) flags.push('large')
  if (households !== null && households < HOUSEHOLDS.min) flags.push('small')
  if (median !== null && median > 0) {
    if (workload > median * WORKLOAD_FACTOR) flags.push('overloaded')
    else if (workload < median / WORKLOAD_FACTOR) flags.push('underloaded')
  }
  return flags
}

/** How far a household count lies outside the range (0 inside it). */
const outside = (h: number) => Math.max(0, HOUSEHOLDS.min - h, h - HOUSEHOLDS.max)

export async function gridSizing(knex: Knex, principal: Principal, q: SizingQuery, now = new Date()): Promise<{
  area: string; since: string; rules: { households: [number, number]; workloadFactor: number; medianWorkload: number | null }
  counts: { grids: number; flagged: number }; grids: SizedGrid[]
}> {
  const cityCode = principal.cityCode
  if (!cityCode) throw notFound('no city for this caller')
  const area = q.area ?? `${cityCode}000000`
  // an area outside the caller's jurisdiction answers as one that does not exist
  if (!principal.jurisdiction.overlaps(area)) {
    throw notFound(`no area ${area} in your jurisdiction`)
  }
  const since = new Date(now.getTime() - q.days * 86_400_000)
  const { rows } = await knex.raw(sqlFile('grids/sizing_grids'), {
    city: `${cityCode.slice(0, 4)}%`, area: `${adminPrefix(area)}%`, patterns: principal.jurisdiction.patterns, since,
  }) as { rows: GridLoad[] }
  const median = rows[0]?.median_workload ?? null
  const grids: SizedGrid[] = []
  let flagged = 0
  for (const r of rows) {
    const registered = Number(r.registered_households)
    const declared = r.households
    const households = declared ?? (registered > 0 ? registered : null)
    const flags = flagsOf(households, r.workload, median)
    if (flags.length > 0) flagged++
    else if (!q.all) continue
    const g: SizedGrid = {
      code: r.code, name: r.name, communityCode: r.community_code,
      households, householdsBasis: declared === null ? 'register' : 'declared', registeredHouseholds: registered, population: r.population,
      areaM2: Math.round(Number(r.area_m2)), members: Number(r.members), events: Number(r.events),
      workload: round2(r.workload), workloadRatio: median ? round2(r.workload / median) : null, flags,
    }
    if (flags.includes('large') || flags.includes('overloaded')) g.splits = await splits(knex, principal, g, since)
    if (flags.includes('small') || flags.includes('underloaded')) g.merges = await merges(knex, g, since)
    grids.push(g)
  }
  return {
    area, since: since.toISOString(),
    rules: { households: [HOUSEHOLDS.min, HOUSEHOLDS.max], workloadFactor: WORKLOAD_FACTOR, medianWorkload: median === null ? null : round2(median) },
    counts: { grids: rows.length, flagged },
    grids,
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100

/** The grid's households shared between two parts: by doorplates, else the register, else area. */
export function shareHouseholds(total: number, a: { addresses: number; registered: number; area: number }, b: typeof a): { basis: SplitCandidate['basis']; a: number; b: number } {
  const by = a.addresses + b.addresses > 0 ? 'addresses' : a.registered + b.registered > 0 ? 'register' : 'area'
  const wa = by === 'addresses' ? a.addresses : by === 'register' ? a.registered : a.area
  const wb = by === 'addresses' ? b.addresses : by === 'register' ? b.registered : b.area
  const ha = Math.round(total * wa / (wa + wb))
  return { basis: by, a: ha, b: total - ha }
}

async function splits(knex: Knex, principal: Principal, g: SizedGrid, since: Date): Promise<SplitCandidate[]> {
  const { rows } = await knex.raw(sqlFile('grids/sizing_splits'), { code: g.code, since }) as { rows: SplitSide[] }
  const byLine = new Map<string, SplitSide[]>()
  for (const r of rows) byLine.set(`${r.road_id}|${r.line}`, [...byLine.get(`${r.road_id}|${r.line}`) ?? [], r])
  const total = g.households ?? g.registeredHouseholds
  const proposals: (SplitCandidate & { parts: [StoredPolygon, StoredPolygon]; score: number })[] = []
  for (const [a, b] of byLine.values()) {
    if (!a || !b) continue
    if (Math.min(a.area_m2, b.area_m2) < MIN_PART_SHARE * g.areaM2) continue
    const share = shareHouseholds(total,
      { addresses: Number(a.addresses), registered: Number(a.registered_households), area: a.area_m2 },
      { addresses: Number(b.addresses), registered: Number(b.registered_households), area: b.area_m2 })
    const side = (s: SplitSide, households: number): Side => ({
      households, registeredHouseholds: Number(s.registered_households), addresses: Number(s.addresses), events: Number(s.events), areaM2: Math.round(s.area_m2),
    })
    proposals.push({
      road: { id: Number(a.road_id), name: a.road_name, kind: a.road_kind }, basis: share.basis,
      sides: [side(a, share.a), side(b, share.b)],
      apply: { method: 'POST', path: `/api/v1/grids/${g.code}/split`, body: { line: JSON.parse(a.line) as LineString } },
      parts: [JSON.parse(a.part) as StoredPolygon, JSON.parse(b.part) as StoredPolygon],
      // households first (both sides inside the range), then the balance of workload
      score: outside(share.a) + outside(share.b) + Math.abs(Number(a.events) - Number(b.events)) / Math.max(1, g.events),
    })
  }
  proposals.sort((x, y) => x.score - y.score || x.road.id - y.road.id)
  const out: SplitCandidate[] = []
  for (const p of proposals) {
    if (out.length >= MAX_CANDIDATES) break
    const candidates = p.parts.map((geometry, i) => ({
      code: '', kind: 'base' as const, industryType: null, name: `${g.name}-${i + 1}`, communityCode: g.communityCode,
      households: p.sides[i]!.households, population: null, geometry,
    }))
    const judged = await dryRun(knex, principal, candidates, { replaces: [g.code], assignCodes: true })
    if (!judged.valid) continue
    const { parts: _parts, score: _score, ...candidate } = p
    out.push(candidate)
  }
  return out
}

async function merges(knex: Knex, g: SizedGrid, since: Date): Promise<MergeCandidate[]> {
  const { rows } = await knex.raw(sqlFile('grids/sizing_merges'), { code: g.code, since }) as { rows: Neighbour[] }
  const candidates = rows.map((n): MergeCandidate & { score: number } => {
    const households = g.households === null || n.households === null ? null : g.households + n.households
    return {
      with: { code: n.code, name: n.name, households: n.households },
      households, registeredHouseholds: g.registeredHouseholds + Number(n.registered_households), events: g.events + Number(n.events),
      sharedEdgeM: Math.round(n.shared_m),
      apply: { method: 'POST', path: '/api/v1/grids/merge', body: { codes: [g.code, n.code] } },
      score: households === null ? Infinity : outside(households) * 1000 + Math.abs(households - (HOUSEHOLDS.min + HOUSEHOLDS.max) / 2),
    }
  })
  candidates.sort((a, b) => a.score - b.score || a.with.code.localeCompare(b.with.code))
  return candidates.slice(0, MAX_CANDIDATES).map(({ score: _score, ...c }) => c)
}

