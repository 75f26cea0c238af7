// Where a team or party row lies, decided on write: the admin area it belongs to (jurisdiction),
// the base grid (from its point, or named for a row without one) and its city. A row placed
// outside the caller's jurisdiction is a 403; an unknown area or grid, or a point that contradicts
// the area, a 400 naming the field.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix } from '../db/jurisdiction.ts'

export interface LocationInput { communityCode?: string | undefined; gridCode?: string | null | undefined; lon?: number | undefined; lat?: number | undefined }
export interface Location { cityCode: string; communityCode: string; gridCode: string | null; lon: number | null; lat: number | null }

export const fieldError = (status: number, type: string, field: string, detail: string, code?: string, params: Record<string, unknown> = {}) => {
  const err = new AppError(status, type, `${field}: ${detail}`, { errors: [{ field, message: detail }] })
  return code ? err.coded(code, { field, ...params }) : err
}

interface Located { point_grid: string | null; point_community: string | null; grid_community: string | null; community_known: boolean }

/** Resolves and checks the place of a row being written (inside the caller's transaction). */
export async function resolveLocation(db: Knex | Knex.Transaction, p: Principal, input: LocationInput): Promise<Location> {
  const hasPoint = input.lon !== undefined && input.lat !== undefined
  const { rows } = await db.raw(sqlFile('teams/locate'), {
    lon: hasPoint ? input.lon! : null, lat: hasPoint ? input.lat! : null,
    gridCode: input.gridCode ?? null, communityCode: input.communityCode ?? null,
  }) as { rows: Located[] }
  const r = rows[0]!
  if (input.communityCode !== undefined && !r.community_known) {
    throw fieldError(400, 'validation_failed', 'communityCode', `no admin area ${input.communityCode}`, 'teams.unknown_area', { code: input.communityCode })
  }
  if (input.gridCode && !r.grid_community) {
    throw fieldError(400, 'validation_failed', 'gridCode', `no current base grid ${input.gridCode}`, 'teams.unknown_grid', { code: input.gridCode })
  }
  const pointCommunity = r.point_grid ? r.point_grid.slice(0, 12) : r.point_community
  const communityCode = input.communityCode ?? r.grid_community ?? pointCommunity
  if (!communityCode) {
    throw fieldError(400, 'validation_failed', 'communityCode', hasPoint ? 'the point lies in no community of the city: give communityCode' : 'give communityCode, gridCode or a point (lon, lat)',
      'teams.no_area')
  }
  if (!p.jurisdiction.covers(communityCode)) {
    throw fieldError(403, 'forbidden', 'communityCode', `${communityCode} is outside your jurisdiction`, 'teams.outside_jurisdiction', { code: communityCode })
  }
  const prefix = adminPrefix(communityCode)
  let gridCode: string | null = null
  if (hasPoint) {
    if (pointCommunity && !pointCommunity.startsWith(prefix)) {
      throw fieldError(400, 'validation_failed', 'lon', `the point lies in community ${pointCommunity}, outside ${communityCode}`, 'teams.point_outside_area',
        { code: communityCode, at: pointCommunity })
    }
    gridCode = r.point_grid
  } else if (input.gridCode) {
    if (!r.grid_community!.startsWith(prefix)) {
      throw fieldError(400, 'validation_failed', 'gridCode', `grid ${input.gridCode} lies outside ${communityCode}`, 'teams.grid_outside_area',
        { code: communityCode, at: input.gridCode })
    }
    gridCode = input.gridCode
  }
  return { cityCode: `${communityCode.slice(0, 4)}00`, communityCode, gridCode, lon: hasPoint ? input.lon! : null, lat: hasPoint ? input.lat! : null }
}
