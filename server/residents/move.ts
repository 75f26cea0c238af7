// Changes of where a resident lives, each in one transaction that keeps the history: a move
// closes the current residence rows and opens one at the new house (or none: moved out), a
// further link adds a role at another house (registered here, living there), an edit changes the
// person's own fields. The resident row takes the house's point, grid and community.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import { versionConflict } from '../houses/patch.ts'
import type { linkSchema, moveSchema, residentPatchSchema } from './schema.ts'
import { readResident, type ResidentDbRow } from './store.ts'
import { defaultRole } from './write.ts'

export const residentNotFound = (id: number) => notFound(`no resident ${id} in your jurisdiction`).coded('residents.not_found', { id })

function fieldError(status: number, field: string, code: string, message: string, params: Record<string, unknown> = {}): AppError {
  return new AppError(status, status === 409 ? 'conflict' : status === 403 ? 'forbidden' : 'validation_failed', `${field}: ${message}`,
    { errors: [{ field, message }] }).coded(code, { field, ...params })
}

interface HouseRef { id: string; community_code: string; grid_code: string | null; status: string }

/** The house a resident is moved or linked to: in this city, standing, inside the jurisdiction. */
async function targetHouse(trx: Knex.Transaction, p: Principal, city: string, houseId: number): Promise<HouseRef> {
  const h = await trx('house').where({ id: houseId, city_code: city }).first('id', 'community_code', 'grid_code', 'status') as HouseRef | undefined
  if (!h) throw fieldError(400, 'houseId', 'residents.house_not_found', `no house ${houseId} in this city`, { house: houseId })
  if (h.status === 'demolished') throw fieldError(400, 'houseId', 'houses.demolished', `house ${houseId} is demolished: nobody can live there`, { id: houseId })
  if (!p.jurisdiction.covers(h.community_code)) {
    throw fieldError(403, 'houseId', 'residents.outside_jurisdiction', `house ${houseId} lies outside your jurisdiction`, { community: h.community_code })
  }
  return h
}

async function lockResident(trx: Knex.Transaction, p: Principal, city: string, id: number, version?: number): Promise<ResidentDbRow> {
  const r = await readResident(trx, p, city, id)
  if (!r) throw residentNotFound(id)
  const { version: now } = await trx('resident').where({ id }).forUpdate().first('version') as { version: number }
  if (version !== undefined && now !== version) throw versionConflict('resident', id, now)
  return r
}

export async function moveResident(knex: Knex, p: Principal, city: string, id: number, body: z.output<typeof moveSchema>): Promise<void> {
  await knex.transaction(async (trx) => {
    const r = await lockResident(trx, p, city, id, body.version)
    const house = body.houseId === null ? null : await targetHouse(trx, p, city, body.houseId)
    const links = JSON.stringify([{ resident_id: id, house_id: house?.id ?? null, role: body.role ?? defaultRole(r.kind) }])
    await trx.raw(sqlFile('people/residence_close'), { links })
    await trx.raw(sqlFile('people/residence_open'), { links, reason: body.reason ?? null })
    await trx('resident').where({ id }).update(house === null
      ? { house_id: null, moved_out_at: trx.fn.now(), flag: null, flagged_at: null, version: r.version + 1, updated_at: trx.fn.now() }
      : {
        house_id: house.id, community_code: house.community_code, grid_code: house.grid_code, moved_out_at: null, flag: null, flagged_at: null,
        geom: trx.raw('(SELECT geom FROM house WHERE id = ?)', [house.id]), version: r.version + 1, updated_at: trx.fn.now(),
      })
  })
}

export async function linkResident(knex: Knex, p: Principal, city: string, id: number, body: z.output<typeof linkSchema>): Promise<void> {
  await knex.transaction(async (trx) => {
    const r = await lockResident(trx, p, city, id)
    if (r.moved_out_at !== null) throw fieldError(409, 'houseId', 'residents.moved_out', `resident ${id} has moved out: move them in first`)
    await targetHouse(trx, p, city, body.houseId)
    try {
      await trx('resident_residence').insert({ resident_id: id, house_id: body.houseId, role: body.role, reason: body.reason ?? null })
    } catch (err) {
      const e = err as { code?: string; constraint?: string; message?: string }
      if (e.code !== '23505') throw err
      if ((e.constraint ?? e.message ?? '').includes('one_registered')) {
        throw fieldError(409, 'role', 'residents.registered_twice', 'the resident is registered at another house now: move them (one registered house at a time)')
      }
      throw fieldError(409, 'houseId', 'residents.already_linked', `the resident is linked to house ${body.houseId} already`, { house: body.houseId })
    }
    await trx('resident').where({ id }).update({ version: r.version + 1, updated_at: trx.fn.now() })
  })
}

const PATCH_COLUMNS = { name: 'name', phone: 'phone', kind: 'kind', nationality: 'nationality', verifiedAt: 'verified_at', idCardValidUntil: 'id_card_valid_until' } as const

export async function patchResident(knex: Knex, p: Principal, city: string, id: number, body: z.output<typeof residentPatchSchema>): Promise<void> {
  await knex.transaction(async (trx) => {
    const r = await lockResident(trx, p, city, id, body.version)
    const set: Record<string, unknown> = { version: r.version + 1, updated_at: trx.fn.now() }
    for (const [k, col] of Object.entries(PATCH_COLUMNS) as [keyof typeof PATCH_COLUMNS, string][]) {
      if (body[k] !== undefined) set[col] = body[k] ?? (k === 'nationality' ? 'CHN' : null)
    }
    if (body.verified) set.verified_at = trx.fn.now()
    if (body.householdNumber !== undefined) {
      if (body.householdNumber === null) set.household_id = null
      else {
        await trx.raw(sqlFile('people/household_upsert'), { city, rows: JSON.stringify([{ household_number: body.householdNumber, house_id: r.house_id, community_code: r.community_code }]) })
        set.household_id = (await trx('household').where({ city_code: city, household_number: body.householdNumber }).first('id') as { id: string }).id
      }
    }
    await trx('resident').where({ id }).update(set)
  })
}
