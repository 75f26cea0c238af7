// A vehicle row as the API answers it: the register's columns in camelCase, the owner's personal
// fields shown as the one masking rule decides (privacy/rule.ts through registers/access.ts), the
// ID number opened only when it is shown in full.
import type { Principal } from '../auth/users.ts'
import { dataKeyring } from '../privacy/keyring.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { registerAccess } from '../registers/access.ts'
import { DEFAULT_STALE_DAYS } from '../registers/views.ts'

/** A row not verified (核实) within the registers' cycle (DEFAULT_STALE_DAYS, 90 days) is stale. */
export const staleCutoff = (now = new Date()) => new Date(now.getTime() - DEFAULT_STALE_DAYS * 86_400_000)

export interface VehicleDbRow {
  id: string; city_code: string; community_code: string; grid_code: string | null; plate: string; plate_type: string
  kind: string; use: string; brand: string | null; colour: string | null; owner_relation: string; resident_id: string | null
  owner_name: string | null; owner_phone: string | null; id_sealed: string | null; id_masked: string | null
  note: string | null; verified_at: Date | null; version: number; created_at: Date; updated_at: Date; cursor_t: string
}

export const PERSONAL = { ownerName: 'name', ownerPhone: 'phone', ownerIdNumber: 'idNumber' } as const

/** The context the owner's ID number was sealed under: the resident's column or the vehicle's. */
export const sealContext = (r: Pick<VehicleDbRow, 'resident_id'>) => (r.resident_id !== null ? 'resident.id_number' : 'vehicle.owner_id_number')

/** The owner's personal fields in full (for a full read or an unmask). */
export function ownerInFull(r: VehicleDbRow): { ownerName: string | null; ownerPhone: string | null; ownerIdNumber: string | null } {
  return {
    ownerName: r.owner_name, ownerPhone: r.owner_phone,
    ownerIdNumber: r.id_sealed === null ? null : dataKeyring().decrypt(r.id_sealed, sealContext(r)),
  }
}

export function isStale(verifiedAt: Date | null, staleBefore = staleCutoff()): boolean {
  return verifiedAt === null || verifiedAt < staleBefore
}

export function accessOf(p: Principal, r: VehicleDbRow, grids: ReadonlySet<string>): Access {
  return registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
}

export function vehicleItem(r: VehicleDbRow, access: Access, staleBefore?: Date): Record<string, unknown> {
  // masked: the stored masked ID number is enough (mask() keeps the same four and four characters)
  const values = access === 'full' ? ownerInFull(r) : { ownerName: r.owner_name, ownerPhone: r.owner_phone, ownerIdNumber: r.id_masked }
  const owner = shown(access, PERSONAL, values, { type: 'vehicles', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  return {
    id: Number(r.id), plate: r.plate, plateType: r.plate_type, kind: r.kind, use: r.use, brand: r.brand, colour: r.colour,
    ownerRelation: r.owner_relation, residentId: r.resident_id === null ? null : Number(r.resident_id), ...owner,
    note: r.note, communityCode: r.community_code, gridCode: r.grid_code,
    verifiedAt: r.verified_at?.toISOString() ?? null, stale: isStale(r.verified_at, staleBefore), version: r.version,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}
