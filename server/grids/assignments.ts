// Member assignments (网格员 ↔ grid). Assignments reference the grid by code, so they survive
// boundary versions; they are closed (valid_to), never deleted, so "who served this grid on
// that day" stays answerable. One member may serve many grids (一员多格).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, notFound } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { assertWritable } from './versioning.ts'
import { getGrid } from './repository.ts'

export interface Assignment { memberId: number; isPrimary: boolean }

interface MemberRow {
  member_id: number; is_primary: boolean; valid_from: Date; name: string; phone: string | null
  duty: string; community_code: string; username: string | null
}

async function visibleGrid(knex: Knex | Knex.Transaction, principal: Principal, code: string) {
  const grid = await getGrid(knex, principal.jurisdiction, code)
  if (!grid) throw notFound(`no current grid ${code} in your jurisdiction`)
  return grid
}

export async function listMembers(knex: Knex, principal: Principal, code: string) {
  await visibleGrid(knex, principal, code)
  const result = await knex.raw(sqlFile('grids/members_list'), [code])
  return (result.rows as MemberRow[]).map((r) => ({
    memberId: Number(r.member_id), isPrimary: r.is_primary, since: new Date(r.valid_from).toISOString(),
    name: r.name, phone: r.phone, duty: r.duty, communityCode: r.community_code, username: r.username,
  }))
}

/**
 * Replaces the grid's current assignments with `wanted`: members no longer listed are closed,
 * new ones opened, the primary flag of kept ones updated in place. At most one primary member.
 */
export async function replaceMembers(knex: Knex, principal: Principal, code: string, wanted: Assignment[]): Promise<void> {
  const ids = wanted.map((w) => w.memberId)
  if (new Set(ids).size !== ids.length) throw new AppError(400, 'validation_failed', 'a member is listed twice')
  if (wanted.filter((w) => w.isPrimary).length > 1) throw new AppError(400, 'validation_failed', 'at most one primary member per grid')
  await knex.transaction(async (trx) => {
    const grid = await visibleGrid(trx, principal, code)
    assertWritable(principal, grid.community_code)
    // Row lock on the current grid version: concurrent PUTs on one grid run one after the other.
    await trx('grid').where({ id: grid.id }).forUpdate().first('id')
    await checkMembers(trx, principal, ids)
    const open = await trx('grid_assignment').where({ grid_code: code }).whereNull('valid_to').select('member_id', 'is_primary')
    const current = new Map(open.map((r: { member_id: number; is_primary: boolean }) => [Number(r.member_id), r.is_primary]))
    const gone = [...current.keys()].filter((id) => !ids.includes(id))
    if (gone.length) {
      await trx('grid_assignment').where({ grid_code: code }).whereIn('member_id', gone).whereNull('valid_to').update({ valid_to: trx.fn.now() })
    }
    for (const w of wanted) {
      if (!current.has(w.memberId)) {
        await trx('grid_assignment').insert({ grid_code: code, member_id: w.memberId, is_primary: w.isPrimary })
      } else if (current.get(w.memberId) !== w.isPrimary) {
        await trx('grid_assignment').where({ grid_code: code, member_id: w.memberId }).whereNull('valid_to').update({ is_primary: w.isPrimary })
      }
    }
  })
}

/** Every member must exist, be active and belong to a community inside the caller's jurisdiction. */
async function checkMembers(trx: Knex.Transaction, principal: Principal, ids: number[]): Promise<void> {
  if (!ids.length) return
  const found = await principal.jurisdiction.apply(
    trx('grid_member').whereIn('id', ids).where({ active: true }).select('id'), 'community_code')
  const known = new Set(found.map((r: { id: number }) => Number(r.id)))
  const missing = ids.filter((id) => !known.has(id))
  if (missing.length) {
    throw new AppError(400, 'unknown_member', `no active member ${missing.join(', ')} in your jurisdiction`, { members: missing })
  }
}

/** Ends one member's assignment to the grid. */
export async function removeMember(knex: Knex, principal: Principal, code: string, memberId: number): Promise<void> {
  const grid = await visibleGrid(knex, principal, code)
  assertWritable(principal, grid.community_code)
  const n = await knex('grid_assignment').where({ grid_code: code, member_id: memberId }).whereNull('valid_to').update({ valid_to: knex.fn.now() })
  if (!n) throw notFound(`member ${memberId} is not assigned to grid ${code}`)
}
