// A line row as the API answers it: the register's columns in camelCase, the owner unit's contact
// shown as the one masking rule decides (privacy/rule.ts through registers/access.ts).
import type { Principal } from '../auth/users.ts'
import { shown, type Access } from '../privacy/rule.ts'
import { registerAccess } from '../registers/access.ts'
import { isStale } from '../vehicles/view.ts'

export interface LineDbRow {
  id: string; city_code: string; community_code: string; grid_code: string | null; code: string; name: string; kind: string
  guard_level: string; owner_unit: string | null; contact_name: string | null; contact_phone: string | null; tolerance_m: number
  length_m: number; component_count: number; note: string | null; verified_at: Date | null; version: number
  created_at: Date; updated_at: Date; cursor_t: string
}

export const PERSONAL = { contactName: 'name', contactPhone: 'phone' } as const

export function accessOf(p: Principal, r: LineDbRow, grids: ReadonlySet<string>): Access {
  return registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
}

/** Metres to the centimetre. */
export const metres = (m: number) => Math.round(Number(m) * 100) / 100

export function lineItem(r: LineDbRow, access: Access, staleBefore?: Date): Record<string, unknown> {
  const contact = shown(access, PERSONAL, { contactName: r.contact_name, contactPhone: r.contact_phone },
    { type: 'lines', id: String(r.id), recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  return {
    id: Number(r.id), code: r.code, name: r.name, kind: r.kind, guardLevel: r.guard_level, ownerUnit: r.owner_unit, ...contact,
    toleranceM: Number(r.tolerance_m), lengthM: metres(r.length_m), componentCount: Number(r.component_count), note: r.note,
    communityCode: r.community_code, gridCode: r.grid_code, verifiedAt: r.verified_at?.toISOString() ?? null, stale: isStale(r.verified_at, staleBefore),
    version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  }
}
