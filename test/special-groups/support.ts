// Planting for the special-group tests: residents with sealed ID numbers (as the people register
// stores them) at points of a base grid, and a community of the tests' own under street 990102001
// (street1 and the command centre see it; the demo community user does not), so counts there are
// the tests' alone.
import type { Knex } from 'knex'
import { checkCharacter, sealIdNumber } from '../../server/privacy/idNumber.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'

export const OWN_COMMUNITY = '990102001195'
export const OWN_GRID = `${OWN_COMMUNITY}001`
const BOX = [116.34, 36.60, 116.35, 36.61] as const
const CITY = '990100'

let serial = Math.floor(Math.random() * 500)

/** A valid 18-digit ID number (region 990102, the given birth day, a serial of this run). */
export function idNumberFor(birth = '19850315', male = true): string {
  serial = (serial + 1) % 500
  const seq = String(serial * 2 + (male ? 1 : 0)).padStart(3, '0').slice(-3)
  const first17 = `990102${birth}${seq}`
  return first17 + checkCharacter(first17)
}

/** The tests' own community and base grid (once per database). */
export async function ownCommunity(knex: Knex): Promise<void> {
  if (await knex('admin_division').where({ code: OWN_COMMUNITY }).first('code')) return
  const rect = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]]] })
  const geom = knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [rect])
  await knex('admin_division').insert({ code: OWN_COMMUNITY, level: 'community', name: '特殊人群测试社区', parent_code: '990102001000', city_code: CITY, geom })
  await knex('grid').insert({ code: OWN_GRID, kind: 'base', name: '特殊人群测试网格', community_code: OWN_COMMUNITY, city_code: CITY, geom, valid_from: '2026-01-01' })
}

export interface PlantedResident { id: number; name: string; idNumber: string; community: string; grid: string | null; lon: number; lat: number }

/** A resident at a point inside a base grid (the grid's point on surface, nudged by `k` metres' worth). */
export async function plantResident(knex: Knex, grid: string, opts: { name?: string; birth?: string; phone?: string | null; k?: number } = {}): Promise<PlantedResident> {
  const g = await knex('grid').where({ code: grid }).first('community_code', knex.raw('ST_X(ST_PointOnSurface(geom)) AS lon'), knex.raw('ST_Y(ST_PointOnSurface(geom)) AS lat'))
  const idNumber = idNumberFor(opts.birth)
  const sealed = sealIdNumber(dataKeyring(), idNumber, 'resident.id_number')
  const name = opts.name ?? `测试${Math.random().toString(36).slice(2, 6).toUpperCase()}`
  const birth = idNumber.slice(6, 14)
  const lon = Number(g.lon) + (opts.k ?? 0) * 1e-5
  const lat = Number(g.lat)
  const [r] = await knex('resident').insert({
    city_code: CITY, community_code: g.community_code, grid_code: grid, name, gender: Number(idNumber[16]) % 2 ? 'M' : 'F',
    birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`, id_number_sealed: sealed.sealed,
    id_number_index: sealed.blindIndex, id_number_masked: sealed.masked, phone: opts.phone === undefined ? '13912345678' : opts.phone, kind: 'registered',
    geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, lat]),
  }).returning('id')
  return { id: Number(r.id), name, idNumber, community: g.community_code, grid, lon, lat }
}

/** The first current base grid of a community. */
export async function baseGridOf(knex: Knex, community: string, nth = 0): Promise<string> {
  const rows = await knex('grid').where({ community_code: community, kind: 'base' }).whereNull('valid_to').orderBy('code').select('code')
  return rows[nth]!.code as string
}

/** The special-group audit rows of a request. */
export const auditRowsOf = (knex: Knex, requestId: string) =>
  knex('access_audit').where({ request_id: requestId }).orderBy('id').select('action', 'resource_type', 'resource_id', 'fields', 'personal', 'username', 'reason') as
    Promise<{ action: string; resource_type: string | null; resource_id: string | null; fields: string[]; personal: boolean; username: string; reason: string | null }[]>

export const rid = (what: string) => `sg-${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

/**
 * Removes the tests' own communities (990102001193-195, 30 km and more from the demo city) with
 * everything planted in them: the shared test database must not keep them, the map pages and the
 * PMTiles export fit the district's extent.
 */
export async function removeOwnCommunities(knex: Knex): Promise<void> {
  const codes = ['990102001193', '990102001194', OWN_COMMUNITY]
  await knex.transaction(async (trx) => {
    const residents = trx('resident').whereIn('community_code', codes).select('id')
    const groups = trx('special_group').whereIn('resident_id', residents).select('id')
    await trx('special_visit').whereIn('special_group_id', groups).delete()
    await trx('special_visit_plan').whereIn('special_group_id', groups).delete()
    await trx('special_group').whereIn('resident_id', residents).delete()
    await trx('vehicle').whereIn('resident_id', residents).delete()
    await trx('household').whereIn('head_resident_id', residents).update({ head_resident_id: null })
    await trx('resident').whereIn('community_code', codes).delete()
    await trx('grid').whereIn('community_code', codes).delete()
    await trx('admin_division').whereIn('code', codes).delete()
  })
}
