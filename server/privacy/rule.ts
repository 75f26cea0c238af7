// The one masking rule: for a principal and a record, whether its personal fields are shown in
// full, masked but open to an audited unmask (unmask.ts), or masked. Every channel that returns
// personal fields asks here (events: store.ts eventView; members: search).
//
// - command_center: full on every record of its jurisdiction (it dispatches and calls back).
// - the holder of the record (the unit or grid member handling an event; for a grid member,
//   their department and the territory office of their community): full, inside the jurisdiction.
// - district, street and community staff: the right over their area, but a case they do not
//   handle is shown masked; they may unmask one record with a reason.
// - department and grid_inspector: only the cases they hold; others masked, no unmask.
// - gis_analyst, external_system (API keys: the third parties of the README), public and auditor: never.
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { mask, type PersonalKind } from './fields.ts'
import { noteFullRead } from '../audit/scope.ts'

export type Access = 'full' | 'unmaskable' | 'masked'
type Right = 'city' | 'territory' | 'holder' | 'never'

export const ROLE_RIGHT: Record<Role, Right> = {
  command_center: 'city', district_staff: 'territory', street_staff: 'territory', community_staff: 'territory',
  department: 'holder', grid_inspector: 'holder', gis_analyst: 'never', external_system: 'never', public: 'never', auditor: 'never',
}

export interface PersonalRecord {
  /** the record's 12-digit community code (jurisdiction) */
  communityCode: string
  /** whether the principal acts for the unit or member that holds the record (computed by the channel) */
  heldByPrincipal: boolean
}

export function accessTo(p: Principal, rec: PersonalRecord): Access {
  const right = ROLE_RIGHT[p.role]
  if (right === 'never' || !p.jurisdiction.covers(rec.communityCode)) return 'masked'
  if (right === 'city' || rec.heldByPrincipal) return 'full'
  return right === 'territory' ? 'unmaskable' : 'masked'
}

/** The record a delivery belongs to, for the access audit: collection, public id, field prefix. */
export interface AuditedRecord { type: string; id: string; recordId?: number | null; communityCode: string | null; prefix: string }

/**
 * The fields as this access shows them: values unchanged when full, masked otherwise (null stays
 * null). A full delivery of at least one value is noted for the access audit (server/audit/: one
 * row per record and request, written when the request ends).
 */
export function shown<K extends string>(access: Access, kinds: Record<K, PersonalKind>, values: Record<K, string | null>,
  record?: AuditedRecord): Record<K, string | null> {
  const out = {} as Record<K, string | null>
  const full: string[] = []
  for (const k of Object.keys(kinds) as K[]) {
    const v = values[k]
    out[k] = v === null || v === '' ? null : access === 'full' ? v : mask(kinds[k], v)
    if (access === 'full' && out[k] !== null) full.push(`${record?.prefix ?? ''}${k}`)
  }
  if (record && full.length) noteFullRead({ type: record.type, id: record.id, recordId: record.recordId, communityCode: record.communityCode, fields: full })
  return out
}
