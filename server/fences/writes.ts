// Fence writes: create, replace (optimistic `version`), deactivate. Each runs in one
// transaction that uses only `trx` (the embedded database has a single connection). The
// fence_revision trigger (0017) moves the city's revision in the same transaction, so ingest
// and the scheduler pass pick the change up with their next batch.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { fieldError, storedShape, type StoredShape } from './shapeInput.ts'
import type { FenceInput, FenceUpdate } from './schemas.ts'

/** The fence's area: the one given (inside the jurisdiction, 403 otherwise), else the caller's only area. */
async function ownerArea(trx: Knex.Transaction, p: Principal, given: string | undefined): Promise<string> {
  const prefixes = p.jurisdiction.prefixes
  const code = given ?? (prefixes.length === 1 ? prefixes[0]!.padEnd(12, '0') : undefined)
  if (!code) throw fieldError(400, 'validation_failed', 'adminCode', 'is required: you have several areas')
  if (!p.jurisdiction.covers(code)) throw forbidden(`invalid fence: adminCode: area ${code} is outside your jurisdiction`)
  const exists = await trx('admin_division').where({ code }).first('code')
  if (!exists) throw fieldError(400, 'unknown_area', 'adminCode', `no admin division ${code}`)
  return code
}

/**
 * The members a fence watches. Given: each must be an active member inside the caller's
 * jurisdiction (unknown and outside answer alike, so ids cannot be probed). Not given: a grid
 * fence watches the members assigned to its grids now; other fences watch nobody in
 * particular (empty = every device whose area lies in the fence's area).
 */
async function watchedMembers(trx: Knex.Transaction, p: Principal, input: FenceInput | FenceUpdate, shape: StoredShape): Promise<number[]> {
  if (input.memberIds) {
    const rows = await trx('grid_member').whereIn('id', input.memberIds).where('active', true).select('id', 'community_code')
    const ok = new Set(rows.filter((r) => p.jurisdiction.covers(r.community_code)).map((r) => Number(r.id)))
    const bad = input.memberIds.findIndex((id) => !ok.has(id))
    if (bad >= 0) throw fieldError(400, 'unknown_member', `memberIds[${bad}]`, `no active grid member ${input.memberIds[bad]} in your jurisdiction`)
    return input.memberIds
  }
  if (!shape.gridCodes.length) return []
  const rows = await trx('grid_assignment as a').join('grid_member as m', 'm.id', 'a.member_id')
    .whereIn('a.grid_code', shape.gridCodes).whereNull('a.valid_to').where('m.active', true)
    .distinct('a.member_id').orderBy('a.member_id')
  return rows.map((r) => Number(r.member_id))
}

function columns(input: FenceInput | FenceUpdate, area: string, shape: StoredShape, members: number[]) {
  return {
    admin: area, city: `${area.slice(0, 4)}00`, name: input.name, kind: input.kind, source: JSON.stringify(shape.source),
    gridCodes: shape.gridCodes, geom: shape.geom, rules: JSON.stringify(input.rules),
    schedule: input.schedule === null ? null : JSON.stringify(input.schedule), memberIds: members,
  }
}

export async function createFence(knex: Knex, p: Principal, input: FenceInput): Promise<number> {
  return knex.transaction(async (trx) => {
    const area = await ownerArea(trx, p, input.adminCode)
    const shape = await storedShape(trx, input, { jurisdiction: p.jurisdiction, adminCode: area, areaPrefix: adminPrefix(area) })
    const members = await watchedMembers(trx, p, input, shape)
    const { rows } = await trx.raw(sqlFile('fences/insert'), { ...columns(input, area, shape, members), createdBy: p.userId })
    return Number(rows[0].id)
  })
}

interface Locked { id: number; version: number; admin_code: string; city_code: string; active: boolean }

/** The fence, locked for the rest of the transaction, if the caller may see it (404 otherwise). */
async function lockFence(trx: Knex.Transaction, p: Principal, id: number): Promise<Locked> {
  const row = await p.jurisdiction.apply(trx('fence').where('id', id), 'admin_code').forUpdate()
    .first('id', 'version', 'admin_code', 'city_code', 'active') as Locked | undefined
  if (!row) throw notFound(`no fence ${id} in your jurisdiction`)
  return row
}

/** Replaces a fence. A stale version is a 409 naming the current one; the area defaults to the fence's own. */
export async function updateFence(knex: Knex, p: Principal, id: number, input: FenceUpdate): Promise<void> {
  await knex.transaction(async (trx) => {
    const f = await lockFence(trx, p, id)
    if (f.version !== input.version) {
      throw new AppError(409, 'version_conflict', `fence ${id} is at version ${f.version}, not ${input.version}: read it again and reapply your change`,
        { currentVersion: f.version })
    }
    const area = await ownerArea(trx, p, input.adminCode ?? f.admin_code)
    if (area.slice(0, 4) !== f.city_code.slice(0, 4)) throw badRequest('invalid fence: adminCode: a fence cannot move to another city', { errors: [{ field: 'adminCode', message: 'another city' }] })
    const shape = await storedShape(trx, input, { jurisdiction: p.jurisdiction, adminCode: area, areaPrefix: adminPrefix(area) })
    const members = await watchedMembers(trx, p, input, shape)
    await trx.raw(sqlFile('fences/update'), { ...columns(input, area, shape, members), id, active: input.active ?? f.active })
  })
}

/**
 * DELETE: the fence stops watching but stays, with its alerts (history: who was where, and
 * what the fence looked like then). Its per-device states go: they would be stale by the time
 * it is switched on again (PUT with active: true), which starts it afresh.
 * Deactivating an inactive fence changes nothing.
 */
export async function deactivateFence(knex: Knex, p: Principal, id: number): Promise<void> {
  await knex.transaction(async (trx) => {
    const f = await lockFence(trx, p, id)
    if (!f.active) return
    await trx('fence').where('id', id).update({ active: false, version: f.version + 1, updated_at: trx.fn.now() })
    await trx('fence_state').where('fence_id', id).delete()
  })
}
