// Grid reads: lists (bbox, community, kind, industry type, validity date), one grid, its
// version history, the coverage report; all restricted to the caller's jurisdiction.
import type { Knex } from 'knex'
import type { Feature, Geometry } from 'geojson'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { AREA_TOLERANCE_M2, type GridKind } from './topology.ts'
import type { Extra } from '../fields/validate.ts'

export interface GridFilter {
  bbox?: [number, number, number, number] | undefined
  community?: string | undefined
  kind?: GridKind | undefined
  industryType?: string | undefined
  /** Validity date: the versions valid at this instant; default now (current versions). */
  at?: Date | undefined
  limit: number
  offset: number
}

export interface GridRow {
  id: number; code: string; version: number; kind: GridKind; industry_type: string | null; name: string
  community_code: string; households: number | null; population: number | null
  valid_from: Date; valid_to: Date | null; geometry: Geometry; area_m2: number
  changed_by: string | null; changed_by_name: string | null
  /** User-defined field values (server/fields). */
  extra: Extra
}

export type GridFeature = Feature<Geometry, Record<string, unknown>>

function selectGrids(knex: Knex | Knex.Transaction) {
  return knex('grid').select('id', 'code', 'version', 'kind', 'industry_type', 'name', 'community_code',
    'households', 'population', 'valid_from', 'valid_to', 'changed_by', 'changed_by_name', 'extra',
    knex.raw('ST_AsGeoJSON(geom, 7, 0)::json AS geometry'),
    knex.raw('round(ST_Area(geom::geography)::numeric, 1) AS area_m2'))
}

export function toFeature(r: GridRow): GridFeature {
  return {
    type: 'Feature', id: r.code, geometry: r.geometry,
    properties: {
      code: r.code, version: r.version, kind: r.kind, industryType: r.industry_type, name: r.name,
      communityCode: r.community_code, households: r.households, population: r.population,
      validFrom: new Date(r.valid_from).toISOString(), validTo: r.valid_to ? new Date(r.valid_to).toISOString() : null,
      areaM2: Number(r.area_m2),
      changedBy: r.changed_by ? { username: r.changed_by, name: r.changed_by_name } : null,
      // user field names never shadow a built-in one (server/fields/definitions.ts)
      ...r.extra,
    },
  }
}

/** The versions valid at `at` (default: current rows), as a query to add filters to. */
function validAt(knex: Knex, q: Knex.QueryBuilder, at: Date | undefined): Knex.QueryBuilder {
  if (!at) return q.whereNull('valid_to')
  return q.where('valid_from', '<=', at).where((w) => w.whereNull('valid_to').orWhere('valid_to', '>', at))
}

export async function listGrids(knex: Knex, scope: Jurisdiction, f: GridFilter): Promise<GridFeature[]> {
  const q = validAt(knex, selectGrids(knex), f.at).orderBy('code').limit(f.limit).offset(f.offset)
  if (f.kind) q.where('kind', f.kind)
  if (f.industryType) q.where('industry_type', f.industryType)
  if (f.community) q.where('community_code', f.community)
  if (f.bbox) {
    // && uses the GiST index; ST_Intersects then drops grids whose box, not area, meets the bbox.
    q.whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4490) AND ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4490))', [...f.bbox, ...f.bbox])
  }
  const rows = await scope.apply(q, 'community_code') as GridRow[]
  return rows.map(toFeature)
}

/** The current version of a grid (or a given version), or undefined when missing or out of jurisdiction. */
export async function getGrid(knex: Knex | Knex.Transaction, scope: Jurisdiction, code: string, version?: number): Promise<GridRow | undefined> {
  const q = selectGrids(knex).where('code', code).first()
  if (version === undefined) q.whereNull('valid_to')
  else q.where('version', version)
  return scope.apply(q, 'community_code') as Promise<GridRow | undefined>
}

/** Every version of a grid, oldest first. */
export async function gridVersions(knex: Knex, scope: Jurisdiction, code: string): Promise<GridFeature[]> {
  const q = selectGrids(knex).where('code', code).orderBy('version')
  const rows = await scope.apply(q, 'community_code') as GridRow[]
  return rows.map(toFeature)
}

/** The next `n` free codes of a community (base) or of a community and industry type. */
export async function nextCodes(trx: Knex.Transaction, kind: GridKind, communityCode: string, objectClass: string | null, n: number): Promise<string[]> {
  const prefix = kind === 'base' ? communityCode : `${objectClass}${communityCode}`
  const width = kind === 'base' ? 3 : 2
  const result = await trx.raw(sqlFile('grids/next_sequence'), { from: prefix.length + 1, pattern: `${prefix}%`, length: prefix.length + width })
  const last = Number(result.rows[0]?.last ?? 0)
  if (last + n >= 10 ** width) return []
  return Array.from({ length: n }, (_, i) => `${prefix}${String(last + 1 + i).padStart(width, '0')}`)
}

export interface CoverageReport {
  community: string; name: string; gridCount: number; communityM2: number; coveredM2: number; coveredShare: number
  gaps: { type: 'FeatureCollection'; features: Feature[] }
  overlaps: { type: 'FeatureCollection'; features: Feature[] }
}

/** Gaps and overlaps of the community's current base grids; undefined when no such community. */
export async function coverage(knex: Knex, community: string): Promise<CoverageReport | undefined> {
  const result = await knex.raw(sqlFile('grids/coverage'), { community, tolerance: AREA_TOLERANCE_M2 })
  const r = result.rows[0]
  if (!r) return undefined
  type Part = { geometry: Geometry; areaM2: number; codes?: string[] }
  const features = (parts: Part[], kind: string): Feature[] => parts.map((p, i) => ({
    type: 'Feature', id: `${kind}-${i + 1}`, geometry: p.geometry,
    properties: { areaM2: Number(p.areaM2), ...(p.codes ? { codes: p.codes } : {}) },
  }))
  const communityM2 = Math.round(Number(r.community_m2) * 10) / 10
  const coveredM2 = Math.round(Number(r.covered_m2) * 10) / 10
  return {
    community: r.code, name: r.name, gridCount: Number(r.grid_count), communityM2, coveredM2,
    coveredShare: communityM2 > 0 ? Math.round((coveredM2 / communityM2) * 10000) / 10000 : 0,
    gaps: { type: 'FeatureCollection', features: features(r.gaps as Part[], 'gap') },
    overlaps: { type: 'FeatureCollection', features: features(r.overlaps as Part[], 'overlap') },
  }
}
