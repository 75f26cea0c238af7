// PATCH /houses/{id}: an optimistic edit (the version read), in one transaction with its
// consequences: a house set to demolished flags the residents living in it, a house given a
// new point takes the base grid there and carries its residents along.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, notFound } from '../http/errors.ts'
import type { housePatchSchema } from './schema.ts'
import { readHouse, type HouseDbRow } from './store.ts'

type HousePatch = z.output<typeof housePatchSchema>

const COLUMNS: Partial<Record<keyof HousePatch, string>> = {
  fullAddress: 'full_address', building: 'building', unit: 'unit', room: 'room', use: 'use', area: 'area',
  ownerName: 'owner_name', ownerPhone: 'owner_phone', rented: 'rented', status: 'status', verifiedAt: 'verified_at',
}

export function versionConflict(kind: string, id: number, version: number): AppError {
  return new AppError(409, 'conflict', `${kind} ${id} was changed by someone else (now version ${version}): read it again`,
    { errors: [{ field: 'version', message: 'stale' }] }).coded('registers.version_conflict', { id, version })
}

export const houseNotFound = (id: number) => notFound(`no house ${id} in your jurisdiction`).coded('houses.not_found', { id })

export async function patchHouse(knex: Knex, p: Principal, city: string, id: number, body: HousePatch): Promise<HouseDbRow> {
  await knex.transaction(async (trx) => {
    const before = await readHouse(trx, p, city, id)
    if (!before) throw houseNotFound(id)
    const locked = await trx('house').where({ id }).forUpdate().first('version', 'status') as { version: number; status: string }
    if (locked.version !== body.version) throw versionConflict('house', id, locked.version)
    const set: Record<string, unknown> = { version: locked.version + 1, updated_at: trx.fn.now() }
    for (const [k, col] of Object.entries(COLUMNS) as [keyof HousePatch, string][]) {
      if (body[k] !== undefined) set[col] = body[k] ?? (k === 'use' ? 'residential' : k === 'rented' ? false : k === 'status' ? 'in_use' : null)
    }
    if (body.fullAddress === null) delete set.full_address
    if (body.verified) set.verified_at = trx.fn.now()
    if (set.status !== undefined) set.demolished_at = set.status === 'demolished' ? (locked.status === 'demolished' ? trx.ref('demolished_at') : trx.fn.now()) : null
    const point = body.lon != null && body.lat != null ? { lon: body.lon, lat: body.lat } : null
    const moved = point !== null
    if (point) {
      const { rows } = await trx.raw(sqlFile('people/grid_of_point'), point) as { rows: { code: string }[] }
      set.geom = trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [point.lon, point.lat])
      set.grid_code = rows[0]?.code ?? null
    }
    try {
      await trx('house').where({ id }).update(set)
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new AppError(409, 'conflict', `another house has the full address ${body.fullAddress ?? ''}`,
          { errors: [{ field: 'fullAddress', message: 'taken' }] }).coded('houses.address_taken', { fullAddress: body.fullAddress ?? '' })
      }
      throw err
    }
    if (set.status === 'demolished' && locked.status !== 'demolished') await trx.raw(sqlFile('people/house_flag_residents'), { ids: [id] })
    if (moved) await trx.raw(sqlFile('people/house_regrid_residents'), { id })
  })
  return (await readHouse(knex, p, city, id))!
}
