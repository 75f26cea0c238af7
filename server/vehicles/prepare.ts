// Validated vehicle rows → rows ready to write, checked against the database in a few set-based
// queries (a batch of 5,000 costs the same handful of statements as one): the resident owner
// exists inside the caller's jurisdiction (and gives the community and grid), a named owner's
// community is a community of the city inside the jurisdiction, the grid is a current base grid
// of that community, the ID number is sealed. A refusal names the row (its index) and the field.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { fieldRefusal, RowProblem } from '../registers/storeKit.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { sealIdNumber } from '../privacy/idNumber.ts'
import { parsePlate } from './plate.ts'
import type { VehicleRow } from './schemas.ts'

/** A vehicle row refused (its index in the batch, the field, the coded refusal). */
export class VehicleRowProblem extends RowProblem {
  override name = 'VehicleRowProblem'
}

/** The refusal of one field of a vehicle (400, 403 or 409), to be coded by the caller. */
export const refusal = fieldRefusal('vehicle')

export interface PreparedVehicle {
  community_code: string; grid_code: string | null; plate: string; plate_type: string; kind: string; use: string
  brand: string | null; colour: string | null; owner_relation: string; resident_id: number | null; owner_name: string | null
  owner_phone: string | null; id_sealed: string | null; id_index: string | null; id_masked: string | null; note: string | null; verified: boolean
}

export async function prepareVehicles(db: Knex | Knex.Transaction, p: Principal, cityCode: string, rows: (VehicleRow & { verified?: boolean })[]): Promise<PreparedVehicle[]> {
  const residentIds = [...new Set(rows.map((r) => r.residentId).filter((x): x is number => typeof x === 'number'))]
  const communities = [...new Set(rows.map((r) => r.communityCode).filter((x): x is string => typeof x === 'string'))]
  const grids = [...new Set(rows.map((r) => r.gridCode).filter((x): x is string => typeof x === 'string'))]
  const [residents, known, gridRows] = await Promise.all([
    residentIds.length ? p.jurisdiction.apply(db('resident').whereIn('id', residentIds).where('city_code', cityCode), 'community_code')
      .select('id', 'community_code', 'grid_code') as Promise<{ id: string; community_code: string; grid_code: string | null }[]> : [],
    communities.length ? db('admin_division').whereIn('code', communities).where({ level: 'community', city_code: cityCode }).pluck('code') as Promise<string[]> : [],
    grids.length ? db('grid').whereIn('code', grids).where({ kind: 'base' }).whereNull('valid_to').select('code', 'community_code') as Promise<{ code: string; community_code: string }[]> : [],
  ])
  const residentById = new Map(residents.map((r) => [Number(r.id), r]))
  const knownCommunities = new Set(known)
  const gridCommunity = new Map(gridRows.map((g) => [g.code, g.community_code]))
  const seen = new Map<string, number>()
  return rows.map((r, i) => {
    const first = seen.get(r.plate)
    if (first !== undefined) throw new VehicleRowProblem(i, 'plate', refusal(400, 'plate', `plate ${r.plate} is given twice (also row ${first + 1})`).coded('vehicles.plate_repeated', { field: 'plate', plate: r.plate, first: first + 1 }))
    seen.set(r.plate, i)
    const place = placeOf(r, i, p, residentById, knownCommunities, gridCommunity)
    const sealed = r.ownerIdNumber ? sealIdNumber(dataKeyring(), r.ownerIdNumber, 'vehicle.owner_id_number') : null
    return {
      ...place, plate: r.plate, plate_type: parsePlate(r.plate).type, kind: r.kind, use: r.use, brand: r.brand ?? null, colour: r.colour ?? null,
      owner_relation: r.ownerRelation ?? 'owner', resident_id: r.residentId ?? null,
      owner_name: r.residentId ? null : r.ownerName ?? null, owner_phone: r.residentId ? null : r.ownerPhone ?? null,
      id_sealed: sealed?.sealed ?? null, id_index: sealed?.blindIndex ?? null, id_masked: sealed?.masked ?? null,
      note: r.note ?? null, verified: r.verified === true,
    }
  })
}

function placeOf(r: VehicleRow, i: number, p: Principal, residents: Map<number, { community_code: string; grid_code: string | null }>,
  communities: Set<string>, grids: Map<string, string>): { community_code: string; grid_code: string | null } {
  if (r.residentId) {
    const res = residents.get(r.residentId)
    if (!res) throw new VehicleRowProblem(i, 'residentId', refusal(400, 'residentId', `no resident ${r.residentId} in your jurisdiction`).coded('vehicles.resident_not_found', { field: 'residentId', id: r.residentId }))
    return { community_code: res.community_code, grid_code: res.grid_code }
  }
  const community = r.communityCode!
  if (!communities.has(community)) throw new VehicleRowProblem(i, 'communityCode', refusal(400, 'communityCode', `${community} is not a community of this city`).coded('vehicles.community_unknown', { field: 'communityCode', code: community }))
  if (!p.jurisdiction.covers(community)) throw new VehicleRowProblem(i, 'communityCode', refusal(403, 'communityCode', `community ${community} lies outside your jurisdiction`).coded('vehicles.outside_jurisdiction', { field: 'communityCode', code: community }))
  if (r.gridCode && grids.get(r.gridCode) !== community) {
    throw new VehicleRowProblem(i, 'gridCode', refusal(400, 'gridCode', `${r.gridCode} is not a current base grid of community ${community}`).coded('vehicles.grid_unknown', { field: 'gridCode', grid: r.gridCode, code: community }))
  }
  return { community_code: community, grid_code: r.gridCode ?? null }
}
