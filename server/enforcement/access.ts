// Who reads and writes enforcement records, and how an officer's personal fields (name,
// certificate number, phone) are shown: the one masking rule (server/privacy/rule.ts) with the
// team's department as the holder (the 执法局 that employs the officer sees its own officers in
// full; territory staff see them masked and may unmask one with a reason).
import type { Role } from '../auth/roles.ts'
import type { Principal } from '../auth/users.ts'
import { accessTo, shown, type Access } from '../privacy/rule.ts'
import type { PersonalKind } from '../privacy/fields.ts'
import { PLACE_READ_ROLES } from '../registers/access.ts'

/** Reads: the territory's staff, grid members, the departments and the GIS analysts (masked). */
export const ENFORCEMENT_READ_ROLES: readonly Role[] = PLACE_READ_ROLES
/** Writes (teams, officers, tasks, draws, results, supervision): the command centre, district and street staff, the departments. */
export const ENFORCEMENT_WRITE_ROLES: readonly Role[] = ['command_center', 'district_staff', 'street_staff', 'department']

export const OFFICER_PERSONAL: Record<'name' | 'certificateNo' | 'phone', PersonalKind> = { name: 'name', certificateNo: 'idNumber', phone: 'phone' }

export interface OfficerRow {
  id: string | number; team_id: string | number; team_name?: string; community_code: string; department_id: string | number | null
  name: string; certificate_no: string; phone: string | null; active: boolean; version: number
}

export function officerAccess(p: Principal, o: Pick<OfficerRow, 'community_code' | 'department_id'>): Access {
  const held = p.departmentId !== null && o.department_id !== null && Number(o.department_id) === p.departmentId
  return accessTo(p, { communityCode: o.community_code, heldByPrincipal: held })
}

/** An officer as the API answers it, personal fields as the rule decides (full reads noted for audit). */
export function officerView(p: Principal, o: OfficerRow) {
  const access = officerAccess(p, o)
  const f = shown(access, OFFICER_PERSONAL, { name: o.name, certificateNo: o.certificate_no, phone: o.phone },
    { type: 'enforcement-officers', id: String(o.id), recordId: Number(o.id), communityCode: o.community_code, prefix: '' })
  return {
    id: Number(o.id), teamId: Number(o.team_id), ...(o.team_name === undefined ? {} : { teamName: o.team_name }),
    communityCode: o.community_code, ...f, active: o.active, version: o.version, masked: access !== 'full', unmaskable: access === 'unmaskable',
  }
}
