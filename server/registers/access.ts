// Who reads and writes the registers, and how a register row's personal fields are shown: the one
// masking rule (server/privacy/rule.ts) with the grid as the holder of the row. The inspector who
// serves a grid collects its people and places (基础信息采集), so rows in the grids a member serves
// are held by that member and shown in full; other staff of the territory see them masked and
// may unmask one with a reason.
import type { Knex } from 'knex'
import type { Context } from 'koa'
import type { Role } from '../auth/roles.ts'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { accessTo, type Access } from '../privacy/rule.ts'

/** People and houses (实有人口/房屋): the staff of the territory and the grid members. */
export const PEOPLE_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'grid_inspector']
/** Places, units, organisations, lines, vehicles, teams, party: also the departments and GIS analysts (masked). */
export const PLACE_READ_ROLES: readonly Role[] = [...PEOPLE_ROLES, 'department', 'gis_analyst']
/** Who collects and corrects register rows (within their jurisdiction). */
export const REGISTER_WRITE_ROLES: readonly Role[] = PEOPLE_ROLES

const served = new WeakMap<Context, Promise<Set<string>>>()

/** The base grid codes the principal serves as a grid member now; empty for everyone else. */
export async function servedGrids(knex: Knex, p: Principal): Promise<Set<string>> {
  if (p.userId === null || p.role !== 'grid_inspector') return new Set()
  const { rows } = await knex.raw(sqlFile('registers/served_grids'), { userId: p.userId }) as { rows: { grid_code: string }[] }
  return new Set(rows.map((r) => r.grid_code))
}

/** servedGrids once per request. */
export function servedGridsOf(ctx: Context, knex: Knex, p: Principal): Promise<Set<string>> {
  let known = served.get(ctx)
  if (!known) served.set(ctx, known = servedGrids(knex, p))
  return known
}

/** How this principal sees the personal fields of a register row placed in a community and grid. */
export function registerAccess(p: Principal, row: { communityCode: string; gridCode: string | null }, grids: ReadonlySet<string>): Access {
  return accessTo(p, { communityCode: row.communityCode, heldByPrincipal: row.gridCode !== null && grids.has(row.gridCode) })
}
